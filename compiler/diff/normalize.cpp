#include "diff/normalize.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <unordered_map>
#include <utility>

#include "diff/equivalent.hpp"
#include "diff/quantity.hpp"

namespace stackc::diff {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// Removes `key` when its value is the scalar `def` (the default the API server fills in).
void drop_default(Value& m, std::string_view key, std::string_view def) {
  if (const Value* v = m.get(key); v && v->is_scalar() && v->text == def) m.erase(key);
}

void drop_defaults(Value* m,
                   std::initializer_list<std::pair<std::string_view, std::string_view>> d) {
  if (!m || !m->is_map()) return;
  for (auto [k, v] : d) drop_default(*m, k, v);
}

// A list of maps -> a map keyed by the text of `key_of(element)`; elements without a key, or
// two with one key, leave the list as it is. The key field itself is taken out of each element
// when `field` names it.
template <class KeyOf>
void key_list(Value& list, KeyOf key_of, std::string_view field = {}) {
  if (!list.is_seq()) return;
  std::vector<std::string> keys;
  keys.reserve(list.seq.size());
  for (const auto& e : list.seq) {
    if (!e.is_map()) return;
    std::string k = key_of(e);
    if (k.empty()) return;
    keys.push_back(std::move(k));
  }
  std::vector<std::string> sorted = keys;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) return;
  Value m;
  m.type = Type::Map;
  m.keyed = true;
  m.span = list.span;
  m.map.reserve(list.seq.size());
  for (std::size_t i = 0; i < list.seq.size(); ++i) {
    Value e = std::move(list.seq[i]);
    if (!field.empty()) e.erase(field);
    m.map.push_back({std::move(keys[i]), std::move(e)});
  }
  list = std::move(m);
}

void key_by(Value* list, std::string_view field) {
  if (!list) return;
  key_list(
      *list, [&](const Value& e) { return std::string(e.str(field)); }, field);
}

// "80", or "53/UDP" for another protocol than TCP.
std::string port_key(const Value& e, std::string_view number_field) {
  std::string n(e.str(number_field));
  if (n.empty()) return {};
  std::string_view proto = e.str("protocol");
  return proto.empty() || proto == "TCP" ? n : n + "/" + std::string(proto);
}

void key_ports(Value* list, std::string_view number_field) {
  if (!list) return;
  key_list(*list, [&](const Value& e) { return port_key(e, number_field); });
  if (!list->keyed) return;
  for (auto& e : list->map) {
    e.value.erase(number_field);
    drop_default(e.value, "protocol", "TCP");
  }
}

// A named port (`http`) of a container -> its number, when the container declares it.
void resolve_port(Value* port, const Value* ports) {
  if (!port || !port->is_scalar() || !ports || !ports->is_map()) return;
  if (port->text.empty() || std::isdigit(static_cast<unsigned char>(port->text[0]))) return;
  for (const auto& e : ports->map) {
    if (e.value.str("name") == port->text) {
      std::string number = e.key.substr(0, e.key.find('/'));
      port->shown = port->written();
      port->text = number;
      return;
    }
  }
}

void normalise_probe(Value* p, const Value* ports) {
  if (!p || !p->is_map()) return;
  drop_defaults(p, {{"initialDelaySeconds", "0"},
                    {"periodSeconds", "10"},
                    {"timeoutSeconds", "1"},
                    {"successThreshold", "1"},
                    {"failureThreshold", "3"}});
  if (Value* h = p->get("httpGet")) {
    drop_default(*h, "scheme", "HTTP");
    resolve_port(h->get("port"), ports);
    key_by(h->get("httpHeaders"), "name");
  }
  if (Value* t = p->get("tcpSocket")) resolve_port(t->get("port"), ports);
  if (Value* g = p->get("grpc")) drop_default(*g, "service", "");
}

// Capability names as Kubernetes compares them: upper case, without `CAP_`, as a set.
void normalise_caps(Value* list) {
  if (!list || !list->is_seq()) return;
  for (auto& c : list->seq) {
    if (!c.is_scalar()) continue;
    std::string t = c.text;
    for (auto& ch : t) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    if (t.rfind("CAP_", 0) == 0) t.erase(0, 4);
    if (t != c.text) {
      c.shown = c.written();
      c.text = t;
    }
  }
  std::sort(list->seq.begin(), list->seq.end(),
            [](const Value& a, const Value& b) { return a.text < b.text; });
}

