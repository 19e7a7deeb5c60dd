// Two spellings of one Kubernetes object made one, and what the cluster makes left out, for
// `stackc diff` (called by normalise(), before the generic tidying): an HPA of
// `autoscaling/v1` (`targetCPUUtilizationPercentage`) or `v2beta1` is written as `v2` metrics;
// the `kubernetes.io/ingress.class` annotation is `spec.ingressClassName`, and an
// `extensions/v1beta1` backend the `networking.k8s.io/v1` one; a `matchExpressions` entry `In`
// with one value is a `matchLabels` label; a NetworkPolicy's defaulted `policyTypes` are
// dropped; the order of `env` entries is kept where it matters (`$(VAR)` of an earlier entry) and
// the order of `initContainers` always; objects the controllers make (ReplicaSets, Pods,
// Endpoints, `kube-root-ca.crt`...) are not compared. specs/diff.md lists every rule.
#pragma once

#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "diff/value.hpp"

namespace stackc::diff {

// The key, in a pod spec, of the made list of its init containers' names in their order (the
// comparison compares the order of the names both sides have).
inline constexpr std::string_view kInitOrder = "initContainerOrder";

// The key, in an env entry, of the made list of the variables its `$(VAR)` references expand
// (those defined before it in the same list).
inline constexpr std::string_view kExpands = "expands";

// An HPA of any version in the `autoscaling/v2` form, with the API server's defaults (CPU at
// 80 % when no metric is given; the scaling behaviour's rules) dropped.
void normalise_hpa(Value& root);

// An Ingress: the class annotation as `ingressClassName`, v1beta1 backends as v1 ones,
// `pathType: ImplementationSpecific` (v1beta1's default) dropped.
void normalise_ingress(Value& root);

// A NetworkPolicy's `policyTypes` dropped when they are what the server fills in (`Ingress`,
// and `Egress` when there are egress rules).
void normalise_network_policy(Value& root);

// A PersistentVolumeClaim: what binding and the provisioner add (annotations, the protection
// finalizer), `volumeMode: Filesystem`.
void normalise_claim(Value& root);

// A Job's selector and pod labels the controller adds (`batch.kubernetes.io/controller-uid`...).
void normalise_job_labels(Value& job_spec);

// A label selector (`selector`, `podSelector`, `namespaceSelector`, `labelSelector`): a
// `matchExpressions` entry `In` with one value becomes a `matchLabels` entry (when it does not
// contradict one), the values of `In`/`NotIn` a set. Node selector terms are not label selectors.
void normalise_selector(Value& sel);

// Before an env list is keyed by name: each entry whose literal `value` has `$(NAME)` of another
// entry of the list gets `expands: [NAME...]`, the names it references that come before it
// (those the kubelet replaces; a reference to a later one stays as written). A value from a
// ConfigMap or Secret (`valueFrom`) is never expanded.
void record_env_order(Value& env);

// Before a pod spec's `initContainers` are keyed by name: their names in order, as
// `initContainerOrder` of the pod spec.
void record_init_order(Value& pod_spec);

// Of two orders, the names both have, each in its own order; equal when the common names run in
// the same order.
std::vector<std::string> common_order(const Value& order, const Value& other);

// Whether an object was made by the cluster, not applied: owned by a controller of a kind that
// makes it (a ReplicaSet of a Deployment, Pods, a CronJob's Jobs, ControllerRevisions,
// EndpointSlices), an Endpoints object of a Service of `services` ("ns/name" of those with a
// selector), the namespace's `kube-root-ca.crt` ConfigMap, its `default` ServiceAccount.
bool made_by_cluster(std::string_view kind, std::string_view ns, std::string_view name,
                     const Value& root, const std::unordered_set<std::string>& services);

// Fields the cluster allocates when the applied object leaves them out (a Service's `nodePort`
// and `healthCheckNodePort`, a claim's `volumeName`): not a difference when only the manifests
// have them.
bool allocated(std::string_view kind, std::string_view key);

}  // namespace stackc::diff
