#include "emit/github/github.hpp"

#include <algorithm>
#include <cctype>
#include <set>
#include <string_view>
#include <utility>

#include "emit/kubernetes/kubernetes.hpp"
#include "model/images.hpp"

namespace stackc::emit::github {
namespace {

// Every action the workflow uses, pinned to the commit of a release (specs/github.md §7 says
// where each pairing was confirmed). The version is printed as a comment after the SHA.
struct Pin {
  std::string_view action;
  std::string_view sha;
  std::string_view version;
};

constexpr Pin kCheckout{"actions/checkout", "8e8c483db84b4bee98b60c0593521ed34d9990e8", "v6.0.1"};
constexpr Pin kSetupBuildx{"docker/setup-buildx-action", "e468171a9de216ec08956ac3ada2f0791b6bd435",
                           "v3.11.1"};
constexpr Pin kBuildPush{"docker/build-push-action", "263435318d21b8e681c14492fe198d362a7d2c83",
                         "v6.18.0"};
constexpr Pin kLogin{"docker/login-action", "184bdaa0721073962dff0199f1fb9940f07167d1", "v3.5.0"};
constexpr Pin kTrivy{"aquasecurity/trivy-action", "ed142fd0673e97e23eac54620cfb913e5ce36c25",
                     "v0.36.0"};
constexpr Pin kGrype{"anchore/scan-action", "1638637db639e0ade3258b51db49a9a137574c3e", "v6.5.1"};
constexpr Pin kUpload{"actions/upload-artifact", "ea165f8d65b6e75b540449e92b4886f43607fa02",
                      "v4.6.2"};
constexpr Pin kDownload{"actions/download-artifact", "d3f86a106a0bac45b974a628896c90dbdf5c8093",
                        "v4.3.0"};
constexpr Pin kSetupKubectl{"azure/setup-kubectl", "776406bce94f63e41d621b960d78ee25c8b76ede",
                            "v4.0.1"};
constexpr Pin kPins[] = {kCheckout, kSetupBuildx, kBuildPush, kLogin,       kTrivy,
                         kGrype,    kUpload,      kDownload,  kSetupKubectl};

// What the runners run: a fixed Ubuntu image, kubectl of the Kubernetes version the manifests are
// validated against, and stackc itself from its release image (specs/github.md §5).
constexpr std::string_view kRunner = "ubuntu-24.04";
constexpr std::string_view kKubectl = "v1.32.2";

std::string uses(const Pin& p) {
  return std::string(p.action) + "@" + std::string(p.sha);
}

// Text for a single-quoted string inside a `${{ }}` expression.
std::string expr_string(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    out += c;
    if (c == '\'') out += '\'';
  }
  return out + "'";
}

// A branch name as a literal in `on.push.branches`, whose entries are glob patterns: `+` and `!`
// are escaped (git allows them in branch names; `*`, `?`, `[` and `\` it does not).
std::string branch_filter(const std::string& b) {
  std::string out;
  for (char c : b) {
    if (c == '+' || c == '!') out += '\\';
    out += c;
  }
  return out;
}

// A word for bash: bare when it is made of safe characters, else single-quoted.
std::string shell_word(const std::string& s) {
  bool safe = !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("_-./:@=+,").find(c) != std::string_view::npos;
  });
  if (safe) return s;
  std::string out = "'";
  for (char c : s) {
    if (c == '\'')
      out += "'\\''";
    else
      out += c;
  }
  return out + "'";
}

// `KUBECONFIG_PRODUCTION`: secret names are letters, digits and `_`.
std::string kubeconfig_secret(const std::string& env) {
  std::string out = "KUBECONFIG_";
  for (char c : env)
    out += std::isalnum(static_cast<unsigned char>(c))
               ? static_cast<char>(std::toupper(static_cast<unsigned char>(c)))
               : '_';
  return out;
}

// Job ids are letters, digits, `-` and `_`.
std::string job_id(const std::string& prefix, const std::string& name) {
  std::string out = prefix;
  for (char c : name)
    out += std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-' ? c : '-';
  return out;
}

std::string registry_host(const std::string& registry) {
  return registry.substr(0, registry.find('/'));
}

enum class Registry { Ghcr, Yandex, Other };

