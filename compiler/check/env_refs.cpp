#include "check/env_refs.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <string>

namespace stackc::check {

void check_env_references(const std::vector<model::EnvVar>& env, base::Sink& sink) {
  if (std::none_of(env.begin(), env.end(),
                   [](const model::EnvVar& v) { return v.value.find("$(") != std::string::npos; }))
    return;  // the usual case: no references at all
  const auto names = model::env_names(env);
  // The order the lowering lists them in: a reference to an entry not placed before the entry
  // that makes it (a cycle, or itself) stays as text in the container.
  const auto order = model::in_expansion_order(env);
  std::map<std::string, std::size_t, std::less<>> place;
  for (std::size_t i = 0; i < order.size(); ++i) place.emplace(order[i].name, i);
  for (std::size_t i = 0; i < order.size(); ++i) {
    const model::EnvVar& v = order[i];
    if (v.kind != model::EnvVar::Kind::Literal) continue;
    for (const auto& name : model::env_references(v.value, names)) {
      auto it = place.find(name);
      if (it == place.end() || it->second < i) continue;
      if (name == v.name)
        sink.report(base::make(
            base::Code::W0026, v.span,
            fmt::format("the env entry `{}` refers to itself as `$({})`: Kubernetes leaves the "
                        "text as it is",
                        v.name, name),
            fmt::format("write `$$({})` for the text `$({})`, or the value itself", name, name)));
      else
        sink.report(base::make(
            base::Code::W0026, v.span,
            fmt::format("the env entry `{}` refers to `$({})`, which refers back to `{}` (directly "
                        "or through other entries): Kubernetes expands a reference only to an "
                        "entry listed before it, so `{}` gets the text `$({})`",
                        v.name, name, v.name, v.name, name),
            fmt::format("break the cycle: write the value `{}` needs in full instead of `$({})`",
                        v.name, name)));
      break;
    }
  }
}

}  // namespace stackc::check
