// The dependency graph of an environment: nodes are the deployable workloads, edges come from
// `needs`, from references in `env` (`postgres.host`) and in any string (`"${postgres.host}"`),
// and from Prometheus to every workload it scrapes. Boost.Graph does the work behind this
// domain API; no Boost type leaves this header's implementation.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/diagnostics.hpp"
#include "graph/capacity.hpp"
#include "model/model.hpp"

namespace stackc::graph {

struct Edge {
  std::size_t from, to;  // indices into nodes: `from` depends on `to`
  // "needs", "env NAME" (a reference in env; also where a `${W.host}` is written: "args",
  // "init migrate env URL") or "scrapes" (Prometheus -> a workload)
  std::string why;
  base::Span span;  // where the .stack file makes the edge
};

class Graph {
 public:
  // Builds the graph of one environment.
  static Graph of(const model::Environment& env);
  // Movable, not copyable: the index refers to the node names (a move keeps them in place).
  Graph(Graph&&) = default;
  Graph& operator=(Graph&&) = default;
  Graph(const Graph&) = delete;
  Graph& operator=(const Graph&) = delete;

  const std::vector<std::string>& nodes() const { return nodes_; }
  const std::vector<Edge>& edges() const { return edges_; }
  std::size_t index(const std::string& name) const;  // nodes().size() when absent

  // A cycle as a list of edges, if there is one (the first found in declaration order).
  std::vector<Edge> cycle() const;
  // Dependencies first: the order to apply and start workloads in. Empty when there is a cycle.
  std::vector<std::size_t> order() const;
  // What breaks if `node` is down: everything that depends on it, directly or not (sorted);
  // scraping is not depending.
  std::vector<std::size_t> dependents(std::size_t node) const;
  // What breaks if all of `nodes` are down (every version of a versioned workload): everything
  // else that depends on one of them, directly or not (sorted).
  std::vector<std::size_t> dependents(const std::vector<std::size_t>& nodes) const;

  std::string to_dot(const std::string& title) const;
  std::string to_mermaid() const;
  std::string to_json() const;

 private:
  Graph() = default;
  std::vector<std::string> nodes_;
  std::vector<Edge> edges_;
  std::unordered_map<std::string_view, std::size_t> index_;  // into nodes_
};

// Reports every dependency cycle (E3001), once per distinct cycle; true when there is one.
bool check_cycles(const model::Model& m, base::Sink& sink);

// The graph stage's entry: reports every dependency cycle (E3001), once per distinct cycle, and
// what does not fit the clusters (capacity.hpp). Returns the capacity plans it made, one per
// environment (the build prints them into docs/ without packing again).
std::vector<Plan> analyze(const model::Model& m, base::Sink& sink);

}  // namespace stackc::graph
