#include "emit/gitops/gitops.hpp"

#include <gtest/gtest.h>

#include "check/gitops.hpp"
#include "emit/yaml.hpp"

namespace stackc::emit::gitops {
namespace {

// A shop with three environments: dev follows `gitops.revision`, staging and production their
// own branches; production waits for a person; staging backs up its configuration with Velero.
model::Model shop() {
  model::Model m;
  m.stack.name = "shop";
  m.gitops.present = true;
  m.gitops.repository = "https://github.com/shop/platform";
  m.gitops.path = "out/shop";
  for (const char* name : {"dev", "staging", "production"}) {
    model::Environment e;
    e.name = name;
    e.ns = std::string("shop-") + name;
    m.environments.push_back(std::move(e));
  }
  m.environments[1].branch = "develop";
  m.environments[2].branch = "release";
  m.environments[2].manual_approval = true;
  model::Backup b;
  b.name = "config";
  b.of_resources = true;
  m.environments[1].backups.push_back(b);
  return m;
}

std::string file(const Output& out, const std::string& path) {
  for (const auto& f : out.files)
    if (f.path == path) return f.text;
  ADD_FAILURE() << "no file " << path;
  return "";
}

TEST(GitOps, ApplicationOfPlainManifests) {
  auto m = shop();
  Doc a = application(m, m.environments[0]);
  EXPECT_EQ(a["apiVersion"], "argoproj.io/v1alpha1");
  EXPECT_EQ(a["kind"], "Application");
  EXPECT_EQ(a["metadata"]["name"], "shop-dev");
  EXPECT_EQ(a["metadata"]["namespace"], "argocd");
  EXPECT_EQ(a["spec"]["project"], "default");
  EXPECT_EQ(a["spec"]["source"]["repoURL"], "https://github.com/shop/platform");
  EXPECT_EQ(a["spec"]["source"]["targetRevision"], "main");
  EXPECT_EQ(a["spec"]["source"]["path"], "out/shop/kubernetes/dev");
  EXPECT_FALSE(a["spec"]["source"].contains("helm"));
  EXPECT_EQ(a["spec"]["destination"]["server"], "https://kubernetes.default.svc");
  EXPECT_EQ(a["spec"]["destination"]["namespace"], "shop-dev");
  EXPECT_EQ(a["spec"]["syncPolicy"]["automated"]["prune"], true);
  EXPECT_EQ(a["spec"]["syncPolicy"]["automated"]["selfHeal"], true);
  EXPECT_EQ(a["spec"]["syncPolicy"]["syncOptions"][0], "CreateNamespace=false");
}

TEST(GitOps, ManualApprovalIsAManualSync) {
  auto m = shop();
  Doc a = application(m, m.environments[2]);
  EXPECT_FALSE(a["spec"]["syncPolicy"].contains("automated"));
  EXPECT_EQ(a["spec"]["syncPolicy"]["syncOptions"][0], "CreateNamespace=false");
  EXPECT_EQ(a["spec"]["source"]["targetRevision"], "release");  // its own branch
}

TEST(GitOps, HelmAndKustomizeForms) {
  auto m = shop();
  m.gitops.deploy = "helm";
  m.gitops.server = "https://10.0.0.1:6443";
  Doc a = application(m, m.environments[1]);
  EXPECT_EQ(a["spec"]["source"]["path"], "out/shop/helm/shop");
  EXPECT_EQ(a["spec"]["source"]["helm"]["valueFiles"][0], "values-staging.yaml");
  EXPECT_EQ(a["spec"]["source"]["helm"]["releaseName"], "shop");
  EXPECT_EQ(a["spec"]["destination"]["server"], "https://10.0.0.1:6443");
  EXPECT_EQ(flux_path(m, m.environments[1]), "./out/shop/kubernetes/staging");
  m.gitops.deploy = "kustomize";
  a = application(m, m.environments[1]);
  EXPECT_EQ(a["spec"]["source"]["path"], "out/shop/kustomize/overlays/staging");
  EXPECT_FALSE(a["spec"]["source"].contains("helm"));
  EXPECT_EQ(flux_path(m, m.environments[1]), "./out/shop/kustomize/overlays/staging");
}

TEST(GitOps, FluxSourceAndKustomization) {
  auto m = shop();
  m.gitops.interval = 90;
  Doc g = git_repository(m, m.environments[1]);
  EXPECT_EQ(g["apiVersion"], "source.toolkit.fluxcd.io/v1");
  EXPECT_EQ(g["kind"], "GitRepository");
  EXPECT_EQ(g["metadata"]["namespace"], "flux-system");
  EXPECT_EQ(g["spec"]["url"], "https://github.com/shop/platform");
  EXPECT_EQ(g["spec"]["ref"]["branch"], "develop");
  EXPECT_EQ(g["spec"]["interval"], "90s");
  Doc k = kustomization(m, m.environments[0]);
  EXPECT_EQ(k["apiVersion"], "kustomize.toolkit.fluxcd.io/v1");
  EXPECT_EQ(k["kind"], "Kustomization");
  EXPECT_EQ(k["spec"]["sourceRef"]["kind"], "GitRepository");
  EXPECT_EQ(k["spec"]["sourceRef"]["name"], "shop-dev");
  EXPECT_EQ(k["spec"]["path"], "./out/shop/kubernetes/dev");
  EXPECT_EQ(k["spec"]["prune"], true);
  EXPECT_EQ(k["spec"]["targetNamespace"], "shop-dev");
  EXPECT_FALSE(k["spec"].contains("dependsOn"));  // monitoring is in the same folder
  // staging's Velero Schedule lives in `velero`: targetNamespace would move it.
  EXPECT_FALSE(kustomization(m, m.environments[1])["spec"].contains("targetNamespace"));
}

TEST(GitOps, Durations) {
  EXPECT_EQ(go_duration(300), "5m");
  EXPECT_EQ(go_duration(3600), "1h");
  EXPECT_EQ(go_duration(86400 * 15), "360h");
  EXPECT_EQ(go_duration(61), "61s");
}

TEST(GitOps, FilesPerSelectedEnvironment) {
  auto m = shop();
  Output out;
  argocd(m, {"dev", "production"}, "shop.stack", out);
  flux(m, {"dev", "production"}, "shop.stack", out);
  ASSERT_EQ(out.files.size(), 4u);
  EXPECT_EQ(out.files[0].path, "argocd/dev.yaml");
  EXPECT_EQ(out.files[1].path, "argocd/production.yaml");
  EXPECT_EQ(out.files[2].path, "flux/dev.yaml");
  EXPECT_EQ(out.files[3].path, "flux/production.yaml");
  std::string a = file(out, "argocd/production.yaml");
  EXPECT_EQ(a.rfind("# Generated by stackc from shop.stack.", 0), 0u);
  EXPECT_NE(a.find("approval = manual"), std::string::npos);
  EXPECT_EQ(a.find("automated"), std::string::npos);
  std::string f = file(out, "flux/dev.yaml");
  EXPECT_NE(f.find("---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: GitRepository\n"),
            std::string::npos);
  EXPECT_NE(f.find("---\napiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\n"),
            std::string::npos);
}

TEST(GitOps, NothingWithoutTheBlock) {
  auto m = shop();
  m.gitops.present = false;
  Output out;
  argocd(m, {}, "shop.stack", out);
  flux(m, {}, "shop.stack", out);
  EXPECT_TRUE(out.files.empty());
}

TEST(GitOps, UrlAndPathShapes) {
  using check::folder_path_problem;
  using check::repository_url_problem;
  using check::revision_problem;
  using check::server_url_problem;
  EXPECT_EQ(repository_url_problem("https://github.com/org/repo"), "");
  EXPECT_EQ(repository_url_problem("ssh://git@github.com/org/repo.git"), "");
  EXPECT_EQ(repository_url_problem("http://git.local:3000/org/repo"), "");
  EXPECT_NE(repository_url_problem("git@github.com:org/repo.git"), "");  // scp form
  EXPECT_NE(repository_url_problem("github.com/org/repo"), "");
  EXPECT_NE(repository_url_problem("ftp://github.com/org/repo"), "");
  EXPECT_NE(repository_url_problem("https://github.com"), "");
  EXPECT_NE(repository_url_problem("https://github.com/"), "");
  EXPECT_NE(repository_url_problem("https:///org/repo"), "");
  EXPECT_NE(repository_url_problem("https://git hub.com/org/repo"), "");
  EXPECT_EQ(server_url_problem("https://kubernetes.default.svc"), "");
  EXPECT_EQ(server_url_problem("https://10.0.0.1:6443"), "");
  EXPECT_NE(server_url_problem("http://kubernetes.default.svc"), "");
  EXPECT_NE(server_url_problem("in-cluster"), "");
  EXPECT_EQ(folder_path_problem("out/shop"), "");
  EXPECT_EQ(folder_path_problem("deploy"), "");
  EXPECT_NE(folder_path_problem("/out/shop"), "");
  EXPECT_NE(folder_path_problem("out/../shop"), "");
  EXPECT_NE(folder_path_problem("./out"), "");
  EXPECT_NE(folder_path_problem(""), "");
  EXPECT_EQ(revision_problem("main"), "");
  EXPECT_EQ(revision_problem("release/1.2"), "");
  EXPECT_NE(revision_problem("feature branch"), "");
  EXPECT_NE(revision_problem("a..b"), "");
  EXPECT_NE(revision_problem("-main"), "");
  EXPECT_NE(revision_problem(""), "");
}

}  // namespace
}  // namespace stackc::emit::gitops
