// The Kustomize target: kustomize/base/ holds the objects every environment has (as the first
// environment has them, without a namespace), and kustomize/overlays/<env>/ sets the namespace,
// adds the environment's own objects, deletes base objects it does not have, and patches the rest
// with JSON 6902 patches computed from the difference. `kubectl kustomize overlays/<env>` yields
// exactly the objects of kubernetes/<env>/.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::kustomize {

void generate(const std::vector<kubernetes::Lowered>& lowered, const std::vector<std::string>& envs,
              const std::string& source, Output& out);

}  // namespace stackc::emit::kustomize
