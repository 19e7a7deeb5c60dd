// The Helm target: helm/<stack>/, a chart whose templates (embedded in stackc, the same for every
// stack) build the objects from values; values.yaml holds the first environment's settings and
// values-<env>.yaml overrides them per environment (null removes a setting). Rendered with an
// environment's values, the chart yields exactly the objects of kubernetes/<env>/.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::helm {

void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, Output& out);

}  // namespace stackc::emit::helm
