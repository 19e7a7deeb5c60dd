#include "emit/github/github.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>
#include <sstream>

namespace stackc::emit::github {
namespace {

model::Workload workload(const std::string& name, const std::string& image) {
  model::Workload w;
  w.name = name;
  w.image = image;
  return w;
}

// A shop: two images of its own (`api`, `web`), one from Docker Hub written as a short name with a
// tag (`nginx:1.27`, external: not built), a database and a cache from other registries, an
// exporter of its own and one from a registry; three environments, two of which
// deploy from a branch, production after a manual approval.
model::Model shop() {
  model::Model m;
  m.stack.name = "shop";
  m.stack.registry = "ghcr.io/shop";
  m.stack.version = "2.3.1";
  std::vector<model::Workload> ws;
  ws.push_back(workload("api", "api"));
  ws.push_back(workload("web", "web"));
  ws.push_back(workload("proxy", "nginx:1.27"));
  ws.push_back(workload("db", "docker.io/library/postgres:16.4-alpine3.20"));
  ws.back().exporter.emplace();
  ws.back().exporter->image = "quay.io/prometheuscommunity/postgres-exporter:v0.15.0";
  ws.push_back(workload("cache", "redis@sha256:0123456789abcdef"));
  ws.push_back(workload("worker", "api"));  // the same image twice: built once
  ws.back().exporter.emplace();
  ws.back().exporter->image = "worker-exporter";
  for (const char* name : {"dev", "staging", "production"}) {
    model::Environment e;
    e.name = name;
    e.ns = std::string("shop-") + name;
    e.workloads = ws;
    m.environments.push_back(std::move(e));
  }
  m.environments[1].branch = "develop";
  m.environments[2].branch = "main";
  m.environments[2].manual_approval = true;
  m.environments[2].domain = "shop.example";
  m.pipeline.present = true;
  m.pipeline.test = "make test";
  m.pipeline.scan = {"trivy", "grype"};
  m.pipeline.base_image_update = "weekly";
  return m;
}

std::string file(const Output& out, const std::string& path) {
  for (const auto& f : out.files)
    if (f.path == path) return f.text;
  ADD_FAILURE() << "no file " << path;
  return "";
}

Output generated(const model::Model& m) {
  Output out;
  generate(m, "shop.stack", out);
  return out;
}

// Every step of every job.
std::vector<std::pair<std::string, Doc>> steps(const Doc& w) {
  std::vector<std::pair<std::string, Doc>> out;
  for (const auto& [id, job] : w["jobs"].items())
    for (const auto& s : job["steps"]) out.emplace_back(id, s);
  return out;
}

TEST(GitHub, NothingWithoutAPipeline) {
  model::Model m = shop();
  m.pipeline = {};
  EXPECT_TRUE(generated(m).files.empty());
}

TEST(GitHub, WritesTheWorkflowAndDependabotWithTheHeader) {
  Output out = generated(shop());
  ASSERT_EQ(out.files.size(), 2u);
  EXPECT_EQ(out.files[0].path, "github/workflows/shop.yml");
  EXPECT_EQ(out.files[1].path, "github/dependabot.yml");
  for (const auto& f : out.files) EXPECT_EQ(f.text.rfind(header("shop.stack"), 0), 0u) << f.path;
}

TEST(GitHub, OutputIsDeterministic) {
  Output a = generated(shop()), b = generated(shop());
  ASSERT_EQ(a.files.size(), b.files.size());
  for (std::size_t i = 0; i < a.files.size(); ++i) EXPECT_EQ(a.files[i].text, b.files[i].text);
}

TEST(GitHub, TriggersOnTheEnvironmentsBranchesAndPullRequests) {
  Doc w = workflow(shop(), "shop.stack");
  EXPECT_EQ(w["on"]["push"]["branches"], Doc::array({"develop", "main"}));
  EXPECT_TRUE(w["on"].contains("pull_request"));
  EXPECT_NE(file(generated(shop()), "github/workflows/shop.yml").find("\n\"on\":\n"),
            std::string::npos);  // quoted: YAML 1.1 reads a bare `on` as true
}

TEST(GitHub, PermissionsAreEmptyAtTheTopAndWidenedPerJob) {
  Doc w = workflow(shop(), "shop.stack");
  ASSERT_TRUE(w["permissions"].is_object());
  EXPECT_TRUE(w["permissions"].empty());
  EXPECT_NE(file(generated(shop()), "github/workflows/shop.yml").find("\npermissions: {}\n"),
            std::string::npos);
  for (const auto& [id, job] : w["jobs"].items()) {
    ASSERT_TRUE(job.contains("permissions")) << id;
    for (const auto& [scope, level] : job["permissions"].items()) {
      if (id == "publish") {
        EXPECT_EQ(scope, "packages");
        EXPECT_EQ(level, "write");
      } else {
        EXPECT_EQ(scope, "contents") << id;
        EXPECT_EQ(level, "read") << id;
      }
    }
  }
  EXPECT_EQ(w["jobs"]["publish"]["if"], "github.event_name == 'push'");
}

TEST(GitHub, EveryActionIsPinnedToACommitWithItsVersion) {
  std::string text = file(generated(shop()), "github/workflows/shop.yml");
  std::regex pinned(R"(^\s*(- )?uses: [a-z0-9-]+/[a-z0-9-]+@[0-9a-f]{40} # v\d+\.\d+\.\d+$)");
  std::istringstream in(text);
  int uses = 0;
  for (std::string line; std::getline(in, line);) {
    if (line.find("uses:") == std::string::npos) continue;
    ++uses;
    EXPECT_TRUE(std::regex_match(line, pinned)) << line;
  }
  EXPECT_GE(uses, 10);
}

TEST(GitHub, TheStackcImageIsPinnedByTheStacksDigestOrExplicitlyByTag) {
  model::Model m = shop();
  m.pipeline.stackc_digest = "sha256:" + std::string(64, 'a');
  Doc pinned = workflow(m, "shop.stack")["jobs"]["check"]["steps"][1]["env"]["STACKC_IMAGE"];
  EXPECT_EQ(pinned, "ghcr.io/stackc/stackc:0.1.0@sha256:" + std::string(64, 'a'));
  m.pipeline.stackc_digest.clear();  // what `stackc_digest = "unpinned"` gives
  Doc tag = workflow(m, "shop.stack")["jobs"]["check"]["steps"][1]["env"]["STACKC_IMAGE"];
  EXPECT_EQ(tag, std::string(model::kStackcImage));
}

TEST(GitHub, CheckoutsKeepNoCredentialsAndJobsHaveTimeouts) {
  Doc w = workflow(shop(), "shop.stack");
  for (const auto& [id, job] : w["jobs"].items())
    EXPECT_TRUE(job.contains("timeout-minutes")) << id;
  int checkouts = 0;
  for (const auto& [id, s] : steps(w)) {
    if (!s.contains("uses") || s["uses"].get<std::string>().rfind("actions/checkout@", 0) != 0)
      continue;
    ++checkouts;
    EXPECT_EQ(s["with"]["persist-credentials"], false) << id;
  }
  EXPECT_EQ(checkouts, 5);  // test, check, build, two deploys
}

TEST(GitHub, NoExpressionInsideAnyScript) {
  Doc w = workflow(shop(), "shop.stack");
  int runs = 0;
  for (const auto& [id, s] : steps(w)) {
    if (!s.contains("run")) continue;
    ++runs;
    EXPECT_EQ(s["run"].get<std::string>().find("${{"), std::string::npos) << id << ": " << s["run"];
  }
  EXPECT_GT(runs, 5);
}

TEST(GitHub, MatrixListsExactlyTheImagesTheStackBuilds) {
  Doc w = workflow(shop(), "shop.stack");
  Doc expected = Doc::array();
  auto entry = [&](const char* image, const char* tag) {
    Doc e;
    e["image"] = image;
    e["repository"] = std::string("ghcr.io/shop/") + image;
    e["tag"] = tag;
    e["context"] = image;  // no `build { }`: the folder named after the image
    e["file"] = std::string(image) + "/Dockerfile";
    expected.push_back(e);
  };
  entry("api", "2.3.1");  // the version, as the manifests reference it
  entry("web", "2.3.1");
  entry("worker-exporter", "2.3.1");
  EXPECT_EQ(w["jobs"]["build"]["strategy"]["matrix"]["include"], expected);
  EXPECT_EQ(w["jobs"]["publish"]["strategy"]["matrix"]["include"], expected);
  auto images = built_images(shop());
  ASSERT_EQ(images.size(), 3u);
  EXPECT_EQ(images[0].repository + ":" + images[0].tag, "ghcr.io/shop/api:2.3.1");
  // Only bare names are the stack's own: `nginx:1.27` and the rest are pulled, never built.
  for (const auto& i : images) EXPECT_NE(i.name, "nginx");
}

TEST(GitHub, BuildScansWithEveryScannerAndNeverPushes) {
  Doc w = workflow(shop(), "shop.stack");
  const Doc& build = w["jobs"]["build"];
  EXPECT_EQ(build["needs"], Doc::array({"test"}));
  std::set<std::string> actions;
  for (const auto& s : build["steps"]) {
    if (!s.contains("uses")) continue;
    std::string u = s["uses"].get<std::string>();
    actions.insert(u.substr(0, u.find('@')));
    if (u.rfind("docker/build-push-action@", 0) == 0) {
      EXPECT_EQ(s["with"]["push"], false);
      EXPECT_EQ(s["with"]["load"], true);
      EXPECT_EQ(s["with"]["context"], "${{ matrix.context }}");
      EXPECT_EQ(s["with"]["file"], "${{ matrix.file }}");
      EXPECT_FALSE(s["with"].contains("target"));  // no image names a stage
    }
    if (u.rfind("aquasecurity/trivy-action@", 0) == 0) {
      EXPECT_EQ(s["with"]["severity"], "HIGH,CRITICAL");
      EXPECT_EQ(s["with"]["exit-code"], "1");
    }
    if (u.rfind("anchore/scan-action@", 0) == 0) {
      EXPECT_EQ(s["with"]["severity-cutoff"], "high");
      EXPECT_EQ(s["with"]["fail-build"], true);
    }
    if (u.rfind("actions/upload-artifact@", 0) == 0) {
      EXPECT_EQ(s["if"], "github.event_name == 'push'");
    }
  }
  EXPECT_TRUE(actions.count("aquasecurity/trivy-action"));
  EXPECT_TRUE(actions.count("anchore/scan-action"));
  EXPECT_FALSE(actions.count("docker/login-action"));  // no credential next to the scanners

  model::Model m = shop();
  m.pipeline.scan = {"grype"};
  std::string text = to_yaml(workflow(m, "shop.stack"));
  EXPECT_EQ(text.find("trivy"), std::string::npos);
  EXPECT_NE(text.find("anchore/scan-action@"), std::string::npos);
}

TEST(GitHub, DeploysEachEnvironmentWithABranchFromItsBranch) {
  Doc w = workflow(shop(), "shop.stack");
  EXPECT_FALSE(w["jobs"].contains("deploy-dev"));
  const Doc& staging = w["jobs"]["deploy-staging"];
  const Doc& production = w["jobs"]["deploy-production"];
  EXPECT_EQ(staging["environment"], "staging");
  EXPECT_EQ(production["environment"]["name"], "production");
  EXPECT_EQ(production["environment"]["url"], "https://shop.example");
  EXPECT_EQ(staging["if"], "github.event_name == 'push' && github.ref == 'refs/heads/develop'");
  EXPECT_EQ(production["if"], "github.event_name == 'push' && github.ref == 'refs/heads/main'");
  for (const Doc* d : {&staging, &production}) {
    EXPECT_EQ((*d)["needs"], Doc::array({"test", "check", "publish"}));
    EXPECT_EQ((*d)["concurrency"]["cancel-in-progress"], false);
    std::string text = to_yaml(*d);
    EXPECT_NE(text.find("kubectl apply --server-side"), std::string::npos);
  }
  EXPECT_EQ(production["concurrency"]["group"], "deploy-shop-production");
  EXPECT_NE(to_yaml(production).find("-f out/shop/kubernetes/production/"), std::string::npos);
  EXPECT_NE(to_yaml(production).find("${{ secrets.KUBECONFIG_PRODUCTION }}"), std::string::npos);
  EXPECT_EQ(w["concurrency"]["cancel-in-progress"], "${{ github.event_name == 'pull_request' }}");
}

TEST(GitHub, ChecksTheCommittedOutput) {
  Doc w = workflow(shop(), "shop.stack");
  std::string text = to_yaml(w["jobs"]["check"]);
  EXPECT_NE(text.find("build --check shop.stack"), std::string::npos);
}

TEST(GitHub, NoTestJobWithoutATestCommand) {
  model::Model m = shop();
  m.pipeline.test.clear();
  Doc w = workflow(m, "shop.stack");
  EXPECT_FALSE(w["jobs"].contains("test"));
  EXPECT_FALSE(w["jobs"]["build"].contains("needs"));
  EXPECT_EQ(w["jobs"]["deploy-production"]["needs"], Doc::array({"check", "publish"}));
}

TEST(GitHub, RegistryDecidesTheLogin) {
  auto login = [](const Doc& w) {
    for (const auto& s : w["jobs"]["publish"]["steps"])
      if (s.contains("uses") && s["uses"].get<std::string>().rfind("docker/login-action@", 0) == 0)
        return s["with"];
    return Doc();
  };
  Doc ghcr = workflow(shop(), "shop.stack");
  EXPECT_EQ(login(ghcr)["registry"], "ghcr.io");
  EXPECT_EQ(login(ghcr)["password"], "${{ secrets.GITHUB_TOKEN }}");

  model::Model m = shop();
  m.stack.registry = "cr.yandex/crp123";
  Doc yandex = workflow(m, "shop.stack");
  EXPECT_EQ(login(yandex)["registry"], "cr.yandex");
  EXPECT_EQ(login(yandex)["username"], "json_key");
  EXPECT_EQ(login(yandex)["password"], "${{ secrets.YC_REGISTRY_KEY }}");
  EXPECT_TRUE(yandex["jobs"]["publish"]["permissions"].empty());  // no packages: write
  EXPECT_EQ(yandex["jobs"]["build"]["strategy"]["matrix"]["include"][0]["repository"],
            "cr.yandex/crp123/api");
}

TEST(GitHub, NoImagesMeansNoBuildAndNoPublish) {
  model::Model m = shop();
  for (auto& e : m.environments) {
    e.workloads.erase(e.workloads.begin(), e.workloads.begin() + 2);
    e.workloads.pop_back();
  }
  Doc w = workflow(m, "shop.stack");
  EXPECT_FALSE(w["jobs"].contains("build"));
  EXPECT_FALSE(w["jobs"].contains("publish"));
  EXPECT_EQ(w["jobs"]["deploy-staging"]["needs"], Doc::array({"test", "check"}));
}

TEST(GitHub, BranchNamesAreLiterals) {
  model::Model m = shop();
  m.environments[1].branch = "release/it's+1";
  Doc w = workflow(m, "shop.stack");
  EXPECT_EQ(w["on"]["push"]["branches"][0], "release/it's\\+1");
  EXPECT_EQ(w["jobs"]["deploy-staging"]["if"],
            "github.event_name == 'push' && github.ref == 'refs/heads/release/it''s+1'");
}

TEST(GitHub, WithoutBranchesOnlyPullRequestsRun) {
  model::Model m = shop();
  for (auto& e : m.environments) e.branch.clear();
  Doc w = workflow(m, "shop.stack");
  EXPECT_FALSE(w["on"].contains("push"));
  EXPECT_FALSE(w["jobs"].contains("publish"));
  EXPECT_EQ(to_yaml(w).find("upload-artifact"), std::string::npos);
}

TEST(GitHub, DependabotWatchesActionsAndEveryBuiltImageFolder) {
  Doc d = dependabot(shop());
  EXPECT_EQ(d["version"], 2);
  std::vector<std::string> got;
  for (const auto& u : d["updates"]) {
    got.push_back(u["package-ecosystem"].get<std::string>() + " " +
                  u["directory"].get<std::string>());
    EXPECT_EQ(u["schedule"]["interval"], "weekly");
  }
  EXPECT_EQ(got, (std::vector<std::string>{"github-actions /", "docker /api", "docker /web",
                                           "docker /worker-exporter"}));
  model::Model m = shop();
  m.pipeline.base_image_update = "daily";
  EXPECT_EQ(dependabot(m)["updates"][1]["schedule"]["interval"], "daily");
  m.pipeline.base_image_update.clear();  // no `base_images` block
  Output out = generated(m);
  ASSERT_EQ(out.files.size(), 1u);
  EXPECT_EQ(out.files[0].path, "github/workflows/shop.yml");
}

}  // namespace
TEST(GitHub, BuildBlocksGiveContextFileTargetAndDependabotFolders) {
  model::Model m = shop();
  for (auto& e : m.environments)
    for (auto& w : e.workloads)
      if (w.name == "api") {
        w.build.emplace();
        w.build->context_path = "services/api";
        w.build->dockerfile_path = "services/api/docker/Dockerfile";
        w.build->target = "runtime";
      }
  Doc w = workflow(m, "shop.stack");
  const Doc& include = w["jobs"]["build"]["strategy"]["matrix"]["include"];
  ASSERT_EQ(include.size(), 3u);
  EXPECT_EQ(include[0]["context"], "services/api");
  EXPECT_EQ(include[0]["file"], "services/api/docker/Dockerfile");
  EXPECT_EQ(include[0]["target"], "runtime");
  EXPECT_EQ(include[1]["context"], "web");
  EXPECT_EQ(include[1]["target"], "");  // every entry has the key: the step names it
  bool built = false;
  for (const auto& s : w["jobs"]["build"]["steps"])
    if (s.contains("uses") &&
        s["uses"].get<std::string>().rfind("docker/build-push-action@", 0) == 0) {
      built = true;
      EXPECT_EQ(s["with"]["target"], "${{ matrix.target }}");
    }
  EXPECT_TRUE(built);
  std::vector<std::string> dirs;
  Doc d = dependabot(m);
  for (const auto& u : d["updates"]) dirs.push_back(u["directory"].get<std::string>());
  EXPECT_EQ(dirs,
            (std::vector<std::string>{"/", "/services/api/docker", "/web", "/worker-exporter"}));
}

}  // namespace stackc::emit::github
