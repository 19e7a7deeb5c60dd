#include "graph/capacity.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>
#include <unordered_set>

#include "check/units.hpp"

namespace stackc::graph {
namespace {

using check::format_bytes;
using check::format_cpu;

std::string gib(std::int64_t bytes) {
  return fmt::format("{:.1f}Gi", static_cast<double>(bytes) / (1LL << 30));
}

std::int64_t replicas(const model::Workload& w, bool at_max) {
  if (w.kind == model::Workload::Kind::Job || w.kind == model::Workload::Kind::Cron) return 1;
  return at_max ? w.replicas_max : w.replicas_min;
}

// `total + each * count`, held at the largest int64 instead of overflowing: quantities may be up
// to a quarter of it each (check/units.cpp), and a workload may have 100,000 replicas.
void add_times(std::int64_t& total, std::int64_t each, std::int64_t count) {
  std::int64_t product = 0;
  if (__builtin_mul_overflow(each, count, &product) ||
      __builtin_add_overflow(total, product, &total))
    total = std::numeric_limits<std::int64_t>::max();
}

std::int64_t times(std::int64_t each, std::int64_t count) {
  std::int64_t total = 0;
  add_times(total, each, count);
  return total;
}

// Is `inner` part of the text `outer`?
bool within(const base::Span& inner, const base::Span& outer) {
  return inner.file == outer.file && outer.begin <= inner.begin && inner.end <= outer.end;
}

}  // namespace

Pod pod_of(const model::Workload& w) {
  Pod p;
  p.workload = w.name;
  p.cpu = w.cpu.request + (w.exporter ? w.exporter->cpu.request : 0);
  p.memory = w.memory.request + (w.exporter ? w.exporter->memory.request : 0);
  p.cpu_limit = w.cpu.limit + (w.exporter ? w.exporter->cpu.limit : 0);
  p.memory_limit = w.memory.limit + (w.exporter ? w.exporter->memory.limit : 0);
  // Init and sidecar containers, as the scheduler counts them: sidecars run beside everything
  // started after them; the pod needs the most of the running containers plus its sidecars, and
  // of each init container plus the sidecars started before it.
  std::int64_t side[4] = {0, 0, 0, 0};  // cpu, memory, cpu limit, memory limit
  std::int64_t peak[4] = {0, 0, 0, 0};
  for (const auto& c : w.init) {
    const std::int64_t x[4] = {c.cpu.request, c.memory.request, c.cpu.limit, c.memory.limit};
    for (int k = 0; k < 4; ++k) {
      if (c.sidecar)
        side[k] += x[k];
      else
        peak[k] = std::max(peak[k], side[k] + x[k]);
    }
  }
  std::int64_t* out[4] = {&p.cpu, &p.memory, &p.cpu_limit, &p.memory_limit};
  for (int k = 0; k < 4; ++k) *out[k] = std::max(*out[k] + side[k], peak[k]);
  p.span = w.span;
  p.spread = w.spread == "nodes";
  p.spread_zones = w.spread == "zones";
  return p;
}

std::int64_t Packing::pod_count() const {
  std::int64_t n = 0;
  for (const auto& p : pods) n += p.count;
  return n;
}

std::int64_t Packing::unplaced_count() const {
  std::int64_t n = 0;
  for (const auto& u : unplaced) n += u.count;
  return n;
}

std::vector<Pod> pods_of(const model::Environment& env, bool at_max) {
  std::vector<Pod> pods;
  pods.reserve(env.workloads.size());
  for (const auto& w : env.workloads) {
    if (replicas(w, at_max) <= 0) continue;
    Pod p = pod_of(w);
    p.count = replicas(w, at_max);
    pods.push_back(p);
  }
  return pods;
}

namespace {

// How many more pods of `p`'s size `n` takes (at most `most`): each must fit what is left of
// both the CPU and the memory, as `used + request <= allocatable` one pod at a time.
std::int64_t room(const Node& n, const Pod& p, std::int64_t cpu, std::int64_t memory,
                  std::int64_t most) {
  auto of = [](std::int64_t used, std::int64_t request, std::int64_t size) -> std::int64_t {
    if (used > size) return 0;
    if (request <= 0) return std::numeric_limits<std::int64_t>::max();
    return (size - used) / request;
  };
  return std::min({of(n.cpu_used, p.cpu, cpu), of(n.memory_used, p.memory, memory), most});
}

void place(Packing& out, std::size_t k, std::size_t pod, std::int64_t count) {
  if (count <= 0) return;
  auto& n = out.nodes[k];
  const Pod& p = out.pods[pod];
  n.cpu_used += p.cpu * count;
  n.memory_used += p.memory * count;
  n.pod_count += count;
  if (!n.pods.empty() && n.pods.back().pod == pod)
    n.pods.back().count += count;
  else
    n.pods.push_back({pod, count});
}

}  // namespace

Packing pack(std::vector<Pod> pods, std::size_t nodes, std::int64_t cpu, std::int64_t memory,
             std::size_t zones) {
  zones = std::max<std::size_t>(zones, 1);
  Packing out;
  // Decreasing by the larger share of a node each pod takes; ties by name, so it is stable.
  auto share = [&](const Pod& p) {
    double c = cpu ? static_cast<double>(p.cpu) / static_cast<double>(cpu) : 1.0;
    double m = memory ? static_cast<double>(p.memory) / static_cast<double>(memory) : 1.0;
    return std::max(c, m);
  };
  std::vector<std::pair<double, std::size_t>> order;
  order.reserve(pods.size());
  for (std::size_t i = 0; i < pods.size(); ++i)
    if (pods[i].count > 0) order.push_back({share(pods[i]), i});
  std::stable_sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
    if (a.first != b.first) return a.first > b.first;
    return pods[a.second].workload < pods[b.second].workload;
  });
  out.pods.reserve(order.size());
  for (const auto& [key, i] : order) out.pods.push_back(pods[i]);
  out.nodes.resize(nodes);
  // A node that cannot take the smallest pod of all is full for good: first-fit starts after it.
  std::int64_t min_cpu = std::numeric_limits<std::int64_t>::max(), min_mem = min_cpu;
  for (const auto& p : out.pods) {
    min_cpu = std::min(min_cpu, p.cpu);
    min_mem = std::min(min_mem, p.memory);
  }
  std::size_t open = 0;
  std::unordered_map<std::string_view, std::unordered_set<std::size_t>>
      spread_nodes;  // workload -> nodes
  // `spread = zones` is a topology spread constraint with maxSkew 1 and DoNotSchedule: a replica
  // goes only to a zone that holds the fewest of its workload's replicas so far.
  std::unordered_map<std::string_view, std::vector<std::int64_t>> in_zone;  // workload -> counts
  // (cpu, memory) -> every node before it is too full for a pod of that size
  std::map<std::pair<std::int64_t, std::int64_t>, std::size_t> first_for_size;
  for (std::size_t i = 0; i < out.pods.size(); ++i) {
    const Pod p = out.pods[i];
    while (open < out.nodes.size() && (out.nodes[open].cpu_used + min_cpu > cpu ||
                                       out.nodes[open].memory_used + min_mem > memory))
      ++open;
    // Nodes only fill up: those that could not take a pod of this size never will. Starting
    // after them gives the same first fit without scanning them again (a fleet's leftovers, too
    // small for its pods, made packing quadratic).
    std::size_t& from = first_for_size[{p.cpu, p.memory}];
    if (from < open) from = open;
    while (from < out.nodes.size() && room(out.nodes[from], p, cpu, memory, 1) == 0) ++from;
    std::int64_t left = p.count;
    if (p.spread_zones && zones > 1) {
      // One pod at a time goes to the first node with room in a zone that has the fewest of the
      // workload's pods. While the zones are even, that is a round of one pod a zone, each on
      // its zone's first node with room: as many whole rounds as every zone has room for are
      // made at once, and the pods left one by one (fewer than a round, or until the zone whose
      // turn it is has no room: then none of the rest has anywhere to go).
      auto& counts = in_zone[p.workload];
      counts.resize(zones, 0);
      // Both spreads at once (not made by pods_of): one pod a node too, so one at a time.
      auto* used = p.spread ? &spread_nodes[p.workload] : nullptr;
      while (left > 0) {
        const std::int64_t fewest = *std::min_element(counts.begin(), counts.end());
        const bool even =
            std::all_of(counts.begin(), counts.end(), [&](std::int64_t c) { return c == fewest; });
        std::int64_t rounds = even && !used ? left / static_cast<std::int64_t>(zones) : 0;
        for (std::size_t z = 0; z < zones && rounds > 0; ++z) {
          std::int64_t has = 0;
          for (std::size_t k = from + (z + zones - from % zones) % zones;
               k < out.nodes.size() && has < rounds; k += zones)
            has += room(out.nodes[k], p, cpu, memory, rounds - has);
          rounds = std::min(rounds, has);
        }
        if (rounds > 0) {
          for (std::size_t z = 0; z < zones; ++z) {
            std::int64_t want = rounds;
            for (std::size_t k = from + (z + zones - from % zones) % zones;
                 k < out.nodes.size() && want > 0; k += zones) {
              std::int64_t n = room(out.nodes[k], p, cpu, memory, want);
              place(out, k, i, n);
              want -= n;
            }
            counts[z] += rounds;
          }
          left -= rounds * static_cast<std::int64_t>(zones);
          continue;
        }
        std::size_t k = from;
        while (k < out.nodes.size() &&
               (counts[k % zones] != fewest || room(out.nodes[k], p, cpu, memory, 1) == 0 ||
                (used && used->count(k))))
          ++k;
        if (k == out.nodes.size()) break;  // and so for every pod left
        place(out, k, i, 1);
        if (used) used->insert(k);
        ++counts[k % zones];
        --left;
      }
    } else if (p.spread) {
      // One pod a node: the first nodes with room that hold none of the workload's pods yet.
      auto& used = spread_nodes[p.workload];
      for (std::size_t k = from; k < out.nodes.size() && left > 0; ++k) {
        if (used.count(k) || room(out.nodes[k], p, cpu, memory, 1) == 0) continue;
        place(out, k, i, 1);
        used.insert(k);
        --left;
      }
    } else {
      // Each pod on the first node with room: the nodes in order, each filled as far as it goes.
      for (std::size_t k = from; k < out.nodes.size() && left > 0; ++k) {
        std::int64_t n = room(out.nodes[k], p, cpu, memory, left);
        place(out, k, i, n);
        left -= n;
      }
    }
    if (left > 0) out.unplaced.push_back({i, left});
  }
  return out;
}

