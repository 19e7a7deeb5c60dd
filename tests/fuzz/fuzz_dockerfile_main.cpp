// libFuzzer entry over the Dockerfile parser and the build checks (see fuzz_dockerfile.hpp).
#include "fuzz_dockerfile.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_dockerfile_one(data, size);
  return 0;
}
