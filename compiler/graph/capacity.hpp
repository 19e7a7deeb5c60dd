// Capacity: every environment's workloads against the cluster it runs on. Pods are packed onto
// nodes first-fit decreasing (by CPU, then memory), as a scheduler without other constraints
// could place them; the checks report which pod does not fit and by how much.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "model/model.hpp"

namespace stackc::graph {

struct Pod {
  std::string_view workload;  // the workload's name (in the model, which outlives the packing)
  std::int64_t cpu = 0;       // millicores requested (all containers)
  std::int64_t memory = 0;    // bytes requested
  std::int64_t cpu_limit = 0, memory_limit = 0;
  bool spread = false;        // `spread = nodes`: never two of these pods on one node
  bool spread_zones = false;  // `spread = zones`: the counts per zone differ by at most one
  base::Span span;
};

struct Node {
  std::int64_t cpu_used = 0, memory_used = 0;
  std::vector<std::size_t> pods;  // indices into Packing::pods
};

struct Packing {
  std::vector<Pod> pods;
  std::vector<Node> nodes;
  std::vector<std::size_t> unplaced;  // pods that fit no node
};

struct Plan {
  const model::Environment* env = nullptr;
  const model::Cluster* cluster = nullptr;
  std::int64_t node_cpu = 0, node_memory = 0;  // allocatable per node
  Packing at_min;                              // minimum replicas on the minimum node count
  Packing at_max;                              // maximum replicas on the maximum node count
};

// The pods of an environment: `replicas` each (the minimum or the maximum), jobs and crons one.
std::vector<Pod> pods_of(const model::Environment& env, bool at_max);
// First-fit decreasing onto `nodes` nodes of the given allocatable size, spread over `zones`
// availability zones (node k is in zone k mod zones, as a provider spreads a node group).
Packing pack(std::vector<Pod> pods, std::size_t nodes, std::int64_t cpu, std::int64_t memory,
             std::size_t zones = 1);

// Plans every environment and reports what does not fit (E3002..E3006, W0003).
std::vector<Plan> plan(const model::Model& m, base::Sink& sink);

// The `stackc plan` table (text) and the same as JSON.
std::string plan_text(const std::vector<Plan>& plans);
std::string plan_json(const std::vector<Plan>& plans);

}  // namespace stackc::graph
