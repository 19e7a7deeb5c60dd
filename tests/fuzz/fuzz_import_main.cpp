// libFuzzer entry over `stackc import` (see fuzz_build.hpp).
#include "fuzz_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_import_one(data, size);
  return 0;
}
