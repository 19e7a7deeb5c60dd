#include "emit/gitops/gitops.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "emit/kubernetes/kubernetes.hpp"
#include "emit/yaml.hpp"

namespace stackc::emit::gitops {
namespace {

// Where Argo CD and Flux are installed by their own manifests and charts.
constexpr const char* kArgoNamespace = "argocd";
constexpr const char* kFluxNamespace = "flux-system";

Doc metadata(const model::Model& m, const model::Environment& e, const char* ns) {
  Doc md;
  md["name"] = m.stack.name + "-" + e.name;
  md["namespace"] = ns;
  md["labels"]["app.kubernetes.io/instance"] = m.stack.name + "-" + e.name;
  md["labels"]["app.kubernetes.io/part-of"] = m.stack.name;
  md["labels"]["app.kubernetes.io/managed-by"] = "stackc";
  return md;
}

// A Velero Schedule (component `backup-<name>`) lives in Velero's namespace: Flux's
// targetNamespace would move it into the environment's.
bool all_in_own_namespace(const model::Environment& e) {
  return std::none_of(e.backups.begin(), e.backups.end(),
                      [](const model::Backup& b) { return b.of_resources; });
}

}  // namespace

std::string revision(const model::Model& m, const model::Environment& e) {
  return e.branch.empty() ? m.gitops.revision : e.branch;
}

std::string argocd_path(const model::Model& m, const model::Environment& e) {
  const std::string& root = m.gitops.path;
  if (m.gitops.deploy == "helm") return root + "/helm/" + m.stack.name;
  if (m.gitops.deploy == "kustomize") return root + "/kustomize/overlays/" + e.name;
  return root + "/kubernetes/" + e.name;
}

std::string flux_path(const model::Model& m, const model::Environment& e) {
  const std::string& root = m.gitops.path;
  if (m.gitops.deploy == "kustomize") return "./" + root + "/kustomize/overlays/" + e.name;
  return "./" + root + "/kubernetes/" + e.name;
}

std::string go_duration(std::int64_t seconds) {
  if (seconds % 3600 == 0) return fmt::format("{}h", seconds / 3600);
  if (seconds % 60 == 0) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}s", seconds);
}

Doc application(const model::Model& m, const model::Environment& e) {
  Doc a;
  a["apiVersion"] = "argoproj.io/v1alpha1";
  a["kind"] = "Application";
  a["metadata"] = metadata(m, e, kArgoNamespace);
  Doc& spec = a["spec"];
  spec["project"] = m.gitops.project;
  Doc& src = spec["source"];
  src["repoURL"] = m.gitops.repository;
  src["targetRevision"] = revision(m, e);
  src["path"] = argocd_path(m, e);
  if (m.gitops.deploy == "helm") {
    // The templates read only .Values, so the release name changes no object (§7).
    src["helm"]["releaseName"] = m.stack.name;
    src["helm"]["valueFiles"] = Doc::array({Doc("values-" + e.name + ".yaml")});
  }
  spec["destination"]["server"] = m.gitops.server;
  spec["destination"]["namespace"] = e.ns;
  Doc& sync = spec["syncPolicy"];
  if (!e.manual_approval) {
    sync["automated"]["prune"] = true;
    sync["automated"]["selfHeal"] = true;
  }
  // The Namespace is one of the generated objects (00-namespace.yaml, the chart's
  // createNamespace, the overlay's resources): Argo CD applies it, it does not make one.
  sync["syncOptions"] = Doc::array({Doc("CreateNamespace=false")});
  return a;
}

Doc git_repository(const model::Model& m, const model::Environment& e) {
  Doc g;
  g["apiVersion"] = "source.toolkit.fluxcd.io/v1";
  g["kind"] = "GitRepository";
  g["metadata"] = metadata(m, e, kFluxNamespace);
  g["spec"]["interval"] = go_duration(m.gitops.interval);
  g["spec"]["url"] = m.gitops.repository;
  g["spec"]["ref"]["branch"] = revision(m, e);
  return g;
}

Doc kustomization(const model::Model& m, const model::Environment& e) {
  Doc k;
  k["apiVersion"] = "kustomize.toolkit.fluxcd.io/v1";
  k["kind"] = "Kustomization";
  k["metadata"] = metadata(m, e, kFluxNamespace);
  Doc& spec = k["spec"];
  spec["interval"] = go_duration(m.gitops.interval);
  spec["sourceRef"]["kind"] = "GitRepository";
  spec["sourceRef"]["name"] = m.stack.name + "-" + e.name;
  spec["path"] = flux_path(m, e);
  spec["prune"] = true;
  // Every object already names its namespace; targetNamespace only guards that, and is left out
  // where an object lives in another namespace (a Velero Schedule), which it would move.
  if (all_in_own_namespace(e)) spec["targetNamespace"] = e.ns;
  return k;
}

void argocd(const model::Model& m, const std::vector<std::string>& envs, const std::string& source,
            Output& out) {
  if (!m.gitops.present) return;
  for (const auto& e : m.environments) {
    if (!kubernetes::selected(envs, e.name)) continue;
    std::string text = header(source);
    text += e.manual_approval
                ? "# approval = manual: Argo CD shows the difference and syncs when a person "
                  "says so.\n"
                : "# Argo CD syncs every change of the folder, prunes and heals drift.\n";
    text += "# kubectl apply -f argocd/" + e.name + ".yaml (Argo CD in the argocd namespace)\n";
    text += to_yaml(application(m, e));
    out.add("argocd/" + e.name + ".yaml", std::move(text));
  }
}

void flux(const model::Model& m, const std::vector<std::string>& envs, const std::string& source,
          Output& out) {
  if (!m.gitops.present) return;
  for (const auto& e : m.environments) {
    if (!kubernetes::selected(envs, e.name)) continue;
    std::string text = header(source);
    text += "# kubectl apply -f flux/" + e.name + ".yaml (Flux in flux-system)\n";
    text += "---\n" + to_yaml(git_repository(m, e));
    text += "---\n" + to_yaml(kustomization(m, e));
    out.add("flux/" + e.name + ".yaml", std::move(text));
  }
}

}  // namespace stackc::emit::gitops
