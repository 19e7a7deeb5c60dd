// `enabled = false`: the workload is not in that environment's model, and a present workload that
// depends on it there is E3007 (check/presence.hpp).
#include <gtest/gtest.h>

#include <algorithm>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {
namespace {

struct Checked {
  base::SourceManager sm;
  base::Collector sink;
  Result result;
  std::string text;
};

constexpr const char* kHead =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 2  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = c }\n"
    "environment prod { cluster = c }\n";

std::unique_ptr<Checked> check_text(const std::string& body) {
  auto c = std::make_unique<Checked>();
  c->text = std::string(kHead) + body;
  auto id = c->sm.add("main.stack", c->text);
  NoImports loader;
  c->result = check(c->sm, syntax::parse(c->sm, id, c->sink), loader, c->sink);
  return c;
}

std::vector<std::string> names(const model::Model& m, const std::string& env) {
  std::vector<std::string> out;
  for (const auto& w : m.environment(env)->workloads) out.push_back(w.name);
  return out;
}

// The source text a span covers.
std::string at(const Checked& c, base::Span s) {
  return c.text.substr(s.begin, s.end - s.begin);
}

const char* kWorker = "  image = \"w\"  cpu = 100m  memory = 64Mi\n";

TEST(Presence, EnabledFalseRemovesTheWorkloadFromThatEnvironmentOnly) {
  auto c =
      check_text(std::string("worker a {\n") + kWorker + "  when prod { enabled = false }\n}\n" +
                 "worker b {\n" + kWorker + "  enabled = false\n}\n" + "worker d {\n" + kWorker +
                 "  enabled = false\n  when dev { enabled = true }\n}\n" +
                 "template off for worker { when prod { enabled = false } }\n" +
                 "worker e from off {\n" + kWorker + "}\n");
  ASSERT_TRUE(c->result.model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  // `b` is left out of both environments: W0025, at its `enabled = false`.
  ASSERT_EQ(c->sink.all().size(), 1u);
  EXPECT_EQ(c->sink.all()[0].code, base::Code::W0025);
  EXPECT_EQ(c->sink.all()[0].message,
            "`b` is left out of every environment: nothing of it is deployed");
  EXPECT_EQ(at(*c, c->sink.all()[0].span), "enabled = false");
  EXPECT_EQ(at(*c, c->sink.all()[0].notes.at(0).span), "b");
  const auto& m = *c->result.model;
  EXPECT_EQ(m.environment("prod")->absent, (std::vector<std::string>{"a", "b", "d", "e"}));
  EXPECT_EQ(m.environment("dev")->absent, std::vector<std::string>{"b"});
  EXPECT_EQ(names(m, "dev"), (std::vector<std::string>{"a", "d", "e"}));
  EXPECT_EQ(names(m, "prod"), std::vector<std::string>{});
}

TEST(Presence, ANeedOfAnAbsentWorkloadIsE3007AtTheEnabledWithTheNeedAsANote) {
  auto c =
      check_text(std::string("worker db {\n") + kWorker + "  when prod { enabled = false }\n}\n" +
                 "worker api {\n" + kWorker + "  needs = [db]\n}\n");
  EXPECT_FALSE(c->result.model);
  ASSERT_EQ(c->sink.all().size(), 1u);
  const auto& d = c->sink.all()[0];
  EXPECT_EQ(d.code, base::Code::E3007);
  EXPECT_EQ(at(*c, d.span), "enabled = false");
  EXPECT_EQ(d.message, "`db` is left out of environment `prod`, but `api` needs it there");
  ASSERT_EQ(d.notes.size(), 1u);
  EXPECT_EQ(at(*c, d.notes[0].span), "db");
  EXPECT_NE(d.help.find("`when prod { enabled = false }` in `api`"), std::string::npos);
  EXPECT_NE(d.help.find("remove `db` from its `needs` in `prod`"), std::string::npos);
}

TEST(Presence, ReferencesInEnvValuesStringsAndSidecarsAreEdgesToo) {
  const std::string db = std::string("service db {\n") + kWorker +
                         "  port pg = 5432\n  when prod { enabled = false }\n}\n";
  for (const std::string& use :
       {std::string("  env { DB_HOST = db.host }\n"),
        std::string("  args = [\"--db=${db.address}\"]\n"),
        std::string("  sidecar proxy { image = \"p\"  cpu = 10m  memory = 16Mi  env { TO = "
                    "\"${db.port}\" } }\n")}) {
    SCOPED_TRACE(use);
    auto c = check_text(db + "worker api {\n" + kWorker + use + "}\n");
    ASSERT_EQ(c->sink.all().size(), 1u);
    const auto& d = c->sink.all()[0];
    EXPECT_EQ(d.code, base::Code::E3007);
    EXPECT_NE(d.message.find("but `api` refers to it in "), std::string::npos) << d.message;
    EXPECT_NE(d.help.find("stop referring to `db` from it in `prod`"), std::string::npos);
  }
}

TEST(Presence, NoErrorWhenTheDependentIsAbsentTooOrTheNeedIsDroppedThere) {
  auto both = check_text(std::string("worker db {\n") + kWorker +
                         "  when prod { enabled = false }\n}\n" + "worker api {\n" + kWorker +
                         "  needs = [db]\n  when prod { enabled = false }\n}\n");
  EXPECT_TRUE(both->sink.all().empty());
  ASSERT_TRUE(both->result.model);
  EXPECT_EQ(names(*both->result.model, "prod"), std::vector<std::string>{});
  auto dropped =
      check_text(std::string("worker db {\n") + kWorker + "  when prod { enabled = false }\n}\n" +
                 "worker api {\n" + kWorker + "  needs = [db]\n  when prod { needs = [] }\n}\n");
  EXPECT_TRUE(dropped->sink.all().empty());
  ASSERT_TRUE(dropped->result.model);
  EXPECT_EQ(names(*dropped->result.model, "prod"), std::vector<std::string>{"api"});
}

TEST(Presence, OneErrorPerPairOfPlacesNotPerEnvironment) {
  // Absent in both environments, needed in both: the same two places, reported once.
  auto c = check_text(std::string("worker db {\n") + kWorker + "  enabled = false\n}\n" +
                      "worker api {\n" + kWorker + "  needs = [db]\n}\n");
  ASSERT_EQ(c->sink.all().size(), 2u);  // and W0025: left out everywhere
  EXPECT_EQ(c->sink.all()[0].code, base::Code::E3007);
  EXPECT_NE(c->sink.all()[0].message.find("environment `dev`"), std::string::npos);
  EXPECT_EQ(c->sink.all()[1].code, base::Code::W0025);
  // Different places (a `when` each): one per environment.
  auto two = check_text(std::string("worker db {\n") + kWorker +
                        "  when dev { enabled = false }\n  when prod { enabled = false }\n}\n" +
                        "worker api {\n" + kWorker + "  needs = [db]\n}\n");
  EXPECT_EQ(std::count_if(two->sink.all().begin(), two->sink.all().end(),
                          [](const auto& d) { return d.code == base::Code::E3007; }),
            2);
}

TEST(Presence, TheBackupOfAnAbsentDatabaseIsLeftOutWithIt) {
  auto c = check_text(
      "stateful db { image = \"postgres:16.4\"  port pg = 5432  cpu = 1  memory = 1Gi  storage = "
      "1Gi\n  backup_method = pg_dump  when dev { enabled = false } }\n"
      "backup nightly { of = db  schedule = \"0 2 * * *\"  retain = 7d }\n"
      "backup config { of = [configmaps, secrets]  schedule = \"0 3 * * *\"  retain = 30d }\n");
  ASSERT_TRUE(c->result.model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  const auto& m = *c->result.model;
  EXPECT_EQ(names(m, "dev"), std::vector<std::string>{});
  ASSERT_EQ(m.environment("dev")->backups.size(), 1u);  // the Velero one stays
  EXPECT_EQ(m.environment("dev")->backups[0].name, "config");
  EXPECT_EQ(names(m, "prod"), (std::vector<std::string>{"db", "backup-nightly"}));
  EXPECT_EQ(m.environment("prod")->backups.size(), 2u);
}

TEST(Presence, AlertsAndRecordsOfMetricsOnlyAnAbsentWorkloadExportsAreLeftOutWithIt) {
  auto c = check_text(
      std::string("monitoring { prometheus { } }\n") + "service mail {\n" + kWorker +
      "  port smtp = 1025\n  metrics {\n    counter mail_sent_total\n    histogram mail_seconds\n  "
      "}\n"
      "  when prod { enabled = false }\n}\n" +
      "service api {\n" + kWorker +
      "  port http = 8080\n  metrics { counter http_requests_total }\n}\n" +
      "record mail_rate { expr = \"sum(rate(mail_sent_total[5m]))\" }\n"
      "record mail_rate_x2 { expr = \"mail_rate * 2\" }\n"
      "alert MailStopped { expr = \"absent(mail_sent_total)\"  summary = \"s\" }\n"
      "alert MailSlow { expr = \"histogram_quantile(0.9, sum by (le) "
      "(rate(mail_seconds_bucket[5m]))) > 10\"  summary = \"s\" }\n"
      "alert MailRateHigh { expr = \"mail_rate_x2 > 100\"  summary = \"s\" }\n"
      "alert ApiBusy { expr = \"sum(rate(http_requests_total[5m])) > 100\"  summary = \"s\" }\n"
      "alert Mixed { expr = \"sum(rate(http_requests_total[5m])) > 0 unless "
      "sum(rate(mail_sent_total[5m])) > 0\"  summary = \"s\" }\n");
  ASSERT_TRUE(c->result.model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  EXPECT_TRUE(c->sink.all().empty());
  auto alerts = [&](const std::string& env) {
    std::vector<std::string> out;
    for (const auto& a : c->result.model->environment(env)->alerts) out.push_back(a.name);
    return out;
  };
  auto records = [&](const std::string& env) {
    std::vector<std::string> out;
    for (const auto& r : c->result.model->environment(env)->records) out.push_back(r.name);
    return out;
  };
  EXPECT_EQ(alerts("dev"), (std::vector<std::string>{"MailStopped", "MailSlow", "MailRateHigh",
                                                     "ApiBusy", "Mixed"}));
  EXPECT_EQ(records("dev"), (std::vector<std::string>{"mail_rate", "mail_rate_x2"}));
  EXPECT_EQ(alerts("prod"), std::vector<std::string>{"ApiBusy"});
  EXPECT_EQ(records("prod"), std::vector<std::string>{});
}

TEST(Presence, AMetricAPresentWorkloadExportsTooKeepsTheAlert) {
  auto c = check_text(
      std::string("monitoring { prometheus { } }\n") + "service a {\n" + kWorker +
      "  port http = 80\n  metrics { counter jobs_total }\n  enabled = false\n}\n" +
      "service b {\n" + kWorker + "  port http = 80\n  metrics { counter jobs_total }\n}\n" +
      "alert NoJobs { expr = \"sum(rate(jobs_total[5m])) == 0\"  summary = \"s\" }\n");
  ASSERT_TRUE(c->result.model) << (c->sink.all().empty() ? "" : c->sink.all()[0].message);
  EXPECT_EQ(c->result.model->environment("prod")->alerts.size(), 1u);
  EXPECT_EQ(c->result.model->environment("dev")->alerts.size(), 1u);
}

TEST(Presence, EnabledMustBeABoolean) {
  auto c = check_text(std::string("worker a {\n") + kWorker + "  enabled = \"no\"\n}\n");
  EXPECT_FALSE(c->result.model);
  ASSERT_FALSE(c->sink.all().empty());
  EXPECT_EQ(c->sink.all()[0].code, base::Code::E2003);
}

}  // namespace
}  // namespace stackc::check
