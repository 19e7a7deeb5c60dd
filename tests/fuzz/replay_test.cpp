// Replays the fuzz corpus (tests/fuzz/corpus) and every example, golden case and stdlib module
// through the fuzz entry, so what the fuzzer found stays fixed.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "fuzz_one.hpp"

namespace {

namespace fs = std::filesystem;

TEST(FuzzCorpus, ReplaysWithoutCrashing) {
  fs::current_path(STACKC_SOURCE_DIR);
  std::size_t n = 0;
  for (const char* dir : {"tests/fuzz/corpus", "tests/golden/cases", "examples", "stdlib/std"}) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      SCOPED_TRACE(e.path().string());
      stackc::fuzz::run_one(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
      ++n;
    }
  }
  EXPECT_GT(n, 10u);
}

}  // namespace
