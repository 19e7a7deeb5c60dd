// Presence per environment (`enabled = false`, check/presence.hpp) as the targets see it: a
// workload left out of an environment has no object there in any target, no alert, no scrape
// job, no backup; and no `Down` alert is made for a workload that may run no pod.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>
#include "check/check.hpp"
#include "check/no_imports.hpp"

#include "emit/backup/backup.hpp"
#include "emit/grafana/grafana.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/kustomize/kustomize.hpp"
#include "emit/monitoring/monitoring.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit {
namespace {

using check::NoImports;

// `mailpit` runs in dev only, `billing` (and its database with its backup) in production only;
// `queue` runs no pod in production (`replicas = 0`), `api` needs `mailpit` in dev alone.
constexpr const char* kStack = R"(stack s { registry = "ghcr.io/s"  version = "1.0.0" }
cluster c { nodes = 3  node { cpu = 8  memory = 32Gi } }
environment dev { cluster = c }
environment production { cluster = c }
monitoring { prometheus { } }
service api {
  image = "api"
  port http = 8080
  cpu = 100m
  memory = 64Mi
  metrics { counter http_requests_total }
  when dev { needs = [mailpit] }
}
service mailpit {
  image = "axllent/mailpit:v1.21"
  port smtp = 1025
  cpu = 100m
  memory = 64Mi
  metrics { counter mailpit_messages_total }
  when production { enabled = false }
}
service billing {
  image = "billing"
  port http = 8080
  cpu = 100m
  memory = 64Mi
  env { DB_HOST = billing-db.host }
  enabled = false
  when production { enabled = true }
}
stateful billing-db {
  image = "postgres:16"
  port pg = 5432
  cpu = 100m
  memory = 128Mi
  storage = 1Gi
  backup_method = pg_dump
  enabled = false
  when production { enabled = true }
}
backup billing-nightly { of = billing-db  schedule = "0 3 * * *"  retain = 7d }
worker queue {
  image = "queue"
  cpu = 100m
  memory = 64Mi
  when production { replicas = 0 }
}
)";

struct Built {
  base::SourceManager sm;
  std::optional<model::Model> model;
  std::vector<kubernetes::Lowered> lowered;
  std::map<std::string, std::string> files;  // every target's files, by path
};

