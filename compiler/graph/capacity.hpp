// Capacity: every environment's workloads against the cluster it runs on. Pods are packed onto
// nodes first-fit decreasing (by CPU, then memory), as a scheduler without other constraints
// could place them; the checks report which pod does not fit and by how much.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "model/model.hpp"

namespace stackc::graph {

// Pods of one shape: `count` replicas of a workload (the planner never makes one record per
// pod: a stack of 20 KB can ask for 20,000,000 of them, 100,000 replicas a workload).
struct Pod {
  std::string_view workload;  // the workload's name (in the model, which outlives the packing)
  std::int64_t cpu = 0;       // millicores requested (all containers), each pod
  std::int64_t memory = 0;    // bytes requested, each pod
  std::int64_t cpu_limit = 0, memory_limit = 0;
  bool spread = false;        // `spread = nodes`: never two of these pods on one node
  bool spread_zones = false;  // `spread = zones`: the counts per zone differ by at most one
  base::Span span;
  std::int64_t count = 1;  // how many pods of this shape
};

// `count` pods of Packing::pods[pod].
struct Share {
  std::size_t pod = 0;
  std::int64_t count = 0;
};

struct Node {
  std::int64_t cpu_used = 0, memory_used = 0;
  std::int64_t pod_count = 0;  // pods on the node
  std::vector<Share> pods;     // in packing order
};

struct Packing {
  std::vector<Pod> pods;  // in packing order (decreasing); each `count` pods
  std::vector<Node> nodes;
  std::vector<Share> unplaced;  // pods that fit no node, in packing order
  std::int64_t pod_count() const;
  std::int64_t unplaced_count() const;
};

struct Plan {
  const model::Environment* env = nullptr;
  const model::Cluster* cluster = nullptr;
  std::int64_t node_cpu = 0, node_memory = 0;  // allocatable per node
  Packing at_min;                              // minimum replicas on the minimum node count
  Packing at_max;                              // maximum replicas on the maximum node count
};

// The pods of an environment, a Pod a workload with `replicas` of them (the minimum or the
// maximum; jobs and crons one); none for a workload of no replicas.
std::vector<Pod> pods_of(const model::Environment& env, bool at_max);
// First-fit decreasing onto `nodes` nodes of the given allocatable size, spread over `zones`
// availability zones (node k is in zone k mod zones, as a provider spreads a node group): the
// placement of one pod at a time, each on the first node that takes it, made for all the pods
// of one shape at once (at a cost in nodes and shapes, not in pods).
Packing pack(std::vector<Pod> pods, std::size_t nodes, std::int64_t cpu, std::int64_t memory,
             std::size_t zones = 1);

// Plans every environment and reports what does not fit (E3002..E3006, W0003).
std::vector<Plan> plan(const model::Model& m, base::Sink& sink);

// The `stackc plan` table (text) and the same as JSON.
std::string plan_text(const std::vector<Plan>& plans);
std::string plan_json(const std::vector<Plan>& plans);

}  // namespace stackc::graph
