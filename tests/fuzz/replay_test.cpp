// Replays the fuzz corpus (tests/fuzz/corpus) and every example, golden case and stdlib module
// through the fuzz entry, so what the fuzzer found stays fixed.
#include <gtest/gtest.h>

#include "fuzz_one.hpp"
#include "replay.hpp"

namespace {

TEST(FuzzCorpus, ReplaysWithoutCrashing) {
  EXPECT_GT(
      stackc::fuzz::replay({"tests/fuzz/corpus", "tests/golden/cases", "examples", "stdlib/std"},
                           stackc::fuzz::run_one),
      10u);
}

}  // namespace
