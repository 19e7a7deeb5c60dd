// The journal: a build interrupted at every step of its commit is finished by the next run, and
// one interrupted before it is undone; hostile journals and staging folders change nothing
// outside the output folder.
#include "driver/journal.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

namespace {

namespace fs = std::filesystem;
using stackc::driver::commit;
using stackc::driver::Confined;
using stackc::driver::recover;
using stackc::driver::Recovery;
using stackc::driver::Step;
using Tree = std::map<std::string, std::string>;  // path -> content ("<link>" for a link)

class Journal : public ::testing::Test {
 protected:
  void SetUp() override {
    tmp_ = fs::temp_directory_path() / ("stackc-journal-" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_ / "out");
  }
  void TearDown() override { fs::remove_all(tmp_); }
  static void put(const fs::path& root, const Tree& tree) {
    for (const auto& [path, text] : tree) {
      fs::create_directories((root / path).parent_path());
      std::ofstream(root / path, std::ios::binary) << text;
    }
  }
  static Tree read(const fs::path& root) {
    Tree tree;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      auto rel = fs::relative(it->path(), root).string();
      if (it->is_symlink()) {
        tree[rel] = "<link>";
      } else if (it->is_regular_file()) {
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        tree[rel] = s.str();
      } else if (fs::is_empty(it->path())) {
        tree[rel + "/"] = "<empty folder>";
      }
    }
    return tree;
  }
  std::unique_ptr<Confined> open(const fs::path& p) {
    return std::make_unique<Confined>(::open(p.c_str(), O_RDONLY | O_DIRECTORY), p.string());
  }
  fs::path tmp_;
};

// The old build, the new one (a file changed, one new in an existing folder, a new folder, a
// stale file whose folder empties, the manifest), and the steps a Writer would take.
const Tree kOld = {{".stackc-manifest", "a/1\na/2\ngone/x\n"},
                   {"a/1", "old 1"},
                   {"a/2", "same 2"},
                   {"gone/x", "stale"},
                   {"README.md", "the user's"}};
const Tree kNew = {{".stackc-manifest", "a/1\na/2\na/3\nb/c/4\n"},
                   {"a/1", "new 1"},
                   {"a/2", "same 2"},
                   {"a/3", "new 3"},
                   {"b/c/4", "new 4"},
                   {"README.md", "the user's"}};
const Tree kStaged = {{".stackc-manifest", "a/1\na/2\na/3\nb/c/4\n"},
                      {"a/1", "new 1"},
                      {"a/3", "new 3"},
                      {"b/c/4", "new 4"}};
const std::vector<Step> kSteps = {
    {'M', "a/1"}, {'M', "a/3"}, {'M', "b"}, {'D', "gone/x"}, {'M', ".stackc-manifest"}};

TEST_F(Journal, AKillAtEveryStepOfTheCommitIsFinishedByTheNextRun) {
  for (std::size_t k = 0; k <= kSteps.size() + 1; ++k) {
    fs::remove_all(tmp_ / "out");
    put(tmp_ / "out", kOld);
    put(tmp_ / "out" / ".stackc-tmp" / "files", kStaged);
    {
      auto out = open(tmp_ / "out");
      auto staging = open(tmp_ / "out" / ".stackc-tmp" / "files");
      std::string error;
      bool committed = false;
      ASSERT_TRUE(commit(*out, *staging, kSteps, error, committed,
                         k <= kSteps.size() ? k : static_cast<std::size_t>(-1)))
          << error;
      EXPECT_TRUE(committed);
    }
    auto out = open(tmp_ / "out");
    Recovery what = Recovery::Clean;
    std::string error;
    ASSERT_TRUE(recover(*out, what, error)) << error;
    EXPECT_EQ(what, k <= kSteps.size() ? Recovery::Finished : Recovery::Clean) << k;
    EXPECT_EQ(read(tmp_ / "out"), kNew) << "killed after " << k << " steps";
  }
}

