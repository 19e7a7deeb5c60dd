// libFuzzer entry over the language server's message handler (see fuzz_lsp.hpp).
#include "fuzz_lsp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_lsp_one(data, size);
  return 0;
}
