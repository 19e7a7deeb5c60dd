// libFuzzer entry over the output writer and a fake file tree (see fuzz_build.hpp).
#include "fuzz_build.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  stackc::fuzz::run_writer_one(data, size);
  return 0;
}
