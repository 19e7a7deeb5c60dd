#include <gtest/gtest.h>

#include <map>

#include "check/check.hpp"
#include "check/hardening.hpp"
#include "check/ports.hpp"
#include "check/schema.hpp"
#include "check/security.hpp"
#include "check/units.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {
namespace {

// ---- units -------------------------------------------------------------------------------------

ast::Value number(const std::string& text) {
  static base::SourceManager sm;
  static std::vector<ast::File> trees;  // the values' nodes live in their trees
  base::Collector sink;
  auto id = sm.add("n.stack", "x = " + text + "\n");
  trees.push_back(syntax::parse(sm, id, sink));
  EXPECT_TRUE(trees.back().ok) << text;
  return trees.back().statements.at(0).val();
}

TEST(Units, CpuTakesCoresAndMillicores) {
  EXPECT_EQ(to_millicores(number("500m")).value, 500);
  EXPECT_EQ(to_millicores(number("2")).value, 2000);
  EXPECT_EQ(to_millicores(number("0.25")).value, 250);
  EXPECT_FALSE(to_millicores(number("512Mi")).ok);
  EXPECT_FALSE(to_millicores(number("0.0001")).ok);
}

TEST(Units, AQuotedNumberGetsAHelpThatEchoesIt) {
  EXPECT_EQ(to_int(number("\"8080\"")).help, "remove the quotes: write `8080`");
  EXPECT_EQ(to_int(number("\"3\"")).help, "remove the quotes: write `3`");
  EXPECT_EQ(to_millicores(number("\"250m\"")).help, "remove the quotes: write `250m`");
  // Not a number in quotes: the field's example, never a value of another field.
  EXPECT_EQ(to_int(number("\"three\"")).help, "write an integer, such as `3`");
}

TEST(Units, MemoryRejectsMillis) {
  EXPECT_EQ(to_bytes(number("512Mi")).value, 512LL << 20);
  EXPECT_EQ(to_bytes(number("1G")).value, 1000000000LL);
  EXPECT_EQ(to_bytes(number("1.5Gi")).value, 3LL << 29);
  auto q = to_bytes(number("500m"));
  EXPECT_FALSE(q.ok);
  EXPECT_EQ(q.code, base::Code::E2004);
  EXPECT_NE(q.help.find("500Mi"), std::string::npos);
}

TEST(Units, MIsMinutesForDurations) {
  EXPECT_EQ(to_seconds(number("5m")).value, 300);
  EXPECT_EQ(to_seconds(number("15d")).value, 15 * 86400);
  EXPECT_EQ(to_seconds(number("1w")).value, 7 * 86400);
  EXPECT_FALSE(to_seconds(number("5")).ok);
  EXPECT_EQ(to_percent(number("70%")).value, 70);
  EXPECT_FALSE(to_percent(number("70")).ok);
}

TEST(Units, Formatting) {
  EXPECT_EQ(format_cpu(500), "500m");
  EXPECT_EQ(format_cpu(2000), "2");
  EXPECT_EQ(format_bytes(512LL << 20), "512Mi");
  EXPECT_EQ(format_bytes(1000), "1000");
  EXPECT_EQ(format_duration(300), "5m");
  EXPECT_EQ(format_duration(86400 * 30), "30d");
}

TEST(Units, Cron) {
  EXPECT_EQ(cron_error("0 2 * * *"), "");
  EXPECT_EQ(cron_error("*/15 8-18 * JAN-MAR mon-fri"), "");
  EXPECT_EQ(cron_error("@daily"), "");
  EXPECT_NE(cron_error("61 * * * *"), "");
  EXPECT_NE(cron_error("0 2 * *"), "");
  EXPECT_NE(cron_error("0 2 * * 7"), "");
  EXPECT_NE(cron_error("0,,5 * * * *"), "");
  EXPECT_NE(cron_error("@reboot"), "");
}

TEST(Schema, EveryNestedFieldHasItsBlock) {
  for (const Kind* k : top_kinds()) {
    for (const auto& f : k->fields) {
      if (f.type == Type::Block || f.type == Type::Map || f.type == Type::Tagged) {
        EXPECT_NE(f.block, nullptr) << k->name << "." << f.name;
      }
    }
  }
  EXPECT_NE(any_kind("receiver"), nullptr);
  EXPECT_EQ(top_kind("receiver"), nullptr);
}

// ---- the checker with an in-memory file system --------------------------------------------------

class MemLoader final : public Loader {
 public:
  MemLoader(base::SourceManager& sm, std::map<std::string, std::string> files)
      : sm_(sm), files_(std::move(files)) {}
  Result load(std::string_view spec, base::FileId) override {
    Result r;
    std::string key(spec);
    if (auto it = ids_.find(key); it != ids_.end()) {
      r.file = it->second;
      return r;
    }
    auto it = files_.find(key);
    if (it == files_.end()) {
      r.message = "cannot find `" + key + "`";
      return r;
    }
    r.file = ids_[key] = sm_.add(key, it->second);
    return r;
  }
  bool is_stdlib(base::FileId) const override { return false; }

 private:
  base::SourceManager& sm_;
  std::map<std::string, std::string> files_;
  std::map<std::string, base::FileId> ids_;
};

struct Checked {
  base::SourceManager sm;
  base::Collector sink;
  Result result;
  std::vector<base::Code> codes() const {
    std::vector<base::Code> out;
    for (const auto& d : sink.sorted()) out.push_back(d.code);
    return out;
  }
};

const char* kHeader =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 2  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = c }\n"
    "environment prod { cluster = c  namespace = \"s-${env.name}\" }\n";

std::unique_ptr<Checked> check_text(const std::string& body,
                                    std::map<std::string, std::string> files = {}) {
  auto c = std::make_unique<Checked>();
  auto id = c->sm.add("main.stack", std::string(kHeader) + body);
  auto tree = syntax::parse(c->sm, id, c->sink);
  MemLoader loader(c->sm, std::move(files));
  c->result = check(c->sm, std::move(tree), loader, c->sink);
  return c;
}

const model::Workload& workload(const model::Model& m, const std::string& env,
                                const std::string& name) {
  for (const auto& w : m.environment(env)->workloads)
    if (w.name == name) return w;
  throw std::runtime_error("no workload " + name);
}

