// `object KIND { labels ... annotations ... }` (language.md §5.12) end to end: the checks, the
// model, the Kubernetes objects, the Helm values, and the import of upstream manifests.
#include <gtest/gtest.h>

#include <optional>
#include <string>
#include <vector>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "importer/importer.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit::kubernetes {
namespace {

using KV = std::vector<std::pair<std::string, std::string>>;

constexpr const char* kHead =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 3  node { cpu = 8  memory = 32Gi } }\n"
    "environment dev { cluster = c }\n"
    "environment prod { cluster = c }\n";

struct Checked {
  base::SourceManager sm;
  base::Collector sink;
  std::optional<model::Model> model;
  std::vector<base::Code> codes() const {
    std::vector<base::Code> out;
    for (const auto& d : sink.all())
      if (d.severity() == base::Severity::Error) out.push_back(d.code);
    return out;
  }
};

std::unique_ptr<Checked> check_text(const std::string& text) {
  auto c = std::make_unique<Checked>();
  auto id = c->sm.add("t.stack", std::string(kHead) + text);
  auto tree = syntax::parse(c->sm, id, c->sink);
  check::NoImports loader;
  c->model = check::check(c->sm, std::move(tree), loader, c->sink).model;
  return c;
}

const model::Workload& workload(const model::Model& m, std::string_view env,
                                std::string_view name) {
  for (const auto& e : m.environments)
    if (e.name == env)
      for (const auto& w : e.workloads)
        if (w.name == name) return w;
  throw std::runtime_error("no workload " + std::string(name));
}

const Doc* find_object(const std::vector<Object>& objs, std::string_view kind,
                       std::string_view name) {
  for (const auto& o : objs)
    if (o.doc["kind"] == kind && o.doc["metadata"]["name"] == name) return &o.doc;
  return nullptr;
}

constexpr const char* kWeb =
    "template web for service {\n"
    "  object controller { labels { tier = \"web\" } }\n"
    "}\n"
    "service api from web {\n"
    "  image = \"api\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
    "  labels { app = \"api\" }\n"
    "  object controller { labels { app = \"api\" } }\n"
    "  object service {\n    labels { app = \"api\" }\n"
    "    annotations \"prometheus.io\" { scrape = \"true\"  port = \"80\" }\n  }\n"
    "  object service_account { annotations { owner = \"${env.name}\" } }\n"
    "  when prod { object service { labels \"example.com\" { stage = \"prod\" } } }\n"
    "}\n"
    "stateful db {\n  image = \"db:1\"\n  port pg = 5432\n  cpu = 1\n  memory = 1Gi\n"
    "  storage = 1Gi\n  object service { labels { app = \"db\" } }\n}\n"
    "cron nightly {\n  image = \"api\"\n  schedule = \"0 2 * * *\"\n  cpu = 100m\n"
    "  memory = 64Mi\n  object controller { annotations { note = \"nightly\" } }\n}\n";

TEST(Objects, BlocksMergeAcrossTemplatesAndWhenIntoTheModel) {
  auto c = check_text(kWeb);
  ASSERT_TRUE(c->model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  const auto& dev = workload(*c->model, "dev", "api");
  const auto& prod = workload(*c->model, "prod", "api");
  EXPECT_EQ(dev.controller_meta.labels, (KV{{"tier", "web"}, {"app", "api"}}));
  EXPECT_EQ(dev.service_meta.labels, (KV{{"app", "api"}}));
  EXPECT_EQ(dev.service_meta.annotations,
            (KV{{"prometheus.io/scrape", "true"}, {"prometheus.io/port", "80"}}));
  EXPECT_EQ(prod.service_meta.labels, (KV{{"app", "api"}, {"example.com/stage", "prod"}}));
  EXPECT_EQ(dev.account_meta.annotations, (KV{{"owner", "dev"}}));
  EXPECT_EQ(prod.account_meta.annotations, (KV{{"owner", "prod"}}));
  EXPECT_EQ(dev.pod_labels, (KV{{"app", "api"}}));  // the pods' own, apart
}

TEST(Objects, EachGoesOnItsObjectOnly) {
  auto c = check_text(kWeb);
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[1], "t.stack", sink);  // prod
  EXPECT_TRUE(sink.all().empty());
  const Doc* d = find_object(objs, "Deployment", "api");
  ASSERT_TRUE(d);
  EXPECT_EQ((*d)["metadata"]["labels"]["tier"], "web");
  EXPECT_EQ((*d)["metadata"]["labels"]["app"], "api");
  EXPECT_EQ((*d)["metadata"]["labels"]["app.kubernetes.io/name"], "api");  // stackc's first
  EXPECT_FALSE((*d)["spec"]["template"]["metadata"]["labels"].contains("tier"));
  EXPECT_EQ((*d)["spec"]["template"]["metadata"]["labels"]["app"], "api");  // `labels`
  const Doc* s = find_object(objs, "Service", "api");
  ASSERT_TRUE(s);
  EXPECT_EQ((*s)["metadata"]["labels"]["example.com/stage"], "prod");
  EXPECT_EQ((*s)["metadata"]["annotations"]["prometheus.io/scrape"], "true");
  EXPECT_FALSE((*s)["metadata"]["labels"].contains("tier"));
  const Doc* sa = find_object(objs, "ServiceAccount", "api");
  ASSERT_TRUE(sa);
  EXPECT_EQ((*sa)["metadata"]["annotations"]["owner"], "prod");
  EXPECT_FALSE((*sa)["metadata"]["labels"].contains("app"));
  // Neither the NetworkPolicy nor the PDB/HPA/ConfigMap.
  EXPECT_FALSE((*find_object(objs, "NetworkPolicy", "api"))["metadata"]["labels"].contains("app"));
  // A stateful's two Services.
  for (const char* n : {"db", "db-headless"}) {
    const Doc* x = find_object(objs, "Service", n);
    ASSERT_TRUE(x) << n;
    EXPECT_EQ((*x)["metadata"]["labels"]["app"], "db") << n;
  }
  // A CronJob: the CronJob itself, not its job template or pods; stackc's sync wave kept.
  const Doc* cj = find_object(objs, "CronJob", "nightly");
  ASSERT_TRUE(cj);
  EXPECT_EQ((*cj)["metadata"]["annotations"]["note"], "nightly");
  EXPECT_TRUE((*cj)["metadata"]["annotations"].contains("argocd.argoproj.io/sync-wave"));
  EXPECT_FALSE(
      (*cj)["spec"]["jobTemplate"]["spec"]["template"]["metadata"].contains("annotations") &&
      (*cj)["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"].contains("note"));
}

