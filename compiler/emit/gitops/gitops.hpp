// The GitOps targets (specs/targets.md §13): where Argo CD and Flux find each environment of the
// generated folder, from `stack { gitops { ... } }`.
// - `argocd`: argocd/<env>.yaml, an Argo CD Application (argoproj.io/v1alpha1) of the plain
//   manifests, the Helm chart with values-<env>.yaml or the Kustomize overlay; automated sync
//   (prune, selfHeal) unless the environment has `approval = manual`;
// - `flux`: flux/<env>.yaml, a Flux GitRepository (source.toolkit.fluxcd.io/v1) and a Kustomization
//   (kustomize.toolkit.fluxcd.io/v1) of the overlay or the plain manifests.
// Both write nothing for a stack without `gitops` (the driver reports E4010 when such a target is
// asked for by name).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "emit/doc.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::gitops {

// The Application of environment `e`.
Doc application(const model::Model& m, const model::Environment& e);
// The GitRepository and the Kustomization of environment `e`.
Doc git_repository(const model::Model& m, const model::Environment& e);
Doc kustomization(const model::Model& m, const model::Environment& e);

// The branch environment `e` follows: its own `branch`, else `gitops.revision`.
std::string revision(const model::Model& m, const model::Environment& e);
// The folder deployed to `e` inside the repository, for Argo CD (`deploy` as written) and for Flux
// (the overlay for `kustomize`, else the plain manifests).
std::string argocd_path(const model::Model& m, const model::Environment& e);
std::string flux_path(const model::Model& m, const model::Environment& e);
// A Go duration of `seconds` (`5m`, `1h`, `90s`), as Flux reads it.
std::string go_duration(std::int64_t seconds);

void argocd(const model::Model& m, const std::vector<std::string>& envs, const std::string& source,
            Output& out);
void flux(const model::Model& m, const std::vector<std::string>& envs, const std::string& source,
          Output& out);

}  // namespace stackc::emit::gitops
