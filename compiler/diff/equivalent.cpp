#include "diff/equivalent.hpp"

#include <algorithm>
#include <initializer_list>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

namespace stackc::diff {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

void drop_if(Value* m, std::string_view key, std::string_view def) {
  if (!m || !m->is_map()) return;
  if (const Value* v = m->get(key); v && v->is_scalar() && v->text == def) m->erase(key);
}

Value map() {
  return Value{Type::Map};
}

// `{type: Utilization, averageUtilization: N}` and the like, keeping where N was written.
Value target(std::string_view type, std::string_view field, const Value& v) {
  Value t = map();
  t.set("type", scalar(std::string(type)));
  t.set(field, v);
  return t;
}

// One `autoscaling/v2beta1` metric in the `v2` form (a v2 one is left as it is).
void metric_to_v2(Value& m) {
  if (!m.is_map()) return;
  if (Value* r = m.get("resource"); r && r->is_map() && !r->get("target")) {
    if (const Value* u = r->get("targetAverageUtilization")) {
      Value t = target("Utilization", "averageUtilization", *u);
      r->erase("targetAverageUtilization");
      r->set("target", std::move(t));
    } else if (const Value* a = r->get("targetAverageValue")) {
      Value t = target("AverageValue", "averageValue", *a);
      r->erase("targetAverageValue");
      r->set("target", std::move(t));
    }
  }
  if (Value* p = m.get("pods"); p && p->is_map() && !p->get("target")) {
    if (const Value* a = p->get("targetAverageValue")) {
      Value metric = map();
      if (const Value* n = p->get("metricName")) metric.set("name", *n);
      if (const Value* s = p->get("selector")) metric.set("selector", *s);
      Value t = target("AverageValue", "averageValue", *a);
      Value out = map();
      out.set("metric", std::move(metric));
      out.set("target", std::move(t));
      *p = std::move(out);
    }
  }
  for (const char* kind : {"object", "external"}) {
    Value* o = m.get(kind);
    if (!o || !o->is_map() || o->get("metric")) continue;
    Value metric = map();
    if (const Value* n = o->get("metricName")) metric.set("name", *n);
    if (const Value* s = o->get(std::string_view(kind) == "object" ? "selector" : "metricSelector"))
      metric.set("selector", *s);
    Value out = map();
    out.set("metric", std::move(metric));
    if (const Value* d = o->get("target")) out.set("describedObject", *d);
    if (const Value* v = o->get("targetValue"))
      out.set("target", target("Value", "value", *v));
    else if (const Value* a = o->get("targetAverageValue"))
      out.set("target", target("AverageValue", "averageValue", *a));
    else if (const Value* a2 = o->get("averageValue"))
      out.set("target", target("AverageValue", "averageValue", *a2));
    *o = std::move(out);
  }
}

bool policy_is(const Value& p, std::string_view type, std::string_view value,
               std::string_view period) {
  return p.is_map() && p.map.size() == 3 && p.str("type") == type && p.str("value") == value &&
         p.str("periodSeconds") == period;
}

// A scaling rule's defaults (GenerateHPAScaleUpRules/ScaleDownRules of the API server; a
// scale-down window of 300 s is the controller's default).
void drop_rule_defaults(Value* rule, bool up) {
  if (!rule || !rule->is_map()) return;
  drop_if(rule, "selectPolicy", "Max");
  drop_if(rule, "stabilizationWindowSeconds", up ? "0" : "300");
  if (const Value* ps = rule->get("policies"); ps && ps->is_seq()) {
    bool dflt = false;
    if (up && ps->seq.size() == 2) {
      dflt = (policy_is(ps->seq[0], "Pods", "4", "15") &&
              policy_is(ps->seq[1], "Percent", "100", "15")) ||
             (policy_is(ps->seq[1], "Pods", "4", "15") &&
              policy_is(ps->seq[0], "Percent", "100", "15"));
    } else if (!up && ps->seq.size() == 1) {
      dflt = policy_is(ps->seq[0], "Percent", "100", "15");
    }
    if (dflt) rule->erase("policies");
  }
}

// The names `$(NAME)` in a value (`$$(NAME)` is an escaped, literal `$(NAME)`).
std::vector<std::string> references(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i + 1 < s.size(); ++i) {
    if (s[i] != '$') continue;
    if (s[i + 1] == '$') {
      ++i;  // an escaped `$`
      continue;
    }
    if (s[i + 1] != '(') continue;
    auto close = s.find(')', i + 2);
    if (close == std::string_view::npos) break;
    out.emplace_back(s.substr(i + 2, close - i - 2));
    i = close;
  }
  return out;
}

