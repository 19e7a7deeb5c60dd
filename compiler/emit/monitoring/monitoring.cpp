#include "emit/monitoring/monitoring.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <set>

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
      if (w.metrics_port.empty() ? port == 0 : p.name == w.metrics_port) port = p.number;
    if (port) out.push_back({w.name, port, w.metrics_path});
  }
  if (w.exporter)
    out.push_back(
        {out.empty() ? w.name : w.name + "-exporter", w.exporter->port, w.exporter->path});
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

Doc prometheus_yml(const model::Model& m, const model::Environment& e) {
  const auto& p = e.monitoring.prometheus;
  Doc c;
  c["global"]["scrape_interval"] = duration(p.scrape_interval);
  c["global"]["evaluation_interval"] = duration(p.scrape_interval);
  c["global"]["external_labels"]["stack"] = m.stack.name;
  c["global"]["external_labels"]["environment"] = e.name;
  c["rule_files"] = Doc::array({"/etc/prometheus/rules.yml"});
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
  const std::string instance = m.stack.name + "-" + e.name;
  for (const auto& w : e.workloads) {
    for (const auto& t : targets(w)) {
      Doc j;
      j["job_name"] = t.job;
      j["metrics_path"] = t.path;
      Doc sd;
      sd["role"] = "pod";
      sd["namespaces"]["names"] = Doc::array({e.ns});
      j["kubernetes_sd_configs"] = Doc::array({sd});
      Doc rl = Doc::array();
      rl.push_back(keep("__meta_kubernetes_pod_label_app_kubernetes_io_name", w.name));
      rl.push_back(keep("__meta_kubernetes_pod_label_app_kubernetes_io_instance", instance));
      rl.push_back(keep("__meta_kubernetes_pod_container_port_number", std::to_string(t.port)));
      rl.push_back(relabel("__meta_kubernetes_namespace", "namespace"));
      rl.push_back(relabel("__meta_kubernetes_pod_name", "pod"));
      rl.push_back(relabel("__meta_kubernetes_pod_label_app_kubernetes_io_name", "workload"));
      j["relabel_configs"] = std::move(rl);
      jobs.push_back(std::move(j));
    }
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

// Standard rules for every long-running workload: down, crash-looping, memory near its limit,
// volumes filling up, and the error rate of services that count requests and errors.
Doc standard_rules(const model::Environment& e) {
  Doc rules = Doc::array();
  for (const auto& w : e.workloads) {
    if (w.kind == Workload::Kind::Job || w.kind == Workload::Kind::Cron) continue;
    if (w.role == "prometheus") continue;  // cannot report its own absence
    const std::string sel = fmt::format("namespace=\"{}\", container=\"{}\"", e.ns, w.name);
    const std::string name = camel(w.name);
    auto t = targets(w);
    if (!t.empty())
      rules.push_back(rule(name + "Down", fmt::format("up{{job=\"{}\"}} == 0", t.front().job), 120,
                           "critical", fmt::format("{} is down", w.name),
                           fmt::format("Prometheus cannot scrape {} in {}.", w.name, e.ns), "",
                           {}));
    else
      rules.push_back(rule(
          name + "Down", fmt::format("absent(container_memory_working_set_bytes{{{}}})", sel), 300,
          "critical", fmt::format("{} is down", w.name),
          fmt::format("No container of {} has run in {} for 5 minutes.", w.name, e.ns), "", {}));
    rules.push_back(rule(
        name + "CrashLooping",
        fmt::format("count by (pod) (count_over_time(container_start_time_seconds{{{}}}[15m])) > 3",
                    sel),
        0, "warning", fmt::format("{} is restarting repeatedly", w.name),
        fmt::format("A pod of {} started more than 3 containers in 15 minutes.", w.name), "", {}));
    rules.push_back(
        rule(name + "MemoryNearLimit",
             fmt::format("max by (pod) (container_memory_working_set_bytes{{{0}}} / "
                         "container_spec_memory_limit_bytes{{{0}}}) > 0.9",
                         sel),
             600, "warning", fmt::format("{} uses over 90% of its memory limit", w.name),
             fmt::format("A pod of {} has used over 90% of its memory limit ({}) for 10 minutes.",
                         w.name, check::format_bytes(w.memory.limit)),
             "", {}));
    if (w.kind == Workload::Kind::Stateful)
      rules.push_back(rule(name + "VolumeFilling",
                           fmt::format("max(kubelet_volume_stats_used_bytes{{namespace=\"{0}\", "
                                       "persistentvolumeclaim=~\"data-{1}-[0-9]+\"}} / "
                                       "kubelet_volume_stats_capacity_bytes{{namespace=\"{0}\", "
                                       "persistentvolumeclaim=~\"data-{1}-[0-9]+\"}}) > 0.85",
                                       e.ns, w.name),
                           900, "warning", fmt::format("the volume of {} is over 85% full", w.name),
                           fmt::format("A data volume of {} ({}) is over 85% full.", w.name,
                                       check::format_bytes(w.storage)),
                           "", {}));
    std::string requests, errors;
    for (const auto& mt : w.metrics) {
      if (mt.kind != model::Metric::Kind::Counter) continue;
      if (requests.empty() && mt.name.find("request") != std::string::npos) requests = mt.name;
      if (errors.empty() && mt.name.find("error") != std::string::npos) errors = mt.name;
    }
    if (!requests.empty() && !errors.empty())
      rules.push_back(
          rule(name + "HighErrorRate",
               fmt::format(
                   "sum(rate({}{{namespace=\"{}\"}}[5m])) / sum(rate({}{{namespace=\"{}\"}}[5m])) "
                   "> 0.05",
                   errors, e.ns, requests, e.ns),
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
      try {
        t["chat_id"] = std::stoll(r.chat_id);
      } catch (...) {
        t["chat_id"] = 0;
      }
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
  Doc groups = Doc::array();
  if (!e.alerts.empty()) {
    Doc g;
    g["name"] = m.stack.name + "-alerts";
    Doc rules = Doc::array();
    for (const auto& a : e.alerts)
      rules.push_back(rule(a.name, a.expr, a.for_seconds, a.severity, a.summary, a.description,
                           a.runbook, a.notify));
    g["rules"] = std::move(rules);
    groups.push_back(std::move(g));
  }
  if (!e.records.empty()) {
    Doc g;
    g["name"] = m.stack.name + "-records";
    Doc rules = Doc::array();
    for (const auto& r : e.records) {
      Doc rd;
      rd["record"] = r.name;
      rd["expr"] = r.expr;
      rules.push_back(std::move(rd));
    }
    g["rules"] = std::move(rules);
    groups.push_back(std::move(g));
  }
  if (Doc std_rules = standard_rules(e); !std_rules.empty()) {
    Doc g;
    g["name"] = m.stack.name + "-workloads";
    g["rules"] = std::move(std_rules);
    groups.push_back(std::move(g));
  }
  return groups;
}

std::vector<ConfigMap> config_maps(const model::Model& m, const model::Environment& e,
                                   const std::string& source) {
  std::vector<ConfigMap> out;
  if (!e.monitoring.present) return out;
  const std::string h = header(source);
  {
    ConfigMap c{"prometheus-config", "prometheus", {}};
    c.files.push_back(
        {"prometheus.yml", "prometheus/prometheus.yml", h + to_yaml(prometheus_yml(m, e))});
    Doc rules;
    rules["groups"] = rule_groups(m, e);
    c.files.push_back({"rules.yml", "prometheus/rules.yml", h + to_yaml(rules)});
    out.push_back(std::move(c));
  }
  if (role(e, "alertmanager"))
    out.push_back(
        {"alertmanager-config",
         "alertmanager",
         {{"alertmanager.yml", "alertmanager/alertmanager.yml", h + alertmanager_yml(m, e)}}});
  if (role(e, "loki")) {
    out.push_back({"loki-config", "loki", {{"loki.yaml", "loki/loki.yaml", h + loki_yaml(e)}}});
    out.push_back({"log-collector-config",
                   "log-collector",
                   {{"config.alloy", "log-collector/config.alloy",
                     header(source, "//") + alloy_config(m, e)}}});
  }
  if (role(e, "grafana")) {
    ConfigMap prov{"grafana-provisioning", "grafana", {}};
    ConfigMap dash{"grafana-dashboards", "grafana", {}};
    for (auto& f : grafana::files(m, e)) {
      auto slash = f.path.rfind('/');
      std::string key = slash == std::string::npos ? f.path : f.path.substr(slash + 1);
      (f.path.rfind("dashboards/", 0) == 0 ? dash : prov)
          .files.push_back({key, "grafana/" + f.path, std::move(f.text)});
    }
    out.push_back(std::move(prov));
    out.push_back(std::move(dash));
  }
  return out;
}

void generate(const model::Model& m, const std::vector<std::string>& envs,
              const std::string& source, Output& out) {
  for (const auto& e : m.environments) {
    if (!e.monitoring.present) continue;
    if (!envs.empty() && std::find(envs.begin(), envs.end(), e.name) == envs.end()) continue;
    const std::string dir = "monitoring/" + e.name + "/";
    for (const auto& c : config_maps(m, e, source))
      for (const auto& f : c.files) out.add(dir + f.path, f.text);
    // The same rules and scrape targets as Prometheus Operator objects.
    Doc pr;
    pr["apiVersion"] = "monitoring.coreos.com/v1";
    pr["kind"] = "PrometheusRule";
    pr["metadata"] = meta(m, e, m.stack.name);
    pr["spec"]["groups"] = rule_groups(m, e);
    out.add(dir + "operator/prometheusrule.yaml", header(source) + to_yaml(pr));
    std::string sms = header(source);
    for (const auto& w : e.workloads) {
      if (w.metrics.empty() && !w.exporter) continue;
      Doc sm;
      sm["apiVersion"] = "monitoring.coreos.com/v1";
      sm["kind"] = "ServiceMonitor";
      sm["metadata"] = meta(m, e, w.name);
      sm["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"] = w.name;
      sm["spec"]["selector"]["matchLabels"]["app.kubernetes.io/instance"] =
          m.stack.name + "-" + e.name;
      // A stateful's headless Service has the same labels and the label below: scrape each pod
      // once, through the main Service.
      Doc headless;
      headless["key"] = "stackc.dev/headless";
      headless["operator"] = "DoesNotExist";
      sm["spec"]["selector"]["matchExpressions"] = Doc::array({headless});
      sm["spec"]["namespaceSelector"]["matchNames"] = Doc::array({e.ns});
      Doc eps = Doc::array();
      if (!w.metrics.empty() && !w.ports.empty()) {
        Doc ep;
        std::string port = w.metrics_port.empty() ? w.ports.front().name : w.metrics_port;
        ep["port"] = port;
        ep["path"] = w.metrics_path;
        ep["interval"] = duration(e.monitoring.prometheus.scrape_interval);
        eps.push_back(std::move(ep));
      }
      if (w.exporter) {
        Doc ep;
        ep["port"] = "metrics";
        ep["path"] = w.exporter->path;
        ep["interval"] = duration(e.monitoring.prometheus.scrape_interval);
        eps.push_back(std::move(ep));
      }
      sm["spec"]["endpoints"] = std::move(eps);
      sms += "---\n";
      write_yaml(sms, sm);
    }
    out.add(dir + "operator/servicemonitors.yaml", sms);
  }
}

}  // namespace stackc::emit::monitoring
