// Which differences are stackc's intended hardening: what `stackc build` adds or tightens on
// purpose (NetworkPolicies, PodDisruptionBudgets, a ServiceAccount per workload without its
// token, the Pod Security namespace, restricted security contexts, its labels, required
// resources...). They are reported apart from the differences, in named groups, and do not make
// `stackc diff` fail. specs/diff.md lists the rules.
#pragma once

#include <cstdint>
#include <string_view>

#include "diff/value.hpp"

namespace stackc::diff {

enum class Group : std::uint8_t {
  None,  // a difference
  NetworkPolicies,
  DisruptionBudgets,
  ServiceAccounts,
  Namespace,
  SecurityContext,
  Labels,
  Resources,
  EnvConfigMaps,
  Names,
  Defaults,
};
inline constexpr int kGroups = 11;

// "network-policies", "security-context", ... ("" for None).
std::string_view group_name(Group g);
// One sentence: why stackc does it.
std::string_view group_reason(Group g);

// Where a difference is.
struct Where {
  std::string_view kind;  // the object's kind
  std::string_view path;  // "spec.template.spec.containers[api].securityContext.runAsNonRoot"
  std::string_view key;   // its last key ("runAsNonRoot"); for an element of a keyed list, its key
  std::string_view list;  // for an element of a keyed list, the list's key ("volumeMounts")
  // The container's (or pod's) security contexts around it, when inside one.
  const Value* sc_stack = nullptr;
  const Value* sc_against = nullptr;
};

// The group of a field that differs (null: absent on that side).
Group classify(const Where& w, const Value* stack, const Value* against);

// The group of an object that only the stack has (`env_configmap`: a ConfigMap its workloads'
// environment values were read from). Of the objects only the manifests have, only such a
// ConfigMap is intended (env-configmaps): the rest are differences.
Group classify_object(std::string_view kind, bool env_configmap);

}  // namespace stackc::diff
