#pragma once
// `$(NAME)` references between the env entries of one container (Kubernetes' dependent
// environment variables): the ones that cannot expand.

#include <vector>

#include "base/diagnostics.hpp"
#include "model/model.hpp"

namespace stackc::check {

// W0026 at each entry whose `$(NAME)` reference Kubernetes leaves as text because the entries
// refer to each other in a cycle (or the entry to itself): no order of the container's env lets
// both expand (targets.md §5.3).
void check_env_references(const std::vector<model::EnvVar>& env, base::Sink& sink);

}  // namespace stackc::check
