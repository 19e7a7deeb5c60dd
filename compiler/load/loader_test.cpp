// The shared loader (compiler/load): imports from disk and from an overlay of editor buffers,
// the project root's confinement, the stdlib, and the files read beside the stack.
#include "load/loader.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace stackc::load {
namespace {

namespace fs = std::filesystem;

struct Project {
  fs::path dir;
  Project() : dir(fs::temp_directory_path() / ("stackc-load-" + std::to_string(::getpid()))) {
    fs::remove_all(dir);
    fs::create_directories(dir / "sub");
    dir = fs::canonical(dir);
  }
  ~Project() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  void write(const std::string& rel, const std::string& text) const {
    std::ofstream(dir / rel, std::ios::binary) << text;
  }
};

TEST(Loader, DiskImportsStdlibAndTheRootsFolder) {
  Project p;
  p.write("main.stack", "import \"./sub/common.stack\"\n");
  p.write("sub/common.stack", "template t for service { replicas = 2 }\n");
  base::SourceManager sm;
  auto root = sm.add((p.dir / "main.stack").string(), "import \"./sub/common.stack\"\n");
  Loader l(sm, p.dir / "main.stack", root);
  auto common = l.load("./sub/common.stack", root);
  ASSERT_TRUE(common.file);
  EXPECT_EQ(sm.file(*common.file).text(), "template t for service { replicas = 2 }\n");
  ASSERT_NE(l.path_of(*common.file), nullptr);
  EXPECT_EQ(*l.path_of(*common.file), p.dir / "sub/common.stack");
  // The same file again: the same id (cycles and diamonds are recognised by it).
  EXPECT_EQ(l.load("../sub/common.stack", *common.file).file, common.file);
  auto std_pg = l.load("std/postgres", root);
  ASSERT_TRUE(std_pg.file);
  EXPECT_TRUE(l.is_stdlib(*std_pg.file));
  EXPECT_EQ(l.path_of(*std_pg.file), nullptr);
  auto outside = l.load("../elsewhere.stack", root);
  EXPECT_FALSE(outside.file);
  EXPECT_EQ(outside.code, base::Code::E2015);
  auto missing = l.load("./sub/comon.stack", root);
  EXPECT_FALSE(missing.file);
  EXPECT_EQ(missing.code, base::Code::E2014);
  EXPECT_EQ(missing.help, "did you mean `./common.stack`?");
  auto from_std = l.load("./x.stack", *std_pg.file);
  EXPECT_EQ(from_std.code, base::Code::E2015);
}

TEST(Loader, AnOverlayIsReadInPlaceOfTheDisk) {
  Project p;
  p.write("sub/common.stack", "on disk\n");
  std::map<std::string, std::string> buffers{
      {(p.dir / "sub/common.stack").string(), "in the editor\n"},
      {(p.dir / "unsaved.stack").string(), "not on disk\n"},
      {(p.dir / "sub/Dockerfile").string(), "FROM scratch\n"}};
  base::SourceManager sm;
  auto root = sm.add((p.dir / "main.stack").string(), "");
  Loader l(sm, p.dir / "main.stack", root, kMaxInputBytes, [&](const std::string& path) {
    auto it = buffers.find(path);
    return it == buffers.end() ? nullptr : &it->second;
  });
  auto common = l.load("./sub/common.stack", root);
  ASSERT_TRUE(common.file);
  EXPECT_EQ(sm.file(*common.file).text(), "in the editor\n");
  auto unsaved = l.load("./unsaved.stack", root);
  ASSERT_TRUE(unsaved.file);
  EXPECT_EQ(sm.file(*unsaved.file).text(), "not on disk\n");
  // Beside the stack: the buffer of a Dockerfile that is not on disk, read once.
  auto df = l.beside("sub/Dockerfile", root, true, 1 << 20);
  EXPECT_EQ(df.status, check::Loader::Beside::Status::File);
  EXPECT_EQ(df.path, "sub/Dockerfile");
  ASSERT_TRUE(df.file);
  EXPECT_EQ(sm.file(*df.file).text(), "FROM scratch\n");
  EXPECT_EQ(l.beside("./sub/Dockerfile", root, true, 1 << 20).file, df.file);
  auto small = l.beside("sub/Dockerfile", root, false, 0);
  EXPECT_EQ(small.status, check::Loader::Beside::Status::File);
  EXPECT_EQ(l.beside("sub", root, false, 0).status, check::Loader::Beside::Status::Folder);
  EXPECT_EQ(l.beside("nothing", root, false, 0).status, check::Loader::Beside::Status::Missing);
  EXPECT_EQ(l.beside("../x", root, false, 0).status, check::Loader::Beside::Status::Outside);
  // Where the stack names it: the first place told is kept.
  ASSERT_NE(l.beside_file(*df.file), nullptr);
  EXPECT_FALSE(l.beside_file(*df.file)->at.valid());
  l.named(*df.file, {root, 3, 9});
  l.named(*df.file, {root, 20, 25});
  EXPECT_EQ(l.beside_file(*df.file)->at, (base::Span{root, 3, 9}));
  EXPECT_EQ(l.beside_file(*df.file)->path, "sub/Dockerfile");
  EXPECT_EQ(l.beside_file(*common.file), nullptr);
  // The stack's byte budget counts the buffers too.
  base::SourceManager sm2;
  auto root2 = sm2.add((p.dir / "main.stack").string(), "12345");
  Loader tight(sm2, p.dir / "main.stack", root2, 10, [&](const std::string& path) {
    auto it = buffers.find(path);
    return it == buffers.end() ? nullptr : &it->second;
  });
  auto over = tight.load("./sub/common.stack", root2);
  EXPECT_FALSE(over.file);
  EXPECT_EQ(over.code, base::Code::E0002);
}

}  // namespace
}  // namespace stackc::load
