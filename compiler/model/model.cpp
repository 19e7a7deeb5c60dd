#include "model/model.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>

#include <nlohmann/json.hpp>

namespace stackc::model {
namespace {

using json = nlohmann::ordered_json;

json res(const Resource& r) {
  return json{{"request", r.request}, {"limit", r.limit}};
}
json secret(const SecretRef& s) {
  return json{{"name", s.name}, {"key", s.key}};
}

json env_json(const std::vector<EnvVar>& env) {
  json a = json::array();
  for (const auto& e : env) {
    json j{{"name", e.name}};
    switch (e.kind) {
      case EnvVar::Kind::Literal:
        j["value"] = e.value;
        break;
      case EnvVar::Kind::Secret:
        j["secret"] = secret(e.secret);
        break;
      case EnvVar::Kind::Ref:
        j["ref"] = json{{"workload", e.ref_target}, {"field", e.ref_attr}};
        break;
    }
    a.push_back(std::move(j));
  }
  return a;
}

json probe(const std::optional<Probe>& p) {
  if (!p) return nullptr;
  json j;
  j["kind"] = p->kind == Probe::Kind::Http   ? "http"
              : p->kind == Probe::Kind::Tcp  ? "tcp"
              : p->kind == Probe::Kind::Grpc ? "grpc"
                                             : "exec";
  if (!p->path.empty()) j["path"] = p->path;
  if (!p->port_name.empty()) j["port"] = p->port_name;
  if (p->port) j["port"] = p->port;
  if (!p->command.empty()) j["command"] = p->command;
  if (!p->service.empty()) j["service"] = p->service;
  if (!p->headers.empty()) {
    json h = json::array();
    for (const auto& [k, v] : p->headers) h.push_back(json{{"name", k}, {"value", v}});
    j["headers"] = h;
  }
  const std::pair<const char*, const std::optional<std::int64_t>*> timing[] = {
      {"delay_seconds", &p->delay},
      {"period_seconds", &p->period},
      {"timeout_seconds", &p->timeout},
      {"failures", &p->failures},
      {"successes", &p->successes}};
  for (const auto& [k, v] : timing)
    if (*v) j[k] = **v;
  return j;
}

json deps(const std::vector<Dependency>& d) {
  json a = json::array();
  for (const auto& x : d) a.push_back(x.name);
  return a;
}

json peer(const Peer& p) {
  json j;
  switch (p.kind) {
    case Peer::Kind::None:
      j["from"] = "none";
      break;
    case Peer::Kind::Pods: {
      j["from"] = "pods";
      j["namespace"] = p.ns;
      json l = json::object();
      for (const auto& [k, v] : p.pods) l[k] = v;
      j["labels"] = l;
      break;
    }
    case Peer::Kind::Networks:
      j["from"] = "networks";
      j["cidrs"] = p.cidrs;
      break;
    case Peer::Kind::Anywhere:
      j["from"] = "anywhere";
      break;
  }
  return j;
}

json workload(const Workload& w) {
  json j;
  j["kind"] = kind_name(w.kind);
  j["name"] = w.name;
  if (!w.role.empty()) j["role"] = w.role;  // a workload stackc added
  if (!w.group.empty()) j["version"] = json{{"of", w.group}, {"name", w.version}};
  j["templates"] = w.templates;
  j["image"] = w.image;
  j["replicas"] = json{{"min", w.replicas_min}, {"max", w.replicas_max}};
  json ports = json::array();
  for (const auto& p : w.ports) {
    json pj{{"name", p.name}, {"port", p.number}};
    // Beyond the name and the number only what is not the default, so models stay short.
    if (p.target) pj["target"] = p.target;
    if (p.protocol != "TCP") pj["protocol"] = p.protocol;
    if (!p.app_protocol.empty()) pj["app_protocol"] = p.app_protocol;
    if (p.node_port) pj["node_port"] = p.node_port;
    ports.push_back(std::move(pj));
  }
  j["ports"] = ports;
  if (w.expose != "cluster") {
    j["expose"] = w.expose;
    j["source_ranges"] = w.source_ranges;
  }
  j["cpu_millicores"] = res(w.cpu);
  j["memory_bytes"] = res(w.memory);
  if (w.autoscale)
    j["autoscale"] = json{{"cpu_percent", w.autoscale->cpu_percent},
                          {"memory_percent", w.autoscale->memory_percent}};
  if (w.ingress)
    j["ingress"] = json{{"host", w.ingress->host},
                        {"path", w.ingress->path},
                        {"port", w.ingress->port},
                        {"tls", w.ingress->tls},
                        {"tls_secret", w.ingress->tls_secret},
                        {"class", w.ingress->ingress_class},
                        {"controller", peer(w.ingress->controller)}};
  j["health"] = json{{"liveness", probe(w.liveness)},
                     {"readiness", probe(w.readiness)},
                     {"startup", probe(w.startup)}};
  j["env"] = env_json(w.env);
  j["needs"] = deps(w.needs);
  if (!w.refs.empty()) {
    json rs = json::array();
    for (const auto& r : w.refs)
      rs.push_back(json{{"target", r.target}, {"attr", r.attr}, {"why", r.why}});
    j["references"] = rs;
  }
  if (!w.scrapes.empty()) j["scrapes"] = deps(w.scrapes);
  if (!w.egress.empty()) {
    json eg = json::array();
    for (const auto& x : w.egress) eg.push_back(json{{"cidr", x.cidr}, {"port", x.port}});
    j["egress"] = eg;
  }
  if (!w.mounts.empty()) {
    json ms = json::array();
    for (const auto& mt : w.mounts) {
      const char* from = mt.from == Mount::From::ConfigMap ? "configmap"
                         : mt.from == Mount::From::Secret  ? "secret"
                                                           : "claim";
      json x{{"name", mt.name}, {"path", mt.path}, {"from", from}, {"source", mt.source}};
      if (!mt.items.empty()) {
        json items = json::object();
        for (const auto& [k, p] : mt.items) items[k] = p;
        x["items"] = items;
      }
      ms.push_back(std::move(x));
    }
    j["mounts"] = ms;
  }
  json metrics = json::array();
  for (const auto& m : w.metrics) {
    const char* k = m.kind == Metric::Kind::Counter     ? "counter"
                    : m.kind == Metric::Kind::Gauge     ? "gauge"
                    : m.kind == Metric::Kind::Histogram ? "histogram"
                                                        : "summary";
    metrics.push_back(json{{"kind", k}, {"name", m.name}});
  }
  j["metrics"] = metrics;
  json vols = json::array();
  for (const auto& v : w.volumes) {
    json x{
        {"name", v.name}, {"size_bytes", v.size}, {"mount", v.mount}, {"persistent", v.persistent}};
    if (v.memory) x["medium"] = "memory";
    vols.push_back(std::move(x));
  }
  j["volumes"] = vols;
  j["spread"] = w.spread;
  if (w.min_available) j["min_available"] = *w.min_available;
  if (w.max_unavailable) j["max_unavailable"] = *w.max_unavailable;
  j["security"] = json{{"run_as_user", w.security.run_as_user},
                       {"run_as_group", w.security.run_as_group},
                       {"fs_group", w.security.fs_group},
                       {"writable_root", w.security.writable_root},
                       {"service_account_token", w.security.service_account_token},
                       {"writable_paths", w.security.writable_paths}};
  if (w.security.run_as_user == 0) j["security"]["run_as_user"] = "image";
  if (w.security.run_as_group == 0) j["security"]["run_as_group"] = "image";
  if (w.security.run_as_root) j["security"]["run_as_root"] = true;
  if (!w.security.capabilities.empty()) {
    json caps = json::array();
    for (const auto& c : w.security.capabilities) caps.push_back(c.name);
    j["security"]["capabilities"] = caps;
  }
  if (!w.node_selector.empty()) {
    json ns = json::object();
    for (const auto& [k, v] : w.node_selector) ns[k] = v;
    j["node_selector"] = ns;
  }
  j["command"] = w.command;
  j["args"] = w.args;
  if (!w.working_dir.empty()) j["working_dir"] = w.working_dir;
  if (!w.init.empty()) {
    json cs = json::array();
    for (const auto& c : w.init)
      cs.push_back(json{{"kind", c.sidecar ? "sidecar" : "init"},
                        {"name", c.name},
                        {"image", c.image},
                        {"command", c.command},
                        {"args", c.args},
                        {"working_dir", c.working_dir},
                        {"env", env_json(c.env)},
                        {"cpu_millicores", res(c.cpu)},
                        {"memory_bytes", res(c.memory)}});
    j["containers"] = cs;
  }
  if (w.grace) j["grace_seconds"] = *w.grace;
  if (w.pre_stop) {
    if (w.pre_stop->kind == Hook::Kind::Sleep)
      j["pre_stop"] = json{{"sleep_seconds", w.pre_stop->seconds}};
    else
      j["pre_stop"] = json{{"exec", w.pre_stop->command}};
  }
  auto pairs = [](const std::vector<std::pair<std::string, std::string>>& kv) {
    json o = json::object();
    for (const auto& [k, v] : kv) o[k] = v;
    return o;
  };
  if (!w.pod_labels.empty()) j["pod_labels"] = pairs(w.pod_labels);
  if (!w.pod_annotations.empty()) j["pod_annotations"] = pairs(w.pod_annotations);
  for (const auto& [key, o] :
       {std::pair{"controller", &w.controller_meta}, std::pair{"service", &w.service_meta},
        std::pair{"service_account", &w.account_meta}}) {
    if (!o->labels.empty()) j["objects"][key]["labels"] = pairs(o->labels);
    if (!o->annotations.empty()) j["objects"][key]["annotations"] = pairs(o->annotations);
  }
  if (!w.service_account.empty()) j["service_account"] = w.service_account;
  if (w.build)
    j["build"] = json{{"context", w.build->context_path},
                      {"dockerfile", w.build->dockerfile_path},
                      {"target", w.build->target}};
  if (w.exporter)
    j["exporter"] = json{{"image", w.exporter->image},
                         {"port", w.exporter->port},
                         {"path", w.exporter->path},
                         {"prefix", w.exporter->prefix},
                         {"env", env_json(w.exporter->env)},
                         {"cpu_millicores", res(w.exporter->cpu)},
                         {"memory_bytes", res(w.exporter->memory)}};
  if (w.kind == Workload::Kind::Stateful) {
    j["storage_bytes"] = w.storage;
    j["data_path"] = w.data_path;
    j["backup_method"] = w.backup_method;
  }
  if (w.kind == Workload::Kind::Cron) j["schedule"] = w.schedule;
  if (w.kind == Workload::Kind::Cron || w.kind == Workload::Kind::Job) {
    j["retries"] = w.retries;
    j["timeout_seconds"] = w.timeout;
  }
  return j;
}

json monitoring(const Monitoring& m) {
  json j;
  j["present"] = m.present;
  if (m.prometheus.present)
    j["prometheus"] = json{{"retention_seconds", m.prometheus.retention},
                           {"storage_bytes", m.prometheus.storage},
                           {"scrape_interval_seconds", m.prometheus.scrape_interval},
                           {"cpu_millicores", res(m.prometheus.cpu)},
                           {"memory_bytes", res(m.prometheus.memory)}};
  if (m.grafana.present) {
    json g{{"storage_bytes", m.grafana.storage},
           {"cpu_millicores", res(m.grafana.cpu)},
           {"memory_bytes", res(m.grafana.memory)}};
    if (m.grafana.admin_password) g["admin_password"] = secret(*m.grafana.admin_password);
    j["grafana"] = g;
  }
  if (m.loki.present)
    j["loki"] = json{{"retention_seconds", m.loki.retention},
                     {"storage_bytes", m.loki.storage},
                     {"cpu_millicores", res(m.loki.cpu)},
                     {"memory_bytes", res(m.loki.memory)}};
  if (m.alertmanager.present) {
    json rs = json::array();
    for (const auto& r : m.alertmanager.receivers) {
      json x{{"name", r.name}, {"type", r.type}};
      if (!r.bot_token.name.empty()) x["bot_token"] = secret(r.bot_token);
      if (!r.webhook.name.empty()) x["webhook"] = secret(r.webhook);
      if (!r.chat_id.empty()) x["chat_id"] = r.chat_id;
      if (!r.channel.empty()) x["channel"] = r.channel;
      if (!r.email.empty()) x["email"] = r.email;
      if (!r.smarthost.empty()) x["smarthost"] = r.smarthost;
      if (!r.from.empty()) x["from"] = r.from;
      x["severity"] = r.severities;
      rs.push_back(std::move(x));
    }
    j["alertmanager"] = json{{"receivers", rs},
                             {"group_wait_seconds", m.alertmanager.group_wait},
                             {"repeat_interval_seconds", m.alertmanager.repeat_interval}};
  }
  return j;
}

}  // namespace

const char* kind_name(Workload::Kind k) {
  switch (k) {
    case Workload::Kind::Service:
      return "service";
    case Workload::Kind::Worker:
      return "worker";
    case Workload::Kind::Stateful:
      return "stateful";
    case Workload::Kind::Job:
      return "job";
    case Workload::Kind::Cron:
      return "cron";
  }
  return "";
}

const Cluster* Model::cluster(const std::string& name) const {
  for (const auto& c : clusters)
    if (c.name == name) return &c;
  return nullptr;
}

const Environment* Model::environment(const std::string& name) const {
  for (const auto& e : environments)
    if (e.name == name) return &e;
  return nullptr;
}

std::vector<EnvVar> env_with_connections(const Workload& w,
                                         const std::function<bool(const std::string&)>& serves) {
  std::vector<EnvVar> env = w.env;
  for (const auto& d : w.needs) {
    if (!serves(d.name)) continue;
    std::string prefix;
    for (char c : d.name)
      prefix += c == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    for (const char* attr : {"host", "port"}) {
      std::string name = prefix + (attr[0] == 'h' ? "_HOST" : "_PORT");
      if (std::any_of(env.begin(), env.end(), [&](const EnvVar& v) { return v.name == name; }))
        continue;
      EnvVar v;
      v.kind = EnvVar::Kind::Ref;
      v.name = name;
      v.ref_target = d.name;
      v.ref_attr = attr;
      v.span = d.span;
      env.push_back(std::move(v));
    }
  }
  return env;
}

void mark_version_heads(Environment& e) {
  std::set<std::string_view> seen;
  for (auto& w : e.workloads) w.group_head = !w.group.empty() && seen.insert(w.group).second;
}

std::string to_json(const Model& m) {
  json root;
  json labels = json::object();
  for (const auto& [k, v] : m.stack.labels) labels[k] = v;
  root["stack"] = json{{"name", m.stack.name},
                       {"registry", m.stack.registry},
                       {"version", m.stack.version},
                       {"owner", m.stack.owner},
                       {"labels", labels}};
  root["files"] = m.files;
  json clusters = json::array();
  for (const auto& c : m.clusters) {
    clusters.push_back(json{
        {"name", c.name},
        {"provider", c.provider},
        {"nodes", json{{"min", c.nodes_min}, {"max", c.nodes_max}}},
        {"node", json{{"cpu_millicores", c.node_cpu},
                      {"memory_bytes", c.node_memory},
                      {"disk_bytes", c.node_disk}}},
        {"reserve", json{{"cpu_millicores", c.reserve_cpu}, {"memory_bytes", c.reserve_memory}}},
        {"storage_class", c.storage_class},
        {"zones", c.zones}});
    if (!c.ingress.empty()) {
      json ic = json::array();
      for (const auto& x : c.ingress) {
        json j = peer(x.peer);
        j["class"] = x.ingress_class;
        ic.push_back(std::move(j));
      }
      clusters.back()["ingress"] = std::move(ic);
    }
  }
  root["clusters"] = clusters;
  root["secrets"] = json{{"backend", m.secrets.backend}, {"address", m.secrets.address},
                         {"path", m.secrets.path},       {"role", m.secrets.role},
                         {"version", m.secrets.version}, {"refresh_seconds", m.secrets.refresh}};
  if (m.gitops.present)
    root["gitops"] = json{{"present", m.gitops.present},   {"repository", m.gitops.repository},
                          {"revision", m.gitops.revision}, {"path", m.gitops.path},
                          {"deploy", m.gitops.deploy},     {"server", m.gitops.server},
                          {"project", m.gitops.project},   {"interval", m.gitops.interval}};
  root["pipeline"] =
      json{{"present", m.pipeline.present}, {"test", m.pipeline.test},
           {"build", m.pipeline.build},     {"stackc_digest", m.pipeline.stackc_digest},
           {"scan", m.pipeline.scan},       {"base_image_update", m.pipeline.base_image_update}};
  json dashboards = json::array();
  for (const auto& d : m.dashboards)
    dashboards.push_back(json{{"name", d.name}, {"title", d.title}, {"metrics", d.metrics}});
  root["dashboards"] = dashboards;
  json envs = json::array();
  for (const auto& e : m.environments) {
    json j{{"name", e.name},
           {"cluster", e.cluster},
           {"namespace", e.ns},
           {"branch", e.branch},
           {"manual_approval", e.manual_approval},
           {"domain", e.domain}};
    if (!e.pod_security.empty()) j["pod_security"] = e.pod_security;
    json ws = json::array();
    for (const auto& w : e.workloads) ws.push_back(workload(w));
    j["workloads"] = ws;
    if (!e.absent.empty()) j["absent"] = e.absent;  // left out by `enabled = false`
    j["monitoring"] = monitoring(e.monitoring);
    json alerts = json::array();
    for (const auto& a : e.alerts)
      alerts.push_back(json{{"name", a.name},
                            {"expr", a.expr},
                            {"for_seconds", a.for_seconds},
                            {"severity", a.severity},
                            {"summary", a.summary},
                            {"description", a.description},
                            {"runbook", a.runbook},
                            {"notify", deps(a.notify)}});
    j["alerts"] = alerts;
    json records = json::array();
    for (const auto& r : e.records) records.push_back(json{{"name", r.name}, {"expr", r.expr}});
    j["records"] = records;
    json backups = json::array();
    for (const auto& b : e.backups)
      backups.push_back(json{{"name", b.name},
                             {"of", deps(b.of)},
                             {"of_resources", b.of_resources},
                             {"schedule", b.schedule},
                             {"retain_seconds", b.retain},
                             {"storage_bytes", b.storage},
                             {"restore_within_seconds", b.restore_within},
                             {"job", b.job}});
    j["backups"] = backups;
    envs.push_back(std::move(j));
  }
  root["environments"] = envs;
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace stackc::model