std::vector<Plan> plan(const model::Model& m, base::Sink& sink) {
  std::vector<Plan> plans;
  for (const auto& e : m.environments) {
    const model::Cluster* c = m.cluster(e.cluster);
    if (!c) continue;
    const auto zones = static_cast<std::size_t>(std::max<std::int64_t>(c->zones, 1));
    Plan p;
    p.env = &e;
    p.cluster = c;
    p.node_cpu = c->node_cpu - c->reserve_cpu;
    p.node_memory = c->node_memory - c->reserve_memory;
    std::string where =
        fmt::format("environment `{}` on cluster `{}` ({} node{} of {} CPU, {} allocatable)",
                    e.name, c->name, c->nodes_min, c->nodes_min == 1 ? "" : "s",
                    format_cpu(p.node_cpu), format_bytes(p.node_memory));
    // E3002: a pod larger than a node.
    bool too_big = false;
    for (const auto& w : e.workloads) {
      if (replicas(w, false) == 0) continue;
      const Pod pod = pod_of(w);
      const Pod* it = &pod;
      if (it->cpu > p.node_cpu || it->memory > p.node_memory) {
        too_big = true;
        auto d = base::make(
            base::Code::E3002, w.span,
            fmt::format("a pod of `{}` requests {} CPU and {} memory, more than one node of `{}` "
                        "can give ({} CPU, {})",
                        w.name, format_cpu(it->cpu), format_bytes(it->memory), c->name,
                        format_cpu(p.node_cpu), format_bytes(p.node_memory)),
            fmt::format("lower the requests of `{}` in `{}`, or give the cluster larger nodes",
                        w.name, e.name));
        // The request that does not fit, when it is written in a template: reported there, with
        // the workload as a note.
        const model::Resource& r = w.cpu.request > p.node_cpu ? w.cpu : w.memory;
        bool alone = w.cpu.request > p.node_cpu || w.memory.request > p.node_memory;
        if (alone && r.span.valid() && !within(r.span, w.decl_span)) {
          d.span = r.span;
          d.notes.push_back({w.span, fmt::format("`{}` uses it, from a template", w.name)});
        }
        // `cpu = 100..500` counts cores: a whole number of cores that would fit as millicores.
        if (w.cpu.request > p.node_cpu && w.cpu.request % 1000 == 0 && w.cpu.limit % 1000 == 0 &&
            w.cpu.request / 1000 <= p.node_cpu)
          d.help = fmt::format(
              "a CPU quantity without a unit counts cores: `{}` asks for {} cores; did you mean "
              "`{}`?",
              w.cpu.request == w.cpu.limit
                  ? format_cpu(w.cpu.request)
                  : format_cpu(w.cpu.request) + ".." + format_cpu(w.cpu.limit),
              w.cpu.request == w.cpu.limit
                  ? std::to_string(w.cpu.request / 1000)
                  : fmt::format("{} to {}", w.cpu.request / 1000, w.cpu.limit / 1000),
              w.cpu.request == w.cpu.limit
                  ? fmt::format("{}m", w.cpu.request / 1000)
                  : fmt::format("{}m..{}m", w.cpu.request / 1000, w.cpu.limit / 1000));
        sink.report(std::move(d));
      }
    }
    p.at_min = pack(pods_of(e, false), static_cast<std::size_t>(c->nodes_min), p.node_cpu,
                    p.node_memory, zones);
    p.at_max = pack(pods_of(e, true), static_cast<std::size_t>(c->nodes_max), p.node_cpu,
                    p.node_memory, zones);
    bool spread_violation = false;
    for (const auto& w : e.workloads)
      if (w.spread == "nodes" && w.replicas_min > c->nodes_max &&
          w.kind != model::Workload::Kind::Job && w.kind != model::Workload::Kind::Cron)
        spread_violation = true;
    // E3003: the minimum does not fit the minimum node count (E3004 already explains a spread
    // that cannot be met).
    // With a spread that cannot be met, the pods are packed again without it: if they still do
    // not fit, the cluster is too small whatever the spread.
    Packing relaxed;
    if (spread_violation) {
      auto pods = pods_of(e, false);
      for (auto& pod : pods) pod.spread = false;
      relaxed = pack(std::move(pods), static_cast<std::size_t>(c->nodes_min), p.node_cpu,
                     p.node_memory, zones);
    }
    const Packing& fit = spread_violation ? relaxed : p.at_min;
    if (!too_big && !fit.unplaced.empty()) {
      std::int64_t cpu = 0, mem = 0;
      for (const auto& pod : fit.pods) {
        add_times(cpu, pod.cpu, pod.count);
        add_times(mem, pod.memory, pod.count);
      }
      const Pod& first = fit.pods[fit.unplaced.front().pod];
      const std::int64_t left_over = fit.unplaced_count();
      // Is `spread = nodes` what leaves pods over? Then the pods fit once it is relaxed.
      const model::Workload* spreads = nullptr;
      if (!spread_violation) {
        auto pods = pods_of(e, false);
        for (auto& pod : pods) pod.spread = pod.spread_zones = false;
        if (pack(std::move(pods), static_cast<std::size_t>(c->nodes_min), p.node_cpu, p.node_memory,
                 zones)
                .unplaced.empty())
          for (const auto& w : e.workloads)
            if (((w.spread == "nodes" && w.replicas_min > c->nodes_min) ||
                 (w.spread == "zones" && zones > 1)) &&
                w.kind != model::Workload::Kind::Job && w.kind != model::Workload::Kind::Cron) {
              spreads = &w;
              break;
            }
      }
      auto d = base::make(
          base::Code::E3003, e.span,
          fmt::format("the workloads of `{}` do not fit its cluster `{}`: {} pod{} left over, the "
                      "first a pod of `{}` "
                      "({} CPU, {})",
                      e.name, c->name, left_over, left_over == 1 ? " is" : "s are", first.workload,
                      format_cpu(first.cpu), format_bytes(first.memory)),
          fmt::format("at minimum replicas they request {} CPU and {} in all; {} node{} {} "
                      "CPU and {}; "
                      "add nodes, use larger ones, or lower replicas or requests in `{}`",
                      format_cpu(cpu), gib(mem), c->nodes_min,
                      c->nodes_min == 1 ? " gives" : "s give",
                      format_cpu(times(p.node_cpu, c->nodes_min)),
                      gib(times(p.node_memory, c->nodes_min)), e.name));
      if (spreads && spreads->spread == "zones") {
        d.help = fmt::format(
            "`{}` has `spread = zones`: its replicas go evenly over the {} zones of `{}` (at most "
            "one more in any zone than in another), and the zone whose turn it is has no room "
            "left; add nodes, lower `replicas` of `{}` in `{}`, or write `spread = nodes` or "
            "`spread = none` in `{}`",
            spreads->name, zones, c->name, spreads->name, e.name, spreads->name);
      } else if (spreads) {
        d.help = fmt::format(
            "{}: each of its {} replicas needs a node of its own, and `{}` has {} node{} at "
            "minimum; raise the cluster's minimum to {} nodes, lower `replicas` of `{}` in `{}`, "
            "or write `spread = none` in `{}` to let replicas share a node",
            spreads->spread_span.valid()
                ? fmt::format("`{}` has `spread = nodes`", spreads->name)
                : fmt::format("`{}` is a stateful with more than one replica, so by default it "
                              "spreads over nodes (`spread = nodes`)",
                              spreads->name),
            spreads->replicas_min, c->name, c->nodes_min, c->nodes_min == 1 ? "" : "s",
            spreads->replicas_min, spreads->name, e.name, spreads->name);
      }
      d.notes.push_back({c->span, fmt::format("{}", where)});
      d.notes.push_back(
          {first.span,
           spreads && spreads->name == first.workload && spreads->spread == "zones"
               ? fmt::format("no node with room is in a zone with the fewest replicas of `{}`",
                             first.workload)
           : spreads && spreads->name == first.workload
               ? fmt::format("every node already runs a replica of `{}`", first.workload)
               : fmt::format("`{}` does not fit on any node after the larger pods",
                             first.workload)});
      sink.report(std::move(d));
    }
    // W0003: autoscaling to the maximum would not fit even the maximum node count.
    if (!too_big && p.at_min.unplaced.empty() && !p.at_max.unplaced.empty()) {
      const Pod& first = p.at_max.pods[p.at_max.unplaced.front().pod];
      const std::int64_t left_over = p.at_max.unplaced_count();
      sink.report(base::make(
          base::Code::W0003, e.span,
          fmt::format(
              "at maximum replicas, {} pod{} of `{}` would not fit {} node{} of `{}`, the first "
              "a pod of `{}`",
              left_over, left_over == 1 ? "" : "s", e.name, c->nodes_max,
              c->nodes_max == 1 ? "" : "s", c->name, first.workload),
          "autoscaling will stop at the cluster's ceiling; raise the node count's maximum or lower "
          "the replica maximums"));
    }
    for (const auto& w : e.workloads) {
      // E3004: spread over nodes with more replicas than nodes.
      bool runs = w.kind != model::Workload::Kind::Job && w.kind != model::Workload::Kind::Cron;
      if (runs && w.spread == "nodes" && w.replicas_min > c->nodes_max) {
        sink.report(base::make(
            base::Code::E3004, w.replicas_span.valid() ? w.replicas_span : w.span,
            fmt::format(
                "`{}` spreads {} replicas over nodes, but cluster `{}` has at most {} node{} "
                "in `{}`",
                w.name, w.replicas_min, c->name, c->nodes_max, c->nodes_max == 1 ? "" : "s",
                e.name),
            fmt::format("lower `replicas` to {} in `{}`, add nodes, or use `spread = none`",
                        c->nodes_max, e.name)));
      }
      // E3006: a disruption budget that blocks every eviction.
      std::int64_t reps = w.replicas_min;
      bool has_budget = runs && w.replicas_max > 1;  // as the emitter writes PodDisruptionBudgets
      if (has_budget && ((w.min_available && *w.min_available >= reps && reps > 0) ||
                         (w.max_unavailable && *w.max_unavailable == 0))) {
        sink.report(base::make(
            base::Code::E3006, w.span,
            fmt::format("the disruption budget of `{}` blocks every eviction in `{}`: with {} "
                        "replica{} it {}",
                        w.name, e.name, reps, reps == 1 ? "" : "s",
                        w.max_unavailable && *w.max_unavailable == 0
                            ? "allows none to be unavailable"
                            : fmt::format("needs {} available", *w.min_available)),
            "node drains and cluster upgrades would hang; allow at least one pod to be evicted"));
      }
    }
    // E3005: volumes on clusters whose storage is the nodes' local disks.
    if (c->provider == "minikube" || c->provider == "kind") {
      std::int64_t need = 0;
      for (const auto& w : e.workloads) {
        if (w.kind == model::Workload::Kind::Stateful) add_times(need, w.storage, w.replicas_max);
        for (const auto& v : w.volumes)
          if (v.persistent) add_times(need, v.size, w.replicas_max);
      }
      for (const auto& b : e.backups) add_times(need, b.storage, 1);
      std::int64_t have = times(c->node_disk, c->nodes_max);
      if (c->node_disk > 0 && need > have) {
        sink.report(base::make(
            base::Code::E3005, e.span,
            fmt::format("the volumes of `{}` need {} of local disk, and cluster `{}` has {}",
                        e.name, gib(need), c->name, gib(have)),
            fmt::format(
                "on `{}` volumes live on the nodes' disks; lower `storage` in `{}` or give the "
                "nodes more `disk`",
                c->provider, e.name)));
      }
    }
    plans.push_back(std::move(p));
  }
  return plans;
}