TEST(Check, TemplatesThenOwnBlockThenWhen) {
  auto c = check_text(
      "template base for service { replicas = 2  cpu = 100m..200m  memory = 64Mi  port http = 80\n"
      "  health { liveness = http(\"/l\")  readiness = http(\"/r\") }  when prod { replicas = 5 } "
      "}\n"
      "service api from base { image = \"api\"  health { readiness = http(\"/ready\") }\n"
      "  when dev { cpu = 50m..100m } }\n");
  ASSERT_TRUE(c->result.model) << c->sink.all().size();
  const auto& m = *c->result.model;
  const auto& dev = workload(m, "dev", "api");
  const auto& prod = workload(m, "prod", "api");
  EXPECT_EQ(dev.replicas_min, 2);
  EXPECT_EQ(prod.replicas_min, 5);  // the template's own `when` applies
  EXPECT_EQ(dev.cpu.request, 50);
  EXPECT_EQ(prod.cpu.request, 100);
  EXPECT_EQ(dev.memory.request, 64LL << 20);
  EXPECT_EQ(dev.memory.limit, 64LL << 20);
  // Blocks merge field by field: liveness from the template, readiness from the service.
  ASSERT_TRUE(dev.liveness && dev.readiness);
  EXPECT_EQ(dev.liveness->path, "/l");
  EXPECT_EQ(dev.readiness->path, "/ready");
  EXPECT_EQ(m.environment("prod")->ns, "s-prod");
  EXPECT_EQ(m.environment("dev")->ns, "s-dev");
}

TEST(Check, ReferencesAndSecretsInEnv) {
  auto c = check_text(
      "stateful db { image = \"db:1\"  port pg = 5432  cpu = 1  memory = 1Gi  storage = 1Gi }\n"
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi  needs = [db]\n"
      "  env { DB_HOST = db.host  DB_PASS = secret(\"db\", key = \"password\")  V = "
      "\"${stack.version}\" } }\n");
  ASSERT_TRUE(c->result.model);
  const auto& api = workload(*c->result.model, "dev", "api");
  ASSERT_EQ(api.env.size(), 3u);
  EXPECT_EQ(api.env[0].kind, model::EnvVar::Kind::Ref);
  EXPECT_EQ(api.env[0].ref_target, "db");
  EXPECT_EQ(api.env[1].kind, model::EnvVar::Kind::Secret);
  EXPECT_EQ(api.env[1].secret.key, "password");
  EXPECT_EQ(api.env[2].value, "1.0.0");
  ASSERT_EQ(api.needs.size(), 1u);
}

