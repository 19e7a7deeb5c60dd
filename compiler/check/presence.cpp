#include "check/presence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>

namespace stackc::check {
namespace {

// One dependency edge from a workload: where it is written and how to say it.
struct Edge {
  const std::string* target;
  base::Span span;
  std::string how;  // "needs it", "refers to it in env DB_URL"
  bool need;        // `needs` (else a reference in a value)
};

std::vector<Edge> edges(const model::Workload& w) {
  std::vector<Edge> out;
  for (const auto& d : w.needs) out.push_back({&d.name, d.span, "needs it", true});
  auto env = [&](const std::vector<model::EnvVar>& vars, const std::string& where) {
    for (const auto& v : vars)
      if (v.kind == model::EnvVar::Kind::Ref)
        out.push_back(
            {&v.ref_target, v.span, fmt::format("refers to it in {}env {}", where, v.name), false});
  };
  env(w.env, "");
  for (const auto& c : w.init)
    env(c.env, fmt::format("{} {} ", c.sidecar ? "sidecar" : "init", c.name));
  if (w.exporter) env(w.exporter->env, "exporter ");
  for (const auto& r : w.refs)
    out.push_back({&r.target, r.span, fmt::format("refers to it in {}", r.why), false});
  return out;
}

}  // namespace

void Presence::apply(model::Environment& e) {
  std::unordered_map<std::string_view, const model::Workload*> absent;
  for (const auto& w : e.workloads)
    if (!w.enabled) absent.emplace(w.name, &w);
  if (absent.empty()) return;
  for (const auto& w : e.workloads) {
    if (!w.enabled) continue;
    std::set<std::string_view> named;  // one error per absent workload this one depends on
    for (const auto& edge : edges(w)) {
      auto it = absent.find(*edge.target);
      if (it == absent.end() || *edge.target == w.name || !named.insert(*edge.target).second)
        continue;
      const model::Workload& gone = *it->second;
      if (!reported_
               .insert({gone.enabled_span.file, gone.enabled_span.begin, edge.span.file,
                        edge.span.begin})
               .second)
        continue;
      sink_.report(base::Diagnostic{
          base::Code::E3007,
          gone.enabled_span,
          fmt::format("`{}` is left out of environment `{}`, but `{}` {} there", gone.name, e.name,
                      w.name, edge.how),
          {{edge.span, fmt::format("`{}` {} here", w.name, edge.how)}},
          fmt::format("leave `{0}` out of `{1}` too (`when {1} {{ enabled = false }}` in `{0}`), "
                      "or {2} in `{1}`",
                      w.name, e.name,
                      edge.need ? fmt::format("remove `{}` from its `needs`", gone.name)
                                : fmt::format("stop referring to `{}` from it", gone.name))});
    }
  }
  std::erase_if(e.backups, [&](const model::Backup& b) {
    return !b.of_resources && b.of.size() == 1 && absent.count(b.of.front().name);
  });
  std::erase_if(e.workloads, [](const model::Workload& w) { return !w.enabled; });
}

}  // namespace stackc::check