// The security settings a container inherits from its pod (the container's own win).
constexpr std::string_view kInherited[] = {"runAsUser",      "runAsGroup",     "runAsNonRoot",
                                           "seccompProfile", "seLinuxOptions", "windowsOptions",
                                           "appArmorProfile"};

void normalise_security(Value& c, const Value* pod_sc) {
  Value* sc = c.get("securityContext");
  if (pod_sc && pod_sc->is_map()) {
    for (auto k : kInherited) {
      const Value* v = pod_sc->get(k);
      if (!v) continue;
      if (!sc) sc = &c.set("securityContext", Value{Type::Map});
      if (!sc->get(k)) sc->set(k, *v);
    }
  }
  if (!sc || !sc->is_map()) return;
  drop_defaults(sc, {{"privileged", "false"},
                     {"readOnlyRootFilesystem", "false"},
                     {"runAsNonRoot", "false"},
                     {"allowPrivilegeEscalation", "true"},
                     {"procMount", "Default"}});
  if (Value* caps = sc->get("capabilities")) {
    normalise_caps(caps->get("add"));
    normalise_caps(caps->get("drop"));
  }
}

struct Pod {
  Value* spec;
  bool job;             // restartPolicy has no default
  const Value* claims;  // the StatefulSet's volumeClaimTemplates, or null
};

void normalise_volume(Value& v) {
  for (const char* src : {"configMap", "secret", "projected", "downwardAPI"})
    if (Value* s = v.get(src)) {
      drop_default(*s, "defaultMode", "420");
      drop_default(*s, "optional", "false");
      key_by(s->get("items"), "key");
    }
  if (Value* h = v.get("hostPath")) drop_default(*h, "type", "");
  if (Value* e = v.get("emptyDir"); e && e->type == Type::Null) *e = Value{Type::Map};
}

void normalise_container(Value& c, const Value* pod_sc, const Value& volumes, const Value* claims,
                         std::unordered_set<std::string>& used_volumes) {
  if (Value* img = c.get("image"); img && img->is_scalar()) {
    std::string original = img->written();
    std::string pull = latest_tag(original) ? "Always" : "IfNotPresent";
    drop_default(c, "imagePullPolicy", pull);
    std::string full = image_ref(original);
    if (full != img->text) {
      img->shown = original;
      img->text = full;
    }
  }
  drop_defaults(&c, {{"terminationMessagePath", "/dev/termination-log"},
                     {"terminationMessagePolicy", "File"},
                     {"stdin", "false"},
                     {"stdinOnce", "false"},
                     {"tty", "false"}});
  Value* ports = c.get("ports");
  key_ports(ports, "containerPort");
  if (Value* env = c.get("env")) {
    record_env_order(*env);
    key_by(env, "name");
  }
  for (const char* p : {"livenessProbe", "readinessProbe", "startupProbe"})
    normalise_probe(c.get(p), ports);
  if (Value* lc = c.get("lifecycle"))
    for (const char* h : {"postStart", "preStop"})
      if (Value* hook = lc->get(h)) normalise_probe(hook, ports);
  if (Value* r = c.get("resources")) {
    // Requests default to the limits.
    if (const Value* lim = r->get("limits"); lim && lim->is_map()) {
      for (const auto& e : lim->map) {
        Value* req = r->get("requests");
        if (!req || !req->is_map()) req = &r->set("requests", Value{Type::Map});
        if (!req->get(e.key)) req->set(e.key, e.value);
      }
    }
  }
  if (Value* mounts = c.get("volumeMounts")) {
    key_by(mounts, "mountPath");
    if (mounts->keyed) {
      for (auto& m : mounts->map) {
        std::string name(m.value.str("name"));
        if (const Value* v = volumes.get(name)) {
          used_volumes.insert(name);
          m.value.erase("name");
          m.value.set("volume", *v);
        } else if (claims && claims->get(name)) {
          m.value.erase("name");
          m.value.set("volume", Value{Type::Map}).set("volumeClaimTemplate", scalar(name));
        }
        drop_default(m.value, "readOnly", "false");
        drop_default(m.value, "mountPropagation", "None");
      }
    }
  }
  normalise_security(c, pod_sc);
}

