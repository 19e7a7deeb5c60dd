// The checks of `build { }` blocks (language.md §5.16): the context and the Dockerfile exist in
// the stack's folder (E2060, E2062), are text Docker can build (E2063, E2064), and make an image
// that fits its pod: at least two stages (E2065), a final stage that runs as the pod's non-root
// user (E2066, W0062), pinned base images (E2067, W0063), a `target` that is a stage (E2068), a
// HEALTHCHECK that agrees with the probes (W0060, W0061); one build per image (E2069), only for
// the stack's own images (E2061). Diagnostics point into the Dockerfile, which the loader adds to
// the SourceManager.
#pragma once

#include <cstdint>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "check/check.hpp"
#include "model/model.hpp"

namespace stackc::check {

// The most bytes of a Dockerfile stackc reads.
constexpr std::uint64_t kMaxDockerfileBytes = std::uint64_t{1} << 20;

// Runs on the built model; fills every `build`'s paths from the project root.
void check_dockerfiles(const base::SourceManager& sm, Loader& loader, model::Model& m,
                       base::Sink& sink);

}  // namespace stackc::check
