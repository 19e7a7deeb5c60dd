#include "emit/compose/compose.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <map>
#include <set>

#include "check/units.hpp"
#include "emit/yaml.hpp"
#include "graph/graph.hpp"

namespace stackc::emit::compose {
namespace {

using model::Workload;

constexpr const char* kLocalhost = "127.0.0.1";
// What gives the named volumes to a pod's fsGroup (volume_owner): a pinned BusyBox.
constexpr const char* kVolumeOwnerImage = "docker.io/library/busybox:1.37.0";

// Compose replaces `${VAR}` and `$VAR` in every value it reads; a literal `$` is `$$`.
std::string literal(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) {
    out += c;
    if (c == '$') out += '$';
  }
  return out;
}

std::string seconds(std::int64_t s) {
  return fmt::format("{}s", s);
}

const char* profile_of(const Workload& w) {
  if (!w.role.empty() && w.role != "backup") return "monitoring";
  if (w.kind == Workload::Kind::Job) return "jobs";
  if (w.kind == Workload::Kind::Cron) return "cron";
  return nullptr;
}

const model::Port* port_named(const Workload& w, const std::string& name) {
  for (const auto& p : w.ports)
    if (p.name == name) return &p;
  return nullptr;
}

// The port a probe dials inside the container (0: none).
std::int64_t probe_port(const model::Probe& p, const Workload& w) {
  if (!p.port_name.empty()) {
    const model::Port* named = port_named(w, p.port_name);
    return named ? named->container() : 0;
  }
  if (p.port) return p.port;
  return w.ports.empty() ? 0 : w.ports.front().container();
}

class Builder {
 public:
  Builder(const model::Model& m, const model::Environment& e,
          const std::vector<monitoring::ConfigMap>& configs, base::Sink& sink)
      : m_(m), e_(e), configs_(configs), sink_(sink) {
    for (const auto& w : e.workloads) {
      by_name_[w.name] = &w;
      if (!w.group.empty()) groups_[w.group].push_back(&w);
    }
  }