void normalise_pod(const Pod& pod) {
  Value& s = *pod.spec;
  if (!s.is_map()) return;
  if (!pod.job) drop_default(s, "restartPolicy", "Always");
  drop_defaults(&s, {{"dnsPolicy", "ClusterFirst"},
                     {"schedulerName", "default-scheduler"},
                     {"terminationGracePeriodSeconds", "30"},
                     {"enableServiceLinks", "true"},
                     {"hostNetwork", "false"},
                     {"hostPID", "false"},
                     {"hostIPC", "false"},
                     {"shareProcessNamespace", "false"},
                     {"automountServiceAccountToken", "true"},
                     {"serviceAccountName", "default"},
                     {"serviceAccount", "default"}});
  // `serviceAccount` is the deprecated spelling of `serviceAccountName`.
  if (Value* old = s.get("serviceAccount")) {
    if (!s.get("serviceAccountName")) s.set("serviceAccountName", *old);
    s.erase("serviceAccount");
  }
  Value volumes{Type::Map};
  if (Value* vs = s.get("volumes")) {
    key_by(vs, "name");
    if (vs->keyed)
      for (auto& e : vs->map) {
        normalise_volume(e.value);
        volumes.map.push_back(e);
      }
  }
  Value pod_sc;
  if (Value* sc = s.get("securityContext"); sc && sc->is_map()) {
    pod_sc = *sc;
    for (auto k : kInherited) sc->erase(k);
    if (Value* fs = sc->get("fsGroupChangePolicy"); fs && fs->text == "Always")
      sc->erase("fsGroupChangePolicy");
  }
  std::unordered_set<std::string> used;
  record_init_order(s);
  for (const char* list : {"containers", "initContainers", "ephemeralContainers"}) {
    Value* cs = s.get(list);
    key_by(cs, "name");
    if (!cs || !cs->keyed) continue;
    for (auto& c : cs->map)
      normalise_container(c.value, pod_sc.is_map() ? &pod_sc : nullptr, volumes, pod.claims, used);
  }
  // The volumes every mount carries are not compared again by name.
  if (Value* vs = s.get("volumes"); vs && vs->keyed) {
    std::erase_if(vs->map, [&](const Entry& e) { return used.count(e.key) > 0; });
    if (vs->map.empty()) s.erase("volumes");
  }
}

void normalise_rolling(Value* strategy,
                       std::initializer_list<std::pair<std::string_view, std::string_view>> d) {
  if (!strategy || !strategy->is_map()) return;
  if (Value* r = strategy->get("rollingUpdate")) {
    drop_defaults(r, d);
    if (r->is_map() && r->map.empty()) strategy->erase("rollingUpdate");
  }
  if (!strategy->get("rollingUpdate")) drop_default(*strategy, "type", "RollingUpdate");
}

void normalise_job_spec(Value* spec) {
  drop_defaults(spec, {{"backoffLimit", "6"},
                       {"completions", "1"},
                       {"parallelism", "1"},
                       {"completionMode", "NonIndexed"},
                       {"suspend", "false"},
                       {"podReplacementPolicy", "TerminatingOrFailed"}});
}

