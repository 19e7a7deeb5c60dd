#include "graph/graph.hpp"
#include "graph/capacity.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>
#include <map>
#include <random>
#include <set>
#include <string>

namespace stackc::graph {
namespace {

model::Environment env(const std::vector<std::pair<std::string, std::vector<std::string>>>& spec) {
  model::Environment e;
  e.name = "dev";
  for (const auto& [name, needs] : spec) {
    model::Workload w;
    w.name = name;
    for (const auto& n : needs) w.needs.push_back({n, {}});
    e.workloads.push_back(std::move(w));
  }
  return e;
}

std::vector<std::string> names(const Graph& g, const std::vector<std::size_t>& idx) {
  std::vector<std::string> out;
  for (auto i : idx) out.push_back(g.nodes()[i]);
  return out;
}

TEST(Graph, OrderPutsDependenciesFirst) {
  auto g = Graph::of(env({{"web", {"api"}}, {"api", {"db", "cache"}}, {"db", {}}, {"cache", {}}}));
  auto order = names(g, g.order());
  ASSERT_EQ(order.size(), 4u);
  auto pos = [&](const std::string& n) {
    return std::find(order.begin(), order.end(), n) - order.begin();
  };
  EXPECT_LT(pos("db"), pos("api"));
  EXPECT_LT(pos("cache"), pos("api"));
  EXPECT_LT(pos("api"), pos("web"));
  EXPECT_TRUE(g.cycle().empty());
}

TEST(Graph, FindsTheCycleAsAPath) {
  auto g = Graph::of(env({{"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}, {"d", {"a"}}}));
  auto cyc = g.cycle();
  ASSERT_EQ(cyc.size(), 3u);
  for (std::size_t k = 0; k < cyc.size(); ++k) EXPECT_EQ(cyc[k].to, cyc[(k + 1) % cyc.size()].from);
  EXPECT_TRUE(g.order().empty());
}

TEST(Graph, SelfLoopAndTwoCycle) {
  auto g = Graph::of(env({{"a", {"b"}}, {"b", {"a"}}}));
  EXPECT_EQ(g.cycle().size(), 2u);
}

TEST(Graph, ImpactIsTransitiveDependents) {
  auto g = Graph::of(
      env({{"web", {"api"}}, {"api", {"db"}}, {"report", {"db"}}, {"db", {}}, {"lone", {}}}));
  EXPECT_EQ(names(g, g.dependents(g.index("db"))),
            (std::vector<std::string>{"web", "api", "report"}));
  EXPECT_TRUE(g.dependents(g.index("web")).empty());
}

// Mermaid ids are the workloads' names (not their positions): adding a workload changes only its
// own lines. `-` becomes `_`, and a Mermaid keyword gets a trailing `_`.
TEST(Graph, MermaidIdsAreTheNames) {
  auto g = Graph::of(env({{"web-app", {"end"}}, {"end", {}}}));
  EXPECT_EQ(g.to_mermaid(),
            "graph LR\n  web_app[\"web-app\"]\n  end_[\"end\"]\n  web_app -->|needs| end_\n");
}

TEST(Graph, EnvReferencesAreEdges) {
  auto e = env({{"api", {}}, {"db", {}}});
  model::EnvVar v;
  v.kind = model::EnvVar::Kind::Ref;
  v.name = "DB_HOST";
  v.ref_target = "db";
  e.workloads[0].env.push_back(v);
  auto g = Graph::of(e);
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.edges()[0].why, "env DB_HOST");
  EXPECT_NE(g.to_mermaid().find("api -->|env DB_HOST| db"), std::string::npos);
  EXPECT_NE(g.to_dot("x").find("\"api\" -> \"db\""), std::string::npos);
}

TEST(Graph, InitAndSidecarEnvReferencesAreEdges) {
  auto e = env({{"api", {}}, {"db", {}}});
  model::EnvVar v;
  v.kind = model::EnvVar::Kind::Ref;
  v.name = "DB_HOST";
  v.ref_target = "db";
  model::Container migrate;
  migrate.name = "migrate";
  migrate.env.push_back(v);
  e.workloads[0].init.push_back(migrate);
  auto g = Graph::of(e);
  ASSERT_EQ(g.edges().size(), 1u);
  EXPECT_EQ(g.edges()[0].why, "env DB_HOST");
}

// `${db.host}` in any string is an edge like `needs`, named after where it is written; a
// reference to the workload itself is no edge, and `needs` on the same target wins.
TEST(Graph, ReferencesInStringsAreEdges) {
  auto e = env({{"api", {}}, {"db", {}}, {"cache", {"api"}}});
  e.workloads[0].refs.push_back({"db", "address", "args", {}});
  e.workloads[0].refs.push_back({"db", "host", "env DB", {}});
  e.workloads[0].refs.push_back({"api", "port", "env SELF", {}});
  auto g = Graph::of(e);
  ASSERT_EQ(g.edges().size(), 2u);
  EXPECT_EQ(g.nodes()[g.edges()[0].from], "api");
  EXPECT_EQ(g.nodes()[g.edges()[0].to], "db");
  EXPECT_EQ(g.edges()[0].why, "args");
  EXPECT_EQ(names(g, g.dependents(g.index("db"))), (std::vector<std::string>{"api", "cache"}));
  EXPECT_NE(g.to_mermaid().find("api -->|args| db"), std::string::npos);
}

// A cycle made of a reference and a `needs` is a cycle.
TEST(Graph, ACycleThroughAReferenceIsACycle) {
  auto e = env({{"a", {"b"}}, {"b", {}}});
  e.workloads[1].refs.push_back({"a", "host", "env A", {}});
  auto g = Graph::of(e);
  auto cyc = g.cycle();
  ASSERT_EQ(cyc.size(), 2u);
  EXPECT_TRUE(cyc[0].why == "env A" || cyc[1].why == "env A");
  EXPECT_TRUE(g.order().empty());
}

}  // namespace
}  // namespace stackc::graph

#include "graph/capacity.hpp"

namespace stackc::graph {
namespace {

Pod pod(std::string_view name, std::int64_t cpu, std::int64_t mem, bool spread = false) {
  Pod p;
  p.workload = name;
  p.cpu = cpu;
  p.memory = mem;
  p.spread = spread;
  return p;
}

// A dependency on a versioned workload (`reviews`) is one on each of its versions, the nodes.
TEST(Graph, ADependencyOnAVersionedWorkloadIsOneOnEveryVersion) {
  auto e =
      env({{"web", {"reviews"}}, {"reviews-v1", {}}, {"reviews-v2", {"ratings"}}, {"ratings", {}}});
  for (std::size_t i : {1, 2}) {
    e.workloads[i].group = "reviews";
    e.workloads[i].version = i == 1 ? "v1" : "v2";
  }
  // A reference to its own workload from inside a version connects to no other version.
  e.workloads[1].refs.push_back({"reviews", "host", "args", {}});
  auto g = Graph::of(e);
  std::vector<std::pair<std::string, std::string>> edges;
  for (const auto& x : g.edges()) edges.emplace_back(g.nodes()[x.from], g.nodes()[x.to]);
  std::vector<std::pair<std::string, std::string>> want = {{"web", "reviews-v1"},
                                                           {"web", "reviews-v2"},
                                                           {"reviews-v1", "reviews-v2"},
                                                           {"reviews-v2", "ratings"}};
  // (The checker drops a workload's references to itself before the graph; here the one left
  // in goes to the other version, never back to its own node.)
  EXPECT_EQ(edges, want);
  EXPECT_EQ(g.index("reviews"), g.nodes().size());
  EXPECT_EQ(names(g, g.dependents(g.index("ratings"))),
            (std::vector<std::string>{"web", "reviews-v1", "reviews-v2"}));
  EXPECT_TRUE(g.cycle().empty());
  // `--impact reviews`: every version down.
  EXPECT_EQ(names(g, g.dependents(std::vector<std::size_t>{1, 2})),
            (std::vector<std::string>{"web"}));
}

// With many workloads the capacity plan is made on another thread; the diagnostics are the same,
// in the same order, as the cycles' and then the plan's one after the other.
TEST(Graph, AnalyzeOfManyWorkloadsReportsAsOnePass) {
  std::vector<std::pair<std::string, std::vector<std::string>>> spec = {
      {"a", {"b"}}, {"b", {"c"}}, {"c", {"a"}}};
  for (int i = 0; i < 300; ++i) spec.push_back({"w" + std::to_string(i), {}});
  model::Model m;
  m.environments.push_back(env(spec));
  m.environments[0].cluster = "small";
  for (auto& w : m.environments[0].workloads) {
    w.cpu = {500, 500, {}};
    w.memory = {1LL << 30, 1LL << 30, {}};
  }
  model::Cluster c;
  c.name = "small";
  c.node_cpu = 2000;
  c.node_memory = 4LL << 30;
  m.clusters.push_back(c);
  base::Collector both, one_pass;
  auto plans = analyze(m, both);
  check_cycles(m, one_pass);
  auto again = plan(m, one_pass);
  ASSERT_EQ(both.all().size(), one_pass.all().size());
  ASSERT_GE(both.all().size(), 2u);  // the cycle and the capacity
  EXPECT_EQ(base::info(both.all().front().code).id, std::string("E3001"));
  for (std::size_t i = 0; i < both.all().size(); ++i) {
    EXPECT_EQ(both.all()[i].code, one_pass.all()[i].code);
    EXPECT_EQ(both.all()[i].message, one_pass.all()[i].message);
  }
  EXPECT_EQ(plans.size(), again.size());
}

TEST(Packing, APodCountsItsSidecarsAndItsLargestInitContainer) {
  model::Workload w;
  w.cpu = {500, 1000, {}};
  w.memory = {100, 200, {}};
  auto add = [&](bool sidecar, std::int64_t cpu, std::int64_t mem) {
    model::Container c;
    c.sidecar = sidecar;
    c.cpu = {cpu, cpu, {}};
    c.memory = {mem, mem, {}};
    w.init.push_back(c);
  };
  add(false, 300, 50);   // before any sidecar: 300 alone
  add(true, 100, 10);    // runs beside everything after it
  add(false, 2000, 20);  // 2000 + the sidecar's 100 = 2100: the largest moment
  model::Environment e;
  e.workloads.push_back(w);
  auto pods = pods_of(e, false);
  ASSERT_EQ(pods.size(), 1u);
  const Pod& p = pods[0];
  EXPECT_EQ(p.cpu, 2100);
  EXPECT_EQ(p.memory, 110);  // 100 + 10: the running containers outweigh every init
  EXPECT_EQ(p.cpu_limit, 2100);
  EXPECT_EQ(p.memory_limit, 210);
}

TEST(Packing, FirstFitDecreasingPlacesTheLargestFirst) {
  // Two nodes of 4000m / 8: sorted 3000, 2000, 2000, 1000 -> node1 {3000, 1000}, node2 {2000,
  // 2000}.
  auto p = pack({pod("a", 1000, 1), pod("b", 2000, 1), pod("c", 3000, 1), pod("d", 2000, 1)}, 2,
                4000, 8);
  EXPECT_TRUE(p.unplaced.empty());
  ASSERT_EQ(p.nodes.size(), 2u);
  EXPECT_EQ(p.nodes[0].cpu_used, 4000);
  EXPECT_EQ(p.nodes[1].cpu_used, 4000);
}

TEST(Packing, ASumThatFitsCanStillNotPack) {
  // 3 pods of 600m on 2 nodes of 1000m: the sum (1800m) is under 2000m, but one pod is left over.
  auto p = pack({pod("a", 600, 1), pod("a", 600, 1), pod("a", 600, 1)}, 2, 1000, 8);
  ASSERT_EQ(p.unplaced_count(), 1);
}

TEST(Packing, MemoryCountsToo) {
  auto p = pack({pod("a", 100, 5), pod("b", 100, 5)}, 1, 4000, 8);
  EXPECT_EQ(p.unplaced_count(), 1);
}

TEST(Packing, SpreadKeepsReplicasApart) {
  auto together = pack({pod("db", 100, 1), pod("db", 100, 1)}, 2, 4000, 8);
  EXPECT_EQ(together.nodes[0].pod_count, 2);
  auto apart = pack({pod("db", 100, 1, true), pod("db", 100, 1, true)}, 2, 4000, 8);
  EXPECT_EQ(apart.nodes[0].pod_count, 1);
  EXPECT_EQ(apart.nodes[1].pod_count, 1);
  auto too_few = pack({pod("db", 100, 1, true), pod("db", 100, 1, true)}, 1, 4000, 8);
  EXPECT_EQ(too_few.unplaced_count(), 1);
}

// `spread = zones` (a topology spread constraint, maxSkew 1, DoNotSchedule): node k is in zone
// k mod zones, and a replica goes only to a zone holding the fewest of its workload's replicas.
TEST(Packing, SpreadOverZonesKeepsTheCountsEven) {
  auto zoned = [](Pod p) {
    p.spread_zones = true;
    return p;
  };
  // 4 nodes in 2 zones (nodes 1 and 3 in zone 0): without the constraint the two replicas share
  // node 1; with it the second goes to node 2, in the other zone.
  auto together = pack({pod("web", 100, 1), pod("web", 100, 1)}, 4, 4000, 8, 2);
  EXPECT_EQ(together.nodes[0].pod_count, 2);
  auto even = pack({zoned(pod("web", 100, 1)), zoned(pod("web", 100, 1))}, 4, 4000, 8, 2);
  EXPECT_EQ(even.nodes[0].pod_count, 1);
  EXPECT_EQ(even.nodes[1].pod_count, 1);
  // Zone 1's only node is full: the second replica has nowhere to go, though zone 0 has room.
  auto stuck = pack({pod("big", 4000, 1), zoned(pod("web", 1000, 1)), zoned(pod("web", 1000, 1))},
                    2, 4000, 8, 2);
  EXPECT_EQ(stuck.unplaced_count(), 1);
  // One zone: no constraint at all.
  EXPECT_TRUE(pack({zoned(pod("web", 1000, 1)), zoned(pod("web", 1000, 1))}, 1, 4000, 8, 1)
                  .unplaced.empty());
}

// What pack() computes for all the pods of a shape at once, written one pod at a time: every
// pod, in decreasing order, on the first node it fits with its spread kept. The reference for
// the test below (a node's pods and the pods left over, pod by pod).
struct OnePod {
  std::vector<std::vector<std::string_view>> nodes;
  std::vector<std::string_view> unplaced;
  std::vector<std::int64_t> cpu, memory;
};

OnePod one_pod_at_a_time(std::vector<Pod> pods, std::size_t nodes, std::int64_t cpu,
                         std::int64_t memory, std::size_t zones) {
  auto share = [&](const Pod& p) {
    return std::max(static_cast<double>(p.cpu) / static_cast<double>(cpu),
                    static_cast<double>(p.memory) / static_cast<double>(memory));
  };
  std::stable_sort(pods.begin(), pods.end(), [&](const Pod& a, const Pod& b) {
    if (share(a) != share(b)) return share(a) > share(b);
    return a.workload < b.workload;
  });
  OnePod out;
  out.nodes.resize(nodes);
  out.cpu.assign(nodes, 0);
  out.memory.assign(nodes, 0);
  std::map<std::string_view, std::set<std::size_t>> used;
  std::map<std::string_view, std::vector<std::int64_t>> in_zone;
  for (const auto& p : pods) {
    for (std::int64_t r = 0; r < p.count; ++r) {
      auto& counts = in_zone[p.workload];
      counts.resize(zones, 0);
      const std::int64_t fewest = *std::min_element(counts.begin(), counts.end());
      bool placed = false;
      for (std::size_t k = 0; k < nodes && !placed; ++k) {
        if (out.cpu[k] + p.cpu > cpu || out.memory[k] + p.memory > memory) continue;
        if (p.spread && used[p.workload].count(k)) continue;
        if (p.spread_zones && zones > 1 && counts[k % zones] != fewest) continue;
        out.cpu[k] += p.cpu;
        out.memory[k] += p.memory;
        out.nodes[k].push_back(p.workload);
        used[p.workload].insert(k);
        ++counts[k % zones];
        placed = true;
      }
      if (!placed) out.unplaced.push_back(p.workload);
    }
  }
  return out;
}

TEST(Packing, AllThePodsOfAShapeAtOnceAsOneAtATime) {
  std::mt19937 rng(15);
  auto pick = [&](std::int64_t lo, std::int64_t hi) {
    return std::uniform_int_distribution<std::int64_t>(lo, hi)(rng);
  };
  static const char* names[] = {"a", "b", "c", "d", "e", "f", "g", "h"};
  for (int round = 0; round < 400; ++round) {
    const auto nodes = static_cast<std::size_t>(pick(0, 9));
    const auto zones = static_cast<std::size_t>(pick(1, 3));
    const std::int64_t cpu = pick(1, 8) * 500, memory = pick(1, 8) * 1000;
    std::vector<Pod> pods;
    for (int w = 0, n = static_cast<int>(pick(1, 8)); w < n; ++w) {
      Pod p = pod(names[w], pick(0, 6) * 250, pick(0, 6) * 400, pick(0, 3) == 0);
      p.spread_zones = !p.spread && pick(0, 2) == 0;
      if (pick(0, 5) == 0) p.spread = p.spread_zones = true;
      p.count = pick(0, 12);
      pods.push_back(p);
      if (pick(0, 4) == 0) {  // the same workload in a second shape
        p.cpu += 250;
        p.count = pick(1, 4);
        pods.push_back(p);
      }
    }
    const auto want = one_pod_at_a_time(pods, nodes, cpu, memory, zones);
    const auto got = pack(pods, nodes, cpu, memory, zones);
    SCOPED_TRACE(::testing::Message() << "round " << round);
    ASSERT_EQ(got.nodes.size(), nodes);
    for (std::size_t k = 0; k < nodes; ++k) {
      std::vector<std::string_view> on;
      for (const auto& [i, count] : got.nodes[k].pods)
        for (std::int64_t c = 0; c < count; ++c) on.push_back(got.pods[i].workload);
      EXPECT_EQ(on, want.nodes[k]) << "node " << k;
      EXPECT_EQ(got.nodes[k].pod_count, static_cast<std::int64_t>(want.nodes[k].size()));
      EXPECT_EQ(got.nodes[k].cpu_used, want.cpu[k]);
      EXPECT_EQ(got.nodes[k].memory_used, want.memory[k]);
    }
    std::vector<std::string_view> left;
    for (const auto& [i, count] : got.unplaced)
      for (std::int64_t c = 0; c < count; ++c) left.push_back(got.pods[i].workload);
    EXPECT_EQ(left, want.unplaced);
  }
}

// 200 workloads of 100,000 replicas each are 20,000,000 pods: packed as 200 shapes, not as a
// record each (this took 11 s and 2.5 GB when every pod was one).
TEST(Packing, ManyReplicasCostNothingMore) {
  std::vector<Pod> pods;
  std::vector<std::string> names;
  for (int i = 0; i < 200; ++i) names.push_back("w" + std::to_string(i));
  for (const auto& n : names) {
    Pod p = pod(n, 10, 1 << 20);
    p.count = 100000;
    pods.push_back(p);
  }
  const auto p = pack(pods, 5000, 64000, std::int64_t{256} << 30, 3);
  EXPECT_EQ(p.pod_count(), 20000000);
  std::int64_t placed = 0;
  for (const auto& n : p.nodes) placed += n.pod_count;
  EXPECT_EQ(placed + p.unplaced_count(), 20000000);
  EXPECT_EQ(p.unplaced_count(), 0);  // 6,400 of them a node (CPU), 32,000,000 in all
  EXPECT_EQ(p.nodes[0].pod_count, 6400);
  EXPECT_EQ(p.nodes[4999].pod_count, 0);
}

// The largest quantities the units allow (a quarter of int64 each), times 100,000 replicas, in
// the totals the plan prints: held at the largest int64, not overflowed (the sanitizer build
// runs this).
TEST(Packing, TotalsOfHugeRequestsDoNotOverflow) {
  const std::int64_t huge = std::numeric_limits<std::int64_t>::max() / 4;
  auto e = env({{"a", {}}, {"b", {}}, {"c", {}}});
  e.cluster = "big";
  for (auto& w : e.workloads) {
    w.replicas_min = w.replicas_max = 100000;
    w.cpu = {huge / 8, huge / 8, {}};
    w.memory = {huge / 8, huge / 8, {}};
    w.kind = model::Workload::Kind::Stateful;
    w.storage = huge;
  }
  model::Model m;
  m.environments.push_back(e);
  model::Cluster c;
  c.name = "big";
  c.provider = "kind";
  c.nodes_min = c.nodes_max = 1000;
  c.node_cpu = c.node_memory = c.node_disk = huge;
  m.clusters.push_back(c);
  base::Collector sink;
  auto plans = plan(m, sink);
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].at_min.pod_count(), 300000);
  EXPECT_NE(plan_text(plans).find("at maximum replicas on 1000 nodes: 300000 pod(s)"),
            std::string::npos);
  EXPECT_NE(plan_json(plans).find("\"cpu_millicores\": 9223372036854775807"), std::string::npos);
}

TEST(Packing, PodsOfAnEnvironment) {
  model::Environment e;
  model::Workload w;
  w.name = "api";
  w.replicas_min = 2;
  w.replicas_max = 5;
  w.cpu = {250, 500, {}};
  w.memory = {1 << 20, 2 << 20, {}};
  e.workloads.push_back(w);
  model::Workload cron;
  cron.kind = model::Workload::Kind::Cron;
  cron.name = "nightly";
  cron.replicas_min = cron.replicas_max = 1;
  e.workloads.push_back(cron);
  auto count = [](const std::vector<Pod>& pods) {
    std::int64_t n = 0;
    for (const auto& p : pods) n += p.count;
    return n;
  };
  ASSERT_EQ(pods_of(e, false).size(), 2u);  // one shape a workload
  EXPECT_EQ(count(pods_of(e, false)), 3);
  EXPECT_EQ(count(pods_of(e, true)), 6);
  EXPECT_EQ(pods_of(e, false)[0].cpu, 250);
  EXPECT_EQ(pods_of(e, false)[0].count, 2);
  // Every version of a versioned workload counts, each with its replicas.
  model::Workload v1 = w, v2 = w;
  v1.name = "reviews-v1";
  v2.name = "reviews-v2";
  v1.group = v2.group = "reviews";
  v2.replicas_min = v2.replicas_max = 4;
  e.workloads.push_back(v1);
  e.workloads.push_back(v2);
  EXPECT_EQ(count(pods_of(e, false)), 3 + 2 + 4);
  // A workload of no replicas has no pods.
  e.workloads[0].replicas_min = 0;
  EXPECT_EQ(pods_of(e, false).size(), 3u);
}

}  // namespace
}  // namespace stackc::graph
