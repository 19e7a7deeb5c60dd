#include "graph/graph.hpp"

#include <gtest/gtest.h>

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
  EXPECT_NE(g.to_mermaid().find("n0 -->|env DB_HOST| n1"), std::string::npos);
  EXPECT_NE(g.to_dot("x").find("\"api\" -> \"db\""), std::string::npos);
}

}  // namespace
}  // namespace stackc::graph
