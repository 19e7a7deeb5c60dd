#include "emit/monitoring/monitoring.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>
#include <utility>

#include "check/units.hpp"
#include "emit/grafana/grafana.hpp"

namespace stackc::emit::monitoring {
namespace {

using model::Workload;

const Workload* role(const model::Environment& e, const std::string& r) {
  for (const auto& w : e.workloads)
    if (w.role == r) return &w;
  return nullptr;
}

// A Prometheus duration: "5m", "1h", "30s" (Prometheus takes d, w and y too).
std::string duration(std::int64_t s) {
  return check::format_duration(s);
}

// "api-service" -> "ApiService": the start of the standard alerts' names.
std::string camel(const std::string& name) {
  std::string out;
  bool up = true;
  for (char c : name) {
    if (c == '-' || c == '_') {
      up = true;
      continue;
    }
    out += up ? static_cast<char>(std::toupper(static_cast<unsigned char>(c))) : c;
    up = false;
  }
  return out;
}

// The scrape targets of a workload: its own metrics port and path, and its exporter's.
struct Target {
  std::string job;
  std::int64_t port;
  std::string path;
};

std::vector<Target> targets(const Workload& w) {
  std::vector<Target> out;
  if (!w.metrics.empty()) {
    std::int64_t port = 0;
    for (const auto& p : w.ports)
      if (w.metrics_port.empty() ? port == 0 : p.name == w.metrics_port) port = p.container();
    if (port) out.push_back({w.app(), port, w.metrics_path});
  }
  if (w.exporter)
    out.push_back(
        {out.empty() ? w.app() : w.app() + "-exporter", w.exporter->port, w.exporter->path});
  return out;
}

Doc relabel(const char* from, const char* to) {
  Doc r;
  r["source_labels"] = Doc::array({from});
  r["target_label"] = to;
  return r;
}

Doc keep(const char* label, const std::string& regex) {
  Doc r;
  r["source_labels"] = Doc::array({label});
  r["action"] = "keep";
  r["regex"] = regex;
  return r;
}

constexpr const char* kTokenFile = "/var/run/secrets/kubernetes.io/serviceaccount/token";
constexpr const char* kCaFile = "/var/run/secrets/kubernetes.io/serviceaccount/ca.crt";

// A kubelet endpoint read through the API server proxy (no access to node ports needed).
Doc kubelet_job(const std::string& name, const std::string& path, const std::string& ns,
                const char* keep_label) {
  Doc j;
  j["job_name"] = name;
  j["scheme"] = "https";
  j["tls_config"]["ca_file"] = kCaFile;
  j["authorization"]["credentials_file"] = kTokenFile;
  Doc sd;
  sd["role"] = "node";
  j["kubernetes_sd_configs"] = Doc::array({sd});
  Doc addr;
  addr["target_label"] = "__address__";
  addr["replacement"] = "kubernetes.default.svc:443";
  Doc mp;
  mp["source_labels"] = Doc::array({"__meta_kubernetes_node_name"});
  mp["target_label"] = "__metrics_path__";
  mp["regex"] = "(.+)";
  mp["replacement"] = "/api/v1/nodes/${1}/proxy" + path;
  j["relabel_configs"] = Doc::array({addr, mp, relabel("__meta_kubernetes_node_name", "node")});
  // Only this environment's series: the node runs other namespaces' pods too.
  j["metric_relabel_configs"] = Doc::array({keep(keep_label, ns)});
  return j;
}

Doc prometheus_yml(const model::Model& m, const model::Environment& e,
                   const std::vector<std::string>& rule_paths) {
  const auto& p = e.monitoring.prometheus;
  Doc c;
  c["global"]["scrape_interval"] = duration(p.scrape_interval);
  c["global"]["evaluation_interval"] = duration(p.scrape_interval);
  c["global"]["external_labels"]["stack"] = m.stack.name;
  c["global"]["external_labels"]["environment"] = e.name;
  c["rule_files"] = rule_paths;
  if (const Workload* am = role(e, "alertmanager")) {
    Doc sc;
    sc["targets"] = Doc::array({fmt::format("{}:{}", am->name, am->ports.front().number)});
    Doc a;
    a["static_configs"] = Doc::array({sc});
    c["alerting"]["alertmanagers"] = Doc::array({a});
  }
  Doc jobs = Doc::array();
  {
    Doc self;
    self["job_name"] = "prometheus";
    Doc sc;
    sc["targets"] = Doc::array({"localhost:9090"});
    self["static_configs"] = Doc::array({sc});
    jobs.push_back(std::move(self));
  }
  // One job per kind of target (port, path, and whether the job label gets `-exporter`),
  // whatever the number of workloads: pods are kept by their workload's name and the job label
  // is the workload's name, so `up{job="postgres"}` is postgres' exporter.
  struct Kind {
    std::int64_t port;
    std::string path;
    bool exporter_suffix;
    auto operator<=>(const Kind&) const = default;
  };
  // The pods of a workload's versions share its name label: one alternative for them all, and
  // their `version` label kept on the series.
  std::map<Kind, std::vector<std::string>> kinds;
  std::set<Kind> versioned;
  std::set<std::pair<Kind, std::string>> listed;  // each name once per kind, in linear time
  for (const auto& w : e.workloads)
    for (const auto& t : targets(w)) {
      const Kind k{t.port, t.path, t.job != w.app()};
      auto& names = kinds[k];
      if (listed.emplace(k, w.app()).second) names.push_back(w.app());
      if (!w.group.empty()) versioned.insert(k);
    }
  const std::string instance = m.stack.name + "-" + e.name;
  std::set<std::string> job_names;
  for (const auto& [k, names] : kinds) {
    Doc j;
    std::string path_part;
    for (char c : k.path)
      if (std::isalnum(static_cast<unsigned char>(c))) path_part += c;
    std::string job =
        fmt::format("pods-{}{}{}", k.port, k.path == "/metrics" ? "" : "-" + path_part,
                    k.exporter_suffix ? "-exporter" : "");
    // Paths that differ only in punctuation (`/a-b`, `/ab`) would share a name: number them.
    for (int n = 2; !job_names.insert(job).second; ++n)
      job = fmt::format("pods-{}-path{}{}", k.port, n, k.exporter_suffix ? "-exporter" : "");
    j["job_name"] = job;
    j["metrics_path"] = k.path;
    Doc sd;
    sd["role"] = "pod";
    sd["namespaces"]["names"] = Doc::array({e.ns});
    j["kubernetes_sd_configs"] = Doc::array({sd});
    std::string alternatives;
    for (const auto& n : names) alternatives += (alternatives.empty() ? "" : "|") + n;
    Doc rl = Doc::array();
    rl.push_back(keep("__meta_kubernetes_pod_label_app_kubernetes_io_name",
                      names.size() == 1 ? alternatives : "(" + alternatives + ")"));
    rl.push_back(keep("__meta_kubernetes_pod_label_app_kubernetes_io_instance", instance));
    rl.push_back(keep("__meta_kubernetes_pod_container_port_number", std::to_string(k.port)));
    rl.push_back(relabel("__meta_kubernetes_namespace", "namespace"));
    rl.push_back(relabel("__meta_kubernetes_pod_name", "pod"));
    rl.push_back(relabel("__meta_kubernetes_pod_label_app_kubernetes_io_name", "workload"));
    Doc job_label = relabel("__meta_kubernetes_pod_label_app_kubernetes_io_name", "job");
    if (k.exporter_suffix) job_label["replacement"] = "${1}-exporter";
    rl.push_back(std::move(job_label));
    if (versioned.count(k)) rl.push_back(relabel("__meta_kubernetes_pod_label_version", "version"));
    j["relabel_configs"] = std::move(rl);
    jobs.push_back(std::move(j));
  }
  jobs.push_back(kubelet_job("kubernetes-cadvisor", "/metrics/cadvisor", e.ns, "namespace"));
  jobs.push_back(kubelet_job("kubelet", "/metrics", e.ns, "namespace"));
  c["scrape_configs"] = std::move(jobs);
  return c;
}

Doc rule(const std::string& alert, const std::string& expr, std::int64_t for_s,
         const std::string& severity, const std::string& summary, const std::string& description,
         const std::string& runbook, const std::vector<model::Dependency>& notify) {
  Doc r;
  r["alert"] = alert;
  r["expr"] = expr;
  if (for_s) r["for"] = duration(for_s);
  r["labels"]["severity"] = severity;
  if (!notify.empty()) {
    std::string n;
    for (const auto& d : notify) n += (n.empty() ? "" : ",") + d.name;
    r["labels"]["notify"] = n;
  }
  r["annotations"]["summary"] = summary;
  if (!description.empty()) r["annotations"]["description"] = description;
  if (!runbook.empty()) r["annotations"]["runbook_url"] = runbook;
  return r;
}

// Standard rules: for every scraped target, every container and every volume of the namespace
// at once (so their number does not grow with the stack), plus, per workload, `Down` for the
// long-running ones Prometheus does not scrape and whose replica minimum is over 0, and
// `HighErrorRate` for those that count requests and errors.
Doc standard_rules(const model::Environment& e) {
  Doc rules = Doc::array();
  const std::string ns = fmt::format("namespace=\"{}\"", e.ns);
  const std::string containers = ns + ", container!=\"\", container!=\"POD\"";
  bool any_scraped = false;
  for (const auto& w : e.workloads) any_scraped |= !targets(w).empty();
  // The kubelet's metrics are what the container rules read: their absence is an alert too.
  rules.push_back(rule("KubeletScrapeDown", "up{job=~\"kubelet|kubernetes-cadvisor\"} == 0", 300,
                       "critical", "Prometheus cannot read the kubelet of {{ $labels.node }}",
                       "The {{ $labels.job }} metrics of {{ $labels.node }} are missing: the "
                       "container rules cannot see its pods.",
                       "", {}));
  if (any_scraped)
    rules.push_back(rule("TargetDown", fmt::format("up{{{}}} == 0", ns), 120, "critical",
                         "{{ $labels.job }} is down",
                         "Prometheus cannot scrape {{ $labels.pod }} of {{ $labels.job }}.", "",
                         {}));
  rules.push_back(rule(
      "ContainerCrashLooping",
      fmt::format("count by (pod, container) "
                  "(count_over_time(container_start_time_seconds{{{}}}[15m])) > 3",
                  containers),
      0, "warning", "{{ $labels.container }} is restarting repeatedly",
      "{{ $labels.pod }} started more than 3 containers {{ $labels.container }} in 15 minutes.", "",
      {}));
  rules.push_back(rule(
      "ContainerMemoryNearLimit",
      fmt::format("max by (pod, container) (container_memory_working_set_bytes{{{0}}} / "
                  "(container_spec_memory_limit_bytes{{{0}}} > 0)) > 0.9",
                  containers),
      600, "warning", "{{ $labels.container }} uses over 90% of its memory limit",
      "{{ $labels.pod }} has used over 90% of the memory limit of {{ $labels.container }} for 10 "
      "minutes.",
      "", {}));
  rules.push_back(
      rule("VolumeFilling",
           fmt::format("max by (persistentvolumeclaim) (kubelet_volume_stats_used_bytes{{{0}}} / "
                       "kubelet_volume_stats_capacity_bytes{{{0}}}) > 0.85",
                       ns),
           900, "warning", "{{ $labels.persistentvolumeclaim }} is over 85% full",
           "The volume {{ $labels.persistentvolumeclaim }} has been over 85% full for 15 minutes.",
           "", {}));
  for (const auto& w : e.workloads) {
    if (w.kind == Workload::Kind::Job || w.kind == Workload::Kind::Cron) continue;
    if (!w.role.empty()) continue;
    const std::string name = camel(w.name);
    // A version's pods: its workload's container, in the pods of the version's Deployment.
    const std::string pods =
        w.group.empty() ? std::string() : fmt::format(", pod=~\"{}\"", w.version_pods());
    // Not for a workload that may run no pod in this environment (`replicas = 0`, `0..N`): its
    // absence is then normal, and the alert would fire for as long as it is scaled to zero.
    if (targets(w).empty() && w.replicas_min > 0)
      rules.push_back(rule(
          name + "Down",
          // Only while the kubelet's metrics arrive: else every workload would look down.
          fmt::format("absent(container_memory_working_set_bytes{{{}, container=\"{}\"{}}}) and "
                      "on() (up{{job=\"kubernetes-cadvisor\"}} == 1)",
                      ns, w.app(), pods),
          300, "critical", fmt::format("{} is down", w.name),
          fmt::format("No container of {} has run in {} for 5 minutes.", w.name, e.ns), "", {}));
    std::string requests, errors;
    for (const auto& mt : w.metrics) {
      if (mt.kind != model::Metric::Kind::Counter) continue;
      bool error =
          mt.name.find("error") != std::string::npos || mt.name.find("fail") != std::string::npos;
      if (errors.empty() && error) errors = mt.name;
      if (requests.empty() && !error && mt.name.find("request") != std::string::npos)
        requests = mt.name;
    }
    // A version's series: its workload's, with its `version` label (prometheus.yml keeps it).
    const std::string series =
        w.group.empty() ? fmt::format("workload=\"{}\"", w.name)
                        : fmt::format("workload=\"{}\", version=\"{}\"", w.group, w.version);
    if (!requests.empty() && !errors.empty())
      rules.push_back(
          rule(name + "HighErrorRate",
               fmt::format("sum(rate({0}{{{2}, {3}}}[5m])) / "
                           "sum(rate({1}{{{2}, {3}}}[5m])) > 0.05",
                           errors, requests, ns, series),
               600, "critical", fmt::format("over 5% of the requests of {} fail", w.name),
               fmt::format("{} / {} has been above 5% for 10 minutes.", errors, requests), "", {}));
  }
  return rules;
}

std::string alertmanager_yml(const model::Model& m, const model::Environment& e) {
  const auto& a = e.monitoring.alertmanager;
  Doc c;
  Doc route;
  route["receiver"] = "none";
  route["group_by"] = Doc::array({"alertname", "namespace"});
  route["group_wait"] = duration(a.group_wait);
  route["group_interval"] = "5m";
  route["repeat_interval"] = duration(a.repeat_interval);
  Doc routes = Doc::array();
  for (const auto& r : a.receivers) {
    std::string severities;
    for (const auto& s : r.severities) severities += (severities.empty() ? "" : "|") + s;
    // An alert with `notify` goes to the receivers it names; one without (the standard rules)
    // to every receiver that takes its severity.
    for (const std::string& notify :
         {fmt::format("notify=~\"(.+,)?{}(,.+)?\"", r.name), std::string("notify=\"\"")}) {
      Doc rt;
      rt["receiver"] = r.name;
      Doc matchers = Doc::array({notify});
      if (!severities.empty()) matchers.push_back(fmt::format("severity=~\"{}\"", severities));
      rt["matchers"] = std::move(matchers);
      rt["continue"] = true;
      routes.push_back(std::move(rt));
    }
  }
  if (!routes.empty()) route["routes"] = std::move(routes);
  c["route"] = std::move(route);
  Doc receivers = Doc::array();
  {
    Doc none;
    none["name"] = "none";  // what no receiver takes is dropped
    receivers.push_back(std::move(none));
  }
  auto file = [](const model::SecretRef& s) {
    return "/etc/alertmanager/secrets/" + s.name + "/" + s.key;
  };
  for (const auto& r : a.receivers) {
    Doc rd;
    rd["name"] = r.name;
    if (r.type == "telegram") {
      Doc t;
      t["bot_token_file"] = file(r.bot_token);
      t["chat_id"] = std::stoll(r.chat_id);  // the checker made sure it is a number
      t["parse_mode"] = "HTML";
      t["send_resolved"] = true;
      rd["telegram_configs"] = Doc::array({t});
    } else if (r.type == "slack") {
      Doc s;
      s["api_url_file"] = file(r.webhook);
      s["channel"] = r.channel;
      s["send_resolved"] = true;
      s["title"] = "[{{ .Status | toUpper }}] {{ .CommonLabels.alertname }} (" + m.stack.name +
                   " " + e.name + ")";
      s["text"] = "{{ range .Alerts }}{{ .Annotations.summary }}\n{{ end }}";
      rd["slack_configs"] = Doc::array({s});
    } else if (r.type == "webhook") {
      Doc w;
      w["url_file"] = file(r.webhook);
      w["send_resolved"] = true;
      rd["webhook_configs"] = Doc::array({w});
    } else if (r.type == "email") {
      Doc em;
      em["to"] = r.email;
      em["from"] = r.from;
      em["smarthost"] = r.smarthost;
      em["send_resolved"] = true;
      rd["email_configs"] = Doc::array({em});
    }
    receivers.push_back(std::move(rd));
  }
  c["receivers"] = std::move(receivers);
  return to_yaml(c);
}

std::string loki_yaml(const model::Environment& e) {
  const auto& l = e.monitoring.loki;
  Doc c;
  c["auth_enabled"] = false;
  c["server"]["http_listen_port"] = 3100;
  c["server"]["grpc_listen_port"] = 9095;
  c["server"]["log_level"] = "info";
  c["common"]["path_prefix"] = "/loki";
  c["common"]["replication_factor"] = 1;
  c["common"]["ring"]["instance_addr"] = "127.0.0.1";
  c["common"]["ring"]["kvstore"]["store"] = "inmemory";
  c["common"]["storage"]["filesystem"]["chunks_directory"] = "/loki/chunks";
  c["common"]["storage"]["filesystem"]["rules_directory"] = "/loki/rules";
  Doc sc;
  sc["from"] = "2024-01-01";
  sc["store"] = "tsdb";
  sc["object_store"] = "filesystem";
  sc["schema"] = "v13";
  sc["index"]["prefix"] = "index_";
  sc["index"]["period"] = "24h";
  c["schema_config"]["configs"] = Doc::array({sc});
  // Loki takes retention in hours (a Prometheus duration without days is accepted everywhere).
  c["limits_config"]["retention_period"] = fmt::format("{}h", (l.retention + 3599) / 3600);
  c["compactor"]["working_directory"] = "/loki/compactor";
  c["compactor"]["retention_enabled"] = true;
  c["compactor"]["delete_request_store"] = "filesystem";
  c["analytics"]["reporting_enabled"] = false;
  return to_yaml(c);
}

std::string alloy_config(const model::Model& m, const model::Environment& e) {
  const Workload* loki = role(e, "loki");
  return fmt::format(
      R"(// Pod logs of {ns}, read through the Kubernetes API, shipped to Loki.
discovery.kubernetes "pods" {{
  role = "pod"
  namespaces {{
    names = ["{ns}"]
  }}
}}

discovery.relabel "pods" {{
  targets = discovery.kubernetes.pods.targets
  rule {{
    source_labels = ["__meta_kubernetes_namespace"]
    target_label  = "namespace"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_name"]
    target_label  = "pod"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_container_name"]
    target_label  = "container"
  }}
  rule {{
    source_labels = ["__meta_kubernetes_pod_label_app_kubernetes_io_name"]
    target_label  = "workload"
  }}
}}

loki.source.kubernetes "pods" {{
  targets    = discovery.relabel.pods.output
  forward_to = [loki.write.default.receiver]
}}

loki.write "default" {{
  endpoint {{
    url = "http://{loki}:{port}/loki/api/v1/push"
  }}
  external_labels = {{
    stack       = "{stack}",
    environment = "{env}",
  }}
}}
)",
      fmt::arg("ns", e.ns), fmt::arg("loki", loki ? loki->name : "loki"),
      fmt::arg("port", loki && !loki->ports.empty() ? loki->ports.front().number : 3100),
      fmt::arg("stack", m.stack.name), fmt::arg("env", e.name));
}

Doc meta(const model::Model& m, const model::Environment& e, const std::string& name) {
  Doc md;
  md["name"] = name;
  md["namespace"] = e.ns;
  md["labels"]["app.kubernetes.io/part-of"] = m.stack.name;
  md["labels"]["app.kubernetes.io/managed-by"] = "stackc";
  md["labels"]["app.kubernetes.io/instance"] = m.stack.name + "-" + e.name;
  return md;
}

}  // namespace