// Where an object's pod template is, and what kind of pod it is.
void normalise_workload(Object& o) {
  Value& r = o.root;
  Value* spec = r.get("spec");
  if (!spec || !spec->is_map()) return;
  const std::string& k = o.kind;
  Value* tmpl = nullptr;
  bool job = false;
  const Value* claims = nullptr;
  if (k == "Deployment" || k == "ReplicaSet") {
    drop_defaults(spec, {{"replicas", "1"},
                         {"revisionHistoryLimit", "10"},
                         {"progressDeadlineSeconds", "600"},
                         {"minReadySeconds", "0"},
                         {"paused", "false"}});
    normalise_rolling(spec->get("strategy"), {{"maxSurge", "25%"}, {"maxUnavailable", "25%"}});
    if (Value* st = spec->get("strategy"); st && st->is_map() && st->map.empty())
      spec->erase("strategy");
    tmpl = spec->get("template");
  } else if (k == "StatefulSet") {
    drop_defaults(spec, {{"replicas", "1"},
                         {"podManagementPolicy", "OrderedReady"},
                         {"revisionHistoryLimit", "10"},
                         {"minReadySeconds", "0"}});
    normalise_rolling(spec->get("updateStrategy"), {{"partition", "0"}});
    drop_defaults(spec->get("persistentVolumeClaimRetentionPolicy"),
                  {{"whenDeleted", "Retain"}, {"whenScaled", "Retain"}});
    if (Value* vct = spec->get("volumeClaimTemplates")) {
      key_list(*vct, [](const Value& e) {
        const Value* m = e.get("metadata");
        return m ? std::string(m->str("name")) : std::string();
      });
      if (vct->keyed)
        for (auto& e : vct->map) {
          if (Value* m = e.value.get("metadata")) m->erase("name");
          e.value.erase("apiVersion");  // `kubectl get` shows them in each claim template
          e.value.erase("kind");
          drop_defaults(e.value.get("spec"), {{"volumeMode", "Filesystem"}});
          e.value.erase("status");
        }
      claims = vct;
    }
    tmpl = spec->get("template");
  } else if (k == "DaemonSet") {
    drop_defaults(spec, {{"revisionHistoryLimit", "10"}, {"minReadySeconds", "0"}});
    normalise_rolling(spec->get("updateStrategy"), {{"maxUnavailable", "1"}, {"maxSurge", "0"}});
    tmpl = spec->get("template");
  } else if (k == "Job") {
    normalise_job_spec(spec);
    normalise_job_labels(*spec);
    tmpl = spec->get("template");
    job = true;
  } else if (k == "CronJob") {
    drop_defaults(spec, {{"concurrencyPolicy", "Allow"},
                         {"suspend", "false"},
                         {"successfulJobsHistoryLimit", "3"},
                         {"failedJobsHistoryLimit", "1"}});
    if (Value* jt = spec->get("jobTemplate")) {
      Value* js = jt->get("spec");
      normalise_job_spec(js);
      if (js) normalise_job_labels(*js);
      tmpl = js ? js->get("template") : nullptr;
    }
    job = true;
  } else if (k == "Pod") {
    normalise_pod({spec, false, nullptr});
    return;
  }
  if (!tmpl) return;
  // `kubectl rollout restart` stamps the template; it is not part of what was applied.
  if (Value* m = tmpl->get("metadata"))
    if (Value* a = m->get("annotations")) a->erase("kubectl.kubernetes.io/restartedAt");
  normalise_pod({tmpl->get("spec"), job, claims});
}

void normalise_service(Value& r) {
  Value* spec = r.get("spec");
  if (!spec || !spec->is_map()) return;
  drop_defaults(spec, {{"type", "ClusterIP"},
                       {"sessionAffinity", "None"},
                       {"internalTrafficPolicy", "Cluster"},
                       {"ipFamilyPolicy", "SingleStack"},
                       {"externalTrafficPolicy", "Cluster"},
                       {"allocateLoadBalancerNodePorts", "true"},
                       {"publishNotReadyAddresses", "false"}});
  // Assigned by the cluster (what `kubectl get -o yaml` shows), unless headless.
  if (spec->str("clusterIP") != "None") {
    spec->erase("clusterIP");
    spec->erase("clusterIPs");
  }
  if (const Value* f = spec->get("ipFamilies");
      f && f->is_seq() && f->seq.size() == 1 && f->seq[0].text == "IPv4")
    spec->erase("ipFamilies");
  key_ports(spec->get("ports"), "port");
}

// Drops nulls, empty strings, empty maps and lists (where absent means the same), sorts keys
// and the lists whose order does not matter, and reads quantities by value.
void tidy(Value& v, std::string_view key, std::string_view parent) {
  if (v.is_scalar()) {
    bool quantity_field = one_of(parent, {"requests", "limits", "hard", "capacity"}) ||
                          one_of(key, {"sizeLimit", "averageValue", "storage"});
    if (quantity_field && v.type != Type::Null)
      if (auto q = quantity(v.text); q && *q != v.text) {
        v.shown = v.written();
        v.text = *q;
      }
    return;
  }
  if (v.is_seq()) {
    for (auto& e : v.seq) tidy(e, "", key);
    bool maps = !v.seq.empty() &&
                std::all_of(v.seq.begin(), v.seq.end(), [](const Value& e) { return e.is_map(); });
    if (maps) {
      // A list of named things is matched by name; another list of maps in any order.
      key_by(&v, "name");
      if (v.keyed) {
        tidy(v, key, parent);
        return;
      }
      std::vector<std::pair<std::string, std::size_t>> order;
      for (std::size_t i = 0; i < v.seq.size(); ++i) order.push_back({canonical(v.seq[i]), i});
      std::sort(order.begin(), order.end());
      std::vector<Value> sorted;
      sorted.reserve(v.seq.size());
      for (auto& [c, i] : order) sorted.push_back(std::move(v.seq[i]));
      v.seq = std::move(sorted);
    } else if (one_of(key, {"policyTypes", "accessModes", "finalizers", "add", "drop"})) {
      std::sort(v.seq.begin(), v.seq.end(),
                [](const Value& a, const Value& b) { return a.text < b.text; });
    }
    return;
  }
  if (one_of(key, {"selector", "podSelector", "namespaceSelector", "labelSelector"}))
    normalise_selector(v);
  // Maps whose presence means something even when empty.
  static const std::initializer_list<std::string_view> kPresence = {
      "emptyDir", "podSelector", "namespaceSelector", "ingress", "egress"};
  for (auto& e : v.map) tidy(e.value, e.key, key);
  std::erase_if(v.map, [&](const Entry& e) {
    const Value& x = e.value;
    if (v.keyed) return false;  // an element of a keyed list is there even when empty
    if (x.type == Type::Null) return true;
    if (x.type == Type::String && x.text.empty()) return true;
    if (x.is_seq() && x.seq.empty()) return true;
    return x.is_map() && x.map.empty() && !one_of(e.key, kPresence);
  });
  v.sort_keys();
}

