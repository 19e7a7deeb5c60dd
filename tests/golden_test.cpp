// Golden tests: every tests/golden/cases/*.stack is checked by the real command line, and what it
// prints (exit code, stdout, stderr) must equal the .out file beside it, byte for byte.
// A case may start with `# args: ...` to add options. Refresh with tests/update-golden.sh
// (STACKC_UPDATE_GOLDEN=1). Also: every diagnostic code has a page and a failing case.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include "base/diagnostics.hpp"
#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

using stackc::testing::Run;
using stackc::testing::run;

std::vector<fs::path> cases() {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator("tests/golden/cases"))
    if (e.path().extension() == ".stack" || e.path().extension() == ".yaml")
      out.push_back(fs::path("tests/golden/cases") / e.path().filename());
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> case_args(const fs::path& p) {
  // A YAML case is imported (`stackc import`); its `# args:` line adds options to that.
  std::vector<std::string> args{p.extension() == ".yaml" ? "import" : "check"};
  if (fs::is_regular_file(p)) {
    std::string text = slurp(p);
    if (text.rfind("# args:", 0) == 0) {
      std::istringstream line(text.substr(7, text.find('\n') - 7));
      std::string a;
      while (line >> a) args.push_back(a);
      // `# args: build ...` (or `graph`, `plan`) runs another subcommand instead of `check`.
      if (args.size() > 1 && (args[1] == "build" || args[1] == "graph" || args[1] == "plan"))
        args.erase(args.begin());
    }
  }
  args.push_back(p.string());
  return args;
}

std::string render(const Run& r) {
  return "exit: " + std::to_string(r.code) + "\n--- stdout\n" + r.out + "--- stderr\n" + r.err;
}

class Golden : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::current_path(STACKC_SOURCE_DIR);
    setenv("NO_COLOR", "1", 1);
  }
};

TEST_F(Golden, EveryCaseMatchesItsOutput) {
  bool update = std::getenv("STACKC_UPDATE_GOLDEN") != nullptr;
  auto all = cases();
  ASSERT_FALSE(all.empty());
  for (const auto& c : all) {
    SCOPED_TRACE(c.string());
    std::string got = render(run(case_args(c)));
    fs::path golden = c;
    golden.replace_extension(".out");
    if (update) {
      std::ofstream(golden, std::ios::binary) << got;
      continue;
    }
    ASSERT_TRUE(fs::exists(golden)) << "no golden file; run tests/update-golden.sh";
    EXPECT_EQ(got, slurp(golden));
  }
}

TEST_F(Golden, ExamplesCheckClean) {
  for (const auto& e : fs::directory_iterator("examples")) {
    for (const auto& f : fs::directory_iterator(e.path())) {
      if (f.path().extension() != ".stack") continue;
      SCOPED_TRACE(f.path().string());
      auto r = run({"check", f.path().string()});
      EXPECT_EQ(r.code, 0) << r.err;
      EXPECT_EQ(r.err, "");
    }
  }
}

TEST_F(Golden, EveryCodeHasAPageAndAFailingCase) {
  std::set<std::string> seen;
  for (const auto& c : cases()) {
    fs::path golden = c;
    golden.replace_extension(".out");
    std::string text = fs::exists(golden) ? slurp(golden) : "";
    for (const auto& ci : stackc::base::all_codes())
      if (text.find("[" + std::string(ci.id) + "]") != std::string::npos ||
          text.find("\"" + std::string(ci.id) + "\"") != std::string::npos)
        seen.insert(std::string(ci.id));
  }
  for (const auto& ci : stackc::base::all_codes()) {
    std::string id(ci.id);
    fs::path page = fs::path("specs/diagnostics") / (id + ".md");
    EXPECT_TRUE(fs::exists(page)) << id << " has no page " << page;
    if (fs::exists(page)) {
      std::string text = slurp(page);
      EXPECT_TRUE(text.find("```stack") != std::string::npos ||
                  text.find("```yaml") != std::string::npos)
          << page << " has no example";
      EXPECT_EQ(text.rfind("# " + id, 0), 0u) << page << " must start with `# " << id << "`";
    }
    EXPECT_TRUE(seen.count(id)) << id << " has no failing case in tests/golden/cases";
  }
}

TEST_F(Golden, FormatterRoundTripsExamplesAndStdlib) {
  std::vector<fs::path> files;
  for (const auto& dir : {"examples", "stdlib/std"})
    for (const auto& e : fs::recursive_directory_iterator(dir))
      if (e.path().extension() == ".stack" || e.path().extension() == ".yaml")
        files.push_back(e.path());
  ASSERT_FALSE(files.empty());
  for (const auto& f : files) {
    SCOPED_TRACE(f.string());
    auto r = run({"fmt", "--stdout", f.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, slurp(f)) << "not in canonical form: run `stackc fmt " << f.string() << "`";
  }
}

}  // namespace

namespace {

// The committed out/ is what the current compiler builds from the examples (the GitOps check).
TEST_F(Golden, CommittedOutIsUpToDate) {
  for (const auto& e : fs::directory_iterator("examples")) {
    for (const auto& f : fs::directory_iterator(e.path())) {
      if (f.path().extension() != ".stack") continue;
      SCOPED_TRACE(f.path().string());
      auto r = run({"build", "--check", f.path().string()});
      EXPECT_EQ(r.code, 0) << r.out << r.err << "run `stackc build " << f.path().string() << "`";
    }
  }
}

}  // namespace
