#include "check/templates.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>

namespace stackc::check {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
// A long cycle's path shows this many templates at each end.
constexpr std::size_t kPathEnds = 4;

// Tarjan's strongly connected components, with an explicit stack. Components come out in reverse
// topological order: each after every component it reaches.
std::vector<std::vector<std::size_t>> components(const std::vector<TemplateNode>& nodes) {
  std::size_t n = nodes.size(), next = 0;
  std::vector<std::size_t> index(n, kNone), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  std::vector<std::vector<std::size_t>> out;
  struct Frame {
    std::size_t node, edge;
  };
  std::vector<Frame> frames;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != kNone) continue;
    frames.push_back({root, 0});
    index[root] = low[root] = next++;
    stack.push_back(root);
    on_stack[root] = true;
    while (!frames.empty()) {
      Frame& f = frames.back();
      std::size_t v = f.node;
      if (f.edge < nodes[v].from.size()) {
        std::size_t w = nodes[v].from[f.edge++].to;
        if (index[w] == kNone) {
          index[w] = low[w] = next++;
          stack.push_back(w);
          on_stack[w] = true;
          frames.push_back({w, 0});  // f is invalid from here
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      if (low[v] == index[v]) {
        std::vector<std::size_t> comp;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp.push_back(w);
        } while (w != v);
        std::sort(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
      frames.pop_back();
      if (!frames.empty()) {
        std::size_t parent = frames.back().node;
        low[parent] = std::min(low[parent], low[v]);
      }
    }
  }
  return out;
}

// The first cycle through `start` that a depth-first walk along `from` (in written order) finds,
// inside its component: the names from `start` back to `start`.
std::vector<std::string_view> cycle_through(const std::vector<TemplateNode>& nodes,
                                            std::size_t start, const std::vector<bool>& in_comp) {
  struct Frame {
    std::size_t node, edge;
  };
  std::vector<Frame> frames{{start, 0}};
  std::vector<bool> seen(nodes.size(), false);
  while (!frames.empty()) {
    Frame& f = frames.back();
    if (f.edge == nodes[f.node].from.size()) {
      frames.pop_back();
      continue;
    }
    std::size_t w = nodes[f.node].from[f.edge++].to;
    if (w == start) {
      std::vector<std::string_view> path;
      for (const auto& g : frames) path.push_back(nodes[g.node].name);
      path.push_back(nodes[start].name);
      return path;
    }
    if (!in_comp[w] || seen[w]) continue;
    seen[w] = true;
    frames.push_back({w, 0});
  }
  return {nodes[start].name, nodes[start].name};  // not reached: start is on a cycle
}

}  // namespace

std::string cycle_path(const std::vector<std::string_view>& names) {
  if (names.size() <= 2 * kPathEnds + 1) return fmt::format("{}", fmt::join(names, " -> "));
  std::vector<std::string_view> head(names.begin(), names.begin() + kPathEnds);
  std::vector<std::string_view> tail(names.end() - kPathEnds, names.end());
  return fmt::format("{} -> ... {} more ... -> {}", fmt::join(head, " -> "),
                     names.size() - 2 * kPathEnds, fmt::join(tail, " -> "));
}

std::vector<std::size_t> check_templates(const std::vector<TemplateNode>& nodes, base::Sink& sink) {
  std::vector<std::size_t> order;
  std::vector<bool> in_comp(nodes.size(), false);
  // Chain length of each template (itself included); 0 on or above a cycle.
  std::vector<std::size_t> depth(nodes.size(), 0);
  for (const auto& comp : components(nodes)) {
    std::size_t v = comp.front();
    bool cyclic =
        comp.size() > 1 || std::any_of(nodes[v].from.begin(), nodes[v].from.end(),
                                       [&](const TemplateNode::Edge& e) { return e.to == v; });
    if (cyclic) {
      for (std::size_t w : comp) in_comp[w] = true;
      auto path = cycle_through(nodes, v, in_comp);
      std::string others =
          comp.size() + 1 > path.size()
              ? fmt::format(" ({} templates in all build on each other in cycles)", comp.size())
              : "";
      sink.report(base::make(
          base::Code::E2021, nodes[v].name_span,
          fmt::format("template `{}` applies itself: {}{}", nodes[v].name, cycle_path(path),
                      others),
          "remove one `from` of the cycle; a template can build on others, not on itself"));
      for (std::size_t w : comp) in_comp[w] = false;
      continue;
    }
    // Every template v names is done (components come out after those they reach).
    std::size_t d = 1;
    bool above_cycle = false;
    for (const auto& e : nodes[v].from) {
      if (depth[e.to] == 0) above_cycle = true;
      d = std::max(d, depth[e.to] + 1);
    }
    if (above_cycle) continue;  // depth stays 0: no order, no chain report
    depth[v] = d;
    order.push_back(v);
    for (std::size_t k = 0; k < nodes[v].from.size(); ++k) {
      const auto& e = nodes[v].from[k];
      if (depth[e.to] != kTemplateChainLimit) continue;  // deeper ones were reported below
      bool again = false;                                // `from a, a`: reported at the first
      for (std::size_t j = 0; j < k; ++j) again = again || nodes[v].from[j].to == e.to;
      if (again) continue;
      sink.report(base::make(
          base::Code::E2026, e.span,
          fmt::format("`from {}` makes a chain of {} templates, each built on the next; at most "
                      "{} may be stacked",
                      nodes[e.to].name, kTemplateChainLimit + 1, kTemplateChainLimit),
          fmt::format("flatten the chain: merge some of its templates into one (a template can "
                      "name several in `from`, applied left to right)")));
    }
  }
  return order;
}

}  // namespace stackc::check
