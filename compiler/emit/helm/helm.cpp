#include "emit/helm/helm.hpp"

#include <algorithm>
#include <string_view>
#include <unordered_map>

#include "base/embed.hpp"
#include "check/security.hpp"
#include "emit/kubernetes/kubernetes.hpp"

namespace stackc::embed {
extern const File helm_chart_files[];
extern const std::size_t helm_chart_files_count;
}  // namespace stackc::embed

namespace stackc::emit::helm {
namespace {

using kubernetes::Object;

// The objects of one environment by name (and then kind): found without building strings.
class Index {
 public:
  explicit Index(const std::vector<Object>& objs) {
    by_.reserve(objs.size());
    for (const auto& o : objs) by_[o.doc["metadata"]["name"].str()].push_back(&o.doc);
  }
  const Doc* find(std::string_view kind, std::string_view name) const {
    auto it = by_.find(name);
    if (it == by_.end()) return nullptr;
    for (const Doc* d : it->second)
      if ((*d)["kind"] == kind) return d;
    return nullptr;
  }

 private:
  std::unordered_map<std::string_view, std::vector<const Doc*>> by_;
};

// The values of an environment before its workloads: the stack, the names, the secrets.
Doc values_head(const model::Model& m, const model::Environment& e,
                const std::vector<Object>& objs) {
  Doc v;
  v["stack"]["name"] = m.stack.name;
  if (!m.stack.version.empty()) v["stack"]["version"] = m.stack.version;
  Doc labels = Doc::object();
  for (const auto& [k, val] : m.stack.labels) labels[k] = val;
  v["stack"]["labels"] = labels;
  v["environment"] = e.name;
  v["namespace"] = e.ns;
  v["instance"] = m.stack.name + "-" + e.name;
  v["createNamespace"] = true;
  // The namespace's Pod Security level, when a workload's exceptions lower it (targets.md §5.4).
  if (auto level = check::namespace_level(e); level != check::PodSecurity::Restricted)
    v["podSecurity"] = std::string(check::pod_security_name(level));
  Doc secrets = Doc::object();
  for (const auto& o : objs) {
    if (o.doc["kind"] == "SecretStore") {
      const auto& vault = o.doc["spec"]["provider"]["vault"];
      Doc s;
      s["name"] = o.doc["metadata"]["name"];
      s["server"] = vault["server"];
      s["path"] = vault["path"];
      s["version"] = vault["version"];
      s["role"] = vault["auth"]["kubernetes"]["role"];
      v["secretStore"] = s;
    } else if (o.doc["kind"] == "ExternalSecret") {
      Doc s;
      s["refreshInterval"] = o.doc["spec"]["refreshInterval"];
      s["store"] = o.doc["spec"]["secretStoreRef"]["name"];
      s["data"] = Doc::ref(o.doc["spec"]["data"]);
      secrets[o.doc["metadata"]["name"].get<std::string>()] = s;
    }
  }
  v["externalSecrets"] = secrets;
  return v;
}

// `object KIND { ... }` of a workload (language.md §5.12): `objects.controller`, `.service`
// and `.serviceAccount`, each `labels` and `annotations`, as the Kubernetes lowering writes them
// (a shared ServiceAccount's: those of every workload that runs as it, in the model already).
void object_values(Doc& x, const model::Workload& w) {
  auto put = [&](const char* key, const model::Workload::ObjectMeta& o) {
    for (const auto& [k, v] : o.labels) x["objects"][key]["labels"][k] = v;
    for (const auto& [k, v] : o.annotations) x["objects"][key]["annotations"][k] = v;
  };
  put("controller", w.controller_meta);
  if (x.contains("service")) put("service", w.service_meta);
  if (!x["serviceAccount"].contains("create")) put("serviceAccount", w.account_meta);
}

// One workload's values, read back from its lowered objects (`find(kind, name)` finds them);
// null when it has no workload object. Collections are taken as refs (Doc::ref) to the
// objects', which outlive the values: the values of a large stack are most of its objects again.
// `owns_sa(name)`: whether the ServiceAccount `name` is among the workload's own objects (a shared
// one is made by one workload only).
template <class Find, class Owns>
Doc workload_values(const model::Workload& w, const Find& find, const Owns& owns_sa) {
  const std::string& n = w.name;
  Doc x;
  const Doc* main = nullptr;
  for (const char* kind : {"Deployment", "StatefulSet", "Job", "CronJob"})
    if (!main) main = find(kind, n);
  if (!main) return Doc();
  x["kind"] = (*main)["kind"];
  x["syncWave"] = (*main)["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"];
  x["component"] = (*main)["metadata"]["labels"]["app.kubernetes.io/component"];
  // A version of a versioned workload: its pods are labelled with the workload's name and the
  // version's; the Service and Ingress (named after the workload) are its first version's.
  if (!w.group.empty()) {
    x["versionOf"]["workload"] = w.group;
    x["versionOf"]["version"] = w.version;
  }
  const std::string& shared = w.group.empty() ? n : w.group;
  const bool makes_shared = w.group.empty() || w.group_head;
  // The version label follows the workload's own image (absent when it has no valid one).
  if ((*main)["metadata"]["labels"].contains("app.kubernetes.io/version"))
    x["version"] = (*main)["metadata"]["labels"]["app.kubernetes.io/version"];
  x["serviceAccount"] = Doc::object();  // filled from the pod spec below, keeps its place
  if (const Doc* cm = find("ConfigMap", n + "-env")) x["config"] = Doc::ref((*cm)["data"]);
  if (const Doc* svc = makes_shared ? find("Service", shared) : nullptr) {
    const Doc& spec = (*svc)["spec"];
    x["service"]["ports"] = Doc::ref(spec["ports"]);
    const Doc* headless = find("Service", n + "-headless");
    x["service"]["headless"] = headless != nullptr;
    // An exposed Service (`expose`): its type and source ranges; the headless one keeps its
    // own ports (without node ports).
    if (spec["type"] != "ClusterIP") {
      x["service"]["type"] = spec["type"];
      if (spec.contains("externalTrafficPolicy"))
        x["service"]["externalTrafficPolicy"] = spec["externalTrafficPolicy"];
      if (spec.contains("loadBalancerSourceRanges"))
        x["service"]["loadBalancerSourceRanges"] = Doc::ref(spec["loadBalancerSourceRanges"]);
      if (headless && (*headless)["spec"]["ports"] != spec["ports"])
        x["service"]["headlessPorts"] = Doc::ref((*headless)["spec"]["ports"]);
    }
  }
  const Doc* pod_spec = nullptr;
  const Doc& spec = (*main)["spec"];
  if (spec.contains("replicas")) x["replicas"] = spec["replicas"];
  if (x["kind"] == "Deployment") x["revisionHistoryLimit"] = spec["revisionHistoryLimit"];
  if (x["kind"] == "CronJob") {
    x["cron"]["schedule"] = spec["schedule"];
    const Doc& js = spec["jobTemplate"]["spec"];
    x["job"]["backoffLimit"] = js["backoffLimit"];
    if (js.contains("activeDeadlineSeconds"))
      x["job"]["activeDeadlineSeconds"] = js["activeDeadlineSeconds"];
    pod_spec = &js["template"]["spec"];
  } else {
    if (x["kind"] == "Job") {
      x["job"]["backoffLimit"] = spec["backoffLimit"];
      if (spec.contains("activeDeadlineSeconds"))
        x["job"]["activeDeadlineSeconds"] = spec["activeDeadlineSeconds"];
    }
    pod_spec = &spec["template"]["spec"];
  }
  if (x["kind"] == "StatefulSet")
    x["volumeClaimTemplates"] = Doc::ref(spec["volumeClaimTemplates"]);
  {
    // The pod's token setting (a shared ServiceAccount is made with its first workload's).
    const Doc& sa = (*pod_spec)["serviceAccountName"];
    x["serviceAccount"]["automountToken"] = (*pod_spec)["automountServiceAccountToken"];
    if (sa != n) x["serviceAccount"]["name"] = sa;
    if (!owns_sa(sa.str())) x["serviceAccount"]["create"] = false;
  }
  x["pod"]["securityContext"] = Doc::ref((*pod_spec)["securityContext"]);
  {
    const Doc& tmeta = x["kind"] == "CronJob" ? spec["jobTemplate"]["spec"]["template"]["metadata"]
                                              : spec["template"]["metadata"];
    if (tmeta.contains("annotations")) x["pod"]["annotations"] = Doc::ref(tmeta["annotations"]);
    // The pod's own labels: those beyond the workload's (which every object carries; those of
    // `object controller` are the controller's alone).
    Doc extra = Doc::object();
    const Doc& own = (*main)["metadata"]["labels"];
    auto controllers = [&](std::string_view k) {
      return std::any_of(w.controller_meta.labels.begin(), w.controller_meta.labels.end(),
                         [&](const auto& kv) { return kv.first == k; });
    };
    for (const auto& [k, v] : tmeta["labels"].items())
      if (!own.contains(k) || controllers(k)) extra[k] = v;
    if (!extra.empty()) x["pod"]["labels"] = std::move(extra);
  }
  if (pod_spec->contains("terminationGracePeriodSeconds"))
    x["pod"]["terminationGracePeriodSeconds"] = (*pod_spec)["terminationGracePeriodSeconds"];
  if (pod_spec->contains("restartPolicy")) x["pod"]["restartPolicy"] = (*pod_spec)["restartPolicy"];
  if (pod_spec->contains("nodeSelector"))
    x["pod"]["nodeSelector"] = Doc::ref((*pod_spec)["nodeSelector"]);
  if (pod_spec->contains("volumes")) x["pod"]["volumes"] = Doc::ref((*pod_spec)["volumes"]);
  if (pod_spec->contains("affinity")) x["pod"]["affinity"] = Doc::ref((*pod_spec)["affinity"]);
  if (pod_spec->contains("topologySpreadConstraints"))
    x["pod"]["topologySpreadConstraints"] = Doc::ref((*pod_spec)["topologySpreadConstraints"]);
  if (pod_spec->contains("initContainers"))
    x["initContainers"] = Doc::ref((*pod_spec)["initContainers"]);
  x["containers"] = Doc::ref((*pod_spec)["containers"]);
  if (const Doc* np = find("NetworkPolicy", n)) {
    if ((*np)["spec"].contains("ingress"))
      x["networkPolicy"]["ingress"] = Doc::ref((*np)["spec"]["ingress"]);
    x["networkPolicy"]["egress"] = Doc::ref((*np)["spec"]["egress"]);
  }
  if (const Doc* hpa = find("HorizontalPodAutoscaler", n)) {
    x["autoscaling"]["minReplicas"] = (*hpa)["spec"]["minReplicas"];
    x["autoscaling"]["maxReplicas"] = (*hpa)["spec"]["maxReplicas"];
    x["autoscaling"]["metrics"] = Doc::ref((*hpa)["spec"]["metrics"]);
  }
  if (const Doc* pdb = find("PodDisruptionBudget", n)) {
    Doc budget = (*pdb)["spec"];
    budget.erase("selector");
    x["disruptionBudget"] = budget;
  }
  if (const Doc* ing = makes_shared ? find("Ingress", shared) : nullptr) {
    if ((*ing)["metadata"].contains("annotations"))
      x["ingress"]["annotations"] = Doc::ref((*ing)["metadata"]["annotations"]);
    x["ingress"]["spec"] = Doc::ref((*ing)["spec"]);
  }
  object_values(x, w);
  return x;
}

// The objects the chart carries whole (Object::raw), by kind/name.
Doc raw_objects(const std::vector<Object>& objs) {
  Doc raw = Doc::object();
  for (const auto& o : objs)
    if (o.raw)
      raw[o.doc["kind"].get<std::string>() + "/" + o.doc["metadata"]["name"].get<std::string>()] =
          Doc::ref(o.doc);
  return raw;
}

// The values of one environment, read back from its lowered objects.
Doc values(const model::Model& m, const model::Environment& e, const std::vector<Object>& objs) {
  const Index index(objs);
  auto find = [&](std::string_view kind, std::string_view name) { return index.find(kind, name); };
  Doc v = values_head(m, e, objs);
  std::unordered_map<std::string_view, std::string_view> sa_of;  // ServiceAccount -> component
  for (const auto& o : objs)
    if (o.doc["kind"] == "ServiceAccount")
      sa_of.emplace(o.doc["metadata"]["name"].str(), o.component);
  Doc workloads = Doc::object();
  for (const auto& w : e.workloads) {
    auto owns = [&](std::string_view sa) {
      auto it = sa_of.find(sa);
      return it != sa_of.end() && it->second == w.name;
    };
    Doc x = workload_values(w, find, owns);
    // Names are unique: append, without a search for the key.
    if (!x.is_null()) workloads.append(w.name, std::move(x));
  }
  v["workloads"] = std::move(workloads);
  v["objects"] = raw_objects(objs);
  return v;
}

// What turns `base` into `target` when Helm merges it over `base`: changed and new keys, and
// null for keys `target` does not have. Lists are replaced whole, as Helm does.
Doc override(const Doc& base, const Doc& target) {
  // Doc finds keys by a linear search: index both sides once (a stack's workloads are thousands
  // of keys).
  std::unordered_map<std::string_view, const Doc*> in_target, in_base;
  for (const auto& [k, t] : target.items()) in_target.emplace(k, &t);
  for (const auto& [k, b] : base.items()) in_base.emplace(k, &b);
  Doc out = Doc::object();
  for (const auto& [k, b] : base.items()) {
    auto it = in_target.find(k);
    if (it == in_target.end()) {
      out.append(k, nullptr);
      continue;
    }
    const Doc& t = *it->second;
    if (b.is_object() && t.is_object()) {
      Doc sub = override(b, t);
      if (!sub.empty()) out.append(k, std::move(sub));
    } else if (b != t) {
      out.append(k, t);
    }
  }
  for (const auto& [k, t] : target.items())
    if (!in_base.count(k)) out.append(k, t);
  return out;
}

// values.schema.json: the shape of the values, with the types the checker guarantees.
std::string schema() {
  Doc s;
  s["$schema"] = "https://json-schema.org/draft-07/schema#";
  s["title"] = "Values of a chart generated by stackc";
  s["type"] = "object";
  s["required"] = Doc::array({"stack", "environment", "namespace", "instance", "workloads"});
  s["properties"]["stack"]["type"] = "object";
  s["properties"]["stack"]["required"] = Doc::array({"name"});
  s["properties"]["environment"]["type"] = "string";
  s["properties"]["namespace"]["type"] = "string";
  s["properties"]["namespace"]["pattern"] = "^[a-z0-9]([-a-z0-9]*[a-z0-9])?$";
  s["properties"]["namespace"]["maxLength"] = 63;
  s["properties"]["instance"]["type"] = "string";
  s["properties"]["createNamespace"]["type"] = "boolean";
  s["properties"]["podSecurity"]["enum"] = Doc::array({"restricted", "baseline", "privileged"});
  Doc w;
  w["type"] = "object";
  w["required"] = Doc::array({"kind", "component", "serviceAccount", "pod", "containers"});
  w["properties"]["kind"]["enum"] = Doc::array({"Deployment", "StatefulSet", "Job", "CronJob"});
  w["properties"]["version"]["type"] = "string";
  w["properties"]["component"]["enum"] =
      Doc::array({"service", "worker", "stateful", "job", "cron"});
  w["properties"]["versionOf"]["type"] = "object";
  w["properties"]["versionOf"]["required"] = Doc::array({"workload", "version"});
  w["properties"]["replicas"]["type"] = "integer";
  w["properties"]["replicas"]["minimum"] = 0;
  w["properties"]["autoscaling"]["type"] = Doc::array({"object", "null"});
  w["properties"]["autoscaling"]["properties"]["minReplicas"]["type"] = "integer";
  w["properties"]["autoscaling"]["properties"]["minReplicas"]["minimum"] = 1;
  w["properties"]["autoscaling"]["properties"]["maxReplicas"]["type"] = "integer";
  w["properties"]["containers"]["type"] = "array";
  w["properties"]["containers"]["minItems"] = 1;
  s["properties"]["workloads"]["type"] = "object";
  s["properties"]["workloads"]["additionalProperties"] = w;
  return s.dump(2) + "\n";
}

}  // namespace

void workload_values_text(const model::Workload& w, const kubernetes::Object* objects,
                          std::size_t count, std::string& text) {
  // A workload has a handful of objects: a search through them finds what Index finds.
  auto find = [&](std::string_view kind, std::string_view name) -> const Doc* {
    for (std::size_t i = 0; i < count; ++i) {
      const Doc& d = objects[i].doc;
      if (d["metadata"]["name"] == name && d["kind"] == kind) return &d;
    }
    return nullptr;
  };
  Doc x = workload_values(
      w, find, [&](std::string_view sa) { return find("ServiceAccount", sa) != nullptr; });
  if (x.is_null()) return;
  Doc entry = Doc::object();
  entry.append(w.name, std::move(x));
  write_yaml_members(text, entry, 2);
}

void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, Output& out) {
  if (lowered.empty()) return;
  std::string dir = "helm/" + m.stack.name + "/";
  Doc chart;
  chart["apiVersion"] = "v2";
  chart["name"] = m.stack.name;
  chart["description"] = "The " + m.stack.name + " stack, generated by stackc from " + source;
  chart["type"] = "application";
  // A chart needs a SemVer version: a stack without its own images may have no version.
  chart["version"] = m.stack.version.empty() ? "0.0.0" : m.stack.version;
  if (!m.stack.version.empty()) chart["appVersion"] = m.stack.version;
  out.add(dir + "Chart.yaml", header(source) + to_yaml(chart));
  out.add(dir + "values.schema.json", schema());
  const auto& front = lowered.front();
  const auto& first = *front.env;
  // The defaults as a document: what the other environments' values are compared with, and
  // values.yaml when the workloads' values were not printed as they were lowered.
  Doc defaults;
  if (lowered.size() > 1 || !front.streamed()) defaults = values(m, first, front.objects);
  {
    // Printed straight after the header: the values of a large stack are tens of megabytes.
    std::string text = header(source) + "# The settings of the `" + first.name +
                       "` environment; values-ENV.yaml overrides them for each environment.\n";
    if (!front.streamed()) {
      write_yaml(text, defaults);
      out.add(dir + "values.yaml", std::move(text));
    } else {
      // The same text in pieces: the head, the workloads' values printed as they were lowered
      // (workload_text), and the raw objects.
      write_yaml(text, values_head(m, first, front.objects));
      std::vector<Part> parts;
      for (const auto& t : front.workload_text) t.parts(parts);
      if (parts.empty()) {
        Doc none;
        none["workloads"] = Doc::object();
        write_yaml(text, none);
      } else {
        text += "workloads:\n";
      }
      Doc tail;
      tail["objects"] = raw_objects(front.objects);
      parts.push_back(out.keep(to_yaml(tail)));
      out.add(dir + "values.yaml", std::move(text), std::move(parts));
    }
  }
  for (const auto& [env, objects, configs, workload_text] : lowered) {
    const auto& e = *env;
    if (!kubernetes::selected(envs, e.name)) continue;
    // The first environment's values are the defaults: nothing to override.
    Doc o = &e == &first ? Doc::object() : override(defaults, values(m, e, objects));
    std::string text =
        header(source) + "# helm install " + m.stack.name + " . -f values-" + e.name + ".yaml\n";
    if (!o.empty()) write_yaml(text, o);
    out.add(dir + "values-" + e.name + ".yaml", std::move(text));
  }
  for (std::size_t i = 0; i < embed::helm_chart_files_count; ++i) {
    const auto& f = embed::helm_chart_files[i];
    out.add(dir + std::string(f.path), std::string(f.text));
  }
}

}  // namespace stackc::emit::helm
