// Replays the corpora of the build, writer and import fuzz targets (tests/fuzz/corpus-build,
// tests/fuzz/corpus-writer, tests/fuzz/corpus-import), the examples through the build target and
// the YAML golden cases through the import target, so what the fuzzers found stays fixed.
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

TEST(FuzzCorpus, ImportTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-import"}, stackc::fuzz::run_import_one), 10u);
}

}  // namespace
