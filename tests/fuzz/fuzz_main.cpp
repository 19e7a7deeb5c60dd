// libFuzzer entry (built with clang and -DSTACKC_FUZZ=ON; see tests/fuzz/README.md).
#include "fuzz_one.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_one(data, size);
  return 0;
}