Registry registry_kind(const std::string& registry) {
  std::string host = registry_host(registry);
  if (host == "ghcr.io") return Registry::Ghcr;
  if (host == "cr.yandex") return Registry::Yandex;
  return Registry::Other;
}

// The environments that deploy: those with a branch, in declaration order.
std::vector<const model::Environment*> deployed(const model::Model& m) {
  std::vector<const model::Environment*> out;
  for (const auto& e : m.environments)
    if (!e.branch.empty()) out.push_back(&e);
  return out;
}

std::vector<std::string> push_branches(const model::Model& m) {
  std::vector<std::string> out;
  for (const auto* e : deployed(m))
    if (std::find(out.begin(), out.end(), e->branch) == out.end()) out.push_back(e->branch);
  return out;
}

bool has_scanner(const model::Model& m, const std::string& name) {
  return std::find(m.pipeline.scan.begin(), m.pipeline.scan.end(), name) != m.pipeline.scan.end();
}

Doc checkout() {
  Doc s;
  s["name"] = "Check out";
  s["uses"] = uses(kCheckout);
  s["with"]["persist-credentials"] = false;
  return s;
}

Doc run(const std::string& name, const std::string& script, Doc env = Doc(),
        const std::string& condition = "") {
  Doc s;
  s["name"] = name;
  if (!condition.empty()) s["if"] = condition;
  if (!env.is_null()) s["env"] = std::move(env);
  s["run"] = script;
  return s;
}

// The fields every job starts with, in this order.
Doc job(const std::string& name, const std::string& condition,
        const std::vector<std::string>& needs, int timeout, Doc permissions) {
  Doc j;
  j["name"] = name;
  if (!condition.empty()) j["if"] = condition;
  if (!needs.empty()) j["needs"] = needs;
  j["runs-on"] = kRunner;
  j["timeout-minutes"] = timeout;
  j["permissions"] = std::move(permissions);
  return j;
}

Doc read_contents() {
  Doc p;
  p["contents"] = "read";
  return p;
}

bool has_target(const std::vector<Image>& images) {
  return std::any_of(images.begin(), images.end(),
                     [](const Image& i) { return !i.target.empty(); });
}

Doc matrix(const std::vector<Image>& images) {
  Doc include = Doc::array();
  bool targets = has_target(images);
  for (const auto& i : images) {
    Doc e;
    e["image"] = i.name;
    e["repository"] = i.repository;
    e["tag"] = i.tag;
    e["context"] = i.context;
    e["file"] = i.file;
    if (targets) e["target"] = i.target;
    include.push_back(std::move(e));
  }
  Doc s;
  s["fail-fast"] = false;
  s["matrix"]["include"] = std::move(include);
  return s;
}

Doc image_env() {
  Doc env;
  env["IMAGE"] = "${{ matrix.repository }}";
  env["TAG"] = "${{ matrix.tag }}";
  return env;
}

constexpr std::string_view kArtifact = "image-${{ matrix.image }}-${{ matrix.tag }}";
constexpr std::string_view kScanned = "${{ matrix.repository }}:${{ github.sha }}";