// `${W.host}`, `${W.port}`, `${W.port.NAME}`, `${W.address}` in any string become references
// with the place they are written; the values are substituted (args included).
TEST(Check, ReferencesInStringsAreRecordedAndSubstituted) {
  auto c = check_text(
      "service catalog { image = \"catalog\"  port http = 8080  port grpc = 9090  cpu = 1  "
      "memory = 1Gi }\n"
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  args = [\"--catalog=${catalog.port.grpc}\", \"--self=${api.port}\"]\n"
      "  init wait { image = \"busybox:1.36\"  command = [\"nc\", \"-z\", \"${catalog.host}\"] }\n"
      "  env { PRODUCT_ADDR = \"${catalog.address}\" } }\n");
  ASSERT_TRUE(c->result.model) << c->sink.all().size();
  const auto& api = workload(*c->result.model, "dev", "api");
  ASSERT_EQ(api.refs.size(), 3u);
  EXPECT_EQ(api.refs[0].why, "args");
  EXPECT_EQ(api.refs[0].attr, "port.grpc");
  EXPECT_EQ(api.refs[1].why, "init wait command");
  EXPECT_EQ(api.refs[2].why, "env PRODUCT_ADDR");
  EXPECT_EQ(api.refs[2].target, "catalog");
  EXPECT_EQ(c->sm.text(api.refs[2].span), "${catalog.address}");
  EXPECT_EQ(api.args, (std::vector<std::string>{"--catalog=9090", "--self=80"}));
  EXPECT_EQ(api.init[0].command[2], "catalog");
  EXPECT_EQ(api.env[0].value, "catalog:8080");
}

// A reference inside a `when` block is an edge of that environment only.
TEST(Check, AReferenceInAWhenBlockBelongsToItsEnvironment) {
  auto c = check_text(
      "service catalog { image = \"catalog\"  port http = 8080  cpu = 1  memory = 1Gi }\n"
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  when prod { args = [\"--catalog=${catalog.address}\"] } }\n");
  ASSERT_TRUE(c->result.model);
  EXPECT_TRUE(workload(*c->result.model, "dev", "api").refs.empty());
  const auto& prod = workload(*c->result.model, "prod", "api");
  ASSERT_EQ(prod.refs.size(), 1u);
  EXPECT_EQ(prod.refs[0].why, "args");
  EXPECT_EQ(prod.args, (std::vector<std::string>{"--catalog=catalog:8080"}));
}

TEST(Check, AReferenceToAnUndeclaredPortOrWorkloadIsE2005) {
  auto c = check_text(
      "service catalog { image = \"catalog\"  port http = 8080  cpu = 1  memory = 1Gi }\n"
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  env { B = \"${catalgo.host}\"  C = \"${catalog.adress}\" } }\n");
  std::vector<std::string> got;
  for (const auto& d : c->sink.sorted())
    got.push_back(std::string(base::info(d.code).id) + " " + std::string(c->sm.text(d.span)) + " " +
                  d.help);
  EXPECT_EQ(got, (std::vector<std::string>{
                     "E2005 ${catalgo.host} did you mean `catalog`?",
                     "E2005 ${catalog.adress} did you mean `address`?",
                 }));
  // A port name is checked with the model, in each environment (reported once).
  auto port = check_text(
      "service catalog { image = \"catalog\"  port http = 8080  cpu = 1  memory = 1Gi }\n"
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  env { A = \"${catalog.port.htp}\" } }\n");
  ASSERT_EQ(port->sink.all().size(), 1u);
  const auto& d = port->sink.all()[0];
  EXPECT_EQ(d.code, base::Code::E2005);
  EXPECT_EQ(port->sm.text(d.span), "${catalog.port.htp}");
  EXPECT_EQ(d.help, "did you mean `http`?");
}

TEST(Check, ImportsDiamondsAndCycles) {
  auto ok = check_text(
      "import \"./a.stack\"\nimport \"./b.stack\"\nservice api from web { image = \"x\"  port http "
      "= 1 }\n",
      {{"./a.stack", "import \"./common.stack\"\n"},
       {"./b.stack", "import \"./common.stack\"\n"},
       {"./common.stack", "template web for service { cpu = 1  memory = 1Gi }\n"}});
  EXPECT_TRUE(ok->result.model);
  EXPECT_EQ(ok->result.files.size(), 4u);
  auto cyc = check_text("import \"./a.stack\"\n", {{"./a.stack", "import \"./b.stack\"\n"},
                                                   {"./b.stack", "import \"./a.stack\"\n"}});
  EXPECT_EQ(cyc->codes(), std::vector<base::Code>{base::Code::E2016});
}

// W0026 in every container's env: the main one's, an init container's and the exporter's;
// once, though each environment resolves the workload.
TEST(Check, EnvEntriesNamingEachOtherInACycleAreW0026InEveryContainer) {
  auto c = check_text(
      "service api {\n  image = \"x\"  port http = 1  cpu = 1  memory = 1Gi\n"
      "  env { A = \"$(B)\"  B = \"$(A)\"  C = \"$(A)\" }\n"
      "  init migrate { image = \"m\"  env { X = \"$(X)\"  Y = \"$$(Y) $(X)\" } }\n"
      "  exporter { image = \"docker.io/prom/e:1\"  port = 9100  env { P = \"$(Q)\"  Q = \"$(P)\" "
      "} }\n}\n");
  EXPECT_TRUE(c->result.model);
  std::vector<std::string> at;
  for (const auto& d : c->sink.sorted()) {
    EXPECT_EQ(d.code, base::Code::W0026) << d.message;
    at.push_back(d.message.substr(0, d.message.find(" refers")));
  }
  EXPECT_EQ(at, (std::vector<std::string>{"the env entry `B`", "the env entry `X`",
                                          "the env entry `Q`"}));
}

TEST(Check, DidYouMeanForKeysAndNames) {
  auto c = check_text(
      "service api { image = \"x\"  port http = 1  cpu = 1  memory = 1Gi  replica = 2  needs = "
      "[apj] }\n");
  auto d = c->sink.sorted();
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].code, base::Code::E2001);
  EXPECT_EQ(d[0].help, "did you mean `replicas`?");
  EXPECT_EQ(d[1].code, base::Code::E2005);
  EXPECT_EQ(d[1].help, "did you mean `api`?");
}

// From 256 workloads (or alerts, records and backups) on, the checker resolves the second half of
// them on another thread: the model keeps the declaration order and the diagnostics of both halves
// are reported once each, the first half's first.
TEST(Check, ManyWorkloadsResolveInOrderOnTwoThreads) {
  auto stack = [](bool ports) {
    std::string text;
    for (int i = 0; i < 300; ++i)
      text += "service svc-" + std::to_string(i) + " { image = \"x\"" +
              (ports || (i != 10 && i != 200) ? "  port http = 80" : "") +
              "  cpu = 100m  memory = 64Mi  replicas = " + std::to_string(1 + i % 3) +
              "\n  when prod { replicas = " + std::to_string(2 + i % 3) + " } }\n" + "alert Down" +
              std::to_string(i) + " { expr = \"up{job=\\\"svc-" + std::to_string(i) +
              "\\\"} == 0\"  severity = warning  summary = \"down in ${env.name}\" }\n";
    return text;
  };
  auto c = check_text(stack(true));
  ASSERT_TRUE(c->result.model) << c->sink.all().size();
  for (const char* env : {"dev", "prod"}) {
    const auto& ws = c->result.model->environment(env)->workloads;
    ASSERT_EQ(ws.size(), 300u);
    for (int i = 0; i < 300; ++i) {
      EXPECT_EQ(ws[i].name, "svc-" + std::to_string(i));
      EXPECT_EQ(ws[i].replicas_min, (std::string(env) == "prod" ? 2 : 1) + i % 3);
    }
    const auto& alerts = c->result.model->environment(env)->alerts;
    ASSERT_EQ(alerts.size(), 300u);
    for (int i = 0; i < 300; ++i) {
      EXPECT_EQ(alerts[i].name, "Down" + std::to_string(i));
      EXPECT_EQ(alerts[i].summary, std::string("down in ") + env);
    }
  }
  auto bad = check_text(stack(false));
  EXPECT_FALSE(bad->result.model);
  const auto& all = bad->sink.all();
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].message, "service `svc-10` has no `port`");
  EXPECT_EQ(all[1].message, "service `svc-200` has no `port`");
  // Pass 1 (validation) runs in two halves too: errors of both, in declaration order, and a
  // template used only in the second half is used.
  std::string typos =
      "template big for service { replicas = 3 }\n"
      "template spare for service { replicas = 3 }\n"
      "template w for worker { replicas = 1 }\n";
  for (int i = 0; i < 300; ++i)
    typos += "service t" + std::to_string(i) + (i == 250 ? " from big, w" : "") +
             " { image = \"x\"  port http = 80  cpu = 100m  memory = 64Mi" +
             (i == 10 || i == 200 ? "  replica = 2" : "") + " }\n";
  auto v = check_text(typos);
  std::vector<std::string> got;
  for (const auto& d : v->sink.all())
    got.push_back(std::string(base::info(d.code).id) + " " + d.message);
  ASSERT_EQ(v->sink.all().size(), 4u);
  EXPECT_LT(v->sink.all()[0].span.begin, v->sink.all()[1].span.begin);  // svc 10, then 200
  EXPECT_EQ(got, (std::vector<std::string>{
                     "E2001 unknown key `replica` in `service`",
                     "E2001 unknown key `replica` in `service`",
                     "E2013 template `w` is for a worker, not for a service",
                     "W0001 template `spare` is never used",
                 }));
}

TEST(Check, ModelOnlyWithoutErrors) {
  auto c =
      check_text("service api { image = \"x:latest\"  port http = 1  cpu = 1  memory = 1Gi }\n");
  EXPECT_FALSE(c->result.model);
  EXPECT_EQ(c->codes(), std::vector<base::Code>{base::Code::E2018});
}

// ---- what complete() adds ----------------------------------------------------------------------

TEST(System, MonitoringStackBecomesWorkloads) {
  auto c = check_text(
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  metrics { counter api_requests_total } }\n"
      "monitoring { prometheus { storage = 5Gi  when prod { storage = 20Gi } }\n"
      "  loki { retention = 7d }  grafana { }\n"
      "  alertmanager { receiver ops { webhook = secret(\"alerting\", key = \"hook\") } } }\n");
  ASSERT_TRUE(c->result.model) << c->sink.all().size();
  const auto& m = *c->result.model;
  std::vector<std::string> roles;
  for (const auto& w : m.environment("dev")->workloads) roles.push_back(w.role);
  EXPECT_EQ(roles, (std::vector<std::string>{"", "prometheus", "alertmanager", "loki",
                                             "log-collector", "grafana"}));
  const auto& prom = workload(m, "dev", "prometheus");
  EXPECT_EQ(prom.storage, 5LL << 30);
  EXPECT_EQ(workload(m, "prod", "prometheus").storage, 20LL << 30);
  ASSERT_EQ(prom.scrapes.size(), 1u);
  EXPECT_EQ(prom.scrapes[0].name, "api");
  EXPECT_EQ(prom.needs[0].name, "alertmanager");
  // The receiver's credentials are mounted as files, never passed in the configuration.
  const auto& am = workload(m, "dev", "alertmanager");
  bool mounted = false;
  for (const auto& mt : am.mounts)
    mounted |= mt.from == model::Mount::From::Secret && mt.source == "alerting" &&
               mt.path == "/etc/alertmanager/secrets/alerting";
  EXPECT_TRUE(mounted);
  EXPECT_EQ(workload(m, "dev", "log-collector").needs[0].name, "loki");
}

