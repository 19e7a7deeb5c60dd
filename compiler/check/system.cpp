#include "check/system.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <thread>

#include "base/suggest.hpp"
#include "check/promql.hpp"
#include "check/units.hpp"

namespace stackc::check {
namespace {

using base::Code;
using model::Workload;

Workload system_workload(const std::string& name, const std::string& role, Workload::Kind kind,
                         const std::string& image, base::Span at) {
  Workload w;
  w.name = name;
  w.role = role;
  w.kind = kind;
  w.image = image;
  w.span = at;
  w.decl_span = at;
  w.replicas_span = at;
  w.cpu.span = at;
  w.memory.span = at;
  return w;
}

model::Probe http_probe(const std::string& path, base::Span at) {
  model::Probe p;
  p.kind = model::Probe::Kind::Http;
  p.path = path;
  p.span = at;
  return p;
}

// The Kubernetes API server, which Prometheus (service discovery, the kubelet's metrics through
// the API server proxy) and the log collector (pod logs) talk to. Its address is the cluster's,
// not a pod, so the rule names ports only.
void api_server_egress(Workload& w) {
  w.egress.push_back({"0.0.0.0/0", 443, w.span});
  w.egress.push_back({"0.0.0.0/0", 6443, w.span});
}

// "1h42m", "17m", "45s": an estimate as people say it.
std::string about(std::int64_t s) {
  if (s < 60) return fmt::format("{}s", s);
  std::int64_t m = (s + 59) / 60;
  if (m < 60) return fmt::format("{}m", m);
  return m % 60 ? fmt::format("{}h{}m", m / 60, m % 60) : fmt::format("{}h", m / 60);
}

bool scraped(const Workload& w) {
  return !w.metrics.empty() || w.exporter.has_value();
}

class Completer {
 public:
  Completer(const base::SourceManager& sm, model::Model& m, base::Sink& sink)
      : sm_(sm), m_(m), sink_(sink) {}

  void run() {
    for (auto& e : m_.environments) {
      std::set<std::string> declared;
      for (const auto& w : e.workloads) declared.insert(w.name);
      std::vector<Workload> added;
      monitoring(e, added);
      backups(e, added);
      for (auto& w : added) {
        if (declared.count(w.name)) {
          const Workload* mine = find(e, w.name);
          sink_.report(base::Diagnostic{
              Code::E2002,
              // (A version's workload: at the version's name.)
              !mine                        ? w.span
              : mine->version_span.valid() ? mine->version_span
                                           : mine->span,
              fmt::format("`{}` is the name of a workload stackc adds for {}", w.name,
                          w.role == "backup" ? "a backup" : "the monitoring stack"),
              {{w.span, w.role == "backup" ? "the backup that needs the name"
                                           : "the monitoring stack that needs the name"}},
              "rename the workload"});
          continue;
        }
        e.workloads.push_back(std::move(w));
      }
      expressions(e);
    }
    dashboards();
  }

 private:
  const base::SourceManager& sm_;
  model::Model& m_;
  base::Sink& sink_;
  std::set<std::string> reported_;

  static const Workload* find(const model::Environment& e, const std::string& name) {
    for (const auto& w : e.workloads)
      if (w.name == name) return &w;
    return nullptr;
  }