const Value* owner_controller(const Value& root) {
  const Value* m = root.get("metadata");
  const Value* owners = m ? m->get("ownerReferences") : nullptr;
  if (!owners || !owners->is_seq()) return nullptr;
  for (const auto& o : owners->seq)
    if (o.is_map() && o.str("controller") == "true") return &o;
  return nullptr;
}

}  // namespace

void normalise_hpa(Value& root) {
  Value* spec = root.get("spec");
  if (!spec || !spec->is_map()) return;
  if (Value* pct = spec->get("targetCPUUtilizationPercentage")) {
    Value m = map();
    m.set("type", scalar("Resource"));
    Value r = map();
    r.set("name", scalar("cpu"));
    r.set("target", target("Utilization", "averageUtilization", *pct));
    m.set("resource", std::move(r));
    Value list{Type::Seq};
    list.span = pct->span;
    list.seq.push_back(std::move(m));
    spec->erase("targetCPUUtilizationPercentage");
    if (!spec->get("metrics")) spec->set("metrics", std::move(list));
  }
  if (Value* ms = spec->get("metrics"); ms && ms->is_seq())
    for (auto& m : ms->seq) metric_to_v2(m);
  // No metric: the API server writes CPU at 80 % (and autoscaling/v1 scales so).
  if (const Value* ms = spec->get("metrics"); ms && ms->is_seq() && ms->seq.size() == 1) {
    const Value& m = ms->seq[0];
    const Value* r = m.get("resource");
    const Value* t = r ? r->get("target") : nullptr;
    if (m.str("type") == "Resource" && r && r->str("name") == "cpu" && t &&
        t->str("type") == "Utilization" && t->str("averageUtilization") == "80" &&
        t->map.size() == 2 && r->map.size() == 2 && m.map.size() == 2)
      spec->erase("metrics");
  }
  if (Value* b = spec->get("behavior"); b && b->is_map()) {
    drop_rule_defaults(b->get("scaleUp"), true);
    drop_rule_defaults(b->get("scaleDown"), false);
  }
  if (Value* meta = root.get("metadata"))
    if (Value* a = meta->get("annotations"))
      for (const char* k :
           {"autoscaling.alpha.kubernetes.io/conditions",
            "autoscaling.alpha.kubernetes.io/current-metrics",
            "autoscaling.alpha.kubernetes.io/metrics", "autoscaling.alpha.kubernetes.io/behavior"})
        a->erase(k);
}

void normalise_ingress(Value& root) {
  Value* spec = root.get("spec");
  if (!spec || !spec->is_map()) return;
  if (Value* meta = root.get("metadata"))
    if (Value* a = meta->get("annotations"); a && a->is_map())
      if (const Value* cls = a->get("kubernetes.io/ingress.class"); cls && cls->is_scalar()) {
        const Value* named = spec->get("ingressClassName");
        if (!named) {
          spec->set("ingressClassName", *cls);
          a->erase("kubernetes.io/ingress.class");
        } else if (named->text == cls->text) {
          a->erase("kubernetes.io/ingress.class");
        }
      }
  // extensions/v1beta1 and networking.k8s.io/v1beta1: `backend` and `serviceName`/`servicePort`.
  auto backend = [](Value* b) {
    if (!b || !b->is_map() || b->get("service")) return;
    const Value* name = b->get("serviceName");
    const Value* port = b->get("servicePort");
    if (!name) return;
    Value svc = map();
    svc.set("name", *name);
    if (port) {
      Value p = map();
      bool numeric =
          !port->text.empty() && std::all_of(port->text.begin(), port->text.end(),
                                             [](char c) { return c >= '0' && c <= '9'; });
      p.set(numeric ? "number" : "name", *port);
      svc.set("port", std::move(p));
    }
    b->erase("serviceName");
    b->erase("servicePort");
    b->set("service", std::move(svc));
  };
  if (Value* old = spec->get("backend"); old && !spec->get("defaultBackend")) {
    Value b = *old;
    spec->erase("backend");
    spec->set("defaultBackend", std::move(b));
  }
  backend(spec->get("defaultBackend"));
  if (Value* rules = spec->get("rules"); rules && rules->is_seq())
    for (auto& r : rules->seq) {
      Value* http = r.get("http");
      Value* paths = http ? http->get("paths") : nullptr;
      if (!paths || !paths->is_seq()) continue;
      for (auto& p : paths->seq) {
        backend(p.get("backend"));
        drop_if(&p, "pathType", "ImplementationSpecific");
      }
    }
}