Doc rule_groups(const model::Model& m, const model::Environment& e) {
  // Groups of at most kGroupMax rules (`-2`, `-3`, ... after the first): Prometheus evaluates a
  // group's rules one after another, and each group goes whole into one rules file.
  constexpr std::size_t kGroupMax = 500;
  Doc groups = Doc::array();
  auto add = [&](const std::string& name, Doc rules) {
    for (std::size_t i = 0; i < rules.size(); i += kGroupMax) {
      Doc g;
      g["name"] = i == 0 ? name : fmt::format("{}-{}", name, i / kGroupMax + 1);
      Doc part = Doc::array();
      for (std::size_t k = i; k < std::min(rules.size(), i + kGroupMax); ++k)
        part.push_back(std::move(rules[k]));
      g["rules"] = std::move(part);
      groups.push_back(std::move(g));
    }
  };
  if (!e.alerts.empty()) {
    Doc rules = Doc::array();
    for (const auto& a : e.alerts)
      rules.push_back(rule(a.name, a.expr, a.for_seconds, a.severity, a.summary, a.description,
                           a.runbook, a.notify));
    add(m.stack.name + "-alerts", std::move(rules));
  }
  if (!e.records.empty()) {
    Doc rules = Doc::array();
    for (const auto& r : e.records) {
      Doc rd;
      rd["record"] = r.name;
      rd["expr"] = r.expr;
      rules.push_back(std::move(rd));
    }
    add(m.stack.name + "-records", std::move(rules));
  }
  if (Doc std_rules = standard_rules(e); !std_rules.empty())
    add(m.stack.name + "-workloads", std::move(std_rules));
  return groups;
}

