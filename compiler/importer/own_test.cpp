// stackc's own objects read back as blocks (own.cpp, monitoring.cpp): unit tests beside the
// code; tests/roundtrip/run.sh checks the whole examples.
#include "importer/own.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/driver.hpp"
#include "importer/importer.hpp"
#include "syntax/parse.hpp"

namespace stackc::importer {
namespace {

namespace fs = std::filesystem;

// Every part of a `monitoring` block, for the round trip of one stream.
const char* kMonitored = R"STACK(stack shop { registry = "ghcr.io/shop"  version = "1.0.0" }
cluster main {
  nodes = 3
  node { cpu = 8  memory = 32Gi }
}
environment production { cluster = main }
monitoring {
  prometheus { retention = 30d  storage = 50Gi  scrape_interval = 1m  cpu = 500m..2 }
  grafana    { storage = 2Gi  memory = 256Mi..1Gi }
  loki       { retention = 7d }
  alertmanager {
    group_wait      = 1m
    repeat_interval = 12h
    receiver pager { webhook = secret("alerting", key = "pager")  severity = [critical] }
    receiver mail {
      email     = "ops@shop.example"
      smarthost = "smtp.shop.example:587"
      from      = "alerts@shop.example"
    }
  }
}
service web {
  image     = "web"
  port http = 8080
  cpu       = 100m..500m
  memory    = 128Mi..256Mi
  metrics {
    histogram http_request_duration_seconds
    counter   http_requests_total
    counter   http_errors_total
    gauge     sessions_active
    summary   render_seconds
  }
}
worker queue {
  image        = "queue"
  port stats   = 9100
  cpu          = 100m..500m
  memory       = 128Mi..256Mi
  metrics {
    path = "/stats"
    counter jobs_done_total
  }
  exporter {
    image = "ghcr.io/shop/queue-exporter:1.0.0"
    port  = 9200
    path  = "/probe"
  }
}
record "job:http_requests:rate5m" { expr = "sum(rate(http_requests_total[5m]))" }
alert WebErrors {
  expr        = "rate(http_errors_total[5m]) > 1"
  for         = 10m
  severity    = critical
  summary     = "web errors"
  description = "More than one error a second."
  runbook     = "https://runbooks.shop.example/web-errors"
  notify      = [pager]
}
dashboard traffic {
  title   = "Traffic"
  metrics = ["http_requests_total", "sessions_active", "up"]
}
)STACK";

struct Imported1 {
  base::SourceManager sm;
  base::Collector sink;
  std::string text;
  explicit Imported1(const std::string& yaml) {
    Source s;
    base::FileId id = sm.add("in.yaml", yaml);
    s.kubernetes = manifests::parse(sm, id, sink);
    text = import({s}, sm, sink);
  }
  std::size_t count(base::Code code) const {
    std::size_t n = 0;
    for (const auto& d : sink.all()) n += d.code == code;
    return n;
  }
};

std::string run(std::vector<std::string> args, int* code = nullptr) {
  std::vector<const char*> argv{"stackc"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int rc = driver::run(static_cast<int>(argv.size()), argv.data(), out, err);
  if (code) *code = rc;
  return out.str();
}

// stackc's labels on an object of workload `w`.
std::string labels(const std::string& w, const std::string& component) {
  return "{app.kubernetes.io/name: " + w +
         ", app.kubernetes.io/instance: shop-production, app.kubernetes.io/component: " +
         component + ", app.kubernetes.io/part-of: shop, app.kubernetes.io/managed-by: stackc}";
}

std::string deployment(const std::string& w, const std::string& component, bool own) {
  return R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: )" +
         w + R"(
  namespace: shop-production
  labels: )" +
         (own ? labels(w, component) : std::string("{app: x}")) +
         R"(
spec:
  selector: {matchLabels: {app.kubernetes.io/name: )" +
         w + R"(}}
  template:
    metadata: {labels: {app.kubernetes.io/name: )" +
         w + R"(}}
    spec:
      containers:
      - name: )" +
         w + R"(
        image: ghcr.io/shop/)" +
         w + R"(:1.0.0
        ports: [{name: http, containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 500m, memory: 256Mi}}
---
apiVersion: v1
kind: Service
metadata: {name: )" +
         w + R"(, namespace: shop-production}
spec:
  selector: {app.kubernetes.io/name: )" +
         w + R"(}
  ports: [{name: http, port: 8080, targetPort: http}]
)";
}