  void monitoring(const model::Environment& e, std::vector<Workload>& out) {
    const auto& mo = e.monitoring;
    if (!mo.present) return;
    const base::Span at = mo.span;
    // Prometheus: always, with `monitoring`; it evaluates the alerts and records.
    {
      const auto& p = mo.prometheus;
      Workload w = system_workload("prometheus", "prometheus", Workload::Kind::Stateful,
                                   SystemImages::prometheus, p.present ? p.span : at);
      w.ports.push_back({"web", 9090, w.span});
      w.cpu = p.cpu;
      w.memory = p.memory;
      w.storage = p.storage;
      w.data_path = "/prometheus";
      w.args = {"--config.file=/etc/prometheus/config/prometheus.yml",
                "--storage.tsdb.path=/prometheus",
                "--storage.tsdb.retention.time=" + format_duration(p.retention),
                "--web.listen-address=:9090"};
      w.liveness = http_probe("/-/healthy", w.span);
      w.readiness = http_probe("/-/ready", w.span);
      w.security.run_as_user = w.security.run_as_group = w.security.fs_group = 65534;
      w.security.service_account_token = true;  // Kubernetes service discovery
      for (const auto& t : e.workloads)
        if (scraped(t)) w.scrapes.push_back({t.name, t.span});
      if (mo.alertmanager.present) w.needs.push_back({"alertmanager", w.span});
      api_server_egress(w);
      out.push_back(std::move(w));
    }
    if (mo.alertmanager.present) {
      const auto& a = mo.alertmanager;
      Workload w = system_workload("alertmanager", "alertmanager", Workload::Kind::Stateful,
                                   SystemImages::alertmanager, a.span);
      w.ports.push_back({"web", 9093, w.span});
      w.cpu = {50, 200, w.span};
      w.memory = {64LL << 20, 256LL << 20, w.span};
      w.storage = 1LL << 30;  // silences and the notification log
      w.data_path = "/alertmanager";
      w.args = {"--config.file=/etc/alertmanager/alertmanager.yml", "--storage.path=/alertmanager",
                "--web.listen-address=:9093", "--cluster.listen-address="};
      w.liveness = http_probe("/-/healthy", w.span);
      w.readiness = http_probe("/-/ready", w.span);
      w.security.run_as_user = w.security.run_as_group = w.security.fs_group = 65534;
      // Every receiver's credentials, as files from their secrets (never in the config).
      std::map<std::string, std::set<std::string>> secrets;
      for (const auto& r : a.receivers)
        for (const auto* s : {&r.bot_token, &r.webhook})
          if (!s->name.empty()) secrets[s->name].insert(s->key);
      for (const auto& [name, keys] : secrets) {
        model::Mount mt;
        mt.name = "secret-" + name;
        mt.path = "/etc/alertmanager/secrets/" + name;
        mt.from = model::Mount::From::Secret;
        mt.source = name;
        for (const auto& k : keys) mt.items.emplace_back(k, k);
        w.mounts.push_back(std::move(mt));
      }
      w.egress.push_back({"0.0.0.0/0", 443, w.span});  // Telegram's and Slack's HTTPS APIs
      std::set<std::int64_t> smtp;                     // and the SMTP relays of e-mail receivers
      for (const auto& r : a.receivers) {
        auto colon = r.smarthost.rfind(':');
        std::int64_t port = 25;
        if (colon != std::string::npos) {
          try {
            port = std::stoll(r.smarthost.substr(colon + 1));
          } catch (...) {
          }
        }
        if (r.type == "email" && port != 443 && smtp.insert(port).second)
          w.egress.push_back({"0.0.0.0/0", port, r.span});
      }
      out.push_back(std::move(w));
    }
    if (mo.loki.present) {
      const auto& l = mo.loki;
      Workload w =
          system_workload("loki", "loki", Workload::Kind::Stateful, SystemImages::loki, l.span);
      w.ports.push_back({"http", 3100, w.span});
      w.cpu = l.cpu;
      w.memory = l.memory;
      w.storage = l.storage;
      w.data_path = "/loki";
      w.args = {"-config.file=/etc/loki/loki.yaml"};
      w.readiness = http_probe("/ready", w.span);
      w.security.run_as_user = w.security.run_as_group = w.security.fs_group = 10001;
      out.push_back(std::move(w));
      // The log collector: Grafana Alloy reading pod logs through the Kubernetes API (no host
      // paths, so it runs under the restricted Pod Security Standard like everything else).
      Workload c = system_workload("log-collector", "log-collector", Workload::Kind::Worker,
                                   SystemImages::alloy, l.span);
      c.cpu = {50, 200, c.span};
      c.memory = {64LL << 20, 256LL << 20, c.span};
      c.args = {"run", "/etc/alloy/config.alloy", "--storage.path=/tmp/alloy",
                "--disable-reporting", "--server.http.listen-addr=127.0.0.1:12345"};
      c.security.run_as_user = c.security.run_as_group = 473;
      c.security.service_account_token = true;
      c.needs.push_back({"loki", c.span});
      api_server_egress(c);
      out.push_back(std::move(c));
    }
    if (mo.grafana.present) {
      const auto& g = mo.grafana;
      Workload w = system_workload("grafana", "grafana", Workload::Kind::Stateful,
                                   SystemImages::grafana, g.span);
      w.ports.push_back({"http", 3000, w.span});
      w.cpu = g.cpu;
      w.memory = g.memory;
      w.storage = g.storage;
      w.data_path = "/var/lib/grafana";
      w.liveness = http_probe("/api/health", w.span);
      w.readiness = http_probe("/api/health", w.span);
      w.security.run_as_user = w.security.fs_group = 472;
      w.security.run_as_group = 472;
      auto env = [&](const std::string& k, const std::string& v) {
        model::EnvVar ev;
        ev.name = k;
        ev.value = v;
        ev.span = w.span;
        w.env.push_back(std::move(ev));
      };
      env("GF_PATHS_PROVISIONING", "/etc/grafana/provisioning");
      env("GF_ANALYTICS_REPORTING_ENABLED", "false");
      env("GF_ANALYTICS_CHECK_FOR_UPDATES", "false");
      env("GF_USERS_ALLOW_SIGN_UP", "false");
      env("GF_LOG_MODE", "console");  // the root filesystem is read-only
      if (g.admin_password) {
        model::EnvVar ev;
        ev.kind = model::EnvVar::Kind::Secret;
        ev.name = "GF_SECURITY_ADMIN_PASSWORD";
        ev.secret = *g.admin_password;
        ev.span = g.admin_password->span;
        w.env.push_back(std::move(ev));
      }
      w.needs.push_back({"prometheus", w.span});
      if (mo.loki.present) w.needs.push_back({"loki", w.span});
      out.push_back(std::move(w));
    }
  }

