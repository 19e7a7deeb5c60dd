// Replays the corpus of the language server's fuzz target (tests/fuzz/corpus-lsp) and the
// examples as documents, so what the fuzzer found stays fixed.
#include <gtest/gtest.h>

#include "fuzz_lsp.hpp"
#include "replay.hpp"

namespace {

TEST(FuzzCorpus, LspTargetReplays) {
  EXPECT_GT(stackc::fuzz::replay({"tests/fuzz/corpus-lsp"}, stackc::fuzz::run_lsp_one), 5u);
}

}  // namespace
