#include "check/images.hpp"

#include <fmt/format.h>

#include "model/images.hpp"

namespace stackc::check {

using base::Code;

std::optional<ImageFinding> image_finding(std::string_view image) {
  const std::string img(image);
  if (model::own_image(img)) {
    if (model::docker_official(img))
      return ImageFinding{
          Code::W0015,
          fmt::format("`{}` is taken as the stack's own image, built from `{}/Dockerfile` and "
                      "pushed to `stack.registry`, not as Docker Hub's official `{}`",
                      img, img, img),
          fmt::format("to run Docker Hub's image, pin its version: `{}:1.2.3` (that is "
                      "`docker.io/library/{}:1.2.3`); to keep the stack's own image, name it "
                      "apart, such as `{}-app`",
                      img, img, img)};
    return std::nullopt;
  }
  const std::string tag = model::image_tag(img);
  const bool digest = model::has_digest(img);
  const std::string ref = img.substr(0, img.find('@'));  // without the digest
  const std::string name = tag.empty() ? ref : ref.substr(0, ref.size() - tag.size() - 1);
  if (tag == "latest")
    return ImageFinding{
        Code::E2018, fmt::format("the image `{}` uses the `latest` tag", img),
        model::own_image(name)
            ? fmt::format("pin a version: `{}:1.2.3`, or write `{}` for the stack's own image "
                          "(tagged with the stack's version)",
                          name, name)
            : fmt::format("pin a version: `{}:1.2.3` or a digest `{}@sha256:...`", name, name)};
  if (tag.empty() && !digest)
    return ImageFinding{
        Code::E2018, fmt::format("the external image `{}` has no pinned tag", img),
        fmt::format("pin a version such as `{}:1.2.3` or a digest `@sha256:...`; only a bare "
                    "name (no `/`, `:` or `@`) is the stack's own image and gets its version",
                    img)};
  if (img.find('/') == std::string::npos && !model::docker_official(name))
    return ImageFinding{
        Code::W0016,
        fmt::format("`{}` is taken from Docker Hub as `{}`, not as the stack's own image `{}`", img,
                    model::external_image(img), name),
        fmt::format("for the stack's own image write `{}` (it is tagged with the stack's "
                    "version); for Docker Hub's, write `{}`",
                    name, model::external_image(img))};
  return std::nullopt;
}

std::optional<OwnImage> first_own_image(const model::Model& m) {
  for (const auto& e : m.environments)
    for (const auto& w : e.workloads) {
      if (!w.role.empty()) continue;  // stackc's own workloads run external images
      if (model::own_image(w.image)) return OwnImage{w.image, w.image_span};
      for (const auto& c : w.init)
        if (model::own_image(c.image)) return OwnImage{c.image, c.image_span};
      if (w.exporter && model::own_image(w.exporter->image))
        return OwnImage{w.exporter->image, w.exporter->image_span};
    }
  return std::nullopt;
}

}  // namespace stackc::check
