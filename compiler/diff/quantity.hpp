// Values Kubernetes reads in more than one spelling: resource quantities (`1000m` == `1`,
// `1Gi` == `1024Mi`) and image references (`mongo` == `docker.io/library/mongo:latest`).
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace stackc::diff {

// A quantity's exact value as a canonical text (its number of nano-units, `1` -> "1000000000n"),
// or nothing when `text` is not a quantity or too large to be exact.
std::optional<std::string> quantity(std::string_view text);

// An image reference in full: registry, repository and tag (`latest` when none) or digest.
std::string image_ref(std::string_view ref);

// Whether an image reference names the tag `latest` (or no tag and no digest): Kubernetes then
// pulls it Always, else IfNotPresent.
bool latest_tag(std::string_view ref);

}  // namespace stackc::diff