TEST_F(Journal, AKillBeforeTheCommitIsUndone) {
  put(tmp_ / "out", kOld);
  put(tmp_ / "out" / ".stackc-tmp" / "files", kStaged);
  std::ofstream(tmp_ / "out" / ".stackc-tmp" / "journal.new") << "stackc journal 1\nM a/1\n";
  auto out = open(tmp_ / "out");
  Recovery what = Recovery::Clean;
  std::string error;
  ASSERT_TRUE(recover(*out, what, error)) << error;
  EXPECT_EQ(what, Recovery::Undone);
  EXPECT_EQ(read(tmp_ / "out"), kOld);
}

// A journal planted in a repository can name only plain paths below the output folder, and
// nothing is reached through a link: the victim outside is untouched.
TEST_F(Journal, HostileJournalsAndStagingFoldersStayInside) {
  put(tmp_ / "victim", {{"id_rsa", "key"}});
  for (std::string journal :
       {"stackc journal 1\nD ../victim/id_rsa\nend\n", "stackc journal 1\nD /tmp/x\nend\n",
        "stackc journal 1\nD link/id_rsa\nend\n",
        "stackc journal 1\nM link\nM a/1\n",  // torn: no end
        "garbage"}) {
    fs::remove_all(tmp_ / "out");
    put(tmp_ / "out", kOld);
    fs::create_directory_symlink(tmp_ / "victim", tmp_ / "out" / "link");
    put(tmp_ / "out" / ".stackc-tmp" / "files", {{"a/1", "planted"}});
    fs::create_directory_symlink(tmp_ / "victim", tmp_ / "out" / ".stackc-tmp" / "files" / "link");
    std::ofstream(tmp_ / "out" / ".stackc-tmp" / "journal") << journal;
    auto out = open(tmp_ / "out");
    Recovery what = Recovery::Clean;
    std::string error;
    EXPECT_TRUE(recover(*out, what, error)) << error;
    EXPECT_EQ(read(tmp_ / "victim"), (Tree{{"id_rsa", "key"}})) << journal;
    EXPECT_FALSE(fs::exists(tmp_ / "out" / ".stackc-tmp")) << journal;
    EXPECT_EQ(read(tmp_ / "out")["a/1"], "old 1") << journal;  // never committed: undone
  }
  // The staging folder itself a link: the link goes, not what it points at.
  fs::remove_all(tmp_ / "out");
  put(tmp_ / "out", kOld);
  fs::create_directory_symlink(tmp_ / "victim", tmp_ / "out" / ".stackc-tmp");
  auto out = open(tmp_ / "out");
  Recovery what = Recovery::Clean;
  std::string error;
  EXPECT_TRUE(recover(*out, what, error)) << error;
  EXPECT_EQ(read(tmp_ / "victim"), (Tree{{"id_rsa", "key"}}));
  EXPECT_EQ(read(tmp_ / "out"), kOld);
}

// A planted journal whose move a folder stands in the way of does not stop every later build:
// the step is passed over and named, and the staging folder goes.
TEST_F(Journal, AStepSomethingElseStandsInTheWayOfIsPassedOver) {
  put(tmp_ / "out", kOld);
  fs::create_directories(tmp_ / "out" / "blocked" / "inside");
  put(tmp_ / "out" / ".stackc-tmp" / "files", {{"blocked", "a file"}, {"a/1", "new 1"}});
  std::ofstream(tmp_ / "out" / ".stackc-tmp" / "journal")
      << "stackc journal 1\nM blocked\nM a/1\nend\n";
  auto out = open(tmp_ / "out");
  Recovery what = Recovery::Clean;
  std::string error;
  std::vector<std::string> skipped;
  ASSERT_TRUE(recover(*out, what, error, &skipped)) << error;
  EXPECT_EQ(what, Recovery::Finished);
  ASSERT_EQ(skipped.size(), 1u);
  EXPECT_NE(skipped[0].find("blocked"), std::string::npos) << skipped[0];
  EXPECT_FALSE(fs::exists(tmp_ / "out" / ".stackc-tmp"));
  EXPECT_EQ(read(tmp_ / "out")["a/1"], "new 1");
}

}  // namespace