  void backups(model::Environment& e, std::vector<Workload>& out) {
    for (auto& b : e.backups) {
      if (b.of_resources || b.of.size() != 1) continue;
      const Workload* db = find(e, b.of.front().name);
      if (!db) continue;
      if (db->backup_method == "none") {
        sink_.report(base::Diagnostic{
            Code::E2022,
            b.of.front().span,
            fmt::format("`{}` has no backup method, so stackc cannot dump its data", db->name),
            {{db->span, "declared here"}},
            "set `backup_method = pg_dump` (PostgreSQL) or `redis-rdb` (Redis) on the stateful "
            "or its template, or back it up with volume snapshots outside stackc"});
        continue;
      }
      // W0004: one full restore of the database's volume at the stated throughput.
      if (b.restore_within > 0) {
        std::int64_t need = restore_seconds(db->storage);
        if (need > b.restore_within)
          sink_.report(base::Diagnostic{
              Code::W0004,
              b.span,
              fmt::format("restoring `{}` ({} of data at {}/s) takes about {}, more than "
                          "`restore_within = {}` in environment `{}`",
                          db->name, format_bytes(db->storage), format_bytes(kRestoreBytesPerSecond),
                          about(need), format_duration(b.restore_within), e.name),
              {{db->span, "the database"}},
              fmt::format("raise `restore_within` to at least {}, or keep less data in `{}`",
                          about(need), db->name)});
      }
      b.job = "backup-" + b.name;
      Workload w = system_workload(b.job, "backup", Workload::Kind::Cron, db->image, b.span);
      w.schedule = b.schedule;
      w.retries = 1;
      w.timeout = 4 * 3600;  // a dump that hangs (a lock, a stuck network) must not block the next
      w.cpu = {100, 500, b.span};
      w.memory = {128LL << 20, 512LL << 20, b.span};
      w.security.run_as_user = db->security.run_as_user;
      w.security.run_as_group = db->security.run_as_group;
      w.security.fs_group =
          db->security.fs_group ? db->security.fs_group : db->security.run_as_group;
      w.needs.push_back({db->name, b.span});
      model::Mount store;
      store.name = "backups";
      store.path = "/backups";
      store.from = model::Mount::From::Claim;
      store.source = b.job;
      store.read_only = false;
      w.mounts.push_back(std::move(store));
      w.backup_method = db->backup_method;
      // The connection: the database's own settings, under the names the dump tools read.
      auto literal = [&](const std::string& name) -> const model::EnvVar* {
        for (const auto& v : db->env)
          if (v.name == name) return &v;
        return nullptr;
      };
      auto env = [&](const std::string& name, const model::EnvVar* from, const std::string& dflt) {
        model::EnvVar v;
        if (from)
          v = *from;
        else {
          v.value = dflt;
          v.span = b.span;
        }
        v.name = name;
        w.env.push_back(std::move(v));
      };
      // One pod, always the same: the first replica, by its stable name (the Service would pick
      // any replica, a different one each time). Through the headless Service the pod is reached
      // on its container's port, through the Service on the Service's.
      const bool one_pod = db->replicas_max > 1;
      std::string port = db->ports.empty() ? ""
                                           : std::to_string(one_pod ? db->ports.front().container()
                                                                    : db->ports.front().number);
      std::string host = one_pod ? db->name + "-0." + db->name + "-headless" : db->name;
      const std::int64_t days = std::max<std::int64_t>(1, b.retain / 86400);
      if (db->backup_method == "pg_dump") {
        env("PGHOST", nullptr, host);
        env("PGPORT", nullptr, port.empty() ? "5432" : port);
        env("PGUSER", literal("POSTGRES_USER"), "postgres");
        env("PGDATABASE", literal("POSTGRES_DB"), "postgres");
        if (const auto* pw = literal("POSTGRES_PASSWORD")) env("PGPASSWORD", pw, "");
        w.command = {"/bin/sh", "-ec"};
        w.args = {fmt::format(
            "find /backups -name '{name}-*.partial' -delete\n"
            "f=/backups/{name}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz\n"
            "trap 'rm -f \"$f.partial\"' EXIT\n"
            "pg_dump --clean --if-exists --no-owner --no-privileges --lock-wait-timeout=300000 "
            "| gzip > \"$f.partial\"\n"
            "gzip -t \"$f.partial\"\n"
            "gunzip -c \"$f.partial\" | tail -n 5 | grep -q 'PostgreSQL database dump complete'\n"
            "mv \"$f.partial\" \"$f\"\n"
            "find /backups -name '{name}-*.sql.gz' -mtime +{days} -delete\n"
            "echo \"backup $f: $(wc -c < \"$f\") bytes, verified\"\n",
            fmt::arg("name", b.name), fmt::arg("days", days - 1))};
      } else if (db->backup_method == "redis-rdb") {
        env("REDIS_HOST", nullptr, host);
        env("REDIS_PORT", nullptr, port.empty() ? "6379" : port);
        w.command = {"/bin/sh", "-ec"};
        w.args = {
            fmt::format("find /backups -name '{name}-*.partial*' -delete\n"
                        "f=/backups/{name}-$(date -u +%Y%m%dT%H%M%SZ).rdb\n"
                        "trap 'rm -f \"$f.partial\" \"$f.partial.gz\"' EXIT\n"
                        "redis-cli -h \"$REDIS_HOST\" -p \"$REDIS_PORT\" --rdb \"$f.partial\"\n"
                        "head -c 5 \"$f.partial\" | grep -q REDIS\n"
                        "gzip \"$f.partial\" && mv \"$f.partial.gz\" \"$f.gz\"\n"
                        "find /backups -name '{name}-*.rdb.gz' -mtime +{days} -delete\n"
                        "echo \"backup $f.gz: $(wc -c < \"$f.gz\") bytes, verified\"\n",
                        fmt::arg("name", b.name), fmt::arg("days", days - 1))};
      }
      out.push_back(std::move(w));
    }
  }

