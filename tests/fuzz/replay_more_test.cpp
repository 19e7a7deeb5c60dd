// Replays the corpora of the build, writer and Dockerfile fuzz targets (tests/fuzz/corpus-build,
// tests/fuzz/corpus-writer, tests/fuzz/corpus-dockerfile), and the examples through the build
// target, so what the fuzzers found stays fixed.
#include <gtest/gtest.h>

#include "fuzz_build.hpp"
#include "fuzz_dockerfile.hpp"
#include "replay.hpp"

namespace {

using stackc::fuzz::replay;

TEST(FuzzCorpus, BuildTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-build", "examples"}, stackc::fuzz::run_build_one), 10u);
}

TEST(FuzzCorpus, WriterTargetReplays) {
  EXPECT_GT(replay({"tests/fuzz/corpus-writer"}, stackc::fuzz::run_writer_one), 10u);
}

TEST(FuzzCorpus, DockerfileTargetReplays) {
  // Its corpus, the Dockerfiles of the golden cases and of the examples.
  EXPECT_GT(replay({"tests/fuzz/corpus-dockerfile", "tests/golden/cases/docker",
                    "examples/personage/services"},
                   stackc::fuzz::run_dockerfile_one),
            10u);
}

}  // namespace