TEST(System, BackupsBecomeCronJobsThatNeedTheDatabase) {
  auto c = check_text(
      "stateful db { image = \"postgres:16.4\"  port pg = 5432  cpu = 1  memory = 1Gi  storage = "
      "1Gi\n"
      "  backup_method = pg_dump  env { POSTGRES_USER = \"app\"  POSTGRES_PASSWORD = "
      "secret(\"db\", key = \"password\") } }\n"
      "backup nightly { of = db  schedule = \"0 2 * * *\"  retain = 7d  storage = 3Gi }\n"
      "backup config { of = [configmaps, secrets]  schedule = \"0 3 * * *\"  retain = 30d }\n");
  ASSERT_TRUE(c->result.model) << c->sink.all().size();
  const auto& m = *c->result.model;
  const auto& job = workload(m, "dev", "backup-nightly");
  EXPECT_EQ(job.kind, model::Workload::Kind::Cron);
  EXPECT_EQ(job.schedule, "0 2 * * *");
  EXPECT_EQ(job.image, "postgres:16.4");
  ASSERT_EQ(job.needs.size(), 1u);
  EXPECT_EQ(job.needs[0].name, "db");
  std::map<std::string, const model::EnvVar*> env;
  for (const auto& v : job.env) env[v.name] = &v;
  ASSERT_TRUE(env.count("PGUSER") && env.count("PGPASSWORD"));
  EXPECT_EQ(env["PGUSER"]->value, "app");
  EXPECT_EQ(env["PGPASSWORD"]->kind, model::EnvVar::Kind::Secret);
  EXPECT_NE(job.args.at(0).find("-mtime +6 -delete"), std::string::npos) << job.args[0];
  EXPECT_EQ(m.environment("dev")->backups[0].job, "backup-nightly");
  EXPECT_TRUE(m.environment("dev")->backups[1].job.empty());  // Velero, not a workload
}

TEST(System, PromqlAndMetricsAreChecked) {
  auto c = check_text(
      "service api { image = \"api\"  port http = 80  cpu = 1  memory = 1Gi\n"
      "  metrics { histogram api_latency_seconds } }\n"
      "alert Slow { expr = \"histogram_quantile(0.9, rate(api_latency_seconds_bucket[5m])) > 1\"  "
      "summary = \"s\" }\n"
      "alert Typo { expr = \"rate(api_latency_second_count[5m]) > 1\"  summary = \"s\" }\n"
      "alert Broken { expr = \"rate(up[5m]\"  summary = \"s\" }\n"
      "record r { expr = \"up[5m]\" }\n");
  EXPECT_FALSE(c->result.model);
  auto d = c->sink.sorted();
  ASSERT_EQ(d.size(), 3u);
  EXPECT_EQ(d[0].code, base::Code::E2024);
  EXPECT_EQ(d[0].help.rfind("did you mean `api_latency_seconds_count`?", 0), 0u) << d[0].help;
  // The span is the metric name inside the string.
  EXPECT_EQ(c->sm.text(d[0].span), "api_latency_second_count");
  EXPECT_EQ(d[1].code, base::Code::E2023);
  EXPECT_EQ(d[2].code, base::Code::E2023);  // a record must not be a range vector
}

TEST(System, ReservedNamesAndMethods) {
  auto taken = check_text(
      "service prometheus { image = \"p\"  port http = 80  cpu = 1  memory = 1Gi }\n"
      "monitoring { prometheus { } }\n");
  EXPECT_EQ(taken->codes(), std::vector<base::Code>{base::Code::E2002});
  auto no_method = check_text(
      "stateful q { image = \"q\"  port p = 1  cpu = 1  memory = 1Gi  storage = 1Gi }\n"
      "backup b { of = q  schedule = \"@daily\"  retain = 1d }\n");
  EXPECT_EQ(no_method->codes(), std::vector<base::Code>{base::Code::E2022});
}