TEST(Objects, TheHelmValuesCarryThemInBothWays) {
  auto c = check_text(kWeb);
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  const auto& env = c->model->environments[0];
  auto objs = lower(*c->model, env, "t.stack", sink);
  const auto& w = env.workloads[0];
  ASSERT_EQ(w.name, "api");
  std::string text;
  helm::workload_values_text(w, objs.data(), objs.size(), text);
  EXPECT_NE(text.find("    objects:\n      controller:\n        labels:\n          tier: web\n"
                      "          app: api\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("      serviceAccount:\n        annotations:\n          owner: dev\n"),
            std::string::npos)
      << text;
  // The pod label `app` stays the pods' although the controller carries the same.
  EXPECT_NE(text.find("      labels:\n        app: api\n"), std::string::npos) << text;
}

TEST(Objects, VersionsShareTheServiceAccountWithoutTheVersionLabel) {
  auto c = check_text(
      "service reviews {\n  port http = 9080\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"bookinfo-reviews\"\n"
      "  object service_account { labels { account = \"reviews\" } }\n"
      "  object controller { labels { app = \"reviews\" } }\n"
      "  version v1 { image = \"reviews-v1\" }\n"
      "  version v2 {\n    image = \"reviews-v2\"\n"
      "    object controller { labels { canary = \"yes\" } }\n  }\n}\n");
  ASSERT_TRUE(c->model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  const Doc* sa = find_object(objs, "ServiceAccount", "bookinfo-reviews");
  ASSERT_TRUE(sa);
  EXPECT_FALSE((*sa)["metadata"]["labels"].contains("version"));
  EXPECT_EQ((*sa)["metadata"]["labels"]["account"], "reviews");
  const Doc* v1 = find_object(objs, "Deployment", "reviews-v1");
  const Doc* v2 = find_object(objs, "Deployment", "reviews-v2");
  ASSERT_TRUE(v1 && v2);
  EXPECT_EQ((*v1)["metadata"]["labels"]["version"], "v1");
  EXPECT_EQ((*v1)["metadata"]["labels"]["app"], "reviews");
  EXPECT_FALSE((*v1)["metadata"]["labels"].contains("canary"));
  EXPECT_EQ((*v2)["metadata"]["labels"]["canary"], "yes");
  EXPECT_EQ((*v2)["metadata"]["labels"]["app"], "reviews");
}

TEST(Objects, ASharedServiceAccountCarriesTheKeysOfEveryWorkloadThatRunsAsIt) {
  auto c = check_text(
      "worker a {\n  image = \"a\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"shared\"\n"
      "  object service_account { labels { team = \"x\" } }\n}\n"
      "worker b {\n  image = \"b\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"shared\"\n"
      "  object service_account { labels { team = \"x\"  owner = \"b\" } }\n}\n");
  ASSERT_TRUE(c->model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  const Doc* sa = find_object(objs, "ServiceAccount", "shared");
  ASSERT_TRUE(sa);
  EXPECT_EQ((*sa)["metadata"]["labels"]["team"], "x");
  EXPECT_EQ((*sa)["metadata"]["labels"]["owner"], "b");
}

TEST(Objects, WrongKindsReservedKeysAndMissingTargetsAreErrors) {
  auto svc = [](const std::string& body) {
    return "service api {\n  image = \"api\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n" +
           body + "}\n";
  };
  using base::Code;
  EXPECT_EQ(check_text(svc("  object pod { labels { a = \"b\" } }\n"))->codes(),
            std::vector<Code>{Code::E2070});
  EXPECT_EQ(
      check_text(svc("  object controller { labels \"app.kubernetes.io\" { name = \"x\" } }\n"))
          ->codes(),
      std::vector<Code>{Code::E2043});
  EXPECT_EQ(
      check_text(svc("  object service { annotations \"stackc.dev\" { x = \"y\" } }\n"))->codes(),
      std::vector<Code>{Code::E2043});
  EXPECT_EQ(check_text(svc("  object controller { annotations \"argocd.argoproj.io\" { sync-wave = "
                           "\"1\" } }\n"))
                ->codes(),
            std::vector<Code>{Code::E2043});
  // Under another object, or another key of the prefix: the user's.
  EXPECT_TRUE(check_text(svc("  object service { annotations \"argocd.argoproj.io\" { sync-wave = "
                             "\"1\"  sync-options = \"Prune=false\" } }\n"))
                  ->codes()
                  .empty());
  EXPECT_EQ(check_text(svc("  version v1 { object service { labels { a = \"b\" } } }\n"))->codes(),
            std::vector<Code>{Code::E2031});
  EXPECT_EQ(check_text(svc("  when prod { port http = 80 }\n  object controller { labels { "
                           "version = \"1\" } }\n  version v1 { }\n"))
                ->codes(),
            (std::vector<Code>{Code::E2043}));
  EXPECT_EQ(check_text("job j {\n  image = \"j\"\n  cpu = 100m\n  memory = 64Mi\n"
                       "  object service { labels { a = \"b\" } }\n}\n")
                ->codes(),
            std::vector<Code>{Code::E2071});
  EXPECT_EQ(check_text("worker a {\n  image = \"a\"\n  cpu = 100m\n  memory = 64Mi\n"
                       "  service_account = \"s\"\n"
                       "  object service_account { annotations { o = \"a\" } }\n}\n"
                       "worker b {\n  image = \"b\"\n  cpu = 100m\n  memory = 64Mi\n"
                       "  service_account = \"s\"\n"
                       "  object service_account { annotations { o = \"b\" } }\n}\n")
                ->codes(),
            std::vector<Code>{Code::E2072});
}

// ---- import -----------------------------------------------------------------------------------

std::string imported(const std::string& yaml, base::Collector& sink) {
  base::SourceManager sm;
  importer::Source s;
  base::FileId id = sm.add("in.yaml", yaml);
  s.kubernetes = manifests::parse(sm, id, sink);
  return importer::import({std::move(s)}, sm, sink);
}

TEST(Objects, ImportWritesTheObjectsOwnLabelsButStackcs) {
  const std::string yaml =
      "apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: sa-web\n"
      "  labels: {account: web, app.kubernetes.io/managed-by: stackc}\n"
      "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\n"
      "  labels: {app: web}\n  annotations: {prometheus.io/scrape: 'true'}\n"
      "spec:\n  selector: {app: web}\n  ports:\n  - {name: http, port: 80, targetPort: 8080}\n"
      "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n"
      "  labels: {app: web, app.kubernetes.io/name: web}\n"
      "  annotations: {argocd.argoproj.io/sync-wave: '1', team.example.com/owner: me}\n"
      "spec:\n  selector:\n    matchLabels: {app: web}\n  template:\n"
      "    metadata:\n      labels: {app: web}\n"
      "    spec:\n      serviceAccountName: sa-web\n      containers:\n"
      "      - name: web\n        image: ghcr.io/x/web:1.0\n"
      "        ports:\n        - {name: http, containerPort: 8080}\n"
      "        resources: {requests: {cpu: 100m, memory: 64Mi}}\n";
  base::Collector sink;
  std::string text = imported(yaml, sink);
  EXPECT_NE(text.find("object service {\n    labels                      { app = \"web\" }\n"
                      "    annotations \"prometheus.io\" { scrape = \"true\" }\n  }"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("object controller {\n    labels                         { app = \"web\" }\n"
                      "    annotations \"team.example.com\" { owner = \"me\" }\n  }"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("object service_account {\n    labels { account = \"web\" }\n  }"),
            std::string::npos)
      << text;
  EXPECT_EQ(text.find("sync-wave"), std::string::npos) << text;
  EXPECT_EQ(text.find("managed-by"), std::string::npos) << text;
}

}  // namespace
}  // namespace stackc::emit::kubernetes
