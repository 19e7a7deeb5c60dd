#include "check/presence.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "check/promql.hpp"

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

// The metric names a set of workloads exports (their declared metrics, with the series of
// histograms and summaries) and the prefixes of their exporters.
struct Exported {
  std::unordered_set<std::string> names;
  std::vector<std::string> prefixes;

  void add(const model::Workload& w) {
    for (const auto& mt : w.metrics) {
      names.insert(mt.name);
      if (mt.kind == model::Metric::Kind::Histogram)
        for (const char* s : {"_bucket", "_sum", "_count"}) names.insert(mt.name + s);
      else if (mt.kind == model::Metric::Kind::Summary)
        for (const char* s : {"_sum", "_count"}) names.insert(mt.name + s);
    }
    if (w.exporter && !w.exporter->prefix.empty()) prefixes.push_back(w.exporter->prefix);
  }
  bool has(const std::string& name) const {
    return names.count(name) || std::any_of(prefixes.begin(), prefixes.end(),
                                            [&](const auto& p) { return name.rfind(p, 0) == 0; });
  }
};

// Removes the records, then the alerts, whose expression reads a metric that only absent
// workloads export (or a record removed so): in that environment they could only stay empty,
// or, around `absent()`, fire for as long as the workload is left out. An expression that is
// not PromQL is left for E2023.
void remove_rules_of_absent(model::Environment& e) {
  Exported present, gone;
  for (const auto& w : e.workloads) (w.enabled ? present : gone).add(w);
  if (gone.names.empty() && gone.prefixes.empty()) return;
  std::unordered_set<std::string> removed_records;
  auto reads_absent = [&](const std::string& expr) {
    promql::Result r = promql::parse(expr);
    if (r.error) return false;
    return std::any_of(r.selectors.begin(), r.selectors.end(), [&](const auto& sel) {
      return !sel.metric.empty() && ((gone.has(sel.metric) && !present.has(sel.metric)) ||
                                     removed_records.count(sel.metric));
    });
  };
  // Records until none is left to remove: one may read another, declared before or after it.
  for (bool again = true; again;) {
    again = false;
    std::erase_if(e.records, [&](const model::Record& r) {
      if (!reads_absent(r.expr)) return false;
      removed_records.insert(r.name);
      again = true;
      return true;
    });
  }
  std::erase_if(e.alerts, [&](const model::Alert& a) { return reads_absent(a.expr); });
}

}  // namespace

void Presence::apply(model::Environment& e) {
  std::unordered_map<std::string_view, const model::Workload*> absent;
  for (const auto& w : e.workloads)
    if (!w.enabled) absent.emplace(w.name, &w);
  if (absent.empty()) return;
  // A versioned workload whose every version is left out is absent by its own name too: that is
  // the name its dependents use.
  std::unordered_map<std::string_view, std::pair<std::size_t, const model::Workload*>> groups;
  for (const auto& w : e.workloads) {
    if (w.group.empty()) continue;
    auto& [present, first_absent] = groups[w.group];
    if (w.enabled)
      ++present;
    else if (!first_absent)
      first_absent = &w;
  }
  for (const auto& [group, g] : groups)
    if (g.first == 0) absent.emplace(group, g.second);
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
  remove_rules_of_absent(e);
  std::erase_if(e.backups, [&](const model::Backup& b) {
    return !b.of_resources && b.of.size() == 1 && absent.count(b.of.front().name);
  });
  for (const auto& w : e.workloads) {
    if (w.enabled) continue;
    e.absent.push_back(w.name);
    auto [at, fresh] = absence_index_.try_emplace(w.name, absences_.size());
    if (fresh) absences_.push_back({w.name, {0, w.enabled_span, w.span}});
    ++absences_[at->second].second.count;
  }
  std::erase_if(e.workloads, [](const model::Workload& w) { return !w.enabled; });
}

void Presence::finish(std::size_t environments) {
  for (const auto& [name, a] : absences_) {
    if (a.count < environments) continue;
    sink_.report(base::Diagnostic{
        base::Code::W0025,
        a.first,
        fmt::format("`{}` is left out of every environment: nothing of it is deployed", name),
        {{a.decl, "declared here"}},
        fmt::format("enable it where it should run (`when ENV {{ enabled = true }}`), or remove "
                    "`{}`",
                    name)});
  }
}

}  // namespace stackc::check