void normalise_network_policy(Value& root) {
  Value* spec = root.get("spec");
  if (!spec || !spec->is_map()) return;
  const Value* types = spec->get("policyTypes");
  if (!types || !types->is_seq()) return;
  std::set<std::string> have;
  for (const auto& t : types->seq) have.insert(t.text);
  const Value* egress = spec->get("egress");
  std::set<std::string> dflt = {"Ingress"};
  if (egress && egress->is_seq() && !egress->seq.empty()) dflt.insert("Egress");
  if (have == dflt) spec->erase("policyTypes");
}

void normalise_claim(Value& root) {
  if (Value* meta = root.get("metadata")) {
    if (Value* a = meta->get("annotations"))
      for (const char* k :
           {"pv.kubernetes.io/bind-completed", "pv.kubernetes.io/bound-by-controller",
            "volume.beta.kubernetes.io/storage-provisioner",
            "volume.kubernetes.io/storage-provisioner", "volume.kubernetes.io/selected-node"})
        a->erase(k);
    if (Value* f = meta->get("finalizers"); f && f->is_seq())
      std::erase_if(f->seq,
                    [](const Value& v) { return v.text == "kubernetes.io/pvc-protection"; });
  }
  drop_if(root.get("spec"), "volumeMode", "Filesystem");
}

void normalise_job_labels(Value& job_spec) {
  static const std::initializer_list<std::string_view> kMade = {
      "batch.kubernetes.io/controller-uid", "batch.kubernetes.io/job-name", "controller-uid",
      "job-name"};
  if (Value* sel = job_spec.get("selector"); sel && sel->is_map()) {
    if (Value* l = sel->get("matchLabels"); l && l->is_map())
      for (auto k : kMade) l->erase(k);
  }
  if (Value* t = job_spec.get("template"))
    if (Value* m = t->get("metadata"))
      if (Value* l = m->get("labels"); l && l->is_map())
        for (auto k : kMade) l->erase(k);
}

void normalise_selector(Value& sel) {
  if (sel.keyed) return;  // a list keyed by name, not a selector
  if (const Value* e = sel.get("matchExpressions"); !e || !e->is_seq()) return;
  if (!sel.get("matchLabels")) sel.set("matchLabels", map());  // tidy drops it when empty
  Value* exprs = sel.get("matchExpressions");
  Value* labels = sel.get("matchLabels");
  if (!exprs || !exprs->is_seq() || !labels->is_map()) return;
  std::vector<Value> kept;
  for (auto& e : exprs->seq) {
    Value* vs = e.is_map() ? e.get("values") : nullptr;
    if (vs && vs->is_seq() && one_of(e.str("operator"), {"In", "NotIn"}))
      std::sort(vs->seq.begin(), vs->seq.end(),
                [](const Value& a, const Value& b) { return a.text < b.text; });
    std::string key(e.is_map() ? e.str("key") : "");
    bool single = e.is_map() && e.str("operator") == "In" && !key.empty() && vs && vs->is_seq() &&
                  vs->seq.size() == 1 && vs->seq[0].is_scalar();
    const Value* have = single ? labels->get(key) : nullptr;
    if (!single || (have && have->text != vs->seq[0].text)) {  // a contradiction selects nothing
      kept.push_back(std::move(e));
      continue;
    }
    if (!have) labels->set(key, vs->seq[0]);
  }
  exprs->seq = std::move(kept);
  if (exprs->seq.empty()) sel.erase("matchExpressions");
}