std::string base64(std::string_view in) {
  static constexpr char kDigits[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  out.reserve((in.size() + 2) / 3 * 4);
  for (std::size_t i = 0; i < in.size(); i += 3) {
    std::uint32_t n = static_cast<unsigned char>(in[i]) << 16;
    if (i + 1 < in.size()) n |= static_cast<unsigned char>(in[i + 1]) << 8;
    if (i + 2 < in.size()) n |= static_cast<unsigned char>(in[i + 2]);
    out += kDigits[(n >> 18) & 63];
    out += kDigits[(n >> 12) & 63];
    out += i + 1 < in.size() ? kDigits[(n >> 6) & 63] : '=';
    out += i + 2 < in.size() ? kDigits[n & 63] : '=';
  }
  return out;
}

// A Secret's `stringData` is its `data` (the server encodes and merges it, `stringData` winning),
// and its values are never printed: a report shows `<redacted>` on both sides.
void normalise_secret(Value& r) {
  drop_default(r, "type", "Opaque");
  if (Value* sd = r.get("stringData"); sd && sd->is_map()) {
    Value* data = r.get("data");
    if (!data || !data->is_map()) data = &r.set("data", Value{Type::Map});
    for (auto& e : sd->map) {
      if (!e.value.is_scalar()) continue;
      Value v = scalar(base64(e.value.text));
      v.span = e.value.span;
      data->set(e.key, std::move(v));
    }
    r.erase("stringData");
  }
  if (Value* data = r.get("data"); data && data->is_map())
    for (auto& e : data->map)
      if (e.value.is_scalar()) e.value.shown = "<redacted>";
}

// What the server adds to an object (so a comparison with `kubectl get -o yaml` output is
// about what was applied).
void drop_server_fields(Value& r) {
  r.erase("apiVersion");
  r.erase("kind");
  r.erase("status");
  if (Value* m = r.get("metadata")) {
    for (const char* k :
         {"name", "namespace", "uid", "resourceVersion", "generation", "creationTimestamp",
          "managedFields", "selfLink", "deletionTimestamp", "deletionGracePeriodSeconds"})
      m->erase(k);
    if (Value* a = m->get("annotations")) {
      a->erase("kubectl.kubernetes.io/last-applied-configuration");
      a->erase("deployment.kubernetes.io/revision");
    }
  }
}

constexpr std::string_view kAnyNamespace = "\x01";

// The labels of each workload's pods, to see what a Service selects.
struct Workloads {
  struct One {
    std::string id;  // Kind/name
    const Value* labels;
    const Value* pod;  // the pod spec
  };
  std::unordered_map<std::string, std::vector<One>> by_label;  // "ns\0key=value" -> workloads

  static const Value* pod_template(const Object& o) {
    const Value* spec = o.root.get("spec");
    if (!spec) return nullptr;
    if (o.kind == "CronJob") {
      const Value* jt = spec->get("jobTemplate");
      spec = jt ? jt->get("spec") : nullptr;
      if (!spec) return nullptr;
    }
    if (o.kind == "Pod") return &o.root;
    return spec->get("template");
  }

  explicit Workloads(const std::vector<Object>& objs) {
    for (const auto& o : objs) {
      const Value* t = pod_template(o);
      if (!t) continue;
      const Value* meta = t->get("metadata");
      const Value* labels = meta ? meta->get("labels") : nullptr;
      const Value* pod = o.kind == "Pod" ? o.root.get("spec") : t->get("spec");
      if (!labels || !labels->is_map()) continue;
      // By namespace, and for the Services written without one, under any.
      for (const auto& e : labels->map)
        for (const std::string& ns : {o.ns, std::string(kAnyNamespace)})
          by_label[ns + '\0' + e.key + '=' + e.value.text].push_back(
              {o.kind + "/" + o.name, labels, pod});
    }
  }

  // The workloads of `ns` whose pods carry every label of `selector`.
  std::vector<const One*> select(const std::string& ns, const Value& selector) const {
    std::vector<const One*> out;
    if (!selector.is_map() || selector.map.empty()) return out;
    const std::vector<One>* fewest = nullptr;
    for (const auto& e : selector.map) {
      auto it = by_label.find((ns.empty() ? std::string(kAnyNamespace) : ns) + '\0' + e.key + '=' +
                              e.value.text);
      if (it == by_label.end()) return out;
      if (!fewest || it->second.size() < fewest->size()) fewest = &it->second;
    }
    for (const auto& w : *fewest) {
      bool all = std::all_of(selector.map.begin(), selector.map.end(), [&](const Entry& e) {
        const Value* l = w.labels->get(e.key);
        return l && l->text == e.value.text;
      });
      if (all) out.push_back(&w);
    }
    return out;
  }
};

// A Service's selector -> the workloads it selects (when it selects some of this set), and a
// named target port -> the number of that port in their containers.
void resolve_service(Object& o, const Workloads& w) {
  Value* spec = o.root.get("spec");
  if (!spec) return;
  Value* sel = spec->get("selector");
  if (!sel || !sel->is_map()) return;
  auto selected = w.select(o.ns, *sel);
  if (selected.empty()) return;
  if (Value* ports = spec->get("ports"); ports && ports->keyed) {
    for (auto& p : ports->map) {
      Value* target = p.value.get("targetPort");
      for (const auto* one : selected) {
        const Value* cs = one->pod ? one->pod->get("containers") : nullptr;
        if (!cs) continue;
        for (const auto& c : cs->map) resolve_port(target, c.value.get("ports"));
      }
      std::string number = p.key.substr(0, p.key.find('/'));
      if (target && target->text == number) p.value.erase("targetPort");
    }
  }
  Value names{Type::Seq};
  names.span = sel->span;
  for (const auto* one : selected) names.seq.push_back(scalar(one->id));
  std::sort(names.seq.begin(), names.seq.end(),
            [](const Value& a, const Value& b) { return a.text < b.text; });
  *sel = std::move(names);
}

// Environment values taken from a ConfigMap of the set -> the values themselves.
void resolve_env(Object& o, const std::unordered_map<std::string, const Value*>& configmaps,
                 std::unordered_set<std::string>& used) {
  const Value* t = Workloads::pod_template(o);
  if (!t) return;
  Value* pod = o.kind == "Pod" ? o.root.get("spec") : const_cast<Value*>(t)->get("spec");
  if (!pod) return;
  auto data_of = [&](std::string_view name) -> const Value* {
    auto it = configmaps.find(o.ns + "/" + std::string(name));
    return it == configmaps.end() ? nullptr : it->second;
  };
  for (const char* list : {"containers", "initContainers"}) {
    Value* cs = pod->get(list);
    if (!cs || !cs->keyed) continue;
    for (auto& c : cs->map) {
      Value* env = c.value.get("env");
      if (env && env->keyed) {
        for (auto& e : env->map) {
          const Value* vf = e.value.get("valueFrom");
          const Value* ref = vf ? vf->get("configMapKeyRef") : nullptr;
          if (!ref) continue;
          const Value* data = data_of(ref->str("name"));
          const Value* val = data ? data->get(ref->str("key")) : nullptr;
          if (!val) continue;
          used.insert(o.ns + "/" + std::string(ref->str("name")));
          Value resolved{Type::Map};
          resolved.set("value", *val);
          e.value = std::move(resolved);
        }
      }
      Value* from = c.value.get("envFrom");
      if (!from || !from->is_seq()) continue;
      std::erase_if(from->seq, [&](const Value& f) {
        const Value* ref = f.get("configMapRef");
        const Value* data = ref ? data_of(ref->str("name")) : nullptr;
        if (!data || !data->is_map()) return false;
        used.insert(o.ns + "/" + std::string(ref->str("name")));
        if (!env || !env->keyed) {
          c.value.set("env", Value{Type::Map}).keyed = true;
          env = c.value.get("env");
        }
        for (const auto& d : data->map) {
          std::string name = std::string(f.str("prefix")) + d.key;
          if (env->get(name)) continue;  // the container's own entry wins
          Value entry{Type::Map};
          entry.set("value", d.value);
          env->map.push_back({name, std::move(entry)});
        }
        return true;
      });
    }
  }
}

}  // namespace