namespace {

// The rule groups packed into files that each fit a ConfigMap: `rules.yml` when one is enough,
// else `rules-1.yml`, `rules-2.yml`, ...
std::vector<std::pair<std::string, Doc>> rule_files(const model::Model& m,
                                                    const model::Environment& e,
                                                    const std::string& h) {
  std::vector<Doc> files(1, Doc::array());
  std::size_t size = h.size();
  for (auto& g : rule_groups(m, e)) {
    Doc one;  // the group as the file holds it, under `groups:` (a ref: measured, not copied)
    one["groups"] = Doc::array({Doc::ref(g)});
    std::size_t n = to_yaml(one).size() - 8;
    if (!files.back().empty() && size + n > kConfigMapMax) {
      files.emplace_back(Doc::array());
      size = h.size();
    }
    size += n;
    files.back().push_back(std::move(g));
  }
  std::vector<std::pair<std::string, Doc>> out;
  for (std::size_t i = 0; i < files.size(); ++i)
    out.emplace_back(files.size() == 1 ? "rules.yml" : fmt::format("rules-{}.yml", i + 1),
                     std::move(files[i]));
  return out;
}

}  // namespace

std::vector<ConfigMap> config_maps(const model::Model& m, const model::Environment& e,
                                   const std::string& source) {
  std::vector<ConfigMap> out;
  if (!e.monitoring.present) return out;
  const std::string h = header(source);
  // Each rules file in a ConfigMap of its own, mounted at /etc/prometheus/rules/<ConfigMap>/
  // (Prometheus takes globs only in a path's last part, so prometheus.yml lists them).
  std::vector<ConfigMap> rules;
  std::vector<std::string> paths;
  for (auto& [file, groups] : rule_files(m, e, h)) {
    std::string cm = "prometheus-" + file.substr(0, file.size() - 4);  // rules, rules-2, ...
    Doc doc;
    doc["groups"] = std::move(groups);
    paths.push_back("/etc/prometheus/rules/" + cm + "/" + file);
    rules.push_back({cm,
                     "prometheus",
                     "/etc/prometheus/rules/" + cm,
                     {{file, "prometheus/" + file, h + to_yaml(doc), ""}}});
  }
  // Not at /etc/prometheus: the rules' mounts must not nest in a (read-only) ConfigMap volume.
  out.push_back({"prometheus-config",
                 "prometheus",
                 "/etc/prometheus/config",
                 {{"prometheus.yml", "prometheus/prometheus.yml",
                   h + to_yaml(prometheus_yml(m, e, paths)), ""}}});
  for (auto& r : rules) out.push_back(std::move(r));
  if (role(e, "alertmanager"))
    out.push_back(
        {"alertmanager-config",
         "alertmanager",
         "/etc/alertmanager",
         {{"alertmanager.yml", "alertmanager/alertmanager.yml", h + alertmanager_yml(m, e), ""}}});
  if (role(e, "loki")) {
    out.push_back({"loki-config",
                   "loki",
                   "/etc/loki",
                   {{"loki.yaml", "loki/loki.yaml", h + loki_yaml(e), ""}}});
    out.push_back({"log-collector-config",
                   "log-collector",
                   "/etc/alloy",
                   {{"config.alloy", "log-collector/config.alloy",
                     header(source, "//") + alloy_config(m, e), ""}}});
  }
  if (role(e, "grafana")) {
    // Provisioning files keep their folders through the ConfigMap's items; dashboards go into
    // as many ConfigMaps as their size needs, each mounted in a folder of the dashboards path.
    ConfigMap prov{"grafana-provisioning", "grafana", "/etc/grafana/provisioning", {}};
    std::vector<ConfigMap> dash;
    for (auto& f : grafana::files(m, e)) {
      auto slash = f.path.rfind('/');
      std::string key = slash == std::string::npos ? f.path : f.path.substr(slash + 1);
      if (f.path.rfind("dashboards/", 0) != 0) {
        prov.files.push_back(
            {key, "grafana/" + f.path, std::move(f.text), f.path.substr(f.path.find('/') + 1)});
        continue;
      }
      if (dash.empty() || dash.back().size() + key.size() + f.text.size() > kConfigMapMax) {
        std::string cm = dash.empty() ? "grafana-dashboards"
                                      : fmt::format("grafana-dashboards-{}", dash.size() + 1);
        dash.push_back({cm, "grafana", "/etc/grafana/dashboards/" + cm, {}});
      }
      dash.back().files.push_back({key, "grafana/" + f.path, std::move(f.text), ""});
    }
    out.push_back(std::move(prov));
    for (auto& d : dash) out.push_back(std::move(d));
  }
  return out;
}

