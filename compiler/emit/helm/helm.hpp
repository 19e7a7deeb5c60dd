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

// Appends a workload's entry of the `workloads` mapping of values.yaml (indented under it), read
// back from its lowered objects: for kubernetes::Stream::on_workload, so that the values of a
// large stack are printed as it is lowered, on the lowering's threads (only reads its objects).
void workload_values_text(const model::Workload& w, const kubernetes::Object* objects,
                          std::size_t count, std::string& text);

// The chart. When the first environment was lowered with workload_values_text as its stream's
// on_workload (Lowered::streamed), values.yaml is made of that text.
void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, Output& out);

}  // namespace stackc::emit::helm