std::string plan_text(const std::vector<Plan>& plans) {
  std::string o;
  for (const auto& p : plans) {
    const auto& c = *p.cluster;
    std::int64_t cpu_req = 0, mem_req = 0, cpu_lim = 0, mem_lim = 0;
    for (const auto& pod : p.at_min.pods) {
      add_times(cpu_req, pod.cpu, pod.count);
      add_times(mem_req, pod.memory, pod.count);
      add_times(cpu_lim, pod.cpu_limit, pod.count);
      add_times(mem_lim, pod.memory_limit, pod.count);
    }
    std::int64_t cpu_cap = times(p.node_cpu, c.nodes_min),
                 mem_cap = times(p.node_memory, c.nodes_min);
    o += fmt::format("environment {} on cluster {} ({}, {}..{} nodes of {} CPU / {} allocatable)\n",
                     p.env->name, c.name, c.provider, c.nodes_min, c.nodes_max,
                     format_cpu(p.node_cpu), format_bytes(p.node_memory));
    o += fmt::format("  {:<22} {:>10} {:>10} {:>10} {:>10}\n", "at minimum replicas", "requests",
                     "limits", "capacity", "headroom");
    o += fmt::format("  {:<22} {:>10} {:>10} {:>10} {:>10}\n", "cpu", format_cpu(cpu_req),
                     format_cpu(cpu_lim), format_cpu(cpu_cap), format_cpu(cpu_cap - cpu_req));
    o += fmt::format("  {:<22} {:>10} {:>10} {:>10} {:>10}\n", "memory", gib(mem_req), gib(mem_lim),
                     gib(mem_cap), gib(mem_cap - mem_req));
    o += "  nodes after packing (first-fit decreasing):\n";
    for (std::size_t i = 0; i < p.at_min.nodes.size(); ++i) {
      const auto& n = p.at_min.nodes[i];
      o += fmt::format("    node {}: cpu {:>6} of {:<6} memory {:>7} of {:<7} {} pod{}\n", i + 1,
                       format_cpu(n.cpu_used), format_cpu(p.node_cpu), gib(n.memory_used),
                       gib(p.node_memory), n.pod_count, n.pod_count == 1 ? "" : "s");
    }
    if (!p.at_min.unplaced.empty())
      o += fmt::format("    {} pod(s) do not fit\n", p.at_min.unplaced_count());
    o += fmt::format(
        "  at maximum replicas on {} nodes: {} pod(s), {}\n\n", c.nodes_max, p.at_max.pod_count(),
        p.at_max.unplaced.empty() ? "all fit"
                                  : fmt::format("{} do not fit", p.at_max.unplaced_count()));
  }
  return o;
}

