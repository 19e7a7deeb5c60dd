// Replays the corpora of the build and writer fuzz targets (tests/fuzz/corpus-build,
// tests/fuzz/corpus-writer), and the examples through the build target, so what the fuzzers
// found stays fixed.
#include <gtest/gtest.h>

#include "fuzz_build.hpp"
#include "replay.hpp"

namespace {

using stackc::fuzz::replay;

TEST(FuzzCorpus, BuildTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-build", "examples"}, stackc::fuzz::run_build_one), 10u);
}

TEST(FuzzCorpus, WriterTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-writer"}, stackc::fuzz::run_writer_one), 10u);
}

}  // namespace