  // The metrics an environment's Prometheus has: declared ones (histograms and summaries with
  // their series), records, exporters' prefixes, and the standard ones.
  struct Known {
    std::set<std::string> names;
    std::vector<std::string> prefixes;
    std::vector<std::string> all;  // for "did you mean"
  };

  Known known(const model::Environment& e) const {
    Known k;
    for (const auto& n : standard_metrics()) k.names.insert(n);
    for (const auto& w : e.workloads) {
      for (const auto& mt : w.metrics) {
        k.names.insert(mt.name);
        if (mt.kind == model::Metric::Kind::Histogram) {
          for (const char* s : {"_bucket", "_sum", "_count"}) k.names.insert(mt.name + s);
        } else if (mt.kind == model::Metric::Kind::Summary) {
          for (const char* s : {"_sum", "_count"}) k.names.insert(mt.name + s);
        }
      }
      if (w.exporter && !w.exporter->prefix.empty()) k.prefixes.push_back(w.exporter->prefix);
      if (w.role == "prometheus") k.prefixes.push_back("prometheus_");
    }
    for (const auto& r : e.records) k.names.insert(r.name);
    k.all.assign(k.names.begin(), k.names.end());
    return k;
  }

  static bool exported(const Known& k, const std::string& name) {
    if (k.names.count(name)) return true;
    return std::any_of(k.prefixes.begin(), k.prefixes.end(),
                       [&](const std::string& p) { return name.rfind(p, 0) == 0; });
  }

