// The hostile corpus (tests/hostile/make.py, issue 18's audit): every input must end with
// diagnostics or a result, with output of a size bounded by the input, and never crash or hang.
// Nothing here measures time (bench/hostile.sh does); an input that hangs fails by the test's
// timeout. Also: `fmt` keeps symbolic links, mode and owner; imports that are symbolic link
// loops, pipes or over the size limit are reported with their reason.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;
using stackc::testing::run;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class Hostile : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::current_path(STACKC_SOURCE_DIR);
    setenv("NO_COLOR", "1", 1);
    tmp_ = fs::temp_directory_path() / ("stackc-hostile-" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = tmp_ / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path tmp_;
};

const char* kStack = R"(stack shop { registry = "ghcr.io/shop"  version = "1.0.0" }
cluster main { nodes = 2  node { cpu = 4  memory = 16Gi } }
environment prod { cluster = main }
)";

struct Expect {
  int code;
  std::string has;  // in stdout + stderr
};

// What each case of make.py must give.
const std::map<std::string, Expect> kExpect = {
    {"template-doubling-30", {0, ""}},
    {"template-doubling-34", {1, "error[E2026]: `from t31` makes a chain of 33 templates"}},
    {"template-chain-40", {1, "error[E2026]"}},
    {"template-chain-100000", {1, "error[E2026]"}},
    {"template-cycle-10001",
     {1,
      "template `t0` applies itself: t0 -> t1 -> t2 -> t3 -> ... 9994 more ... -> t9998 -> "
      "t9999 -> t10000 -> t0\n"}},
    {"unknown-keys-16000",
     {1,
      "note: 15800 more errors and 0 more warnings are not shown (stackc prints the first 200 "
      "diagnostics)\n16000 errors, 0 warnings\n"}},
    {"unknown-keys-16000-json", {1, "\"omitted\": 15800,"}},
    {"unknown-keys-16000-sarif", {1, "\"omittedResults\": 15800"}},
    {"env-32000", {0, ""}},
    {"fmt-long-key", {0, ""}},
    {"comma-statements", {0, ""}},
    {"comma-statements-fmt", {0, "metrics   { counter requests_total, gauge in_flight }"}},
    {"replicas-20m",
     {0,
      "warning[W0003]: at maximum replicas, 19999200 pods of `prod` would not fit 2 nodes of "
      "`main`, the first a pod of `s0`"}},
    {"replicas-20m-plan-json",
     {0,
      "\"unplaced\": [\n        {\n          \"workload\": \"s0\",\n          \"count\": 99200\n"}},
    {"sparse-1g", {2, "error[E0002]: cannot read"}},
    {"dev-zero", {2, "error[E0003]: cannot read `/dev/zero`: it is a character device"}},
    {"dev-zero-fmt", {2, "error[E0003]"}},
    {"fifo-root", {2, "error[E0003]: cannot read"}},
    {"fifo-import", {1, "error[E0003]: cannot import `./fifo.stack`: it is a named pipe (FIFO)"}},
    {"symlink-loop", {1, "error[E2014]: cannot import `./loop.stack`: it is a symbolic link loop"}},
};

TEST_F(Hostile, EveryInputEndsWithDiagnosticsOrAResult) {
  fs::path dir = tmp_ / "corpus";
  ASSERT_EQ(std::system(("python3 tests/hostile/make.py " + dir.string()).c_str()), 0);
  std::istringstream cases(slurp(dir / "cases.txt"));
  std::string line;
  std::size_t n = 0;
  while (std::getline(cases, line)) {
    std::vector<std::string> args;
    std::istringstream fields(line);
    std::string name, f;
    std::getline(fields, name, '\t');
    while (std::getline(fields, f, '\t')) {
      if (auto at = f.find("{dir}"); at != std::string::npos) f.replace(at, 5, dir.string());
      args.push_back(f);
    }
    SCOPED_TRACE(name);
    ASSERT_TRUE(kExpect.count(name)) << "no expectation for " << name;
    const Expect& want = kExpect.at(name);
    auto r = run(args);
    EXPECT_EQ(r.code, want.code) << r.err.substr(0, 2000);
    EXPECT_NE((r.out + r.err).find(want.has), std::string::npos) << r.err.substr(0, 2000);
    // Output bounded by the input: no quadratic echo of lines, cycles or padding.
    std::uintmax_t input = 0;
    for (const auto& a : args)
      if (fs::is_regular_file(a)) input = std::max(input, fs::file_size(a));
    EXPECT_LT(r.out.size() + r.err.size(), 2 * std::min<std::uintmax_t>(input, 1 << 20) + 100000);
    ++n;
  }
  EXPECT_EQ(n, kExpect.size());
}

// A formatted comma-separated body means what it meant: the same model.
TEST_F(Hostile, FormattedCommaStatementsKeepTheirMeaning) {
  auto p = write("c.stack", std::string(kStack) + R"(service api {
  image = "api"  port http = 8080  cpu = 100m  memory = 64Mi
  metrics { counter requests_total, gauge in_flight }
}
)");
  auto before = run({"check", "--dump-model", p.string()});
  ASSERT_EQ(before.code, 0) << before.err;
  ASSERT_EQ(run({"fmt", p.string()}).code, 0);
  auto after = run({"check", "--dump-model", p.string()});
  EXPECT_EQ(after.code, 0) << after.err;
  EXPECT_EQ(after.out, before.out);
  EXPECT_EQ(run({"fmt", "--check", p.string()}).code, 0);
}

TEST_F(Hostile, FmtWritesThroughASymlinkAndKeepsModeAndOwner) {
  auto target = write("real/target.stack", "stack   s {\n}\n");
  ASSERT_EQ(::chmod(target.c_str(), 0600), 0);
  bool root = ::geteuid() == 0;
  if (root) {
    ASSERT_EQ(::chown(target.c_str(), 1234, 1235), 0);
  }
  fs::path link = tmp_ / "link.stack";
  fs::create_symlink("real/target.stack", link);
  auto r = run({"fmt", link.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(fs::is_symlink(link));
  EXPECT_EQ(slurp(target), "stack s {}\n");
  struct stat st {};
  ASSERT_EQ(::stat(target.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 07777, 0600u);
  if (root) {
    EXPECT_EQ(st.st_uid, 1234u);
    EXPECT_EQ(st.st_gid, 1235u);
  }
  // No temporary file is left beside it.
  EXPECT_EQ(std::distance(fs::directory_iterator(target.parent_path()), fs::directory_iterator()),
            1);
}

TEST_F(Hostile, FmtOfAFileInAMissingFolderSaysWhy) {
  write("file.stack", "stack s {}\n");
  auto r = run({"fmt", (tmp_ / "file.stack" / "x.stack").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("Not a directory"), std::string::npos) << r.err;
}

TEST_F(Hostile, TheStackAsAWholeIsLimited) {
  write("common.stack", "template web for service { cpu = 100m  memory = 64Mi }\n");
  auto main = write("main.stack", "import \"./common.stack\"\n" + std::string(kStack));
  auto size = fs::file_size(main);
  auto r = run({"check", "--max-input=" + std::to_string(size + 20), main.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E0002]: cannot import `./common.stack` (55 bytes): the stack would "
                       "be larger than"),
            std::string::npos)
      << r.err;
  auto fits = run({"check", "--max-input=" + std::to_string(size + 55), main.string()});
  EXPECT_EQ(fits.err.find("E0002"), std::string::npos) << fits.err;
}

}  // namespace