TEST(Check, ProbeTimingPodDetailsAndWhenOverrides) {
  auto c = check_text(
      "template web for service { grace = 20s  pre_stop = sleep(5s)\n"
      "  health { liveness = http(\"/l\", port = http, delay = 2m, period = 3s) } }\n"
      "service api from web {\n  image = \"api\"\n  port http = 80\n  port rpc = 9555\n"
      "  cpu = 100m..200m\n  memory = 64Mi..128Mi\n  service_account = \"shop\"\n"
      "  health { readiness = grpc(rpc, service = \"x\", timeout = 2s, successes = 2) }\n"
      "  labels \"example.com\" { tier = \"web\" }\n  labels { version = \"v1\" }\n"
      "  annotations { note = \"${env.name}\" }\n"
      "  volume shm { mount = \"/dev/shm\"  medium = memory }\n"
      "  init migrate { image = \"api\"  env { DB = db.host } }\n"
      "  sidecar proxy { image = \"proxy\"  memory = 16Mi }\n"
      "  when prod { grace = 40s  health { liveness = tcp(rpc, failures = 9) } }\n}\n"
      "stateful db { image = \"db:1\"  port pg = 5432  cpu = 1  memory = 1Gi  storage = 1Gi }\n");
  ASSERT_TRUE(c->result.model) << c->sink.all().size() << " "
                               << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  const auto& m = *c->result.model;
  const auto& dev = workload(m, "dev", "api");
  const auto& prod = workload(m, "prod", "api");
  ASSERT_TRUE(dev.liveness && dev.readiness && prod.liveness);
  EXPECT_EQ(dev.liveness->delay, 120);
  EXPECT_EQ(dev.liveness->period, 3);
  EXPECT_FALSE(dev.liveness->timeout);
  EXPECT_EQ(dev.liveness->port_name, "http");  // a bare name
  EXPECT_EQ(dev.readiness->kind, model::Probe::Kind::Grpc);
  EXPECT_EQ(dev.readiness->port_name, "rpc");
  EXPECT_EQ(dev.readiness->service, "x");
  EXPECT_EQ(dev.readiness->timeout, 2);
  EXPECT_EQ(dev.readiness->successes, 2);
  EXPECT_EQ(prod.liveness->kind, model::Probe::Kind::Tcp);
  EXPECT_EQ(prod.liveness->failures, 9);
  EXPECT_FALSE(prod.liveness->delay);  // the whole probe is replaced, not merged
  EXPECT_EQ(dev.grace, 20);
  EXPECT_EQ(prod.grace, 40);
  ASSERT_TRUE(dev.pre_stop);
  EXPECT_EQ(dev.pre_stop->kind, model::Hook::Kind::Sleep);
  EXPECT_EQ(dev.pre_stop->seconds, 5);
  EXPECT_EQ(dev.service_account, "shop");
  using KV = std::vector<std::pair<std::string, std::string>>;
  EXPECT_EQ(dev.pod_labels, (KV{{"example.com/tier", "web"}, {"version", "v1"}}));
  EXPECT_EQ(dev.pod_annotations, (KV{{"note", "dev"}}));
  EXPECT_EQ(prod.pod_annotations, (KV{{"note", "prod"}}));
  ASSERT_EQ(dev.volumes.size(), 1u);
  EXPECT_TRUE(dev.volumes[0].memory);
  EXPECT_EQ(dev.volumes[0].size, 0);
  ASSERT_EQ(dev.init.size(), 2u);
  EXPECT_FALSE(dev.init[0].sidecar);
  EXPECT_EQ(dev.init[0].cpu.limit, 200);  // an init container's default: the main container's
  EXPECT_EQ(dev.init[0].env[0].kind, model::EnvVar::Kind::Ref);
  EXPECT_TRUE(dev.init[1].sidecar);
  EXPECT_EQ(dev.init[1].cpu.request, 50);  // a sidecar's default
  EXPECT_EQ(dev.init[1].memory.limit, 16LL << 20);
}

TEST(Check, ProbeAndPodMistakesAreReportedWhereTheyAre) {
  auto c = check_text(
      "service api {\n  image = \"api\"\n  port http = 80\n  cpu = 1\n  memory = 1Gi\n"
      "  health { liveness = http(\"/l\", perod = 3s)  readiness = grcp(80) }\n"
      "  init setup { imgae = \"x\" }\n  volume v { mount = \"/v\"  medium = memroy }\n"
      "  grace = 5\n}\n");
  std::vector<std::string> got;
  for (const auto& d : c->sink.all())
    got.push_back(std::string(base::info(d.code).id) + " " + d.help);
  EXPECT_EQ(got,
            (std::vector<std::string>{"E2003 did you mean `period`?", "E2003 did you mean `grpc`?",
                                      "E2001 did you mean `image`?", "E2003 did you mean `memory`?",
                                      "E2004 write `5s`, `5m`, `5h` or `5d`"}));
}

// ---- images ------------------------------------------------------------------------------------

std::vector<std::string> image_diagnostics(const std::string& stack, const std::string& image) {
  auto c = std::make_unique<Checked>();
  auto id =
      c->sm.add("main.stack", stack +
                                  "\ncluster c { nodes = 2  node { cpu = 4  memory = 8Gi } }\n"
                                  "environment dev { cluster = c }\n"
                                  "service api { image = \"" +
                                  image + "\"  port http = 80  cpu = 1  memory = 1Gi }\n");
  auto tree = syntax::parse(c->sm, id, c->sink);
  MemLoader loader(c->sm, {});
  c->result = check(c->sm, std::move(tree), loader, c->sink);
  std::vector<std::string> out;
  for (const auto& d : c->sink.sorted())
    out.push_back(std::string(base::info(d.code).id) + " " + std::string(c->sm.text(d.span)));
  return out;
}

TEST(Images, AmbiguousAndUnpinnedImagesAreReportedAtTheImage) {
  const std::string s = "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }";
  using V = std::vector<std::string>;
  EXPECT_EQ(image_diagnostics(s, "api"), V{});
  EXPECT_EQ(image_diagnostics(s, "redis:7.4"), V{});
  EXPECT_EQ(image_diagnostics(s, "ghcr.io/x/api:1.0"), V{});
  EXPECT_EQ(image_diagnostics(s, "redis"), V{"W0015 \"redis\""});
  EXPECT_EQ(image_diagnostics(s, "api:2.3.1"), V{"W0016 \"api:2.3.1\""});
  EXPECT_EQ(image_diagnostics(s, "weaveworksdemos/carts"), V{"E2018 \"weaveworksdemos/carts\""});
  EXPECT_EQ(image_diagnostics(s, "redis:latest"), V{"E2018 \"redis:latest\""});
  EXPECT_EQ(image_diagnostics(s, "localhost:5000/api"), V{"E2018 \"localhost:5000/api\""});
  EXPECT_EQ(image_diagnostics(s, "weaveworksdemos/carts@sha256:0123"), V{});
}