void generate(const model::Model& m, const std::vector<std::string>& envs,
              const std::string& source, const ConfigMapsOf& made, Output& out) {
  for (const auto& e : m.environments) {
    if (!e.monitoring.present) continue;
    if (!envs.empty() && std::find(envs.begin(), envs.end(), e.name) == envs.end()) continue;
    const std::string dir = "monitoring/" + e.name + "/";
    for (const auto& c : *made.at(&e))
      for (const auto& f : c.files) out.add(dir + f.path, f.text);
    // The same rules and scrape targets as Prometheus Operator objects: a PrometheusRule per
    // rules file (an object must fit etcd too).
    // Both files are large for a large stack: set aside as they are made (SpooledText).
    SpooledText prs{out.spool, nullptr, {}, header(source)};
    for (auto& [file, groups] : rule_files(m, e, header(source))) {
      Doc pr;
      pr["apiVersion"] = "monitoring.coreos.com/v1";
      pr["kind"] = "PrometheusRule";
      std::string stem = file.substr(0, file.size() - 4);
      pr["metadata"] = meta(m, e, stem == "rules" ? m.stack.name : m.stack.name + stem.substr(5));
      pr["spec"]["groups"] = std::move(groups);
      prs.rest += "---\n";
      write_yaml(prs.rest, pr);
      prs.spill();
    }
    prs.end();
    out.add(dir + "operator/prometheusrule.yaml", std::move(prs));
    SpooledText sms{out.spool, nullptr, {}, header(source)};
    for (const auto& w : e.workloads) {
      if (w.metrics.empty() && !w.exporter) continue;
      // The versions of a workload are behind one Service: one ServiceMonitor, the first's.
      if (!w.group.empty() && !w.group_head) continue;
      Doc sm;
      sm["apiVersion"] = "monitoring.coreos.com/v1";
      sm["kind"] = "ServiceMonitor";
      sm["metadata"] = meta(m, e, w.app());
      sm["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = w.app();
      sm["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] =
          m.stack.name + "-" + e.name;
      // A stateful's headless Service has the same labels and the label below: scrape each pod
      // once, through the main Service.
      Doc headless;
      headless["key"] = "stackc.dev/headless";
      headless["operator"] = "DoesNotExist";
      sm["spec"]["selector"]["matchExpressions"] = Doc::array({headless});
      sm["spec"]["namespaceSelector"]["matchNames"] = Doc::array({e.ns});
      // The same labels as prometheus.yml gives: `workload`, and `job` = the workload's name.
      auto relabelings = [&](bool exporter_job) {
        Doc r1, r2;
        r1["sourceLabels"] = Doc::array({"__meta_kubernetes_pod_label_app_kubernetes_io_name"});
        r1["targetLabel"] = "workload";
        r2["sourceLabels"] = Doc::array({"__meta_kubernetes_pod_label_app_kubernetes_io_name"});
        r2["targetLabel"] = "job";
        if (exporter_job) r2["replacement"] = "${1}-exporter";
        Doc out = Doc::array({r1, r2});
        if (!w.group.empty()) {
          Doc r3;
          r3["sourceLabels"] = Doc::array({"__meta_kubernetes_pod_label_version"});
          r3["targetLabel"] = "version";
          out.push_back(std::move(r3));
        }
        return out;
      };
      Doc eps = Doc::array();
      if (!w.metrics.empty() && !w.ports.empty()) {
        Doc ep;
        std::string port = w.metrics_port.empty() ? w.ports.front().name : w.metrics_port;
        ep["port"] = port;
        ep["path"] = w.metrics_path;
        ep["interval"] = duration(e.monitoring.prometheus.scrape_interval);
        ep["relabelings"] = relabelings(false);
        eps.push_back(std::move(ep));
      }
      if (w.exporter) {
        Doc ep;
        ep["port"] = "metrics";
        ep["path"] = w.exporter->path;
        ep["interval"] = duration(e.monitoring.prometheus.scrape_interval);
        ep["relabelings"] = relabelings(!w.metrics.empty() && !w.ports.empty());
        eps.push_back(std::move(ep));
      }
      sm["spec"]["endpoints"] = std::move(eps);
      sms.rest += "---\n";
      write_yaml(sms.rest, sm);
      sms.spill();
    }
    sms.end();
    out.add(dir + "operator/servicemonitors.yaml", std::move(sms));
  }
}

}  // namespace stackc::emit::monitoring