// Builds each image with Buildx into the runner's Docker, scans it, and on a push hands the exact
// bytes that were scanned to `publish` as an artifact. No secret and no write permission here:
// the scanners never run next to a credential.
Doc build_job(const model::Model& m, const std::vector<Image>& images, bool publishes) {
  std::vector<std::string> needs;
  if (!m.pipeline.test.empty()) needs.push_back("test");
  Doc j = job("build ${{ matrix.image }}", "", needs, 60, read_contents());
  j["strategy"] = matrix(images);
  Doc steps = Doc::array();
  steps.push_back(checkout());
  if (!m.pipeline.build.empty()) steps.push_back(run("Build (pipeline.build)", m.pipeline.build));
  Doc buildx;
  buildx["name"] = "Set up Docker Buildx";
  buildx["uses"] = uses(kSetupBuildx);
  steps.push_back(std::move(buildx));
  Doc build;
  build["name"] = "Build ${{ matrix.image }}";
  build["uses"] = uses(kBuildPush);
  build["with"]["context"] = "${{ matrix.context }}";
  build["with"]["file"] = "${{ matrix.file }}";
  if (has_target(images)) build["with"]["target"] = "${{ matrix.target }}";
  build["with"]["pull"] = true;
  build["with"]["load"] = true;
  build["with"]["push"] = false;
  build["with"]["provenance"] = false;
  build["with"]["tags"] =
      "${{ matrix.repository }}:${{ matrix.tag }}\n${{ matrix.repository }}:${{ github.sha }}\n";
  steps.push_back(std::move(build));
  if (has_scanner(m, "trivy")) {
    Doc s;
    s["name"] = "Scan with Trivy (fails on HIGH or CRITICAL)";
    s["uses"] = uses(kTrivy);
    s["with"]["image-ref"] = kScanned;
    s["with"]["format"] = "table";
    s["with"]["severity"] = "HIGH,CRITICAL";
    s["with"]["exit-code"] = "1";
    steps.push_back(std::move(s));
  }
  if (has_scanner(m, "grype")) {
    Doc s;
    s["name"] = "Scan with Grype (fails on HIGH or CRITICAL)";
    s["uses"] = uses(kGrype);
    s["with"]["image"] = kScanned;
    s["with"]["severity-cutoff"] = "high";
    s["with"]["fail-build"] = true;
    s["with"]["output-format"] = "table";
    steps.push_back(std::move(s));
  }
  if (publishes) {
    steps.push_back(run("Save the scanned image",
                        "docker save --output \"$RUNNER_TEMP/image.tar\" \"$IMAGE:$TAG\" "
                        "\"$IMAGE:$GITHUB_SHA\"",
                        image_env(), "github.event_name == 'push'"));
    Doc up;
    up["name"] = "Hand the image to publish";
    up["if"] = "github.event_name == 'push'";
    up["uses"] = uses(kUpload);
    up["with"]["name"] = kArtifact;
    up["with"]["path"] = "${{ runner.temp }}/image.tar";
    up["with"]["retention-days"] = 1;
    up["with"]["if-no-files-found"] = "error";
    steps.push_back(std::move(up));
  }
  j["steps"] = std::move(steps);
  return j;
}

// Pushes the scanned image: the only job that can write to the registry, and it runs no third-
// party code but Docker's login action.
Doc publish_job(const model::Model& m, const std::vector<Image>& images) {
  Registry kind = registry_kind(m.stack.registry);
  Doc perms = Doc::object();
  if (kind == Registry::Ghcr) perms["packages"] = "write";
  Doc j = job("publish ${{ matrix.image }}", "github.event_name == 'push'", {"build"}, 30,
              std::move(perms));
  // One push of an image reference at a time, the newest last (the version tag is shared).
  j["concurrency"]["group"] = "publish-${{ matrix.repository }}-${{ matrix.tag }}";
  j["concurrency"]["cancel-in-progress"] = false;
  j["strategy"] = matrix(images);
  Doc steps = Doc::array();
  Doc down;
  down["name"] = "Take the scanned image";
  down["uses"] = uses(kDownload);
  down["with"]["name"] = kArtifact;
  down["with"]["path"] = "${{ runner.temp }}/image";
  steps.push_back(std::move(down));
  steps.push_back(run("Load it", "docker load --input \"$RUNNER_TEMP/image/image.tar\""));
  Doc login;
  login["name"] = "Log in to " + registry_host(m.stack.registry);
  login["uses"] = uses(kLogin);
  login["with"]["registry"] = registry_host(m.stack.registry);
  switch (kind) {
    case Registry::Ghcr:
      login["with"]["username"] = "${{ github.actor }}";
      login["with"]["password"] = "${{ secrets.GITHUB_TOKEN }}";
      break;
    case Registry::Yandex:
      login["with"]["username"] = "json_key";
      login["with"]["password"] = "${{ secrets.YC_REGISTRY_KEY }}";
      break;
    case Registry::Other:
      login["with"]["username"] = "${{ secrets.REGISTRY_USERNAME }}";
      login["with"]["password"] = "${{ secrets.REGISTRY_PASSWORD }}";
      break;
  }
  steps.push_back(std::move(login));
  steps.push_back(run("Push ${{ matrix.image }}",
                      "docker push \"$IMAGE:$TAG\"\ndocker push \"$IMAGE:$GITHUB_SHA\"\n",
                      image_env()));
  j["steps"] = std::move(steps);
  return j;
}