// `registry` and `version` are needed only by a stack with images of its own; E2007 then points
// at the first such image.
TEST(Images, RegistryAndVersionAreRequiredOnlyForOwnImages) {
  using V = std::vector<std::string>;
  EXPECT_EQ(image_diagnostics("stack s { }", "docker.io/library/redis:7.4"), V{});
  EXPECT_EQ(image_diagnostics("stack s { }", "api"), (V{"E2007 \"api\"", "E2007 \"api\""}));
  EXPECT_EQ(image_diagnostics("stack s { registry = \"ghcr.io/s\" }", "api"), V{"E2007 \"api\""});
}

}  // namespace
}  // namespace stackc::check

namespace stackc::check {
namespace {

// ---- W0005: mounts over system paths --------------------------------------------------------

TEST(Mounts, SystemPathsAndWhatIsUnderThemAreFound) {
  for (const char* p : {"/", "/proc", "/proc/self", "/sys", "/sys/fs/cgroup", "/dev", "/dev/shm",
                        "/etc", "/usr", "/bin", "/lib", "/var/run/docker.sock", "/run/docker.sock",
                        "/run/containerd/containerd.sock"})
    EXPECT_TRUE(system_path(p)) << p;
  EXPECT_EQ(system_path("/proc/self").path, "/proc");
  EXPECT_TRUE(system_path("/var/run/docker.sock").socket);
  EXPECT_FALSE(system_path("/etc").socket);
}

TEST(Mounts, PathsAreNormalisedBeforeTheyAreCompared) {
  EXPECT_EQ(system_path("//").path, "/");
  EXPECT_EQ(system_path("/etc/").path, "/etc");
  EXPECT_EQ(system_path("/data/../proc").path, "/proc");
  EXPECT_EQ(system_path("/./dev//pts").path, "/dev");
  EXPECT_EQ(system_path("/var//run/./docker.sock").path, "/var/run/docker.sock");
}

TEST(Mounts, OrdinaryMountsAreNot) {
  for (const char* p : {"/data", "/tmp", "/var/lib/postgresql/data", "/etc/nginx/conf.d",
                        "/usr/share/nginx/html", "/var/run/postgresql", "/run/secrets", "/procs",
                        "/device", "/etcd", "/var/cache/nginx", "data", ""})
    EXPECT_FALSE(system_path(p)) << p;
}

// ---- security exceptions and the Pod Security level ------------------------------------------

TEST(Security, CapabilityNamesAndTheLevelsThatAdmitThem) {
  EXPECT_EQ(capability_name("NET_BIND_SERVICE"), "NET_BIND_SERVICE");
  EXPECT_EQ(capability_name("CAP_CHOWN"), "CHOWN");
  EXPECT_EQ(capability_name("chown"), "");  // one spelling: upper-case
  EXPECT_EQ(capability_name("ALL"), "");
  EXPECT_EQ(capability_name("CAP_"), "");
  EXPECT_EQ(capability_name("CHECKPOINT_RESTORE"), "CHECKPOINT_RESTORE");
  EXPECT_EQ(capability_level("NET_BIND_SERVICE"), PodSecurity::Restricted);
  // The baseline level's list (Kubernetes v1.32), and what it leaves out.
  for (const char* c : {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD",
                        "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"})
    EXPECT_EQ(capability_level(c), PodSecurity::Baseline) << c;
  for (const char* c : {"NET_RAW", "NET_ADMIN", "SYS_ADMIN", "SYS_PTRACE", "BPF"})
    EXPECT_EQ(capability_level(c), PodSecurity::Privileged) << c;
  EXPECT_EQ(pod_security_of("baseline"), PodSecurity::Baseline);
  EXPECT_FALSE(pod_security_of("").has_value());
  EXPECT_FALSE(pod_security_of("Baseline").has_value());
}

TEST(Security, UserIdsRootAndCapabilitiesReachTheModel) {
  auto c = check_text(
      "environment base { cluster = c  pod_security = baseline }\n"
      "service web {\n  image = \"web\"\n  port http = 80\n  cpu = 1\n  memory = 1Gi\n"
      "  security { run_as_user = 10001  run_as_group = image\n"
      "             capabilities = [\"CAP_NET_BIND_SERVICE\"] }\n"
      "  node_selector \"kubernetes.io\" { os = \"linux\" }\n"
      "  node_selector { disk = \"ssd\" }\n}\n"
      "stateful db {\n  image = \"docker.io/library/mongo:7.0\"\n  cpu = 1\n  memory = 1Gi\n"
      "  storage = 1Gi\n  when base { security { run_as_root = true\n"
      "    capabilities = [\"CHOWN\", \"SETUID\"] } }\n}\n");
  // The environment said `baseline`: no W0033.
  for (const auto& d : c->sink.all()) ADD_FAILURE() << d.message;
  ASSERT_TRUE(c->result.model);
  const auto& m = *c->result.model;
  const auto& web = workload(m, "dev", "web");
  EXPECT_EQ(web.security.run_as_user, 10001);
  EXPECT_EQ(web.security.run_as_group, 0);  // the image's
  EXPECT_FALSE(web.security.run_as_root);
  ASSERT_EQ(web.security.capabilities.size(), 1u);
  EXPECT_EQ(web.security.capabilities[0].name, "NET_BIND_SERVICE");
  EXPECT_EQ(web.node_selector, (std::vector<std::pair<std::string, std::string>>{
                                   {"kubernetes.io/os", "linux"}, {"disk", "ssd"}}));
  EXPECT_EQ(workload_level(web), PodSecurity::Restricted);
  // `run_as_root` alone: the image's user and group.
  const auto& db = workload(m, "base", "db");
  EXPECT_TRUE(db.security.run_as_root);
  EXPECT_EQ(db.security.run_as_user, 0);
  EXPECT_EQ(db.security.run_as_group, 0);
  ASSERT_EQ(db.security.capabilities.size(), 2u);
  EXPECT_EQ(workload_level(db), PodSecurity::Baseline);
  EXPECT_EQ(namespace_level(*m.environment("base")), PodSecurity::Baseline);
  EXPECT_EQ(namespace_level(*m.environment("dev")), PodSecurity::Restricted);
  EXPECT_EQ(workload(m, "dev", "db").security.run_as_user, 65532);
  EXPECT_EQ(m.environment("base")->pod_security, "baseline");
}

std::vector<std::string> reports(const Checked& c, bool help) {
  std::vector<std::string> got;
  for (const auto& d : c.sink.sorted())
    got.push_back(std::string(base::info(d.code).id) + " " + std::string(c.sm.text(d.span)) +
                  " | " + (help ? d.help.substr(0, 40) : d.message));
  return got;
}

TEST(Security, MistakesAreReportedAtTheirPlace) {
  auto c = check_text(
      "service a {\n  image = \"a\"\n  port http = 8080\n  cpu = 1\n  memory = 1Gi\n"
      "  security {\n    capabilities = [\"NET_BIND_SERVCE\", \"chown\", \"ALL\", \"SETUID\",\n"
      "                    \"CAP_SETUID\"]\n    run_as_user = root\n  }\n}\n"
      "service b {\n  image = \"b\"\n  port http = 8080\n  cpu = 1\n  memory = 1Gi\n"
      "  security { run_as_group = 0 }\n"
      "  node_selector \"beta.kubernetes.io\" { os = \"Linux\" }\n"
      "  node_selector \"kubernetes.io\" { arch = \"x86_64\" }\n}\n");
  EXPECT_EQ(reports(*c, true), (std::vector<std::string>{
                                   "E2035 \"NET_BIND_SERVCE\" | did you mean `NET_BIND_SERVICE`?",
                                   "E2035 \"chown\" | capability names are upper-case: write `",
                                   "E2035 \"ALL\" | name the capabilities the program needs,",
                                   "E2035 \"CAP_SETUID\" | remove one of them",
                                   "E2003 root | to run as root, write `run_as_root = tru",
                                   "E2017 0 | to run as root, write `run_as_root = tru",
                                   "W0034 os | write `node_selector \"kubernetes.io\" { o",
                                   "E2038 \"Linux\" | did you mean `linux`?",
                                   "E2038 \"x86_64\" | the nodes' values are `amd64`, `arm64`, "}));
}

TEST(Security, NetBindServiceWantsALowPort) {
  auto c = check_text(
      "service a {\n  image = \"a\"\n  port http = 8080\n  cpu = 1\n  memory = 1Gi\n"
      "  security { capabilities = [\"NET_BIND_SERVICE\"] }\n}\n"
      "service b {\n  image = \"b\"\n  port http = 80\n  cpu = 1\n  memory = 1Gi\n"
      "  security { capabilities = [\"NET_BIND_SERVICE\"] }\n}\n");
  EXPECT_EQ(reports(*c, false),
            (std::vector<std::string>{"W0035 \"NET_BIND_SERVICE\" | `a` adds `NET_BIND_SERVICE`, "
                                      "which binds ports below 1024, but its port is `8080`"}));
  ASSERT_TRUE(c->result.model);
}

TEST(Security, RootBesideAUserIdIsE2036EvenFromATemplate) {
  auto c = check_text(
      "template db for stateful { security { run_as_user = 999 } }\n"
      "stateful a from db {\n  image = \"docker.io/library/redis:7.4\"\n  cpu = 1\n"
      "  memory = 1Gi\n  storage = 1Gi\n  security { run_as_root = true }\n}\n"
      "stateful b from db {\n  image = \"docker.io/library/redis:7.4\"\n  cpu = 1\n"
      "  memory = 1Gi\n  storage = 1Gi\n  security { run_as_root = true  run_as_user = image }\n"
      "}\n");
  // `b` says `run_as_user = image` over the template's 999: no E2036 (both lower the namespace).
  auto got = reports(*c, false);
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "E2036 999 | `run_as_user = 999` runs the pods as user 999, never as root");
  EXPECT_EQ(got[1].substr(0, 16), "W0033 true | `a`");
  EXPECT_EQ(got[2].substr(0, 16), "W0033 true | `b`");
}

TEST(Security, TheNamespaceIsLoweredWithOneWarningOrRefused) {
  // Unsaid: `baseline` with one W0033 for both environments; what the environment's
  // `pod_security` does not admit is E2037.
  auto c = check_text(
      "environment ops { cluster = c  pod_security = privileged }\n"
      "environment strict { cluster = c  pod_security = restricted }\n"
      "stateful db {\n  image = \"docker.io/library/redis:7.4\"\n  cpu = 1\n  memory = 1Gi\n"
      "  storage = 1Gi\n  security { run_as_root = true  capabilities = [\"SETUID\"] }\n"
      "  when ops { security { capabilities = [\"NET_ADMIN\"] } }\n}\n");
  EXPECT_EQ(reports(*c, false),
            (std::vector<std::string>{
                "E2037 true | `db` runs as root (`run_as_root = true`), which only the Pod "
                "Security level `baseline` admits, but environment `strict` allows at most "
                "`restricted`",
                "W0033 true | `db` runs as root (`run_as_root = true`) and adds the capability "
                "`SETUID`, which the Pod Security level `restricted` forbids: the namespace of "
                "environments `dev` and `prod` is enforced at `baseline`",
                "E2037 \"SETUID\" | `db` adds the capability `SETUID`, which only the Pod "
                "Security level `baseline` admits, but environment `strict` allows at most "
                "`restricted`"}));
  EXPECT_FALSE(c->result.model);
  // `privileged` only where the environment says it; `ops` admits NET_ADMIN.
  auto p = check_text(
      "environment ops { cluster = c  pod_security = privileged }\n"
      "worker w {\n  image = \"w\"\n  cpu = 1\n  memory = 1Gi\n"
      "  when ops { security { capabilities = [\"NET_ADMIN\"] } }\n"
      "  when dev { security { capabilities = [\"SYS_ADMIN\"] } }\n}\n");
  EXPECT_EQ(reports(*p, false),
            (std::vector<std::string>{
                "E2037 \"SYS_ADMIN\" | `w` adds the capability `SYS_ADMIN`, which only the Pod "
                "Security level `privileged` admits, but environment `dev` does not say "
                "`pod_security = privileged`"}));
  auto q = check_text(
      "environment ops { cluster = c  pod_security = privileged }\n"
      "worker w {\n  image = \"w\"\n  cpu = 1\n  memory = 1Gi\n"
      "  when ops { security { capabilities = [\"NET_ADMIN\"] } }\n}\n");
  EXPECT_TRUE(q->sink.all().empty());
  ASSERT_TRUE(q->result.model);
  EXPECT_EQ(namespace_level(*q->result.model->environment("ops")), PodSecurity::Privileged);
  EXPECT_EQ(namespace_level(*q->result.model->environment("prod")), PodSecurity::Restricted);
}

// ---- ports and exposure (check/ports.hpp) --------------------------------------------------

TEST(Ports, AMappingAndTheSettingsFormGiveTheModelsPort) {
  auto c = check_text(
      "template web for service { port http = 80 -> 8080 }\n"
      "service api from web {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  port dns { number = 53  protocol = udp }\n"
      "  port same = 9000 -> 9000\n"
      "  expose = node_port\n"
      "  when prod {\n    port http { number = 443 -> 8443  app_protocol = \"wss\"  node_port = "
      "30443 }\n    expose = load_balancer\n    source_ranges = [\"10.0.0.0/8\"]\n  }\n}\n"
      "service web {\n  image = \"web\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  needs = [api]\n  env { A = \"${api.address}\"  B = \"${api.port.dns}\" }\n}\n");
  ASSERT_TRUE(c->result.model) << c->sink.sorted().size();
  const auto& dev = workload(*c->result.model, "dev", "api");
  ASSERT_EQ(dev.ports.size(), 3u);
  EXPECT_EQ(dev.ports[0].number, 80);
  EXPECT_EQ(dev.ports[0].container(), 8080);
  EXPECT_EQ(dev.ports[1].protocol, "UDP");
  EXPECT_EQ(dev.ports[1].container(), 53);
  EXPECT_EQ(dev.ports[2].target, 0);  // the same number twice is no mapping
  EXPECT_EQ(dev.expose, "node_port");
  EXPECT_TRUE(dev.source_ranges.empty());
  // A `when` replaces the port whole, its settings with it.
  const auto& prod = workload(*c->result.model, "prod", "api");
  EXPECT_EQ(prod.ports[0].number, 443);
  EXPECT_EQ(prod.ports[0].container(), 8443);
  EXPECT_EQ(prod.ports[0].app_protocol, "kubernetes.io/wss");
  EXPECT_EQ(prod.ports[0].node_port, 30443);
  EXPECT_EQ(prod.expose, "load_balancer");
  EXPECT_EQ(prod.source_ranges, std::vector<std::string>{"10.0.0.0/8"});
  // Interpolations use the Service's port.
  const auto& web = workload(*c->result.model, "prod", "web");
  EXPECT_EQ(web.env[0].value, "api:443");
  EXPECT_EQ(web.env[1].value, "53");
}

TEST(Ports, IngressWithoutHostAndTheControllersPeer) {
  auto c = check_text(
      "service api {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { tls = false  class = \"traefik\" }\n}\n");
  ASSERT_TRUE(c->result.model);
  const auto& in = *workload(*c->result.model, "dev", "api").ingress;
  EXPECT_TRUE(in.host.empty());
  EXPECT_EQ(in.controller.kind, model::Peer::Kind::Pods);
  EXPECT_TRUE(in.controller.ns.empty());
  auto tls = check_text(
      "service api {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { path = \"/\" }\n}\n");
  EXPECT_EQ(tls->codes(), std::vector<base::Code>{base::Code::E2047});
}

TEST(Ports, KnownClassesNetworksAndAppProtocols) {
  for (const auto& cls : known_ingress_classes()) EXPECT_TRUE(known_ingress_class(cls)) << cls;
  EXPECT_FALSE(known_ingress_class("contour"));
  EXPECT_EQ(known_ingress_class("gce")->cidrs.size(), 2u);
  EXPECT_EQ(known_ingress_class("alb")->kind, model::Peer::Kind::Anywhere);
  EXPECT_EQ(known_ingress_class("nginx")->ns, "ingress-nginx");
  EXPECT_TRUE(is_cidr("10.0.0.0/8"));
  EXPECT_TRUE(is_cidr("2001:db8::/32"));
  EXPECT_FALSE(is_cidr("10.0.0.1"));
  EXPECT_FALSE(is_cidr("10.0.0.256/8"));
  EXPECT_FALSE(is_cidr("::/129"));
  EXPECT_EQ(app_protocol_of("h2c"), "kubernetes.io/h2c");
  EXPECT_EQ(app_protocol_of("grpc"), "grpc");
  base::Collector sink;
  check_app_protocol(number("\"example.com/x\""), sink);
  check_app_protocol(number("\"http2\""), sink);
  EXPECT_TRUE(sink.all().empty());
  check_app_protocol(number("\"-x\""), sink);
  check_app_protocol(number("\"a/b/c\""), sink);
  EXPECT_EQ(sink.all().size(), 2u);
}

// A backup reaches one replica through the headless Service: on its container's port; a single
// replica through the Service: on the Service's.
TEST(Ports, ABackupDialsThePortItsPathReaches) {
  auto c = check_text(
      "stateful db {\n  image = \"docker.io/library/postgres:16.4\"\n  cpu = 100m\n"
      "  memory = 64Mi\n  storage = 1Gi\n  backup_method = pg_dump\n"
      "  port pg = 15432 -> 5432\n  replicas = 2\n  when prod { replicas = 1 }\n}\n"
      "backup daily { of = db  schedule = \"0 2 * * *\"  retain = 7d }\n");
  ASSERT_TRUE(c->result.model) << c->sink.sorted().size();
  auto env_of = [&](const char* e, const char* name) {
    for (const auto& v : workload(*c->result.model, e, "backup-daily").env)
      if (v.name == name) return v.value;
    return std::string();
  };
  EXPECT_EQ(env_of("dev", "PGHOST"), "db-0.db-headless");
  EXPECT_EQ(env_of("dev", "PGPORT"), "5432");
  EXPECT_EQ(env_of("prod", "PGHOST"), "db");
  EXPECT_EQ(env_of("prod", "PGPORT"), "15432");
}

}  // namespace
}  // namespace stackc::check