std::string plan_json(const std::vector<Plan>& plans) {
  nlohmann::ordered_json out = nlohmann::ordered_json::array();
  for (const auto& p : plans) {
    auto packing = [&](const Packing& pk) {
      nlohmann::ordered_json j;
      std::int64_t cpu = 0, mem = 0;
      for (const auto& pod : pk.pods) {
        add_times(cpu, pod.cpu, pod.count);
        add_times(mem, pod.memory, pod.count);
      }
      j["pods"] = pk.pod_count();
      j["requests"] = {{"cpu_millicores", cpu}, {"memory_bytes", mem}};
      auto nodes = nlohmann::ordered_json::array();
      for (const auto& n : pk.nodes) {
        auto shares = nlohmann::ordered_json::array();
        for (const auto& [pod, count] : n.pods)
          shares.push_back({{"workload", pk.pods[pod].workload}, {"count", count}});
        nodes.push_back(
            {{"cpu_millicores", n.cpu_used}, {"memory_bytes", n.memory_used}, {"pods", shares}});
      }
      j["nodes"] = nodes;
      auto unplaced = nlohmann::ordered_json::array();
      for (const auto& [pod, count] : pk.unplaced)
        unplaced.push_back({{"workload", pk.pods[pod].workload}, {"count", count}});
      j["unplaced"] = unplaced;
      return j;
    };
    out.push_back({{"environment", p.env->name},
                   {"cluster", p.cluster->name},
                   {"allocatable_per_node",
                    {{"cpu_millicores", p.node_cpu}, {"memory_bytes", p.node_memory}}},
                   {"nodes", {{"min", p.cluster->nodes_min}, {"max", p.cluster->nodes_max}}},
                   {"at_min", packing(p.at_min)},
                   {"at_max", packing(p.at_max)}});
  }
  return out.dump(2) + "\n";
}

}  // namespace stackc::graph