  // Maps a byte offset in a string's value back to the source: exact for strings without
  // interpolation, escapes other than one-character ones, or `"""` blocks; else the whole string.
  base::Span locate(base::Span str, const std::string& value, std::size_t offset,
                    std::size_t length) const {
    std::string_view src = sm_.text(str);
    if (src.size() < 2 || src.front() != '"' || src.substr(0, 3) == "\"\"\"") return str;
    std::vector<std::uint32_t> at;  // value byte -> source offset
    std::string decoded;
    for (std::size_t i = 1; i + 1 < src.size(); ++i) {
      char c = src[i];
      if (c == '$' && i + 1 < src.size() && src[i + 1] == '{') return str;
      at.push_back(static_cast<std::uint32_t>(i));
      if (c == '\\') {
        if (i + 2 >= src.size()) return str;
        char n = src[++i];
        switch (n) {
          case 'n':
            decoded += '\n';
            break;
          case 't':
            decoded += '\t';
            break;
          case 'r':
            decoded += '\r';
            break;
          case '"':
          case '\\':
          case '$':
            decoded += n;
            break;
          default:
            return str;
        }
      } else {
        decoded += c;
      }
    }
    if (decoded != value || offset >= at.size()) return str;
    std::size_t last = std::min(offset + std::max<std::size_t>(length, 1), at.size()) - 1;
    base::Span s = str;
    s.begin = str.begin + at[offset];
    s.end = str.begin + at[last] + 1;
    if (src[at[last]] == '\\') ++s.end;
    return s;
  }

  void expression(const model::Environment& e, const Known& k, const std::string& what,
                  const std::string& name, const std::string& expr, base::Span span,
                  const promql::Result& r) {
    if (r.error) {
      sink_.report(base::Diagnostic{Code::E2023,
                                    locate(span, expr, r.error->offset, r.error->length),
                                    fmt::format("the `expr` of {} `{}` is not valid PromQL: {}",
                                                what, name, r.error->message),
                                    {},
                                    r.error->hint.empty()
                                        ? "check the expression with `promtool` or in Prometheus' "
                                          "expression browser"
                                        : r.error->hint});
      return;
    }
    if (r.type == promql::Result::Type::Matrix || r.type == promql::Result::Type::String)
      sink_.report(base::Diagnostic{
          Code::E2023,
          span,
          fmt::format("the `expr` of {} `{}` must be an instant vector or a scalar, not {}", what,
                      name, r.type == promql::Result::Type::Matrix ? "a range vector" : "a string"),
          {},
          "aggregate the range: `rate(x[5m])` instead of `x[5m]`"});
    for (const auto& sel : r.selectors) {
      if (sel.metric.empty() || exported(k, sel.metric)) continue;
      // Once per expression and metric, naming the first environment that lacks it.
      if (!reported_.insert(what + "/" + name + "/" + sel.metric).second) continue;
      std::string hint = base::did_you_mean(sel.metric, k.all);
      sink_.report(base::Diagnostic{
          Code::E2024,
          locate(span, expr, sel.offset, sel.length),
          fmt::format("{} `{}` uses `{}`, which nothing in environment `{}` exports", what, name,
                      sel.metric, e.name),
          {},
          hint.empty() ? "declare it in the `metrics { }` block of the workload that exports it, "
                         "or fix the name"
                       : hint + " Or declare it in a workload's `metrics { }` block."});
    }
  }

