// The checks of the image rule (model/images.hpp, language.md §5.13): which images are pinned
// (E2018), which are ambiguous between the stack's own image and Docker Hub (W0015, W0016), and
// whether the stack needs `registry` and `version` (E2007).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.hpp"
#include "model/model.hpp"

namespace stackc::check {

struct ImageFinding {
  base::Code code;
  std::string message, help;
};

// E2018 (an external image without a tag or digest, or with `:latest`), W0015 (a bare name that
// is also a Docker Hub official image: taken as the stack's own) or W0016 (`NAME:TAG` with no
// registry and no path whose NAME is not an official image: taken from Docker Hub, although it
// reads like the stack's own image with a tag). `image` is valid (no blanks, not empty).
std::optional<ImageFinding> image_finding(std::string_view image);

// The first image of a declared workload (main, init, sidecar or exporter container, in
// declaration order of the first environment) that is the stack's own, if any, and where it is.
struct OwnImage {
  std::string image;
  base::Span span;
};
std::optional<OwnImage> first_own_image(const model::Model& m);

}  // namespace stackc::check
