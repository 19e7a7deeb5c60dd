// Presence per environment: `enabled = false` (in a workload, its `when ENV { }` or a template)
// leaves the workload out of that environment entirely. The checker resolves every workload in
// every environment, then removes the absent ones here, before the workloads stackc adds
// (system.hpp) are made: so no target, alert, dashboard, graph node, capacity check, backup or
// scrape of that environment sees them (targets.md §5.10).
//
//  - E3007: a present workload depends on an absent one in the same environment (`needs`, an
//    env value `W.host`, a `${W.host}` reference in any string, in init and sidecar containers
//    and the exporter too). Reported once per pair of spans (the `enabled = false` and the edge),
//    naming the first environment where it happens.
//  - W0025: a workload left out of every environment (nothing of it is deployed anywhere).
//  - A backup `of` an absent stateful is left out of that environment with it; so are the
//    `record`s and `alert`s whose expression reads a metric that only absent workloads export
//    (they could only stay empty there, or fire forever around `absent()`).
#pragma once

#include <set>
#include <string>
#include <tuple>
#include <unordered_map>
#include <utility>
#include <vector>

#include "base/diagnostics.hpp"
#include "model/model.hpp"

namespace stackc::check {

class Presence {
 public:
  explicit Presence(base::Sink& sink) : sink_(sink) {}
  // Checks the edges into the absent workloads of `e`, then removes them and their backups.
  void apply(model::Environment& e);
  // After every environment: W0025 for a workload left out of all `environments` of them.
  void finish(std::size_t environments);

 private:
  struct Absence {
    std::size_t count = 0;
    base::Span first;  // the `enabled = false` of the first environment
    base::Span decl;   // the workload's name
  };
  base::Sink& sink_;
  std::set<std::tuple<base::FileId, std::uint32_t, base::FileId, std::uint32_t>> reported_;
  std::vector<std::pair<std::string, Absence>> absences_;       // in order of first absence
  std::unordered_map<std::string, std::size_t> absence_index_;  // name -> index in absences_
};

}  // namespace stackc::check