  void expressions(const model::Environment& e) {
    if (e.alerts.empty() && e.records.empty()) return;
    // Parsed first, the second half on another thread when many (parsing reads the expression
    // only), then reported in order.
    const std::size_t n = e.alerts.size() + e.records.size();
    std::vector<promql::Result> parsed(n);
    auto parse = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to; ++i)
        parsed[i] = promql::parse(i < e.alerts.size() ? e.alerts[i].expr
                                                      : e.records[i - e.alerts.size()].expr);
    };
    if (n < 256) {
      parse(0, n);
    } else {
      std::thread second(parse, n / 2, n);
      parse(0, n / 2);
      second.join();
    }
    Known k = known(e);
    for (std::size_t i = 0; i < e.alerts.size(); ++i) {
      const auto& a = e.alerts[i];
      expression(e, k, "alert", a.name, a.expr, a.expr_span, parsed[i]);
    }
    for (std::size_t i = 0; i < e.records.size(); ++i) {
      const auto& r = e.records[i];
      expression(e, k, "record", r.name, r.expr, r.expr_span, parsed[e.alerts.size() + i]);
    }
  }

  // A dashboard's metrics are charted in every environment, so each must be exported in one.
  void dashboards() {
    if (m_.dashboards.empty()) return;
    std::vector<Known> ks;
    for (const auto& e : m_.environments) ks.push_back(known(e));
    for (const auto& d : m_.dashboards)
      for (const auto& name : d.metrics) {
        bool ok =
            std::any_of(ks.begin(), ks.end(), [&](const Known& k) { return exported(k, name); });
        if (ok) continue;
        std::string hint = ks.empty() ? "" : base::did_you_mean(name, ks.front().all);
        sink_.report(base::Diagnostic{
            Code::E2024,
            d.span,
            fmt::format("dashboard `{}` charts `{}`, which nothing in the stack exports", d.name,
                        name),
            {},
            hint.empty() ? "declare it in the `metrics { }` block of the workload that exports it"
                         : hint});
      }
  }
};

}  // namespace

const std::vector<std::string>& standard_metrics() {
  static const std::vector<std::string> names = {
      // Prometheus' own series for every target and rule.
      "up", "scrape_duration_seconds", "scrape_samples_scraped",
      "scrape_samples_post_metric_relabeling", "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
      // cAdvisor, through the kubelet.
      "container_cpu_usage_seconds_total", "container_cpu_user_seconds_total",
      "container_cpu_system_seconds_total", "container_cpu_cfs_periods_total",
      "container_cpu_cfs_throttled_periods_total", "container_cpu_cfs_throttled_seconds_total",
      "container_memory_usage_bytes", "container_memory_working_set_bytes", "container_memory_rss",
      "container_memory_cache", "container_memory_swap", "container_memory_failcnt",
      "container_memory_failures_total", "container_memory_max_usage_bytes",
      "container_oom_events_total", "container_spec_memory_limit_bytes",
      "container_spec_memory_reservation_limit_bytes", "container_spec_cpu_quota",
      "container_spec_cpu_period", "container_spec_cpu_shares",
      "container_network_receive_bytes_total", "container_network_transmit_bytes_total",
      "container_network_receive_packets_total", "container_network_transmit_packets_total",
      "container_network_receive_packets_dropped_total",
      "container_network_transmit_packets_dropped_total", "container_network_receive_errors_total",
      "container_network_transmit_errors_total", "container_fs_usage_bytes",
      "container_fs_limit_bytes", "container_fs_reads_bytes_total",
      "container_fs_writes_bytes_total", "container_last_seen", "container_start_time_seconds",
      "container_processes", "container_threads", "container_file_descriptors", "container_sockets",
      // The kubelet's volume statistics.
      "kubelet_volume_stats_used_bytes", "kubelet_volume_stats_capacity_bytes",
      "kubelet_volume_stats_available_bytes", "kubelet_volume_stats_inodes",
      "kubelet_volume_stats_inodes_used", "kubelet_volume_stats_inodes_free"};
  return names;
}

void complete(const base::SourceManager& sm, model::Model& m, base::Sink& sink) {
  Completer(sm, m, sink).run();
}

}  // namespace stackc::check
