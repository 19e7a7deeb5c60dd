// Fuzz entry for the Dockerfile parser and the checks of `build { }` (check/dockerfile.hpp,
// check/dockerfiles.hpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stackc::fuzz {

// The bytes are a Dockerfile: parsed twice (the results must be equal), every range inside the
// text, every stage's chain of parents ending; then checked as the Dockerfile of a service's
// `build { }` in memory, every diagnostic's span inside its file.
void run_dockerfile_one(const std::uint8_t* data, std::size_t size);

}  // namespace stackc::fuzz
