// Normalisation: each object of one side of a comparison rewritten so that two objects
// Kubernetes would run the same way compare equal. Defaults the API server applies are removed
// where written (`type: ClusterIP`, `protocol: TCP`, `imagePullPolicy` for the tag, probe
// timings, `revisionHistoryLimit: 10`...), as are empty maps and lists and what the server adds
// (status, uid, managedFields...); lists keyed by a field become keyed maps (containers, env,
// ports, mounts by mountPath); a mount carries its volume in place of the volume's name; the
// pod's security context is merged into each container's; environment values taken from a
// ConfigMap of the same set are replaced by the value; a Service's selector becomes the
// workloads it selects and a named target port its number; quantities and images are compared by
// value. specs/diff.md lists every rule.
#pragma once

#include <string>
#include <unordered_set>
#include <vector>

#include "diff/value.hpp"
#include "manifests/yaml.hpp"

namespace stackc::diff {

struct Object {
  std::string kind, ns, name, api_version;
  Value root;              // normalised; apiVersion, kind, metadata.name and namespace taken out
  base::Span span;         // where the document starts
  std::string id() const;  // "Deployment/shop/api" ("Namespace/shop" without a namespace)
};

struct Side {
  std::vector<Object> objects;
  // "namespace/name" of the ConfigMaps whose data environment values were resolved from.
  std::unordered_set<std::string> env_configmaps;
  // "Kind/namespace/name" of the workloads an HorizontalPodAutoscaler of the side scales (their
  // `replicas` is the autoscaler's).
  std::unordered_set<std::string> autoscaled;
};

// Normalises the objects of one side (documents without a name are left out: the caller
// reports them). Each document's node tree is freed as soon as it is converted.
Side normalise(std::vector<manifests::Document> docs);

// Whether a kind has no namespace (Namespace, ClusterRole, ...).
bool cluster_scoped(std::string_view kind);

}  // namespace stackc::diff