Doc check_job(const model::Model& m, const std::string& source) {
  Doc j = job("stackc build --check", "", {}, 10, read_contents());
  Doc steps = Doc::array();
  steps.push_back(checkout());
  Doc env;
  // Pinned by the stack's `pipeline.stackc_digest`; by tag only where it says "unpinned".
  env["STACKC_IMAGE"] = std::string(model::kStackcImage) +
                        (m.pipeline.stackc_digest.empty() ? "" : "@" + m.pipeline.stackc_digest);
  steps.push_back(run("The committed out/" + m.stack.name + " is what stackc writes",
                      "docker run --rm --network none --volume \"$PWD:/src:ro\" --workdir /src "
                      "\"$STACKC_IMAGE\" build --check " +
                          shell_word(source),
                      std::move(env)));
  j["steps"] = std::move(steps);
  return j;
}

Doc deploy_job(const model::Model& m, const model::Environment& e,
               const std::vector<std::string>& needs) {
  std::string name = "deploy " + e.name + (e.manual_approval ? " (manual approval)" : "");
  std::string condition =
      "github.event_name == 'push' && github.ref == " + expr_string("refs/heads/" + e.branch);
  Doc j = job(name, condition, needs, 20, read_contents());
  if (e.domain.empty()) {
    j["environment"] = e.name;
  } else {
    j["environment"]["name"] = e.name;
    j["environment"]["url"] = "https://" + e.domain;
  }
  j["concurrency"]["group"] = "deploy-" + m.stack.name + "-" + e.name;
  j["concurrency"]["cancel-in-progress"] = false;
  Doc steps = Doc::array();
  steps.push_back(checkout());
  Doc kubectl;
  kubectl["name"] = "Set up kubectl";
  kubectl["uses"] = uses(kSetupKubectl);
  kubectl["with"]["version"] = kKubectl;
  steps.push_back(std::move(kubectl));
  std::string secret = kubeconfig_secret(e.name);
  Doc data;
  data["KUBECONFIG_DATA"] = "${{ secrets." + secret + " }}";
  steps.push_back(run("Write the kubeconfig",
                      "if [ -z \"$KUBECONFIG_DATA\" ]; then\n"
                      "  echo \"::error::the secret " +
                          secret +
                          " is not set\"\n  exit 1\nfi\numask 077\n"
                          "printf '%s\\n' \"$KUBECONFIG_DATA\" > "
                          "\"$RUNNER_TEMP/kubeconfig\"\n",
                      std::move(data)));
  Doc kube;
  kube["KUBECONFIG"] = "${{ runner.temp }}/kubeconfig";
  steps.push_back(run("Apply out/" + m.stack.name + "/kubernetes/" + e.name,
                      "kubectl apply --server-side --field-manager=stackc -f " +
                          shell_word("out/" + m.stack.name + "/kubernetes/" + e.name + "/"),
                      std::move(kube)));
  steps.push_back(
      run("Remove the kubeconfig", "rm -f \"$RUNNER_TEMP/kubeconfig\"", Doc(), "always()"));
  j["steps"] = std::move(steps);
  return j;
}

// Appends ` # vX.Y.Z` to every line that ends in a pinned action reference.
std::string with_version_comments(std::string text) {
  for (const auto& p : kPins) {
    std::string ref = uses(p) + "\n";
    std::string commented = uses(p) + " # " + std::string(p.version) + "\n";
    for (std::size_t at = text.find(ref); at != std::string::npos;
         at = text.find(ref, at + commented.size()))
      text.replace(at, ref.size(), commented);
  }
  return text;
}

}  // namespace