TEST(ImportOwn, AWorkerWithPortsStaysAWorker) {
  Imported1 own(deployment("processor", "worker", true));
  EXPECT_NE(own.text.find("worker processor {"), std::string::npos) << own.text;
  // Without stackc's labels, a Deployment behind a Service is a service.
  Imported1 plain(deployment("processor", "worker", false));
  EXPECT_NE(plain.text.find("service processor {"), std::string::npos) << plain.text;
}

std::string status_policy(const std::string& peers) {
  return deployment("status", "service", true) + R"(---
apiVersion: networking.k8s.io/v1
kind: Ingress
metadata:
  name: status
  namespace: shop-production
  labels: )" +
         labels("status", "service") +
         R"(
spec:
  ingressClassName: internal
  rules:
  - http:
      paths:
      - path: /
        pathType: Prefix
        backend: {service: {name: status, port: {name: http}}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata:
  name: status
  namespace: shop-production
  labels: )" +
         labels("status", "service") +
         R"(
spec:
  podSelector: {matchLabels: {app.kubernetes.io/name: status}}
  policyTypes: [Ingress, Egress]
  ingress:
  - from: )" +
         peers + R"(
    ports: [{protocol: TCP, port: 8080}]
)";
}

TEST(ImportOwn, TheIngressControllerOfAClassComesFromStackcsPolicy) {
  Imported1 pods(status_policy(
      "[{namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: ingress-internal}}, "
      "podSelector: {matchLabels: {app.kubernetes.io/name: ingress-nginx}}}]"));
  EXPECT_NE(pods.text.find("  ingress internal {\n"
                           "    namespace                = \"ingress-internal\"\n"
                           "    pods \"app.kubernetes.io\" { name = \"ingress-nginx\" }\n"
                           "  }"),
            std::string::npos)
      << pods.text;
  Imported1 nets(status_policy("[{ipBlock: {cidr: 10.0.0.0/8}}, {ipBlock: {cidr: 10.1.0.0/16}}]"));
  EXPECT_NE(nets.text.find("ingress internal { cidrs = [\"10.0.0.0/8\", \"10.1.0.0/16\"] }"),
            std::string::npos)
      << nets.text;
  Imported1 any(status_policy("[{ipBlock: {cidr: 0.0.0.0/0}}, {ipBlock: {cidr: \"::/0\"}}]"));
  EXPECT_NE(any.text.find("ingress internal { anywhere = true }"), std::string::npos) << any.text;
  // A namespace chosen by other labels than its name: the language cannot say it.
  Imported1 other(
      status_policy("[{namespaceSelector: {matchLabels: {team: edge}}, podSelector: {}}]"));
  EXPECT_EQ(other.text.find("ingress internal"), std::string::npos) << other.text;
}

TEST(ImportOwn, BackupsComeBackAsBlocks) {
  fs::current_path(STACKC_SOURCE_DIR);
  int code = 0;
  std::string yaml =
      run({"build", "--stdout", "--env", "production", "examples/webapp/webapp.stack"}, &code);
  ASSERT_EQ(code, 0);
  Imported1 im(yaml);
  EXPECT_NE(im.text.find("backup db-daily {\n"
                         "  of       = db\n"
                         "  schedule = \"0 2 * * *\"\n"
                         "  retain   = 14d\n"
                         "  storage  = 40Gi\n"
                         "}"),
            std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("backup_method = pg_dump"), std::string::npos);
  EXPECT_EQ(im.text.find("cron backup-db-daily"), std::string::npos);
  EXPECT_EQ(im.text.find("PersistentVolumeClaim backup-db-daily"), std::string::npos);
  EXPECT_EQ(im.count(base::Code::W0045), 2u);  // restore_within; api's metric names
  // A dump that does not run stackc's script is not stackc's backup: it stays a cron.
  std::string edited = yaml;
  auto at = edited.find("pg_dump --clean");
  ASSERT_NE(at, std::string::npos);
  edited.replace(at, 7, "pg_dumpall");
  Imported1 other(edited);
  EXPECT_NE(other.text.find("cron backup-db-daily"), std::string::npos);
  EXPECT_EQ(other.text.find("backup db-daily"), std::string::npos);
}