void record_env_order(Value& env) {
  if (!env.is_seq()) return;
  std::unordered_map<std::string, std::size_t> at;
  for (std::size_t i = 0; i < env.seq.size(); ++i)
    if (env.seq[i].is_map()) at.emplace(std::string(env.seq[i].str("name")), i);
  for (std::size_t i = 0; i < env.seq.size(); ++i) {
    Value& e = env.seq[i];
    // Only a literal `value` is expanded; a value from a ConfigMap or Secret is taken as it is.
    const Value* v = e.is_map() ? e.get("value") : nullptr;
    if (!v || !v->is_scalar()) continue;
    std::set<std::string> before;
    for (const auto& r : references(v->text))
      if (auto it = at.find(r); it != at.end() && it->second < i) before.insert(r);
    if (before.empty()) continue;
    Value list{Type::Seq};
    list.span = v->span;
    for (const auto& n : before) list.seq.push_back(scalar(n));
    e.set(kExpands, std::move(list));
  }
}

void record_init_order(Value& pod_spec) {
  const Value* inits = pod_spec.get("initContainers");
  if (!inits || !inits->is_seq() || inits->seq.size() < 2) return;
  Value order{Type::Seq};
  order.span = inits->span;
  for (const auto& c : inits->seq) {
    if (!c.is_map() || c.str("name").empty()) return;
    Value n = scalar(std::string(c.str("name")));
    n.span = c.span;
    order.seq.push_back(std::move(n));
  }
  pod_spec.set(kInitOrder, std::move(order));
}

std::vector<std::string> common_order(const Value& order, const Value& other) {
  std::unordered_set<std::string> in_other;
  for (const auto& n : other.seq) in_other.insert(n.text);
  std::vector<std::string> out;
  for (const auto& n : order.seq)
    if (in_other.count(n.text)) out.push_back(n.text);
  return out;
}

bool made_by_cluster(std::string_view kind, std::string_view ns, std::string_view name,
                     const Value& root, const std::unordered_set<std::string>& services) {
  if (const Value* o = owner_controller(root)) {
    std::string_view owner = o->str("kind");
    if (kind == "ReplicaSet" && owner == "Deployment") return true;
    if (kind == "Pod" &&
        one_of(owner, {"ReplicaSet", "StatefulSet", "DaemonSet", "Job", "ReplicationController"}))
      return true;
    if (kind == "Job" && owner == "CronJob") return true;
    if (kind == "ControllerRevision") return true;
    if (kind == "EndpointSlice" && owner == "Service") return true;
  }
  if (kind == "EndpointSlice") {
    if (const Value* m = root.get("metadata"))
      if (const Value* l = m->get("labels");
          l &&
          l->str("endpointslice.kubernetes.io/managed-by") == "endpointslice-controller.k8s.io")
        return true;
  }
  if (kind == "Endpoints") {
    return services.count(std::string(ns) + "/" + std::string(name)) > 0;
  }
  if (kind == "ConfigMap" && name == "kube-root-ca.crt") return true;
  if (kind == "ServiceAccount" && name == "default") {
    // Every namespace has one; only what a manifest can set about it makes it applied.
    for (const auto& e : root.map)
      if (!one_of(e.key, {"apiVersion", "kind", "metadata", "secrets"})) return false;
    return true;
  }
  return false;
}

bool allocated(std::string_view kind, std::string_view key) {
  if (kind == "Service") return one_of(key, {"nodePort", "healthCheckNodePort"});
  if (kind == "PersistentVolumeClaim") return key == "volumeName";
  return false;
}

void normalise_generated_names(Value& configmap) {
  static constexpr std::string_view kFrom = "Generated by stackc from ";
  Value* data = configmap.get("data");
  if (!data || !data->is_map()) return;
  for (auto& [key, v] : data->map) {
    if (!v.is_scalar() || v.text.find(kFrom) == std::string::npos) continue;
    std::string text;
    std::size_t from = 0;
    for (std::size_t at; (at = v.text.find(kFrom, from)) != std::string::npos;) {
      const std::size_t name = at + kFrom.size();
      // The name ends where the header or the dashboard's description goes on.
      std::size_t end = std::string::npos;
      for (std::string_view after : {". Do not edit", " for environment "}) {
        const std::size_t e = v.text.find(after, name);
        const std::size_t line = v.text.find('\n', name);
        if (e != std::string::npos && (line == std::string::npos || e < line))
          end = std::min(end, e);
      }
      if (end == std::string::npos) {
        text.append(v.text, from, name - from);
        from = name;
        continue;
      }
      text.append(v.text, from, name - from);
      text += "<the .stack file>";
      from = end;
    }
    if (from == 0) continue;
    text.append(v.text, from);
    if (v.shown.empty()) v.shown = v.text;
    v.text = std::move(text);
  }
}

}  // namespace stackc::diff