std::vector<Image> built_images(const model::Model& m) {
  std::vector<Image> out;
  if (m.stack.registry.empty()) return out;
  std::set<std::pair<std::string, std::string>> seen;
  // Only the stack's own images (bare names) are built; external ones are pulled as written.
  auto consider = [&](const std::string& image) {
    if (!model::own_image(image)) return;
    std::string ref = kubernetes::image_ref(m, image);
    auto colon = ref.rfind(':');
    Image i;
    i.name = image.substr(0, image.find(':'));
    i.repository = ref.substr(0, colon);
    i.tag = ref.substr(colon + 1);
    i.context = i.name;
    i.file = i.name + "/Dockerfile";
    // The first `build { }` of a workload running the image says where it is built from (the
    // checker makes every build of one image agree, E2069).
    bool found = false;
    for (const auto& e : m.environments)
      for (const auto& w : e.workloads)
        if (w.build && w.image == image && !found) {
          found = true;
          i.context = w.build->context_path;
          i.file = w.build->dockerfile_path;
          i.target = w.build->target;
        }
    if (seen.insert({i.name, i.tag}).second) out.push_back(std::move(i));
  };
  for (const auto& e : m.environments)
    for (const auto& w : e.workloads) {
      consider(w.image);
      if (w.exporter) consider(w.exporter->image);
    }
  return out;
}

Doc workflow(const model::Model& m, const std::string& source) {
  std::vector<Image> images = built_images(m);
  std::vector<std::string> branches = push_branches(m);
  bool publishes = !images.empty() && !branches.empty();
  Doc w;
  w["name"] = m.stack.name + " CI/CD";
  if (!branches.empty()) {
    Doc filters = Doc::array();
    for (const auto& b : branches) filters.push_back(branch_filter(b));
    w["on"]["push"]["branches"] = std::move(filters);
  }
  w["on"]["pull_request"] = Doc::object();
  w["permissions"] = Doc::object();
  // A newer push to a pull request cancels its older run; runs of pushes are never cancelled
  // (each has its own group), and the deploy and publish jobs queue in their own groups.
  w["concurrency"]["group"] =
      "${{ github.workflow }}-${{ github.event_name == 'pull_request' && github.ref || "
      "github.sha }}";
  w["concurrency"]["cancel-in-progress"] = "${{ github.event_name == 'pull_request' }}";
  w["defaults"]["run"]["shell"] = "bash";
  Doc jobs;
  std::vector<std::string> deploy_needs;
  if (!m.pipeline.test.empty()) {
    Doc j = job("test", "", {}, 30, read_contents());
    j["steps"] = Doc::array({checkout(), run("Test (pipeline.test)", m.pipeline.test)});
    jobs["test"] = std::move(j);
    deploy_needs.push_back("test");
  }
  jobs["check"] = check_job(m, source);
  deploy_needs.push_back("check");
  if (!images.empty()) jobs["build"] = build_job(m, images, publishes);
  if (publishes) {
    jobs["publish"] = publish_job(m, images);
    deploy_needs.push_back("publish");
  }
  for (const auto* e : deployed(m))
    jobs[job_id("deploy-", e->name)] = deploy_job(m, *e, deploy_needs);
  w["jobs"] = std::move(jobs);
  return w;
}

Doc dependabot(const model::Model& m) {
  Doc d;
  d["version"] = 2;
  Doc updates = Doc::array();
  auto entry = [&](const std::string& ecosystem, const std::string& directory) {
    Doc u;
    u["package-ecosystem"] = ecosystem;
    u["directory"] = directory;
    u["schedule"]["interval"] = m.pipeline.base_image_update;
    updates.push_back(std::move(u));
  };
  entry("github-actions", "/");
  std::set<std::string> folders;
  for (const auto& i : built_images(m)) {
    // The folder of the Dockerfile, where Dependabot reads its FROM lines.
    std::size_t slash = i.file.rfind('/');
    std::string folder = slash == std::string::npos ? std::string() : i.file.substr(0, slash);
    if (folders.insert(folder).second) entry("docker", "/" + folder);
  }
  d["updates"] = std::move(updates);
  return d;
}

void generate(const model::Model& m, const std::string& source, Output& out) {
  if (!m.pipeline.present) return;
  const std::string& stack = m.stack.name;
  std::string text = header(source);
  text += "# Install as .github/workflows/" + stack + ".yml (specs/github.md lists the secrets";
  text += "\n# and environment settings it needs).\n";
  text += to_yaml(workflow(m, source));
  out.add("github/workflows/" + stack + ".yml", with_version_comments(std::move(text)));
  if (!m.pipeline.base_image_update.empty())
    out.add("github/dependabot.yml",
            header(source) + "# Install as .github/dependabot.yml.\n" + to_yaml(dependabot(m)));
}

}  // namespace stackc::emit::github