// stackc's labels on objects whose content is broken: read as far as it goes, never a crash,
// and the output parses (the fuzz target's promise).
TEST(ImportOwn, BrokenOwnObjectsAreReadAsFarAsTheyGo) {
  std::string own =
      "{app.kubernetes.io/name: x, app.kubernetes.io/part-of: shop, "
      "app.kubernetes.io/instance: shop-production, app.kubernetes.io/managed-by: "
      "stackc}";
  std::string yaml = R"(apiVersion: apps/v1
kind: StatefulSet
metadata: {name: prometheus, namespace: shop-production, labels: )" +
                     own + R"(}
spec:
  template:
    spec:
      containers:
      - {name: prometheus, image: "quay.io/prometheus/prometheus:v2.55.1", args: [7, {a: b}], resources: {requests: [1]}}
  volumeClaimTemplates: [{spec: {resources: {requests: {storage: lots}}}}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-config, namespace: shop-production, labels: )" +
                     own + R"(}
data: {prometheus.yml: "[[[ {", other: 5}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: prometheus-rules, namespace: shop-production, labels: )" +
                     own + R"(}
data:
  rules.yml: "groups: [{name: shop-alerts, rules: [{alert: 'a b', expr: 'rate(x[5m]', labels: {severity: 'very bad', notify: ','}}, 7]}, {name: shop-records, rules: {}}]"
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: grafana, namespace: shop-production, labels: )" +
                     own + R"(}
spec:
  template:
    spec:
      containers: [{name: grafana, image: "docker.io/grafana/grafana:11.3.1", env: [{name: GF_SECURITY_ADMIN_PASSWORD, valueFrom: {secretKeyRef: {}}}]}]
---
apiVersion: v1
kind: ConfigMap
metadata: {name: grafana-dashboards, namespace: shop-production, labels: )" +
                     own + R"(}
data:
  shop-w-x.json: "{\"panels\": [{\"type\": \"row\", \"title\": \"Metrics\"}, {\"targets\": [{\"expr\": \"sum(rate({namespace=\"}]}]}"
  shop-d-9.json: "{\"panels\": 3}"
  shop-overview.json: "[1, 2]"
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: backup-, namespace: shop-production, labels: )" +
                     own + R"(}
spec: {schedule: 5, jobTemplate: {spec: {template: {spec: {containers: [{name: x, args: ["-mtime +99999999999999999999"]}]}}}}}
)";
  Imported1 im(yaml);
  EXPECT_FALSE(im.text.empty());
  // It parses: `stackc fmt --check`-able text (print() returns the unformatted text otherwise).
  base::SourceManager sm;
  base::Collector sink;
  syntax::parse(sm, sm.add("out.stack", im.text), sink);
  EXPECT_EQ(sink.error_count(), 0u) << im.text;
}

// With several environments, a block some of them lack is written once, and reported.
TEST(ImportOwn, ABlockOfSomeEnvironmentsOnlyIsReported) {
  std::string schedule = R"(---
apiVersion: velero.io/v1
kind: Schedule
metadata:
  name: shop-production-config
  namespace: velero
  labels: {app.kubernetes.io/part-of: shop, app.kubernetes.io/managed-by: stackc, app.kubernetes.io/instance: shop-production}
spec:
  schedule: "0 3 * * *"
  template: {includedNamespaces: [shop-production], snapshotVolumes: false, ttl: "720h0m0s"}
)";
  base::SourceManager sm;
  base::Collector sink;
  std::vector<Source> sources(2);
  sources[0].env = "production";
  sources[0].kubernetes =
      manifests::parse(sm, sm.add("p.yaml", deployment("api", "service", true) + schedule), sink);
  sources[1].env = "staging";
  sources[1].kubernetes =
      manifests::parse(sm, sm.add("s.yaml", deployment("api", "service", true)), sink);
  std::string text = import(sources, sm, sink);
  EXPECT_NE(text.find("# not in the input of staging: it applies there too\nbackup config {"),
            std::string::npos)
      << text;
  std::size_t w0045 = 0;
  for (const auto& d : sink.all()) w0045 += d.code == base::Code::W0045;
  EXPECT_EQ(w0045, 1u);
}