  Project build() {
    Project p;
    check_references();
    Doc doc;
    // A Compose project name is lower case.
    std::string name = m_.stack.name + "-" + e_.name;
    std::transform(name.begin(), name.end(), name.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    doc["name"] = name;
    Doc services = Doc::object();
    const graph::Graph g = graph::Graph::of(e_);
    for (const auto& w : e_.workloads) {
      if (w.role == "log-collector") continue;  // reads pod logs through the Kubernetes API
      auto names = services_of(w);
      for (std::size_t i = 0; i < names.size(); ++i) {
        services[names[i]] = service(w, g, names.size() > 1 ? static_cast<int>(i) : -1);
        Doc owner = volume_owner(w, names[i]);
        if (!owner.is_null()) services[names[i] + "-volumes"] = std::move(owner);
      }
      for (const auto& c : w.init) services[w.name + "-" + c.name] = container(w, c);
      if (w.exporter) services[w.name + "-exporter"] = exporter(w);
    }
    doc["services"] = std::move(services);
    if (!volumes_.empty()) {
      Doc vols = Doc::object();
      for (const auto& [v, tmpfs] : volumes_) {
        vols[v] = Doc::object();
        if (tmpfs) {
          vols[v]["driver_opts"]["type"] = "tmpfs";
          vols[v]["driver_opts"]["device"] = "tmpfs";
        }
      }
      doc["volumes"] = std::move(vols);
    }
    if (!secrets_.empty()) {
      Doc secs = Doc::object();
      for (const auto& [id, var] : secrets_) secs[id]["environment"] = var;
      doc["secrets"] = std::move(secs);
    }
    p.compose = comments() + to_yaml(doc);
    p.env_example = env_example();
    if (const Workload* prom = role("prometheus")) p.prometheus = to_yaml(prometheus_yml(*prom));
    return p;
  }

 private:
  const model::Model& m_;
  const model::Environment& e_;
  const std::vector<monitoring::ConfigMap>& configs_;
  base::Sink& sink_;
  std::map<std::string, const Workload*> by_name_;
  std::map<std::string, std::vector<const Workload*>> groups_;
  std::map<std::string, bool> volumes_;         // named volumes: true for one in memory (tmpfs)
  std::map<std::string, std::string> secrets_;  // Compose secret -> .env variable
  std::map<std::string, std::set<std::string>> secret_users_;  // .env variable -> services
  std::set<std::int64_t> taken_;                               // host ports published
  std::vector<std::string> published_;                         // "NAME: URL" comment lines
  std::vector<std::string> unpublished_;                       // ports no host port was left for
  std::map<std::int64_t, std::int64_t> next_;                  // port -> where to search from
  std::vector<std::vector<const graph::Edge*>> edges_from_;    // the graph's edges by dependent

  const Workload* role(const char* r) const {
    for (const auto& w : e_.workloads)
      if (w.role == r) return &w;
    return nullptr;
  }

  // The workloads a name in a reference or `needs` stands for: the workload, or every version of
  // a group.
  std::vector<const Workload*> named(const std::string& name) const {
    auto it = by_name_.find(name);
    if (it != by_name_.end()) return {it->second};
    auto g = groups_.find(name);
    return g == groups_.end() ? std::vector<const Workload*>{} : g->second;
  }

  // The Compose services of a workload: one, or one per replica of a stateful.
  static std::vector<std::string> services_of(const Workload& w) {
    if (w.kind != Workload::Kind::Stateful || w.replicas_min <= 1) return {w.name};
    std::vector<std::string> out;
    for (std::int64_t i = 0; i < w.replicas_min; ++i)
      out.push_back(fmt::format("{}-{}", w.name, i));
    return out;
  }

  // A `${W.port}` or `${W.address}` is the Service's port, which Compose does not have: the
  // dependent reaches the container's port. When they differ, the reference cannot be kept.
  void check_references() {
    for (const auto& w : e_.workloads) {
      for (const auto& r : w.refs) {
        if (r.attr != "address" && r.attr.rfind("port", 0) != 0) continue;
        for (const Workload* t : named(r.target)) {
          const model::Port* p = nullptr;
          if (r.attr.rfind("port.", 0) == 0)
            p = port_named(*t, r.attr.substr(5));
          else if (!t->ports.empty())
            p = &t->ports.front();
          if (!p || p->container() == p->number) continue;
          sink_.report(base::make(
              base::Code::E4020, r.span,
              fmt::format("`${{{}.{}}}` is the Service port {} of port `{}`, and Compose has no "
                          "Service in front of the container, which listens on {}",
                          r.target, r.attr, p->number, p->name, p->container()),
              fmt::format("give port `{}` of `{}` the same number on both sides (`port {} = {}`), "
                          "or leave compose out of --target",
                          p->name, r.target, p->name, p->container())));
          break;
        }
      }
    }
  }

  // A secret as the variable `.env` sets; `service` reads it.
  std::string secret(const model::SecretRef& s, const std::string& service) {
    std::string var = secret_variable(s.name, s.key);
    secret_users_[var].insert(service);
    return var;
  }

  // The environment of a container: literals (a `$` doubled), references to other workloads as
  // Compose names them, secrets from `.env`; with the compose secret files each secret also
  // mounted at /run/secrets/NAME.KEY. A literal's `$(NAME)` of another entry, which Kubernetes
  // expands in the container, is that entry's value here (Compose has no such expansion).
  // `values`: each entry as Compose writes it, for the container's command and arguments.
  Doc environment(const std::vector<model::EnvVar>& env, const std::string& service,
                  Doc* secret_mounts, std::map<std::string, std::string>* values = nullptr) {
    std::map<std::string, std::string> value;  // each entry as Compose writes it
    std::set<std::string> mounted;
    const auto names = model::env_names(env);
    for (const auto& v : model::in_expansion_order(env)) {
      switch (v.kind) {
        case model::EnvVar::Kind::Literal:
          value[v.name] = expanded(v.value, names, value);
          break;
        case model::EnvVar::Kind::Ref: {
          auto ts = named(v.ref_target);
          if (v.ref_attr == "port")
            value[v.name] = ts.empty() || ts.front()->ports.empty()
                                ? std::string()
                                : std::to_string(ts.front()->ports.front().container());
          else
            value[v.name] = v.ref_target;
          break;
        }
        case model::EnvVar::Kind::Secret: {
          std::string var = secret(v.secret, service);
          value[v.name] = fmt::format("${{{}:?set {} in .env (see .env.example)}}", var, var);
          std::string id = v.secret.name + "." + v.secret.key;
          secrets_[id] = var;
          if (secret_mounts && mounted.insert(id).second) secret_mounts->push_back(id);
          break;
        }
      }
    }
    Doc out = Doc::object();
    for (const auto& v : env) out[v.name] = value[v.name];
    if (values) *values = std::move(value);
    return out;
  }

  // Command or arguments: each item a literal, its `$(NAME)` of an env entry of the container
  // (which Kubernetes expands in command and args too) that entry's value.
  static Doc items(const std::vector<std::string>& list, const std::vector<model::EnvVar>& env,
                   const std::map<std::string, std::string>& values) {
    const auto names = model::env_names(env);
    Doc out = Doc::array();
    for (const auto& a : list) out.push_back(expanded(a, names, values));
    return out;
  }

  // A literal for Compose: `$` doubled; with references (`$(NAME)` of an entry in `names`), as
  // Kubernetes reads it — `$$` one `$`, each `$(NAME)` the value that entry has in `done` (one of
  // a cycle, not there, stays as written, as Kubernetes leaves it).
  static std::string expanded(const std::string& text,
                              const std::set<std::string, std::less<>>& names,
                              const std::map<std::string, std::string>& done) {
    if (model::env_references(text, names).empty()) return literal(text);
    std::string out;
    model::read_references(
        text, names, [&](std::string_view piece) { out += literal(piece); },
        [&](std::string_view name) {
          auto it = done.find(std::string(name));
          if (it == done.end()) return false;  // of a cycle: stays as written
          out += it->second;
          return true;
        });
    return out;
  }

  // Needs of a container: DEP_HOST and DEP_PORT for every dependency that serves something,
  // unless set (model::env_with_connections, as the Kubernetes lowering).
  std::vector<model::EnvVar> env_of(const Workload& w) const {
    return model::env_with_connections(w, [&](const std::string& name) {
      auto ts = named(name);
      return !ts.empty() && !ts.front()->ports.empty();
    });
  }

  static Doc resources(const model::Resource& cpu, const model::Resource& mem) {
    Doc r;
    if (cpu.limit) r["limits"]["cpus"] = cpus(cpu.limit);
    if (mem.limit) r["limits"]["memory"] = memory(mem.limit);
    if (cpu.request) r["reservations"]["cpus"] = cpus(cpu.request);
    if (mem.request) r["reservations"]["memory"] = memory(mem.request);
    return r;
  }

  // The pod's security context as Docker applies it to the container.
  static void security(Doc& s, const Workload& w) {
    const auto& sec = w.security;
    if (sec.run_as_user > 0)
      s["user"] = sec.run_as_group > 0 ? fmt::format("{}:{}", sec.run_as_user, sec.run_as_group)
                                       : std::to_string(sec.run_as_user);
    if (!sec.writable_root) {
      s["read_only"] = true;
      Doc tmpfs = Doc::array({"/tmp"});
      for (const auto& p : sec.writable_paths) tmpfs.push_back(p);
      s["tmpfs"] = std::move(tmpfs);
    }
    // The pod's fsGroup is a supplementary group of its processes.
    if (sec.fs_group) s["group_add"] = Doc::array({std::to_string(sec.fs_group)});
    s["cap_drop"] = Doc::array({"ALL"});
    if (!sec.capabilities.empty()) {
      Doc add = Doc::array();
      for (const auto& c : sec.capabilities) add.push_back(c.name);
      s["cap_add"] = std::move(add);
    }
    s["security_opt"] = Doc::array({"no-new-privileges:true"});
  }

  // The healthcheck of a probe; null for a gRPC probe (the images have no client for it).
  static Doc healthcheck(const model::Probe& p, const Workload& w, const model::Probe* startup) {
    Doc h;
    std::int64_t port = probe_port(p, w);
    switch (p.kind) {
      case model::Probe::Kind::Exec: {
        Doc test = Doc::array({"CMD"});
        for (const auto& a : p.command) test.push_back(literal(a));
        h["test"] = std::move(test);
        break;
      }
      case model::Probe::Kind::Http: {
        if (!port) return Doc();
        std::string url = fmt::format("http://{}:{}{}", kLocalhost, port, p.path);
        h["test"] = Doc::array(
            {"CMD-SHELL", literal(fmt::format("wget -q -O /dev/null '{}' || curl -fsS -o "
                                              "/dev/null '{}'",
                                              url, url))});
        break;
      }
      case model::Probe::Kind::Tcp:
        if (!port) return Doc();
        h["test"] = Doc::array({"CMD-SHELL", fmt::format("nc -z {} {}", kLocalhost, port)});
        break;
      case model::Probe::Kind::Grpc:
        return Doc();
    }
    h["interval"] = seconds(p.period.value_or(10));
    h["timeout"] = seconds(p.timeout.value_or(5));
    h["retries"] = p.failures.value_or(3);
    // The time a start may take: the startup probe's budget, else the probe's delay.
    std::int64_t start = p.delay.value_or(0);
    if (startup)
      start = std::max(start, startup->delay.value_or(0) +
                                  startup->period.value_or(10) * startup->failures.value_or(3));
    if (start > 0) h["start_period"] = seconds(start);
    return h;
  }

  static const model::Probe* health_probe(const Workload& w) {
    if (w.readiness) return &*w.readiness;
    if (w.liveness) return &*w.liveness;
    return nullptr;
  }

  bool healthy(const Workload& w) const {
    const model::Probe* p = health_probe(w);
    return p && !healthcheck(*p, w, nullptr).is_null();
  }

  // What a dependent waits for.
  std::string condition(const Workload& t) const {
    if (t.kind == Workload::Kind::Job) return "service_completed_successfully";
    return healthy(t) ? "service_healthy" : "service_started";
  }

  // Ports published for an ingress or an exposure, on 127.0.0.1: the Service port (the node port
  // when one is pinned), or the next free one when another service took it; a range when the
  // workload runs several replicas.
  Doc ports(const Workload& w, const std::string& service) {
    Doc list = Doc::array();
    std::vector<const model::Port*> out;
    if (w.expose != "cluster") {
      for (const auto& p : w.ports) out.push_back(&p);
    } else if (w.ingress && !w.ports.empty()) {
      const model::Port* p =
          w.ingress->port.empty() ? &w.ports.front() : port_named(w, w.ingress->port);
      if (p) out.push_back(p);
    }
    std::int64_t n =
        w.kind == Workload::Kind::Stateful ? 1 : std::max<std::int64_t>(1, w.replicas_min);
    for (const model::Port* p : out) {
      const std::int64_t wanted = p->node_port ? p->node_port : p->number;
      auto free = [&](std::int64_t from) {
        for (std::int64_t i = 0; i < n; ++i)
          if (taken_.count(from + i)) return false;
        return true;
      };
      // From where the last search for the same port ended (many services on 8080 take
      // 8080, 8081, ... without searching from 8080 each time).
      std::int64_t host = std::max(wanted, next_[wanted]);
      while (host + n - 1 <= 65535 && !free(host)) ++host;
      if (host + n - 1 > 65535) {
        unpublished_.push_back(
            fmt::format("{} ({}): no free host port from {} on", service, p->name, wanted));
        continue;
      }
      next_[wanted] = host + n;
      for (std::int64_t i = 0; i < n; ++i) taken_.insert(host + i);
      Doc d;
      d["name"] = p->name;
      d["target"] = p->container();
      d["host_ip"] = kLocalhost;
      d["published"] = n > 1 ? fmt::format("{}-{}", host, host + n - 1) : std::to_string(host);
      std::string proto = p->protocol;
      std::transform(proto.begin(), proto.end(), proto.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      d["protocol"] = proto;
      if (!p->app_protocol.empty()) d["app_protocol"] = p->app_protocol;
      list.push_back(std::move(d));
      std::string why =
          w.ingress && w.expose == "cluster"
              ? fmt::format("ingress {}{}", w.ingress->host.empty() ? "*" : w.ingress->host,
                            w.ingress->path)
              : "expose = " + w.expose;
      published_.push_back(fmt::format("{} ({}, {}): {}:{}{}", service, p->name, why, kLocalhost,
                                       host, n > 1 ? fmt::format("-{}", host + n - 1) : ""));
    }
    return list;
  }

  void depends(Doc& s, const Workload& w, const graph::Graph& g, const std::string& name) {
    std::size_t self = g.index(w.name);
    if (self >= g.nodes().size()) return;
    Doc deps = Doc::object();
    const bool optional_self = profile_of(w) != nullptr;
    if (edges_from_.empty() && !g.edges().empty()) {
      edges_from_.resize(g.nodes().size());
      for (const auto& edge : g.edges()) edges_from_[edge.from].push_back(&edge);
    }
    static const std::vector<const graph::Edge*> kNone;
    for (const graph::Edge* e : edges_from_.empty() ? kNone : edges_from_[self]) {
      const graph::Edge& edge = *e;
      if (edge.why == "scrapes") continue;
      auto it = by_name_.find(g.nodes()[edge.to]);
      if (it == by_name_.end()) continue;
      const Workload& t = *it->second;
      if (t.role == "log-collector") continue;
      for (const auto& name : services_of(t)) {
        Doc d;
        d["condition"] = condition(t);
        // A dependency under a profile that is not started: the dependent starts anyway.
        if (profile_of(t) && !optional_self) d["required"] = false;
        deps[name] = std::move(d);
      }
    }
    for (const auto& c : w.init)
      if (!c.sidecar) deps[w.name + "-" + c.name]["condition"] = "service_completed_successfully";
    if (owns_volumes(w, name))
      deps[name + "-volumes"]["condition"] = "service_completed_successfully";
    if (deps.size()) s["depends_on"] = std::move(deps);
  }

  // The configuration files a monitoring workload mounts from ConfigMaps, from monitoring/<env>/
  // (Prometheus' own from this folder).
  void config_mounts(Doc& vols, const Workload& w, std::vector<std::string>* rule_files) const {
    for (const auto& cm : configs_) {
      if (cm.workload != w.name) continue;
      for (const auto& f : cm.files) {
        std::string target = cm.mount + "/" + (f.item.empty() ? f.key : f.item);
        Doc v;
        v["type"] = "bind";
        if (w.role == "prometheus" && f.key == "prometheus.yml") {
          v["source"] = "./prometheus.yml";
        } else {
          v["source"] = "../../monitoring/" + e_.name + "/" + f.path;
          if (rule_files && w.role == "prometheus") rule_files->push_back(target);
        }
        v["target"] = target;
        v["read_only"] = true;
        vols.push_back(std::move(v));
      }
    }
  }

  // The volumes of a workload's service `name` (its own, or its init containers' and sidecars',
  // which mount the same, as in the pod): storage, `volume`s, claims.
  Doc volumes(const Workload& w, const std::string& name) {
    Doc vols = Doc::array();
    if (w.kind == Workload::Kind::Stateful && w.storage > 0) {
      std::string vol = name + "-data";
      volumes_.emplace(vol, false);
      Doc v;
      v["type"] = "volume";
      v["source"] = vol;
      v["target"] = w.data_path;
      vols.push_back(std::move(v));
    }
    for (const auto& v : w.volumes) {
      Doc d;
      if (v.persistent) {
        std::string vol = name + "-volume-" + v.name;
        volumes_.emplace(vol, false);
        d["type"] = "volume";
        d["source"] = vol;
      } else if (!w.init.empty()) {
        // Shared with the init containers and sidecars, as the pod's emptyDir is.
        std::string vol = name + "-volume-" + v.name;
        volumes_.emplace(vol, v.memory);
        d["type"] = "volume";
        d["source"] = vol;
      } else if (v.memory) {
        d["type"] = "tmpfs";
        if (v.size) d["tmpfs"]["size"] = v.size;
      } else {
        d["type"] = "volume";  // anonymous: gone with the container, as an emptyDir with its pod
      }
      d["target"] = v.mount;
      vols.push_back(std::move(d));
    }
    for (const auto& mt : w.mounts) {
      if (mt.from != model::Mount::From::Claim) continue;
      volumes_.emplace(mt.source, false);
      Doc d;
      d["type"] = "volume";
      d["source"] = mt.source;
      d["target"] = mt.path;
      vols.push_back(std::move(d));
    }
    return vols;
  }

  // Whether the service `name` of `w` has named volumes its pod's `fs_group` must own.
  bool owns_volumes(const Workload& w, const std::string& name) {
    if (!w.security.fs_group) return false;
    Doc vols = volumes(w, name);
    for (std::size_t i = 0; i < vols.size(); ++i)
      if (vols[i]["type"] == "volume" && vols[i].contains("source")) return true;
    return false;
  }

  // Kubernetes gives a pod's volumes to its `fsGroup`; Docker creates a named volume owned as the
  // image's folder is (root where the image has none). A one-shot service gives each new volume
  // (its folder still root's) to the group, writable by it, before the workload starts.
  Doc volume_owner(const Workload& w, const std::string& name) {
    if (!owns_volumes(w, name)) return Doc();
    Doc s;
    s["image"] = kVolumeOwnerImage;
    if (const char* p = profile_of(w)) s["profiles"] = Doc::array({p});
    std::string script;
    Doc vols = Doc::array();
    Doc all = volumes(w, name);
    for (std::size_t i = 0; i < all.size(); ++i) {
      if (!(all[i]["type"] == "volume") || !all[i].contains("source")) continue;
      std::string target(all[i]["target"].str());
      // Only a volume Docker has just made (its folder root's): what a workload wrote there
      // keeps its modes (PostgreSQL refuses a data folder others may write).
      script += fmt::format(
          "if [ \"$(stat -c %u '{1}')\" = 0 ]; then chgrp {0} '{1}' && chmod g+rwx '{1}'; fi\n",
          w.security.fs_group, target);
      vols.push_back(all[i]);
    }
    s["entrypoint"] = Doc::array({"/bin/sh", "-ec"});
    s["command"] = Doc::array({literal(script)});
    s["restart"] = "no";
    s["network_mode"] = "none";
    s["user"] = "0:0";
    s["volumes"] = std::move(vols);
    s["cap_drop"] = Doc::array({"ALL"});
    s["cap_add"] = Doc::array({"CHOWN", "FOWNER", "DAC_OVERRIDE"});
    s["security_opt"] = Doc::array({"no-new-privileges:true"});
    return s;
  }

  Doc service(const Workload& w, const graph::Graph& g, int replica) {
    Doc s;
    const std::string name = replica < 0 ? w.name : fmt::format("{}-{}", w.name, replica);
    s["image"] = kubernetes::image_ref(m_, w.image);
    if (replica >= 0) s["hostname"] = name;
    Doc secret_mounts = Doc::array();
    std::map<std::string, std::string> values;
    const auto vars = env_of(w);
    Doc env = environment(vars, name, &secret_mounts, &values);
    if (!w.command.empty()) s["entrypoint"] = items(w.command, vars, values);
    if (!w.args.empty()) s["command"] = items(w.args, vars, values);
    if (!w.working_dir.empty()) s["working_dir"] = w.working_dir;
    if (const char* p = profile_of(w)) s["profiles"] = Doc::array({p});
    const bool job = w.kind == Workload::Kind::Job || w.kind == Workload::Kind::Cron;
    s["restart"] = job ? "no" : "unless-stopped";
    if (env.size()) s["environment"] = std::move(env);
    // Files of mounted secrets (Alertmanager's credentials), at the path the pod mounts them.
    for (const auto& mt : w.mounts) {
      if (mt.from != model::Mount::From::Secret) continue;
      for (const auto& [key, rel] : mt.items) {
        model::SecretRef ref{mt.source, key, {}};
        std::string id = mt.source + "." + key;
        secrets_[id] = secret(ref, name);
        Doc d;
        d["source"] = id;
        d["target"] = mt.path + "/" + rel;
        secret_mounts.push_back(std::move(d));
      }
    }
    if (secret_mounts.size()) s["secrets"] = std::move(secret_mounts);
    Doc published = ports(w, name);
    if (published.size()) s["ports"] = std::move(published);
    // The Service's name (a group's, or a replicated stateful's) as a network alias; a replica
    // also by its pod's name through the headless Service (`db-0.db-headless`, as a backup
    // reaches one replica).
    if (!w.group.empty()) s["networks"]["default"]["aliases"] = Doc::array({w.group});
    if (replica >= 0)
      s["networks"]["default"]["aliases"] =
          Doc::array({w.name, fmt::format("{}.{}-headless", name, w.name)});
    Doc vols = volumes(w, name);
    config_mounts(vols, w, nullptr);
    if (vols.size()) s["volumes"] = std::move(vols);
    if (const model::Probe* p = health_probe(w)) {
      Doc h = healthcheck(*p, w, w.startup ? &*w.startup : nullptr);
      if (!h.is_null()) s["healthcheck"] = std::move(h);
    }
    depends(s, w, g, name);
    security(s, w);
    if (w.grace) s["stop_grace_period"] = seconds(*w.grace);
    if (w.kind != Workload::Kind::Stateful && !job && w.replicas_min != 1)
      s["deploy"]["replicas"] = w.replicas_min;
    Doc r = resources(w.cpu, w.memory);
    if (r.size()) s["deploy"]["resources"] = std::move(r);
    return s;
  }

  // An init container: a service run to completion before the workload's (which waits for it);
  // a sidecar: a service in the workload's network namespace.
  Doc container(const Workload& w, const model::Container& c) {
    Doc s;
    const std::string name = w.name + "-" + c.name;
    s["image"] = kubernetes::image_ref(m_, c.image);
    Doc secret_mounts = Doc::array();
    std::map<std::string, std::string> values;
    Doc env = environment(c.env, name, &secret_mounts, &values);
    if (!c.command.empty()) s["entrypoint"] = items(c.command, c.env, values);
    if (!c.args.empty()) s["command"] = items(c.args, c.env, values);
    if (!c.working_dir.empty()) s["working_dir"] = c.working_dir;
    if (const char* p = profile_of(w)) s["profiles"] = Doc::array({p});
    s["restart"] = c.sidecar ? "unless-stopped" : "no";
    if (c.sidecar) s["network_mode"] = "service:" + w.name;
    if (env.size()) s["environment"] = std::move(env);
    if (secret_mounts.size()) s["secrets"] = std::move(secret_mounts);
    Doc vols = volumes(w, services_of(w).front());
    if (vols.size()) s["volumes"] = std::move(vols);
    if (c.sidecar) s["depends_on"][w.name]["condition"] = "service_started";
    security(s, w);
    Doc r = resources(c.cpu, c.memory);
    if (r.size()) s["deploy"]["resources"] = std::move(r);
    return s;
  }

  // The Prometheus exporter beside a workload: in its network namespace, as in its pod (it reads
  // `localhost`), under the monitoring profile.
  Doc exporter(const Workload& w) {
    const auto& x = *w.exporter;
    Doc s;
    const std::string name = w.name + "-exporter";
    const std::string first = services_of(w).front();
    s["image"] = kubernetes::image_ref(m_, x.image);
    s["profiles"] = Doc::array({"monitoring"});
    s["restart"] = "unless-stopped";
    s["network_mode"] = "service:" + first;
    Doc secret_mounts = Doc::array();
    Doc env = environment(x.env, name, &secret_mounts);
    if (env.size()) s["environment"] = std::move(env);
    if (secret_mounts.size()) s["secrets"] = std::move(secret_mounts);
    s["depends_on"][first]["condition"] = condition(w);
    security(s, w);  // the pod's security context, as the exporter's container has it
    Doc r = resources(x.cpu, x.memory);
    if (r.size()) s["deploy"]["resources"] = std::move(r);
    return s;
  }

  // prometheus.yml for Compose: the Kubernetes discovery replaced by each scraped service's
  // address (an exporter is reached through its workload's, whose network it shares).
  Doc prometheus_yml(const Workload& prom) const {
    const auto& p = e_.monitoring.prometheus;
    Doc c;
    c["global"]["scrape_interval"] = check::format_duration(p.scrape_interval);
    c["global"]["evaluation_interval"] = check::format_duration(p.scrape_interval);
    c["global"]["external_labels"]["stack"] = m_.stack.name;
    c["global"]["external_labels"]["environment"] = e_.name;
    std::vector<std::string> rules;
    Doc unused = Doc::array();
    config_mounts(unused, prom, &rules);
    c["rule_files"] = rules;
    if (const Workload* am = role("alertmanager"); am && !am->ports.empty()) {
      Doc sc;
      sc["targets"] = Doc::array({fmt::format("{}:{}", am->name, am->ports.front().container())});
      Doc a;
      a["static_configs"] = Doc::array({sc});
      c["alerting"]["alertmanagers"] = Doc::array({a});
    }
    Doc jobs = Doc::array();
    auto job = [&](const std::string& name, const std::string& path,
                   const std::vector<std::string>& targets) {
      Doc j;
      j["job_name"] = name;
      j["metrics_path"] = path;
      Doc sc;
      sc["targets"] = targets;
      j["static_configs"] = Doc::array({sc});
      jobs.push_back(std::move(j));
    };
    job("prometheus", "/metrics", {"localhost:9090"});
    for (const auto& w : e_.workloads) {
      if (w.role == "prometheus") continue;
      bool own = false;
      if (!w.metrics.empty()) {
        const model::Port* port = w.metrics_port.empty()
                                      ? (w.ports.empty() ? nullptr : &w.ports.front())
                                      : port_named(w, w.metrics_port);
        if (port) {
          std::vector<std::string> targets;
          for (const auto& s : services_of(w))
            targets.push_back(fmt::format("{}:{}", s, port->container()));
          job(w.app() + (w.group.empty() ? "" : "-" + w.version), w.metrics_path, targets);
          own = true;
        }
      }
      if (w.exporter) {
        std::vector<std::string> targets;
        for (const auto& s : services_of(w))
          targets.push_back(fmt::format("{}:{}", s, w.exporter->port));
        job(own ? w.name + "-exporter" : w.name, w.exporter->path, targets);
      }
    }
    c["scrape_configs"] = std::move(jobs);
    return c;
  }

  std::string comments() const {
    std::string s = fmt::format(
        "# Environment `{}` on one machine (Docker Compose 2.20+). First: cp .env.example .env "
        "and set\n# every secret in it. Then: docker compose up -d (jobs: docker compose "
        "--profile jobs up;\n# a cron by hand: docker compose run --rm NAME; the monitoring "
        "stack: --profile monitoring,\n# which mounts ../../monitoring/{}/).\n",
        e_.name, e_.name);
    if (published_.empty()) {
      s += "# Nothing is published on the host: no workload has an ingress or an exposure.\n";
    } else {
      s += "# Published on the host (what has an ingress or an exposure):\n";
      for (const auto& p : published_) s += "#   " + p + "\n";
    }
    for (const auto& u : unpublished_) s += "# Not published: " + u + "\n";
    if (role("log-collector"))
      s += "# Not here: log-collector (it reads the pods' logs through the Kubernetes API); "
           "`docker compose logs` shows them.\n";
    return s;
  }

  std::string env_example() const {
    std::string s =
        "# The secrets of this Compose project: copy to .env (beside compose.yaml, never "
        "committed)\n# and set each. Compose reads them into the services' environment and "
        "their /run/secrets.\n";
    if (secret_users_.empty()) s += "# (none)\n";
    for (const auto& [var, users] : secret_users_) {
      s += fmt::format("# read by {}\n{}=\n", fmt::join(users, ", "), var);
    }
    return s;
  }
};

}  // namespace

std::string secret_variable(const std::string& name, const std::string& key) {
  std::string out;
  for (const std::string* part : {&name, &key}) {
    if (!out.empty()) out += '_';
    for (char c : *part)
      out += std::isalnum(static_cast<unsigned char>(c))
                 ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
                 : '_';
  }
  return out;
}

std::string memory(std::int64_t bytes) {
  if (bytes > 0 && bytes % (1LL << 30) == 0) return fmt::format("{}g", bytes >> 30);
  if (bytes > 0 && bytes % (1LL << 20) == 0) return fmt::format("{}m", bytes >> 20);
  if (bytes > 0 && bytes % (1LL << 10) == 0) return fmt::format("{}k", bytes >> 10);
  return fmt::format("{}b", bytes);
}

std::string cpus(std::int64_t millicores) {
  std::string s = std::to_string(millicores / 1000);
  std::int64_t frac = millicores % 1000;
  if (frac) {
    std::string f = fmt::format("{:03}", frac);
    while (f.back() == '0') f.pop_back();
    s += "." + f;
  }
  return s;
}

Project project(const model::Model& m, const model::Environment& e,
                const std::vector<monitoring::ConfigMap>& configs, base::Sink& sink) {
  return Builder(m, e, configs, sink).build();
}

void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, base::Sink& sink,
              Output& out) {
  for (const auto& l : lowered) {
    const auto& e = *l.env;
    if (!kubernetes::selected(envs, e.name)) continue;
    Project p = project(m, e, l.configs, sink);
    const std::string dir = "compose/" + e.name + "/";
    out.add(dir + "compose.yaml", header(source) + p.compose);
    out.add(dir + ".env.example", header(source) + p.env_example);
    // The secrets' values go to .env beside them: never into Git.
    out.add(dir + ".gitignore", header(source) + ".env\n");
    if (!p.prometheus.empty()) out.add(dir + "prometheus.yml", header(source) + p.prometheus);
  }
}

}  // namespace stackc::emit::compose
