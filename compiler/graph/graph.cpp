#include "graph/graph.hpp"

#include "graph/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <boost/graph/adjacency_list.hpp>
#include <boost/graph/depth_first_search.hpp>
#include <boost/graph/topological_sort.hpp>
#include <cctype>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <thread>

namespace stackc::graph {
namespace {

using BGraph = boost::adjacency_list<boost::vecS, boost::vecS, boost::directedS>;

BGraph to_boost(const Graph& g) {
  BGraph b(g.nodes().size());
  for (const auto& e : g.edges()) boost::add_edge(e.from, e.to, b);
  return b;
}

// Records the DFS tree and stops at the first back edge.
struct CycleFinder : boost::default_dfs_visitor {
  std::vector<std::size_t>* parent;
  std::pair<std::size_t, std::size_t>* back;
  bool* found;
  void tree_edge(BGraph::edge_descriptor e, const BGraph& g) const {
    (*parent)[boost::target(e, g)] = boost::source(e, g);
  }
  void back_edge(BGraph::edge_descriptor e, const BGraph& g) const {
    if (!*found) {
      *found = true;
      *back = {boost::source(e, g), boost::target(e, g)};
    }
  }
};

}  // namespace

Graph Graph::of(const model::Environment& env) {
  Graph g;
  g.nodes_.reserve(env.workloads.size());
  for (const auto& w : env.workloads) g.nodes_.push_back(w.name);
  g.index_.reserve(g.nodes_.size());
  for (std::size_t i = 0; i < g.nodes_.size(); ++i) g.index_.emplace(g.nodes_[i], i);
  // (nodes_ is not resized after this: the views in index_ stay valid, and a move keeps them.)
  // A versioned workload is a node per version (`reviews-v1`, ...); what depends on it (by its
  // name, `reviews`) depends on every version: its Service spreads the traffic over them all.
  std::unordered_map<std::string_view, std::vector<std::size_t>> versions;
  for (std::size_t i = 0; i < env.workloads.size(); ++i)
    if (!env.workloads[i].group.empty()) versions[env.workloads[i].group].push_back(i);
  for (std::size_t i = 0; i < env.workloads.size(); ++i) {
    const auto& w = env.workloads[i];
    std::set<std::size_t> seen;
    // Adds the edges from `i` to `name` (to each of its versions but `i`; to `i` itself only
    // with `self`: a cycle of one).
    auto connect = [&](const std::string& name, const std::string& why, base::Span span,
                       bool self = true) {
      std::size_t j = g.index(name);
      if (j != g.nodes_.size()) {
        if ((self || j != i) && seen.insert(j).second) g.edges_.push_back({i, j, why, span});
        return;
      }
      if (auto it = versions.find(name); it != versions.end())
        for (std::size_t v : it->second)
          if (v != i && seen.insert(v).second) g.edges_.push_back({i, v, why, span});
    };
    for (const auto& d : w.needs) connect(d.name, "needs", d.span);
    auto env_edges = [&](const std::vector<model::EnvVar>& env) {
      for (const auto& v : env)
        if (v.kind == model::EnvVar::Kind::Ref) connect(v.ref_target, "env " + v.name, v.span);
    };
    env_edges(w.env);
    for (const auto& c : w.init) env_edges(c.env);  // init and sidecar containers connect too
    // `${W.host}`, `${W.port}`, `${W.address}` in any string connect like `needs`.
    for (const auto& r : w.refs) connect(r.target, r.why, r.span, false);
    for (const auto& d : w.scrapes) connect(d.name, "scrapes", d.span);
  }
  return g;
}

std::size_t Graph::index(const std::string& name) const {
  auto it = index_.find(name);
  return it == index_.end() ? nodes_.size() : it->second;
}

std::vector<Edge> Graph::cycle() const {
  BGraph b = to_boost(*this);
  std::vector<std::size_t> parent(nodes_.size(), nodes_.size());
  std::pair<std::size_t, std::size_t> back{0, 0};
  bool found = false;
  CycleFinder vis;
  vis.parent = &parent;
  vis.back = &back;
  vis.found = &found;
  std::vector<boost::default_color_type> colors(nodes_.size());
  boost::depth_first_search(b, boost::visitor(vis).color_map(boost::make_iterator_property_map(
                                   colors.begin(), boost::get(boost::vertex_index, b))));
  if (!found) return {};
  // The back edge u -> v closes the path v -> ... -> u of the DFS tree.
  std::vector<std::size_t> path{back.first};
  for (std::size_t x = back.first; x != back.second && parent[x] != nodes_.size(); x = parent[x])
    path.push_back(parent[x]);
  std::reverse(path.begin(), path.end());  // v ... u
  path.push_back(back.second);             // back to v
  std::vector<Edge> out;
  for (std::size_t k = 0; k + 1 < path.size(); ++k) {
    for (const auto& e : edges_)
      if (e.from == path[k] && e.to == path[k + 1]) {
        out.push_back(e);
        break;
      }
  }
  return out;
}

std::vector<std::size_t> Graph::order() const {
  if (!cycle().empty()) return {};
  BGraph b = to_boost(*this);
  std::vector<std::size_t> out;
  boost::topological_sort(b, std::back_inserter(out));  // dependencies (edge targets) first
  return out;
}

std::vector<std::size_t> Graph::dependents(std::size_t node) const {
  return dependents(std::vector<std::size_t>{node});
}

std::vector<std::size_t> Graph::dependents(const std::vector<std::size_t>& nodes) const {
  std::vector<std::vector<std::size_t>> rev(nodes_.size());
  for (const auto& e : edges_)
    if (e.why != "scrapes") rev[e.to].push_back(e.from);  // a scraper keeps running
  std::vector<bool> seen(nodes_.size(), false);
  std::vector<std::size_t> stack = nodes, out;
  for (std::size_t n : nodes) seen[n] = true;
  while (!stack.empty()) {
    std::size_t x = stack.back();
    stack.pop_back();
    for (std::size_t y : rev[x])
      if (!seen[y]) {
        seen[y] = true;
        out.push_back(y);
        stack.push_back(y);
      }
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::string Graph::to_dot(const std::string& title) const {
  std::string o = fmt::format("digraph \"{}\" {{\n  rankdir=LR;\n  node [shape=box];\n", title);
  for (const auto& n : nodes_) o += fmt::format("  \"{}\";\n", n);
  for (const auto& e : edges_)
    o += fmt::format("  \"{}\" -> \"{}\" [label=\"{}\"];\n", nodes_[e.from], nodes_[e.to], e.why);
  return o + "}\n";
}

namespace {

// A node's Mermaid id: its name, so that adding a workload changes only its own lines. Names are
// DNS labels; `-` is written `_` (Mermaid reads `-` next to an arrow as part of it, and a DNS
// label has no `_`, so ids stay distinct), and Mermaid's keywords get a trailing `_`.
std::string mermaid_id(const std::string& name) {
  std::string id = name;
  std::replace(id.begin(), id.end(), '-', '_');
  static const std::set<std::string> keywords = {
      "end",      "graph", "subgraph",  "flowchart", "direction", "style", "class",
      "classDef", "click", "linkStyle", "default",   "call",      "href"};
  if (keywords.count(id)) id += "_";
  return id;
}

}  // namespace

std::string Graph::to_mermaid() const {
  std::string o = "graph LR\n";
  for (const auto& n : nodes_) o += fmt::format("  {}[\"{}\"]\n", mermaid_id(n), n);
  for (const auto& e : edges_)
    o += fmt::format("  {} -->|{}| {}\n", mermaid_id(nodes_[e.from]), e.why,
                     mermaid_id(nodes_[e.to]));
  return o;
}

std::string Graph::to_json() const {
  nlohmann::ordered_json j;
  j["nodes"] = nodes_;
  auto edges = nlohmann::ordered_json::array();
  for (const auto& e : edges_)
    edges.push_back({{"from", nodes_[e.from]}, {"to", nodes_[e.to]}, {"why", e.why}});
  j["edges"] = edges;
  auto order_names = nlohmann::ordered_json::array();
  for (std::size_t i : order()) order_names.push_back(nodes_[i]);
  j["order"] = order_names;
  return j.dump(2) + "\n";
}

bool check_cycles(const model::Model& m, base::Sink& sink) {
  bool found = false;
  std::set<std::vector<std::string>> reported;
  for (const auto& env : m.environments) {
    Graph g = Graph::of(env);
    auto cyc = g.cycle();
    if (cyc.empty()) continue;
    found = true;
    // The same cycle in several environments is one problem; name it from its smallest node.
    std::vector<std::string> names;
    for (const auto& e : cyc) names.push_back(g.nodes()[e.from]);
    auto key = names;
    std::rotate(key.begin(), std::min_element(key.begin(), key.end()), key.end());
    if (!reported.insert(key).second) continue;
    std::string path;
    for (const auto& e : cyc) path += g.nodes()[e.from] + " -> ";
    path += g.nodes()[cyc.front().from];
    auto d =
        base::make(base::Code::E3001, cyc.front().span, fmt::format("dependency cycle: {}", path),
                   "no workload in a cycle can start first; remove one of these dependencies, "
                   "or let one side find the other at run time instead of waiting for it");
    for (std::size_t k = 1; k < cyc.size(); ++k)
      d.notes.push_back(
          {cyc[k].span, fmt::format("`{}` depends on `{}` here ({})", g.nodes()[cyc[k].from],
                                    g.nodes()[cyc[k].to], cyc[k].why)});
    sink.report(std::move(d));
  }
  return found;
}

std::vector<Plan> analyze(const model::Model& m, base::Sink& sink) {
  // Capacity (every environment against its cluster) and cycles read the model only: with many
  // workloads the plan is made on another thread meanwhile, its diagnostics held and reported
  // after the cycles', as one pass would report them.
  std::size_t workloads = 0;
  for (const auto& e : m.environments) workloads += e.workloads.size();
  if (workloads < 256) {
    check_cycles(m, sink);
    return plan(m, sink);
  }
  base::Collector held;
  std::vector<Plan> plans;
  std::thread second([&] { plans = plan(m, held); });
  check_cycles(m, sink);
  second.join();
  for (const auto& d : held.all()) sink.report(d);
  return plans;
}

}  // namespace stackc::graph