std::unique_ptr<Built> build(const std::string& text) {
  auto b = std::make_unique<Built>();
  base::Collector sink;
  auto id = b->sm.add("t.stack", text);
  NoImports loader;
  auto result = check::check(b->sm, syntax::parse(b->sm, id, sink), loader, sink);
  for (const auto& d : sink.all()) ADD_FAILURE() << d.message;
  b->model = std::move(result.model);
  if (!b->model) return b;
  b->lowered = kubernetes::lower_all(*b->model, "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  kubernetes::print(b->lowered, {}, false);
  Output out;
  kubernetes::generate(b->lowered, {}, "t.stack", out);
  kustomize::generate(b->lowered, {}, "t.stack", out);
  backup::generate(*b->model, b->lowered, {}, "t.stack", out);
  helm::generate(*b->model, b->lowered, {}, "t.stack", out);
  for (const auto& f : out.files) b->files.emplace(f.path, f.content());
  return b;
}

// Every object of one environment's lowering that is named `name`, or mentions it anywhere.
std::vector<std::string> mentions(const kubernetes::Lowered& l, const std::string& name) {
  std::vector<std::string> out;
  for (const auto& o : l.objects) {
    std::string text = o.doc.dump();
    if (text.find(name) != std::string::npos)
      out.push_back(o.doc["kind"].get<std::string>() + "/" +
                    o.doc["metadata"]["name"].get<std::string>());
  }
  return out;
}

bool has(const kubernetes::Lowered& l, const std::string& kind, const std::string& name) {
  for (const auto& o : l.objects)
    if (o.doc["kind"] == kind && o.doc["metadata"]["name"] == name) return true;
  return false;
}

TEST(Presence, AnAbsentWorkloadHasNoObjectAndIsNamedByNoneInItsEnvironment) {
  auto b = build(kStack);
  ASSERT_TRUE(b->model);
  ASSERT_EQ(b->lowered.size(), 2u);
  const auto& dev = b->lowered[0];
  const auto& prod = b->lowered[1];
  // Present where enabled, with everything a service has.
  for (const char* kind : {"Deployment", "Service", "NetworkPolicy", "ServiceAccount"}) {
    EXPECT_TRUE(has(dev, kind, "mailpit")) << kind;
    EXPECT_TRUE(has(prod, kind, "billing")) << kind;
  }
  EXPECT_TRUE(has(prod, "StatefulSet", "billing-db"));
  EXPECT_TRUE(has(prod, "CronJob", "backup-billing-nightly"));
  // Absent elsewhere: no object of its own, and none mentions it (api's policy, Prometheus'
  // scrape jobs, the backup's CronJob and claim).
  EXPECT_EQ(mentions(prod, "mailpit"), std::vector<std::string>{});
  EXPECT_EQ(mentions(dev, "billing"), std::vector<std::string>{});
  // The dev-only edge api -> mailpit opens api's policy in dev.
  EXPECT_NE(mentions(dev, "mailpit").size(), 0u);
}

TEST(Presence, TheThreeTargetsLeaveItOutOfThatEnvironmentOnly) {
  auto b = build(kStack);
  ASSERT_TRUE(b->model);
  auto file = [&](const std::string& path) -> const std::string& {
    static const std::string none;
    auto it = b->files.find(path);
    EXPECT_NE(it, b->files.end()) << path;
    return it == b->files.end() ? none : it->second;
  };
  // Plain manifests: a file of the workload in its environment only.
  EXPECT_TRUE(b->files.count("kubernetes/dev/02-mailpit.yaml"));
  EXPECT_FALSE(b->files.count("kubernetes/production/02-mailpit.yaml"));
  EXPECT_TRUE(b->files.count("kubernetes/production/02-billing.yaml"));
  EXPECT_FALSE(b->files.count("kubernetes/dev/02-billing.yaml"));
  EXPECT_FALSE(b->files.count("kubernetes/dev/02-backup-billing-nightly.yaml"));
  // Helm: values.yaml is dev's (mailpit, no billing); production's override deletes mailpit
  // (null) and adds billing, its database and the backup job.
  const std::string& values = file("helm/s/values.yaml");
  EXPECT_NE(values.find("\n  mailpit:\n"), std::string::npos);
  EXPECT_EQ(values.find("billing"), std::string::npos);
  const std::string& prod_values = file("helm/s/values-production.yaml");
  EXPECT_NE(prod_values.find("\n  mailpit: null\n"), std::string::npos);
  EXPECT_NE(prod_values.find("\n  billing:\n"), std::string::npos);
  EXPECT_NE(prod_values.find("\n  billing-db:\n"), std::string::npos);
  EXPECT_NE(prod_values.find("\n  backup-billing-nightly:\n"), std::string::npos);
  EXPECT_EQ(file("helm/s/values-dev.yaml").find("billing"), std::string::npos);
  // Kustomize: neither has an object in the base (not in every environment; the base's objects
  // are dev's, so api's policy there names mailpit, and production's patch removes that); each
  // is in its own environment's overlay, and nothing is deleted by a patch.
  for (const auto& [path, text] : b->files)
    if (path.rfind("kustomize/base/", 0) == 0) {
      EXPECT_EQ(text.find("\n  name: mailpit\n"), std::string::npos) << path;
      EXPECT_EQ(text.find("billing"), std::string::npos) << path;
    }
  EXPECT_FALSE(b->files.count("kustomize/base/mailpit.yaml"));
  const std::string& dev_overlay = file("kustomize/overlays/dev/resources.yaml");
  const std::string& prod_overlay = file("kustomize/overlays/production/resources.yaml");
  EXPECT_NE(dev_overlay.find("\n  name: mailpit\n"), std::string::npos);
  EXPECT_EQ(dev_overlay.find("billing"), std::string::npos);
  EXPECT_NE(prod_overlay.find("\n  name: billing\n"), std::string::npos);
  EXPECT_EQ(prod_overlay.find("mailpit"), std::string::npos);
  for (const char* env : {"dev", "production"})
    EXPECT_EQ(file(std::string("kustomize/overlays/") + env + "/kustomization.yaml")
                  .find("$patch: delete"),
              std::string::npos);
  // Backups: the restore Job and runbook only where the database is.
  EXPECT_FALSE(b->files.count("backup/dev/restore-billing-nightly.yaml"));
  EXPECT_TRUE(b->files.count("backup/production/restore-billing-nightly.yaml"));
  EXPECT_FALSE(b->files.count("docs/restore-billing-nightly.md") &&
               b->files["docs/restore-billing-nightly.md"].find("dev") != std::string::npos);
}

std::vector<std::string> alert_names(const model::Model& m, const model::Environment& e) {
  std::vector<std::string> out;
  for (const auto& g : monitoring::rule_groups(m, e))
    for (const auto& r : g["rules"])
      if (r.contains("alert")) out.push_back(r["alert"].get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

TEST(Presence, NoDownAlertForAWorkloadThatIsAbsentOrMayRunNoPod) {
  auto b = build(kStack);
  ASSERT_TRUE(b->model);
  const auto& m = *b->model;
  auto dev = alert_names(m, m.environments[0]);
  auto prod = alert_names(m, m.environments[1]);
  EXPECT_TRUE(contains(dev, "QueueDown"));
  EXPECT_FALSE(contains(prod, "QueueDown"));  // replicas = 0 there: it would fire forever
  EXPECT_TRUE(contains(prod, "BillingDbDown"));
  EXPECT_FALSE(contains(dev, "BillingDbDown"));
  // A scraped workload has TargetDown (for every target) and no Down of its own; when it is
  // absent, Prometheus has no scrape job for it.
  EXPECT_FALSE(contains(dev, "MailpitDown"));
  for (const auto& cm : monitoring::config_maps(m, m.environments[1], "t.stack"))
    for (const auto& f : cm.files) EXPECT_EQ(f.text.find("mailpit"), std::string::npos) << f.path;
  bool scraped_in_dev = false;
  for (const auto& cm : monitoring::config_maps(m, m.environments[0], "t.stack"))
    for (const auto& f : cm.files) scraped_in_dev |= f.text.find("mailpit") != std::string::npos;
  EXPECT_TRUE(scraped_in_dev);
}

TEST(Presence, AReplicaRangeFromZeroHasNoDownAlert) {
  std::string text = kStack;
  text.replace(text.find("when production { replicas = 0 }"), 32, "replicas = 0..3");
  auto b = build(text);
  ASSERT_TRUE(b->model);
  const auto& m = *b->model;
  EXPECT_FALSE(contains(alert_names(m, m.environments[0]), "QueueDown"));
  EXPECT_FALSE(contains(alert_names(m, m.environments[1]), "QueueDown"));
  EXPECT_TRUE(contains(alert_names(m, m.environments[0]), "ApiDown") ||
              contains(alert_names(m, m.environments[0]), "TargetDown"));
}

// The value from which the "Pods up" panel of api's dashboard turns green.
nlohmann::json pods_green_from(const model::Model& m, const model::Environment& e) {
  for (const auto& f : grafana::files(m, e)) {
    if (f.path != "dashboards/s-w-api.json") continue;
    const nlohmann::json board = nlohmann::json::parse(f.content());
    for (const auto& p : board["panels"])
      if (p["title"] == "Pods up")
        return p["fieldConfig"]["defaults"]["thresholds"]["steps"].back()["value"];
  }
  ADD_FAILURE() << "no Pods up panel of api in " << e.name;
  return nullptr;
}

TEST(Presence, ADashboardTakesNoPodAsDeclaredWhereTheMinimumIsZero) {
  std::string text = kStack;
  text.replace(text.find("  when dev { needs = [mailpit] }\n"), 0,
               "  when production { replicas = 0 }\n");
  text.replace(text.find("prometheus { }"), 14, "prometheus { }  grafana { }");
  auto b = build(text);
  ASSERT_TRUE(b->model);
  const auto& m = *b->model;
  EXPECT_EQ(pods_green_from(m, m.environments[0]), 1);
  EXPECT_EQ(pods_green_from(m, m.environments[1]), 0);
  // And neither a Down alert (api is scraped: TargetDown, which has no target at 0 pods).
  EXPECT_FALSE(contains(alert_names(m, m.environments[1]), "ApiDown"));
}

}  // namespace
}  // namespace stackc::emit
