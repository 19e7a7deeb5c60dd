// The writer's spools: text set aside in unnamed files while a build runs, written and compared
// as parts of the files it belongs to.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/write.hpp"

namespace {

namespace fs = std::filesystem;
using stackc::driver::Writer;
using stackc::emit::File;
using stackc::emit::Output;
using stackc::emit::Part;
using stackc::emit::SpooledText;

class Spooling : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("stackc-write-" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  static std::vector<std::string> listing(const fs::path& dir) {
    std::vector<std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
      out.push_back(fs::relative(e.path(), dir).string());
    std::sort(out.begin(), out.end());
    return out;
  }
  fs::path tmp_;
};

// Three MiB and a bit of numbered lines, made a line at a time; line `odd` (if any) starts with
// `z` instead of `tag` (the same size, one byte apart).
constexpr int kNone = -1;
constexpr int kDeep = 150000;  // about 2 MiB in: inside the spooled part, past its first MiB
std::string lines(SpooledText& t, char tag, int odd = kNone) {
  std::string all;
  for (int i = 0; all.size() < (std::size_t{3} << 20) + 1000; ++i) {
    std::string line = std::string(1, i == odd ? 'z' : tag) + std::to_string(i) + " a line\n";
    all += line;
    t.rest += line;
    t.spill();
  }
  t.end();
  return all;
}

TEST_F(Spooling, SpooledTextIsWrittenComparedAndRewrittenWhole) {
  const fs::path dir = tmp_ / "out";
  std::string want;
  {
    Writer w(dir, Writer::Mode::Write);
    std::string error;
    ASSERT_TRUE(w.begin(error)) << error;
    Output out;
    out.spool = [&w] { return w.spool(); };
    // Two texts, as the two lowering threads make them, then a tail in memory.
    SpooledText a{out.spool}, b{out.spool};
    want = "head\n" + lines(a, 'a') + lines(b, 'b') + "tail\n";
    EXPECT_GT(a.spooled.size, std::size_t{3} << 20);  // all but the last MiB went to the spool
    EXPECT_LT(a.rest.size(), std::size_t{1} << 20);
    EXPECT_NE(a.spooled.fd, b.spooled.fd);  // a spool each
    std::vector<Part> parts;
    a.parts(parts);
    b.parts(parts);
    parts.emplace_back("tail\n");
    File f{"values.yaml", "head\n", parts};
    EXPECT_EQ(f.size(), want.size());
    EXPECT_TRUE(f.content() == want);  // (no diff of megabytes on failure)
    // Compared a chunk at a time across the parts' edges.
    EXPECT_TRUE(f.matches(0, std::string_view(want).substr(0, 7)));
    const std::size_t edge = 5 + a.spooled.size;
    EXPECT_TRUE(f.matches(edge - 3, std::string_view(want).substr(edge - 3, 100)));
    EXPECT_FALSE(f.matches(edge - 3, "xxxxxxx"));
    w.put(f);
    ASSERT_TRUE(w.finish([](const std::string&) { return true; }, error)) << error;
  }
  EXPECT_TRUE(slurp(dir / "values.yaml") == want);
  // The spools are gone with the writer: nothing but the file is left beside it.
  EXPECT_EQ(listing(tmp_), (std::vector<std::string>{"out", "out/values.yaml"}));

  // Builds over it: of the same text, the file is found the same and left alone; with one byte
  // changed deep in the spooled part (the same size), it is rewritten.
  auto build = [&](int odd) {
    Writer w(dir, Writer::Mode::Write);
    std::string error;
    EXPECT_TRUE(w.begin(error)) << error;
    SpooledText t{[&w] { return w.spool(); }};
    std::string text = "head\n" + lines(t, 'a', odd);
    std::vector<Part> parts;
    t.parts(parts);
    w.put(File{"values.yaml", "head\n", parts});
    EXPECT_TRUE(w.finish([](const std::string&) { return true; }, error)) << error;
    return text;
  };
  auto inode = [&] {
    struct stat st {};
    ::stat((dir / "values.yaml").c_str(), &st);
    return st.st_ino;
  };
  want = build(kNone);
  const auto first = inode();
  EXPECT_TRUE(build(kNone) == want);
  EXPECT_EQ(inode(), first);  // found the same: not written
  std::string changed = build(kDeep);
  ASSERT_GT(changed.find("\nz150000 "), std::size_t{1} << 20);
  ASSERT_EQ(changed.size(), want.size());
  EXPECT_TRUE(slurp(dir / "values.yaml") == changed);
  EXPECT_NE(inode(), first);  // written anew, and moved into place
  EXPECT_EQ(listing(tmp_), (std::vector<std::string>{"out", "out/values.yaml"}));
}

// build --check spools to the system's temporary folder (never into the output), and finds a
// changed byte deep in a spooled part.
TEST_F(Spooling, ComparingSpoolsOutsideTheOutput) {
  const fs::path dir = tmp_ / "out";
  fs::create_directories(dir);
  auto compare = [&](int odd) {
    Writer w(dir, Writer::Mode::Compare);
    std::string error;
    EXPECT_TRUE(w.begin(error));
    SpooledText t{[&w] { return w.spool(); }};
    std::string text = lines(t, 'a', odd);
    EXPECT_GT(t.spooled.size, 0U);
    std::vector<Part> parts;
    t.parts(parts);
    w.put(File{"f", "", parts});
    EXPECT_TRUE(listing(tmp_) == std::vector<std::string>{"out"} ||
                listing(tmp_) == (std::vector<std::string>{"out", "out/f"}));
    auto diffs = w.differences([](const std::string&) { return true; });
    return std::make_pair(text, diffs.empty() ? ' ' : diffs.front().kind);
  };
  auto [text, missing] = compare(kNone);
  EXPECT_EQ(missing, '+');
  std::ofstream(dir / "f", std::ios::binary) << text;
  EXPECT_EQ(compare(kNone).second, ' ');
  EXPECT_EQ(compare(kDeep).second, 'M');
}

TEST_F(Spooling, WithoutASpoolTheTextStaysInMemory) {
  Writer w(tmp_ / "out", Writer::Mode::Write);
  EXPECT_EQ(w.spool(), nullptr);  // not begun
  SpooledText t{[&w] { return w.spool(); }};
  std::string all = lines(t, 'x');
  EXPECT_EQ(t.spooled.size, 0U);
  EXPECT_TRUE(t.rest == all);
  Output out;
  out.add("f", std::move(t));
  ASSERT_EQ(out.files.size(), 1U);
  EXPECT_TRUE(out.files[0].content() == all);
  EXPECT_FALSE(fs::exists(tmp_ / "out"));
}

}  // namespace

namespace {

// Files named like the staging folder's own (its journal, its folder of staged files) are built
// like any other (the fuzzer found a root file `.journal` overwritten by the journal once).
TEST(Writer, FilesNamedLikeTheStagingInternalsAreBuilt) {
  const fs::path dir = fs::temp_directory_path() / ("stackc-names-" + std::to_string(::getpid()));
  fs::remove_all(dir);
  Output out;
  for (const char* p : {"journal", ".journal", "journal.new", "files", "files/journal", "x/files"})
    out.add(p, std::string("content of ") + p + "\n");
  out.files.erase(out.files.begin() + 3);  // `files` is a folder here
  for (int round = 0; round < 2; ++round) {
    std::string error;
    ASSERT_TRUE(stackc::driver::write(
        dir, out, [](const std::string&) { return true; }, error))
        << error;
    for (const auto& f : out.files) {
      std::ifstream in(dir / f.path, std::ios::binary);
      std::stringstream s;
      s << in.rdbuf();
      EXPECT_EQ(s.str(), f.text) << f.path;
    }
    EXPECT_FALSE(fs::exists(dir / ".stackc-tmp"));
    out.files[0].text = "changed\n";  // the second round replaces one
  }
  fs::remove_all(dir);
}

}  // namespace