TEST(ImportOwn, VeleroSchedulesAreBackupsOfResources) {
  Imported1 im(deployment("api", "service", true) + R"(---
apiVersion: velero.io/v1
kind: Schedule
metadata:
  name: shop-production-config
  namespace: velero
  labels: {app.kubernetes.io/part-of: shop, app.kubernetes.io/managed-by: stackc, app.kubernetes.io/instance: shop-production}
spec:
  schedule: "0 3 * * *"
  template:
    includedNamespaces: [shop-production]
    includedResources: [secrets]
    snapshotVolumes: false
    ttl: "36h0m0s"
)");
  EXPECT_NE(
      im.text.find("backup config { of = [secrets]  schedule = \"0 3 * * *\"  retain = 36h }"),
      std::string::npos)
      << im.text;
}

TEST(ImportOwn, TheMonitoringStackComesBackAsItsBlock) {
  fs::current_path(STACKC_SOURCE_DIR);
  int code = 0;
  std::string yaml =
      run({"build", "--stdout", "--env", "dev", "examples/personage/personage.stack"}, &code);
  ASSERT_EQ(code, 0);
  Imported1 im(yaml);
  const std::string& t = im.text;
  EXPECT_NE(t.find("monitoring {\n"
                   "  prometheus { retention = 2d  storage = 2Gi }\n"
                   "  alertmanager {\n"
                   "    receiver telegram {\n"
                   "      bot_token = secret(\"alerting\", key = \"telegram-token\")\n"
                   "      chat_id   = \"-1001234567890\"\n"
                   "    }\n"
                   "    receiver slack {\n"
                   "      webhook = secret(\"alerting\", key = \"slack-webhook\")\n"
                   "      channel = \"#personage-alerts\"\n"
                   "    }\n"
                   "  }\n"
                   "  grafana { admin_password = secret(\"grafana\", key = \"admin-password\") }\n"
                   "  loki    { retention = 2d  storage = 2Gi }\n"
                   "}"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("alert DatabaseDown {\n"
                   "  expr     = \"pg_up == 0 or up{job=\\\"postgres\\\"} == 0\"\n"
                   "  for      = 1m\n"
                   "  severity = critical\n"
                   "  summary  = \"Database is down\"\n"
                   "  notify   = [telegram, slack]\n"
                   "}"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("  metrics {\n"
                   "    counter personage_events_processed_total\n"
                   "    counter personage_llm_requests_total\n"
                   "  }"),
            std::string::npos)
      << t;
  EXPECT_NE(t.find("prefix = \"pg_\""), std::string::npos);  // the stdlib exporter's
  for (const char* w : {"stateful prometheus", "stateful grafana", "stateful loki",
                        "stateful alertmanager", "worker log-collector", "ConfigMap prometheus"})
    EXPECT_EQ(t.find(w), std::string::npos) << w;
  // The declaration order (the overview's rows): api-service, auth-service, processor-service,
  // then the databases.
  EXPECT_LT(t.find("worker processor-service"), t.find("stateful postgres"));
  // It checks: the alerts' metrics are exported (the metrics blocks, the exporter's prefix).
  fs::path tmp = fs::temp_directory_path() / ("stackc-own-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  { std::ofstream(tmp / "personage.stack") << t; }
  run({"check", (tmp / "personage.stack").string()}, &code);
  EXPECT_EQ(code, 0);
  fs::remove_all(tmp);
}

TEST(ImportOwn, AnAlertmanagerConfigurationStackcDidNotWriteIsReported) {
  fs::current_path(STACKC_SOURCE_DIR);
  std::string yaml =
      run({"build", "--stdout", "--env", "production", "examples/personage/personage.stack"});
  auto at = yaml.find("telegram_configs:");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 17, "pushover_configs:");
  Imported1 im(yaml);
  EXPECT_NE(im.text.find("stateful alertmanager {"), std::string::npos);
  EXPECT_EQ(im.text.find("receiver telegram"), std::string::npos);
  EXPECT_EQ(im.count(base::Code::W0045), 2u);  // the Alertmanager; restore_within
  EXPECT_NE(im.text.find("# not imported: `notify = [telegram, slack]`"), std::string::npos);
  // It still checks: the alerts name no receiver that is not there.
  fs::path tmp = fs::temp_directory_path() / ("stackc-own-am-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  { std::ofstream(tmp / "personage.stack") << im.text; }
  int code = 0;
  run({"check", (tmp / "personage.stack").string()}, &code);
  EXPECT_EQ(code, 0);
  fs::remove_all(tmp);
}

// A workload of the monitoring stack that is not as stackc builds it (another image, another
// container) is imported as a workload, reported, not replaced by the block.
TEST(ImportOwn, AMonitoringWorkloadChangedByHandIsImportedAsAWorkload) {
  fs::current_path(STACKC_SOURCE_DIR);
  std::string yaml =
      run({"build", "--stdout", "--env", "production", "examples/personage/personage.stack"});
  auto at = yaml.find("image: docker.io/grafana/grafana:11.3.1");
  ASSERT_NE(at, std::string::npos);
  yaml.replace(at, 39, "image: docker.io/grafana/grafana:11.4.0");
  Imported1 im(yaml);
  EXPECT_NE(im.text.find("stateful grafana {"), std::string::npos);
  EXPECT_NE(im.text.find("image     = \"docker.io/grafana/grafana:11.4.0\""), std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("  prometheus { storage = 20Gi }"), std::string::npos);  // the rest
  EXPECT_EQ(im.text.find("  grafana {"), std::string::npos);
  // No dashboard names the metrics then: the workloads and their alert are reported.
  EXPECT_GE(im.count(base::Code::W0045), 3u);
}

// Without Grafana, no dashboard names a workload's metrics: the workload is reported, and an
// alert that reads them is kept as a comment (it would not check, E2024); the rest still checks.
TEST(ImportOwn, AlertsOnMetricsNoDashboardNamesAreKeptAsComments) {
  fs::path tmp = fs::temp_directory_path() / ("stackc-own-ng-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  {
    std::ofstream(tmp / "shop.stack")
        << R"(stack shop { registry = "ghcr.io/shop"  version = "1.0.0" }
cluster main {
  nodes = 2
  node { cpu = 4  memory = 16Gi }
}
environment production { cluster = main }
monitoring { prometheus { retention = 7d } }
service api {
  image     = "api"
  port http = 8080
  cpu       = 100m..500m
  memory    = 128Mi..256Mi
  metrics {
    counter http_errors_total
  }
}
alert ApiErrors {
  expr    = "rate(http_errors_total[5m]) > 1"
  summary = "api errors"
}
alert TargetsDown {
  expr    = "up == 0"
  summary = "a target is down"
}
)";
  }
  int code = 0;
  std::string yaml = run({"build", "--stdout", (tmp / "shop.stack").string()}, &code);
  ASSERT_EQ(code, 0);
  Imported1 im(yaml);
  EXPECT_NE(im.text.find("monitoring {\n  prometheus { retention = 7d }\n}"), std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("# not imported: alert ApiErrors (it reads http_errors_total"),
            std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("alert TargetsDown {"), std::string::npos);
  EXPECT_EQ(im.count(base::Code::W0045), 2u);  // api's metrics; the rule kept as a comment
  { std::ofstream(tmp / "imported.stack") << im.text; }
  run({"check", (tmp / "imported.stack").string()}, &code);
  EXPECT_EQ(code, 0);
  fs::remove_all(tmp);
}

// A stack with every part of the monitoring block imported from its stream builds that stream
// again, byte for byte (the .stack files have the same name: the configuration files say it).
TEST(ImportOwn, TheMonitoringBlockBuildsItsStreamAgain) {
  fs::path tmp = fs::temp_directory_path() / ("stackc-own-rt-" + std::to_string(::getpid()));
  fs::create_directories(tmp / "a");
  fs::create_directories(tmp / "b");
  { std::ofstream(tmp / "a" / "shop.stack") << kMonitored; }
  int code = 0;
  std::string yaml = run({"build", "--stdout", (tmp / "a" / "shop.stack").string()}, &code);
  ASSERT_EQ(code, 0);
  Imported1 im(yaml);
  EXPECT_EQ(im.count(base::Code::W0045), 0u) << im.text;
  { std::ofstream(tmp / "b" / "shop.stack") << im.text; }
  std::string again = run({"build", "--stdout", (tmp / "b" / "shop.stack").string()}, &code);
  EXPECT_EQ(code, 0) << im.text;
  EXPECT_EQ(again, yaml) << im.text;
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace stackc::importer
