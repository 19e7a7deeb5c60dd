#include "emit/terraform/terraform.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <optional>
#include <regex>
#include <string>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "graph/capacity.hpp"
#include "load/loader.hpp"
#include "load/read.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit::terraform {
namespace {

struct Compiled {
  base::SourceManager sm;
  base::Collector sink;
  std::optional<model::Model> model;
};

std::unique_ptr<Compiled> compile(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  auto id = c->sm.add("t.stack", text);
  auto tree = syntax::parse(c->sm, id, c->sink);
  check::NoImports loader;
  auto result = check::check(c->sm, std::move(tree), loader, c->sink);
  for (const auto& d : c->sink.all()) ADD_FAILURE() << d.message;
  c->model = std::move(result.model);
  return c;
}

std::string file(const std::vector<std::pair<std::string, std::string>>& files,
                 const std::string& path) {
  for (const auto& [p, t] : files)
    if (p == path) return t;
  ADD_FAILURE() << "no file " << path;
  return {};
}

// The number after `key = ` inside the block that `block {` opens in `text` (the first).
std::int64_t number_in(const std::string& text, const std::string& block, const std::string& key) {
  auto at = text.find(block + " {");
  if (at == std::string::npos) {
    ADD_FAILURE() << "no block " << block;
    return -1;
  }
  std::smatch m;
  std::string rest = text.substr(at, text.find('}', at) - at);
  if (!std::regex_search(rest, m, std::regex("\\n\\s*" + key + "\\s*=\\s*([0-9]+)"))) {
    ADD_FAILURE() << "no " << key << " in " << block;
    return -1;
  }
  return std::stoll(m[1]);
}

// The node groups of personage's yandex cluster are the nodes `stackc plan` packed the staging
// and production pods onto: as many as the plan's minimum and maximum packings, each the size of
// the plan's allocatable node plus what the cluster reserves.
TEST(Terraform, NodeGroupOfPersonageIsWhatThePlanUsed) {
  const std::filesystem::path path =
      std::filesystem::path(STACKC_SOURCE_DIR) / "examples/personage/personage.stack";
  std::string text, error;
  ASSERT_TRUE(load::read_file(path, text, error)) << error;
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add(path.string(), text);
  load::Loader loader(sm, path, id);
  auto result = check::check(sm, syntax::parse(sm, id, sink), loader, sink);
  ASSERT_TRUE(result.model);
  const model::Model& m = *result.model;
  auto plans = graph::plan(m, sink);
  EXPECT_EQ(sink.error_count(), 0u);
  int yandex_plans = 0, minikube_plans = 0;
  for (const auto& p : plans) {
    const model::Cluster& c = *p.cluster;
    base::Collector s;
    auto fs = files(m, c, "personage.stack", s);
    EXPECT_TRUE(s.all().empty());
    if (c.provider == "yandex") {
      ++yandex_plans;
      const std::string main = file(fs, "main.tf");
      EXPECT_EQ(number_in(main, "auto_scale", "min"),
                static_cast<std::int64_t>(p.at_min.nodes.size()));
      EXPECT_EQ(number_in(main, "auto_scale", "max"),
                static_cast<std::int64_t>(p.at_max.nodes.size()));
      EXPECT_EQ(number_in(main, "resources", "cores") * 1000, p.node_cpu + c.reserve_cpu);
      EXPECT_EQ(number_in(main, "resources", "memory") << 30, p.node_memory + c.reserve_memory);
      EXPECT_EQ(number_in(main, "boot_disk", "size") << 30, c.node_disk);
      EXPECT_EQ(main.find("fixed_scale"), std::string::npos);
      EXPECT_NE(main.find("network_policy_provider = \"CALICO\""), std::string::npos);
      EXPECT_NE(main.find(std::string("version    = \"") + kKubernetesVersion + "\""),
                std::string::npos);
    } else if (c.provider == "minikube") {
      ++minikube_plans;
      const std::string sh = file(fs, "start.sh");
      std::smatch x;
      ASSERT_TRUE(
          std::regex_search(sh, x,
                            std::regex("--nodes=([0-9]+) --cpus=([0-9]+) --memory=([0-9]+)g "
                                       "--disk-size=([0-9]+)g")));
      EXPECT_EQ(std::stoll(x[1]), static_cast<std::int64_t>(p.at_min.nodes.size()));
      EXPECT_EQ(std::stoll(x[1]), static_cast<std::int64_t>(p.at_max.nodes.size()));
      EXPECT_EQ(std::stoll(x[2]) * 1000, p.node_cpu + c.reserve_cpu);
      EXPECT_EQ(std::stoll(x[3]) << 30, p.node_memory + c.reserve_memory);
      EXPECT_EQ(std::stoll(x[4]) << 30, c.node_disk);
      // dev has an ingress and autoscaled services.
      EXPECT_NE(sh.find("minikube addons enable ingress"), std::string::npos);
      // (no autoscaled workload in dev: its replicas are fixed there)
      EXPECT_EQ(sh.find("minikube addons enable metrics-server"), std::string::npos);
      bool hpa = false;
      for (const auto& w : p.env->workloads) hpa |= w.autoscaled();
      EXPECT_FALSE(hpa);
    }
  }
  EXPECT_EQ(yandex_plans, 2);    // staging, production
  EXPECT_EQ(minikube_plans, 1);  // dev
}

TEST(Terraform, FixedScaleZonesAndVariables) {
  auto c = compile(
      "stack s { registry = \"r\"  version = \"1\" }\n"
      "cluster prod { provider = yandex  nodes = 4  zones = 2  node { cpu = 4  memory = 8Gi } }\n"
      "environment production { cluster = prod }\n");
  ASSERT_TRUE(c->model);
  base::Collector s;
  auto fs = files(*c->model, c->model->clusters[0], "t.stack", s);
  EXPECT_TRUE(s.all().empty());
  const std::string main = file(fs, "main.tf");
  EXPECT_EQ(number_in(main, "fixed_scale", "size"), 4);
  EXPECT_EQ(number_in(main, "boot_disk", "size"), 64);  // no disk said: the provider's least
  EXPECT_EQ(main.find("auto_scale"), std::string::npos);
  const std::string vars = file(fs, "variables.tf");
  EXPECT_NE(vars.find("default     = [\"ru-central1-a\", \"ru-central1-b\"]"), std::string::npos);
  EXPECT_NE(vars.find("length(var.zones) == 2"), std::string::npos);
  EXPECT_NE(file(fs, "outputs.tf").find("output \"kubeconfig\""), std::string::npos);
  EXPECT_NE(file(fs, "README.md").find("| nodes | 4 (fixed) |"), std::string::npos);
}

TEST(Terraform, WhatTheProviderCannotMakeIsE4021) {
  auto c = compile(
      "stack s { registry = \"r\"  version = \"1\" }\n"
      "cluster y { provider = yandex  nodes = 2..4  zones = 2  node { cpu = 2500m  memory = 8Gi  "
      "disk = 30Gi } }\n"
      "cluster m { provider = minikube  nodes = 1..2  node { cpu = 2  memory = 1536Mi } }\n"
      "environment a { cluster = y }\nenvironment b { cluster = m }\n");
  ASSERT_TRUE(c->model);
  base::Collector s;
  EXPECT_TRUE(files(*c->model, c->model->clusters[0], "t.stack", s).empty());
  EXPECT_TRUE(files(*c->model, c->model->clusters[1], "t.stack", s).empty());
  std::vector<std::string> messages;
  for (const auto& d : s.all()) {
    EXPECT_EQ(d.code, base::Code::E4021);
    messages.push_back(d.message);
  }
  ASSERT_EQ(messages.size(), 5u);
  EXPECT_NE(messages[0].find("2500m CPUs"), std::string::npos);
  EXPECT_NE(messages[1].find("under the 64 GiB"), std::string::npos);
  EXPECT_NE(messages[2].find("one zone only"), std::string::npos);
  EXPECT_NE(messages[3].find("1536Mi memory"), std::string::npos);
  EXPECT_NE(messages[4].find("no cluster autoscaler"), std::string::npos);
}

TEST(Terraform, KindChecksTheDockerHostAndAddsOnlyWhatTheStackNeeds) {
  auto c = compile(
      "stack s { registry = \"r\"  version = \"1\" }\n"
      "cluster k { provider = kind  nodes = 3  node { cpu = 2  memory = 4Gi } }\n"
      "cluster g { nodes = 3  node { cpu = 2  memory = 4Gi } }\n"
      "environment dev { cluster = k }\n"
      "service api {\n  image = \"api\"\n  replicas = 1..3\n  port http = 8080\n  cpu = 100m\n"
      "  memory = 64Mi\n  autoscale { cpu = 70% }\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector s;
  auto fs = files(*c->model, c->model->clusters[0], "t.stack", s);
  EXPECT_TRUE(s.all().empty());
  const std::string sh = file(fs, "start.sh");
  EXPECT_NE(sh.find("need_cpus=6\n"), std::string::npos);
  EXPECT_NE(sh.find(fmt::format("need_memory={}\n", 12LL << 30)), std::string::npos);
  EXPECT_NE(sh.find("- role: control-plane\n- role: worker\n- role: worker\n- role: worker\nEOF"),
            std::string::npos);
  EXPECT_NE(sh.find("metrics-server"), std::string::npos);
  EXPECT_EQ(sh.find("ingress-nginx"), std::string::npos);  // no ingress in the stack
  // A generic cluster is made by someone else: nothing.
  EXPECT_TRUE(files(*c->model, c->model->clusters[1], "t.stack", s).empty());
}

}  // namespace
}  // namespace stackc::emit::terraform
