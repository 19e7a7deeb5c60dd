// The labels and annotations of a workload's own objects -> `object KIND { ... }`
// (specs/language.md §5.12, specs/import.md): those stackc writes itself are left out, as on the
// pods; the rest is written exactly, even a label the pods carry too.
#include <fmt/format.h>

#include "importer/kubernetes.hpp"

namespace stackc::importer {

using manifests::Node;

void object_fields(Context& c, const Node& metadata, std::string_view kind, bool versioned,
                   const std::string& what, Stmt& decl, std::vector<std::string>& comments) {
  Stmt block = Stmt::open(fmt::format("object {}", kind));
  // stackc's labels on every object, and the one it puts on a stateful's headless Service.
  const Node* labels = metadata.get("labels");
  if (versioned)  // a version's Deployment: `version` is the name of its `version` block
    labels_blocks(
        labels, "labels",
        {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
         "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
         "stackc.dev/headless", "version"},
        c, block, what + " label", comments);
  else
    labels_blocks(
        labels, "labels",
        {"app.kubernetes.io/name", "app.kubernetes.io/instance", "app.kubernetes.io/version",
         "app.kubernetes.io/component", "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by",
         "stackc.dev/headless"},
        c, block, what + " label", comments);
  // What Kubernetes, kubectl and stackc (the sync wave of a controller) write.
  const Node* annotations = metadata.get("annotations");
  if (kind == "controller")
    labels_blocks(annotations, "annotations",
                  {"argocd.argoproj.io/sync-wave", "deployment.kubernetes.io/revision",
                   "kubectl.kubernetes.io/last-applied-configuration"},
                  c, block, what + " annotation", comments);
  else
    labels_blocks(
        annotations, "annotations",
        {"deployment.kubernetes.io/revision", "kubectl.kubernetes.io/last-applied-configuration"},
        c, block, what + " annotation", comments);
  if (!block.body.empty()) decl.add(std::move(block));
}

}  // namespace stackc::importer
