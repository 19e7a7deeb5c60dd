#include "diff/hardening.hpp"

#include <algorithm>
#include <array>
#include <initializer_list>

namespace stackc::diff {
namespace {

bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

bool ends_with(std::string_view s, std::string_view tail) {
  return s.size() >= tail.size() && s.substr(s.size() - tail.size()) == tail;
}

bool is(const Value* v, std::string_view text) {
  return v && v->is_scalar() && v->text == text;
}

bool absent_or(const Value* v, std::string_view text) {
  return !v || is(v, text);
}

// The keys stackc writes itself, which a .stack cannot set (E2043): where one side alone has
// one, stackc's scheme, not a difference. Any other key under those prefixes a .stack can carry
// (`labels "app.kubernetes.io" { created-by = ... }`, `object controller { annotations
// "argocd.argoproj.io" { sync-options = ... } }`): a difference like any label's.
bool stackc_writes(std::string_view key) {
  for (std::string_view p : {"stackc.dev/", "pod-security.kubernetes.io/", "helm.sh/"})
    if (key.rfind(p, 0) == 0) return true;
  return one_of(
      key, {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
            "app.kubernetes.io/component", "app.kubernetes.io/part-of",
            "app.kubernetes.io/managed-by", "argocd.argoproj.io/sync-wave"});
}

bool all_stackc_labels(const Value* v) {
  return v && v->is_map() && std::all_of(v->map.begin(), v->map.end(), [](const Entry& e) {
           return stackc_writes(e.key);
         });
}

bool has(const Value* list, std::string_view text) {
  return list && list->is_seq() &&
         std::any_of(list->seq.begin(), list->seq.end(),
                     [&](const Value& v) { return v.text == text; });
}

const Value* caps(const Value* sc, std::string_view which) {
  const Value* c = sc ? sc->get("capabilities") : nullptr;
  return c ? c->get(which) : nullptr;
}

// The capabilities a container runtime gives a container by default (containerd, CRI-O).
bool runtime_default(std::string_view cap) {
  return one_of(cap,
                {"CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "SETGID", "SETUID", "SETPCAP",
                 "NET_BIND_SERVICE", "NET_RAW", "SYS_CHROOT", "MKNOD", "AUDIT_WRITE", "SETFCAP"});
}

// The stack drops every capability and adds back only defaults (or what the manifest added):
// fewer than the manifest's.
bool narrower_caps(const Value* sc_stack, const Value* sc_against) {
  if (!has(caps(sc_stack, "drop"), "ALL") || has(caps(sc_against, "drop"), "ALL")) return false;
  const Value* add = caps(sc_stack, "add");
  if (!add) return true;
  return std::all_of(add->seq.begin(), add->seq.end(), [&](const Value& c) {
    return runtime_default(c.text) || has(caps(sc_against, "add"), c.text);
  });
}

bool security_hardening(const Where& w, const Value* s, const Value* a) {
  std::string_view k = w.key;
  if (k == "allowPrivilegeEscalation") return is(s, "false") && absent_or(a, "true");
  if (k == "readOnlyRootFilesystem") return is(s, "true") && absent_or(a, "false");
  if (k == "runAsNonRoot") return is(s, "true") && absent_or(a, "false");
  if (k == "privileged") return false;
  if (k == "seccompProfile" || (k == "type" && ends_with(w.path, "seccompProfile.type"))) {
    const Value* st = k == "type" ? s : (s ? s->get("type") : nullptr);
    const Value* at = k == "type" ? a : (a ? a->get("type") : nullptr);
    return st && (st->text == "RuntimeDefault" || st->text == "Localhost") &&
           absent_or(at, "Unconfined");
  }
  if (one_of(k, {"runAsUser", "runAsGroup", "fsGroup", "supplementalGroups"}))
    return s && !a && !is(s, "0");
  if (k == "capabilities" || k == "drop" || k == "add" || (w.list == "drop" || w.list == "add"))
    return narrower_caps(w.sc_stack, w.sc_against);
  if (k == "securityContext" && !a)
    return !(s && s->get("privileged") && is(s->get("privileged"), "true"));
  return false;
}

}  // namespace

std::string_view group_name(Group g) {
  static constexpr std::array<std::string_view, kGroups> names{"",
                                                               "network-policies",
                                                               "disruption-budgets",
                                                               "service-accounts",
                                                               "namespace",
                                                               "security-context",
                                                               "labels",
                                                               "resources",
                                                               "env-configmaps",
                                                               "names",
                                                               "defaults"};
  return names[static_cast<std::size_t>(g)];
}

std::string_view group_reason(Group g) {
  switch (g) {
    case Group::NetworkPolicies:
      return "stackc admits exactly the declared dependencies (deny by default)";
    case Group::DisruptionBudgets:
      return "stackc keeps replicated workloads available through node drains";
    case Group::ServiceAccounts:
      return "a ServiceAccount per workload, without a mounted API token";
    case Group::Namespace:
      return "the namespace, labelled for Pod Security admission";
    case Group::SecurityContext:
      return "restricted security contexts: non-root, no privilege escalation, read-only root "
             "filesystem (with a writable /tmp), capabilities dropped, RuntimeDefault seccomp";
    case Group::Labels:
      return "stackc's labels and annotations (app.kubernetes.io/*, stackc.dev/*), and the "
             "selectors made of them (a selector cannot be changed in place: the workload is "
             "replaced)";
    case Group::Resources:
      return "requests and limits, which stackc requires of every container";
    case Group::EnvConfigMaps:
      return "environment values kept in a ConfigMap per workload (the values are compared in "
             "each container's env)";
    case Group::Names:
      return "names stackc gives what the manifest leaves unnamed (ports, the main container)";
    case Group::Defaults:
      return "stackc's own settings where the manifest leaves Kubernetes' default "
             "(revisionHistoryLimit 5 in place of 10)";
    case Group::None:
      break;
  }
  return "";
}

Group classify_object(std::string_view kind, bool env_configmap) {
  if (kind == "NetworkPolicy") return Group::NetworkPolicies;
  if (kind == "PodDisruptionBudget") return Group::DisruptionBudgets;
  if (kind == "ServiceAccount") return Group::ServiceAccounts;
  if (kind == "Namespace") return Group::Namespace;
  if (kind == "ConfigMap" && env_configmap) return Group::EnvConfigMaps;
  return Group::None;
}

Group classify(const Where& w, const Value* s, const Value* a) {
  std::string_view path = w.path;
  if (w.sc_stack || w.sc_against || w.key == "securityContext")
    return security_hardening(w, s, a) ? Group::SecurityContext : Group::None;
  // The writable /tmp of a read-only root filesystem.
  if (w.list == "volumeMounts" && w.key == "/tmp" && s && !a) {
    const Value* vol = s->get("volume");
    if (vol && vol->get("emptyDir")) return Group::SecurityContext;
  }
  if (w.key == "automountServiceAccountToken")
    return is(s, "false") && absent_or(a, "true") ? Group::ServiceAccounts : Group::None;
  if (w.key == "serviceAccountName") return s && !a ? Group::ServiceAccounts : Group::None;
  // Labels and annotations: stackc's keys, wherever they are.
  bool in_meta = path.find("metadata.labels") != std::string_view::npos ||
                 path.find("metadata.annotations") != std::string_view::npos;
  if (in_meta) {
    if (ends_with(path, "labels") || ends_with(path, "annotations"))
      return !a && all_stackc_labels(s) ? Group::Labels : Group::None;
    // A key of stackc's that the manifests lack (or have alone); where both have it with other
    // values, a difference (a workload's component, a version), but for the digest of its
    // configuration and its Argo CD sync wave.
    if (!stackc_writes(w.key)) return Group::None;
    bool own = w.key.rfind("stackc.dev/", 0) == 0 || w.key == "argocd.argoproj.io/sync-wave";
    return !(s && a) || own ? Group::Labels : Group::None;
  }
  // A workload's own selector: the labels its pods carry.
  if (path.rfind("spec.selector", 0) == 0 &&
      one_of(w.kind, {"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job"}))
    return Group::Labels;
  // Requests and limits where the manifest has none.
  if (!a && s &&
      (w.key == "resources" || ends_with(path, ".resources.limits") ||
       ends_with(path, ".resources.requests") ||
       path.find(".resources.limits.") != std::string_view::npos ||
       path.find(".resources.requests.") != std::string_view::npos))
    return Group::Resources;
  if (w.key == "revisionHistoryLimit" && s && !a) return Group::Defaults;
  // A port's name, which every port of a .stack has.
  if (w.key == "name" && !a && s && path.find("ports[") != std::string_view::npos)
    return Group::Names;
  return Group::None;
}

}  // namespace stackc::diff