std::string Object::id() const {
  return ns.empty() ? kind + "/" + name : kind + "/" + ns + "/" + name;
}

bool cluster_scoped(std::string_view kind) {
  return one_of(kind,
                {"Namespace", "ClusterRole", "ClusterRoleBinding", "CustomResourceDefinition",
                 "PersistentVolume", "StorageClass", "PriorityClass", "IngressClass", "Node",
                 "ValidatingWebhookConfiguration", "MutatingWebhookConfiguration", "APIService",
                 "RuntimeClass", "ClusterIssuer", "VolumeSnapshotClass", "CSIDriver"});
}

Side normalise(std::vector<manifests::Document> docs) {
  Side side;
  side.objects.reserve(docs.size());
  for (auto& d : docs) {
    if (d.name.empty()) continue;
    Object o;
    o.kind = d.kind;
    o.ns = cluster_scoped(d.kind) ? "" : d.ns;
    o.name = d.name;
    o.api_version = d.api_version;
    o.span = d.span;
    o.root = from_node(d.root);
    std::vector<manifests::Node>().swap(d.root.items);  // its memory, for the next objects
    drop_server_fields(o.root);
    if (o.kind == "Service") normalise_service(o.root);
    if (o.kind == "Secret") normalise_secret(o.root);
    if (o.kind == "HorizontalPodAutoscaler") {
      drop_defaults(o.root.get("spec"), {{"minReplicas", "1"}});
      normalise_hpa(o.root);
    }
    if (o.kind == "Ingress") normalise_ingress(o.root);
    if (o.kind == "NetworkPolicy") normalise_network_policy(o.root);
    if (o.kind == "PersistentVolumeClaim") normalise_claim(o.root);
    if (o.kind == "ConfigMap") normalise_generated_names(o.root);
    if (o.kind == "Namespace") {
      if (Value* m = o.root.get("metadata"))
        if (Value* l = m->get("labels")) l->erase("kubernetes.io/metadata.name");
      if (Value* s = o.root.get("spec")) s->erase("finalizers");
    }
    normalise_workload(o);
    side.objects.push_back(std::move(o));
  }
  for (const auto& o : side.objects)
    if (o.kind == "HorizontalPodAutoscaler")
      if (const Value* sp = o.root.get("spec"))
        if (const Value* ref = sp->get("scaleTargetRef"))
          side.autoscaled.insert(std::string(ref->str("kind")) + "/" + o.ns + "/" +
                                 std::string(ref->str("name")));
  // What the controllers made (a live dump has them) is not compared.
  std::unordered_set<std::string> services;
  for (const auto& o : side.objects)
    if (o.kind == "Service")
      if (const Value* sp = o.root.get("spec"); sp && sp->get("selector"))
        services.insert(o.ns + "/" + o.name);
  std::erase_if(side.objects, [&](const Object& o) {
    return made_by_cluster(o.kind, o.ns, o.name, o.root, services);
  });
  // Across objects: ConfigMaps by namespace/name, workloads by label.
  std::unordered_map<std::string, const Value*> configmaps;
  for (const auto& o : side.objects)
    if (o.kind == "ConfigMap")
      if (const Value* data = o.root.get("data")) configmaps.emplace(o.ns + "/" + o.name, data);
  for (auto& o : side.objects) resolve_env(o, configmaps, side.env_configmaps);
  Workloads workloads(side.objects);
  for (auto& o : side.objects)
    if (o.kind == "Service") resolve_service(o, workloads);
  for (auto& o : side.objects) tidy(o.root, "", "");
  return side;
}

}  // namespace stackc::diff
