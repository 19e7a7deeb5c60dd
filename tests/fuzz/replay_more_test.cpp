// Replays the corpora of the build and writer fuzz targets (tests/fuzz/corpus-build,
// tests/fuzz/corpus-writer), and the examples through the build target, so what the fuzzers
// found stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_build.hpp"

namespace {

namespace fs = std::filesystem;

std::size_t replay(const std::vector<const char*>& dirs,
                   void (*one)(const std::uint8_t*, std::size_t)) {
  fs::current_path(STACKC_SOURCE_DIR);
  std::size_t n = 0;
  for (const char* dir : dirs) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      SCOPED_TRACE(e.path().string());
      one(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
      ++n;
    }
  }
  return n;
}

TEST(FuzzCorpus, BuildTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-build", "examples"}, stackc::fuzz::run_build_one), 10u);
}

TEST(FuzzCorpus, WriterTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-writer"}, stackc::fuzz::run_writer_one), 10u);
}

}  // namespace
