// libFuzzer entry over check, graph and every emitter in memory (see fuzz_build.hpp).
#include "fuzz_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_build_one(data, size);
  return 0;
}
