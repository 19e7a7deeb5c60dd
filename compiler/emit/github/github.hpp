// The CI/CD output: a GitHub Actions workflow and a Dependabot configuration, written from the
// stack's `pipeline` block, its environments (`branch`, `approval`) and the images it builds
// (specs/github.md). Nothing is written for a stack without `pipeline`.
#pragma once

#include <string>
#include <vector>

#include "emit/output.hpp"
#include "emit/yaml.hpp"
#include "model/model.hpp"

namespace stackc::emit::github {

// github/workflows/<stack>.yml and, with `pipeline.base_images`, github/dependabot.yml (paths
// relative to the output folder; the repository installs them under .github/).
void generate(const model::Model& m, const std::string& source, Output& out);

// An image the stack builds itself: a workload or exporter image written without a registry
// (no `/`) and without a digest, e.g. `api-service` or `api:2.3.1`. It is built from the folder
// and Dockerfile of its `build { }`, else `<name>/` (with `<name>/Dockerfile`), and pushed as
// `<repository>:<tag>` and
// `<repository>:<commit SHA>`, where `<repository>:<tag>` is what the manifests reference
// (kubernetes::image_ref).
struct Image {
  std::string name;        // `api-service`: the folder and the last path segment
  std::string repository;  // `ghcr.io/personage/api-service`
  std::string tag;         // `1.0.0`: the written tag, else the stack's version
  // Where it is built from (a workload's `build { }`, language.md §5.16), from the repository
  // root: by default the folder `<name>` and `<name>/Dockerfile`, and the last stage.
  std::string context, file, target;
};

// The images the stack builds, in declaration order (environments, then workloads, then their
// exporter), each (name, tag) once. Empty without a registry.
std::vector<Image> built_images(const model::Model& m);

// The documents `generate` prints (for tests); `source` is the .stack file as the driver names
// it (the `stackc build --check` step checks it). Meaningful only with a pipeline.
Doc workflow(const model::Model& m, const std::string& source);
Doc dependabot(const model::Model& m);

}  // namespace stackc::emit::github
