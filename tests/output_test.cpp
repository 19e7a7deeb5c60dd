// The output folder under attack and under kill -9, with the real stackc binary: nothing is
// written or removed through a link inside it, a killed build leaves the old build or (after the
// next run) the new one, and two builds into one folder take turns.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <sstream>
#include <thread>

#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;
using stackc::testing::run;
using Tree = std::map<std::string, std::string>;

class Output : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::current_path(STACKC_SOURCE_DIR);
    setenv("NO_COLOR", "1", 1);
    tmp_ = fs::temp_directory_path() / ("stackc-output-" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = tmp_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  static Tree read(const fs::path& root) {
    Tree tree;
    if (!fs::exists(root)) return tree;
    for (auto it = fs::recursive_directory_iterator(root); it != fs::recursive_directory_iterator();
         ++it) {
      auto rel = fs::relative(it->path(), root).string();
      if (it->is_symlink()) {
        tree[rel] = "<link>";
      } else if (it->is_regular_file()) {
        std::ifstream in(it->path(), std::ios::binary);
        std::stringstream s;
        s << in.rdbuf();
        tree[rel] = s.str();
      }
    }
    return tree;
  }
  // A fleet of `n` services from `first` on, each with its version: every generated file
  // depends on `version`, and the paths on the names.
  fs::path fleet(const std::string& name, int first, int n, const std::string& version) {
    std::string text = "stack fleet { registry = \"ghcr.io/fleet\"  version = \"" + version +
                       "\" }\n"
                       "cluster big { nodes = 20  node { cpu = 64  memory = 256Gi } }\n"
                       "environment prod { cluster = big  namespace = \"fleet\" }\n";
    for (int i = first; i < first + n; ++i)
      text += "service svc-" + std::to_string(i) + " {\n  image = \"svc:" + version +
              "\"\n  port http = 8080\n  cpu = 100m\n  memory = 128Mi\n  env { N = \"" +
              std::to_string(i) + "\" }\n}\n";
    return write(name, text);
  }
  fs::path tmp_;
};

// The audit's three ways out of the folder, each refused or defused, and the victim untouched.
TEST_F(Output, NothingIsWrittenOrRemovedThroughALink) {
  const std::string webapp = "examples/webapp/webapp.stack";
  const fs::path out = tmp_ / "out", victim = tmp_ / "victim";
  fs::create_directories(victim);
  std::ofstream(victim / "id_rsa") << "key\n";
  ASSERT_EQ(run({"build", webapp, "-o", out.string()}).code, 0);
  const Tree built = read(out);
  // (a) A generated folder replaced by a link: refused, naming the link; nothing changes.
  fs::remove_all(out / "kubernetes/production");
  fs::create_directory_symlink(victim, out / "kubernetes/production");
  auto r = run({"build", webapp, "-o", out.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("error[E0005]: `" + (out / "kubernetes/production").string() +
                       "` is a symbolic link inside the output folder"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(read(victim), (Tree{{"id_rsa", "key\n"}}));
  EXPECT_FALSE(fs::exists(out / ".stackc-tmp"));
  auto c = run({"build", "--check", webapp, "-o", out.string()});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("is a symbolic link"), std::string::npos) << c.out;
  fs::remove(out / "kubernetes/production");
  // (b) A linked folder and a manifest line below it: never deleted through the link.
  ASSERT_EQ(run({"build", webapp, "-o", out.string()}).code, 0);
  fs::create_directory_symlink(victim, out / "kubernetes/oldenv");
  std::ofstream(out / ".stackc-manifest", std::ios::app) << "kubernetes/oldenv/id_rsa\n";
  r = run({"build", webapp, "-o", out.string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("error[E0005]"), std::string::npos) << r.err;
  EXPECT_EQ(read(victim), (Tree{{"id_rsa", "key\n"}}));
  fs::remove(out / "kubernetes/oldenv");
  // Manifest lines that leave the folder are not trusted at all.
  std::ofstream(out / ".stackc-manifest", std::ios::app)
      << "../victim/id_rsa\nkubernetes/../../victim/id_rsa\n"
      << victim.string() << "/id_rsa\n";
  EXPECT_EQ(run({"build", webapp, "-o", out.string()}).code, 0);
  EXPECT_EQ(read(victim), (Tree{{"id_rsa", "key\n"}}));
  // (c) A dangling link in place of a generated file: replaced by the file, nothing made outside.
  fs::remove(out / "kubernetes/staging/00-namespace.yaml");
  fs::create_symlink(tmp_ / "made-outside.yaml", out / "kubernetes/staging/00-namespace.yaml");
  EXPECT_EQ(run({"build", "--check", webapp, "-o", out.string()}).code, 1);
  ASSERT_EQ(run({"build", webapp, "-o", out.string()}).code, 0);
  EXPECT_FALSE(fs::exists(tmp_ / "made-outside.yaml"));
  EXPECT_FALSE(fs::is_symlink(out / "kubernetes/staging/00-namespace.yaml"));
  EXPECT_EQ(read(out), built);
}

// A file in a generated folder that no manifest lists would be applied by `kubectl apply -f`:
// --check reports it (and fails), a build names it and leaves it alone.
TEST_F(Output, FilesThatStackcDidNotGenerateAreReported) {
  const std::string webapp = "examples/webapp/webapp.stack";
  const fs::path out = tmp_ / "out";
  ASSERT_EQ(run({"build", webapp, "-o", out.string()}).code, 0);
  std::ofstream(out / "kubernetes/production/99-extra.yaml") << "kind: ConfigMap\n";
  std::ofstream(out / "NOTES.md") << "the folder itself is the user's\n";
  auto c = run({"build", "--check", webapp, "-o", out.string()});
  EXPECT_EQ(c.code, 1);
  EXPECT_EQ(c.out, (out / "kubernetes/production/99-extra.yaml").string() +
                       ": is not generated by stackc, but is in a folder it generates (`kubectl "
                       "apply -f` on the folder would apply it)\n"
                       "1 file is not generated by stackc; move it out of the generated folders, "
                       "or remove it\n");
  auto r = run({"build", webapp, "-o", out.string()});
  EXPECT_EQ(r.code, 0);
  EXPECT_NE(r.err.find("stackc: note: `" + (out / "kubernetes/production/99-extra.yaml").string() +
                       "` is in a folder stackc generates but is not generated by stackc"),
            std::string::npos)
      << r.err;
  EXPECT_TRUE(fs::exists(out / "kubernetes/production/99-extra.yaml"));
}

pid_t spawn(const std::vector<std::string>& args) {
  pid_t pid = ::fork();
  if (pid == 0) {
    int null = ::open("/dev/null", O_WRONLY);
    ::dup2(null, 1);
    ::dup2(null, 2);
    std::vector<char*> argv;
    for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(STACKC_BINARY, argv.data());
    ::_exit(127);
  }
  return pid;
}

int wait_for(pid_t pid) {
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

// kill -9 at random moments of a build that replaces every file of an earlier one (new paths,
// changed files, stale ones): right after the kill the folder holds the old build, or a staging
// folder that the next `build --check` finishes or removes; then it is exactly the old build or
// exactly the new one, and no temporary folder is left anywhere.
TEST_F(Output, AKilledBuildLeavesTheOldBuildOrTheNew) {
  const auto old_stack = fleet("old.stack", 0, 60, "1.0.0");
  const auto new_stack = fleet("new.stack", 20, 60, "2.0.0");
  const fs::path out = tmp_ / "out";
  ASSERT_EQ(run({"build", new_stack.string(), "-o", out.string()}).code, 0);
  const Tree want_new = read(out);
  fs::remove_all(out);
  ASSERT_EQ(run({"build", old_stack.string(), "-o", out.string()}).code, 0);
  const Tree want_old = read(out);
  ASSERT_NE(want_old, want_new);
  // How long a build that replaces the old one takes here, to spread the kills over it.
  ASSERT_EQ(run({"build", old_stack.string(), "-o", out.string()}).code, 0);
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(wait_for(spawn({"stackc", "build", new_stack.string(), "-o", out.string()})), 0);
  const auto took = std::chrono::duration_cast<std::chrono::microseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
  std::mt19937 random(20261203);
  int old_seen = 0, new_seen = 0, finished = 0, undone = 0;
  constexpr int kTrials = 40;
  for (int trial = 0; trial < kTrials; ++trial) {
    fs::remove_all(out);
    ASSERT_EQ(run({"build", old_stack.string(), "-o", out.string()}).code, 0);
    pid_t pid = spawn({"stackc", "build", new_stack.string(), "-o", out.string()});
    // The first kill comes at once and the last build is let finish, so that both ends are
    // tried whatever this machine's speed is at the moment (the measured `took` can be far
    // from what a later build takes under load); the others at random moments over it.
    if (trial + 1 < kTrials) {
      if (trial > 0)
        std::this_thread::sleep_for(std::chrono::microseconds(
            std::uniform_int_distribution<long>(0, took * 13 / 10)(random)));
      ::kill(pid, SIGKILL);
    }
    const int code = wait_for(pid);
    const bool staged = fs::exists(out / ".stackc-tmp");
    if (!staged) {
      const Tree now = read(out);
      EXPECT_TRUE(now == want_old || now == want_new) << "trial " << trial;
    }
    // The next run repairs what the kill left, and says so.
    auto c = run({"build", "--check", old_stack.string(), "-o", out.string()});
    if (staged) {
      EXPECT_NE(c.err.find("stackc: note: "), std::string::npos) << c.err;
      (c.err.find("finished") != std::string::npos ? finished : undone)++;
    }
    const Tree now = read(out);
    EXPECT_FALSE(fs::exists(out / ".stackc-tmp"));
    if (now == want_old) {
      ++old_seen;
      EXPECT_EQ(c.code, 0) << c.out;
    } else {
      ++new_seen;
      EXPECT_EQ(now, want_new) << "trial " << trial << " (exit " << code << ")";
      EXPECT_EQ(run({"build", "--check", new_stack.string(), "-o", out.string()}).code, 0);
    }
  }
  for (const auto& e : fs::directory_iterator(tmp_))
    EXPECT_EQ(e.path().filename().string().find("stackc-tmp"), std::string::npos) << e.path();
  // Both outcomes happen (a kill before the build began, and a build let finish, at least).
  EXPECT_GT(old_seen, 0);
  EXPECT_GT(new_seen, 0);
  std::printf("[ kills    ] old build %d, new build %d; staging finished %d, removed %d\n",
              old_seen, new_seen, finished, undone);
}

// Two builds into one folder at once take turns (the second waits, and says so): the result is
// exactly one of them, never a mix, and both succeed.
TEST_F(Output, TwoBuildsIntoOneFolderTakeTurns) {
  const auto a = fleet("a.stack", 0, 200, "1.0.0");
  const auto b = fleet("b.stack", 100, 200, "2.0.0");
  const fs::path out = tmp_ / "out";
  for (int trial = 0; trial < 4; ++trial) {
    fs::remove_all(out);
    pid_t pa = spawn({"stackc", "build", a.string(), "-o", out.string()});
    pid_t pb = spawn({"stackc", "build", b.string(), "-o", out.string()});
    EXPECT_EQ(wait_for(pa), 0);
    EXPECT_EQ(wait_for(pb), 0);
    const bool is_a = run({"build", "--check", a.string(), "-o", out.string()}).code == 0;
    const bool is_b = run({"build", "--check", b.string(), "-o", out.string()}).code == 0;
    EXPECT_TRUE(is_a != is_b) << "trial " << trial;
  }
}

}  // namespace

namespace {

// The generated files are reviewed as diffs in GitOps pull requests: a small change to the
// .stack file must give a small diff. Adding a workload in the middle renames no file and
// changes only its own files and the files that list every workload; removing it undoes
// exactly that; changing one workload's replicas changes only its files and the capacity docs.
class Diffs : public Output {
 protected:
  // What changed from `a` to `b`: every path added, removed or with other content.
  static std::set<std::string> changed(const Tree& a, const Tree& b) {
    std::set<std::string> out;
    for (const auto& [p, text] : a)
      if (!b.count(p) || b.at(p) != text) out.insert(p);
    for (const auto& [p, text] : b)
      if (!a.count(p)) out.insert(p);
    return out;
  }
  // The files that list every workload (or every environment's): these may change with any
  // workload.
  static bool aggregate(const std::string& p) {
    static const char* kAggregates[] = {
        ".stackc-manifest",
        "docs/graph-",                        // the dependency graph
        "docs/capacity-",                     // the capacity plan
        "kustomize/base/kustomization.yaml",  // its resources list
        "helm/personage/values",              // the chart's values and their schema
        "github/",                            // the workflow builds every image
        "monitoring/",                        // rules, scrape jobs, dashboards
        "kustomize/overlays/",                // each environment's patch list and its own objects
        "compose/",                           // each environment's one Compose project
    };
    for (const char* a : kAggregates)
      if (p.rfind(a, 0) == 0) return true;
    // The monitoring workloads mount the rules, scrape jobs and dashboards from ConfigMaps.
    for (const char* w : {"prometheus", "grafana"})
      if (p.find(std::string("/02-") + w + ".yaml") != std::string::npos ||
          p == std::string("kustomize/base/") + w + ".yaml")
        return true;
    return false;
  }
  // Made when used: tmp_ is set in SetUp, after the members are initialised (a member initialised
  // from it was `personage/` in the current folder, the repository's root).
  Tree build(const std::string& text) {
    const fs::path project = tmp_ / "personage";
    fs::create_directories(project);
    std::ofstream(project / "personage.stack", std::ios::binary) << text;
    if (!fs::exists(project / "services"))  // the Dockerfiles of its `build { }` blocks
      fs::copy("examples/personage/services", project / "services", fs::copy_options::recursive);
    auto r = run({"build", (project / "personage.stack").string(), "-o", (tmp_ / "out").string()});
    EXPECT_EQ(r.code, 0) << r.err;
    return read(tmp_ / "out");
  }
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST_F(Diffs, AddingOrRemovingAWorkloadTouchesOnlyItsFilesAndTheLists) {
  const std::string base = slurp("examples/personage/personage.stack");
  const auto at = base.find("service auth-service {");
  ASSERT_NE(at, std::string::npos);
  const std::string added =
      base.substr(0, at) +
      "service audit-service {\n  image     = \"audit-service\"\n  port http = 8080\n"
      "  cpu       = 100m\n  memory    = 128Mi\n}\n\n" +
      base.substr(at);
  const Tree before = build(base);
  const Tree after = build(added);
  std::set<std::string> unexpected;
  for (const auto& p : changed(before, after)) {
    EXPECT_FALSE(before.count(p) && !after.count(p)) << "removed or renamed: " << p;
    if (p.find("audit-service") == std::string::npos && !aggregate(p)) unexpected.insert(p);
  }
  EXPECT_TRUE(unexpected.empty()) << ::testing::PrintToString(unexpected);
  EXPECT_TRUE(after.count("kubernetes/production/02-audit-service.yaml"));
  // Removing it again gives back exactly the first build.
  EXPECT_EQ(build(base), before);
}

TEST_F(Diffs, ChangingOneWorkloadsReplicasTouchesOnlyItsFiles) {
  const std::string base = slurp("examples/personage/personage.stack");
  const auto at = base.find("service auth-service {");
  ASSERT_NE(at, std::string::npos);
  const auto replicas = base.find("replicas", at);
  const auto eol = base.find('\n', replicas);
  const std::string edited = base.substr(0, replicas) + "replicas = 7" + base.substr(eol);
  const Tree before = build(base);
  const Tree after = build(edited);
  std::set<std::string> unexpected;
  for (const auto& p : changed(before, after))
    // Besides its own files: the capacity plans, the chart's values, each environment's
    // Kustomize overlay, the overview dashboard (which shows each workload's declared replicas)
    // and Grafana's ConfigMap of it, and the restore runbook (which scales the dependents of the
    // database back to their replicas), and each environment's Compose project (one file).
    if (p.find("auth-service") == std::string::npos && p.rfind("docs/capacity-", 0) != 0 &&
        p.rfind("compose/", 0) != 0 && p.rfind("docs/restore-", 0) != 0 &&
        p.rfind("helm/personage/values", 0) != 0 && p.rfind("kustomize/overlays/", 0) != 0 &&
        p.find("-overview.json") == std::string::npos &&
        p.find("/02-grafana.yaml") == std::string::npos && p != "kustomize/base/grafana.yaml" &&
        p != ".stackc-manifest")
      unexpected.insert(p);
  EXPECT_TRUE(unexpected.empty()) << ::testing::PrintToString(unexpected);
  EXPECT_FALSE(changed(before, after).empty());
}

}  // namespace

namespace {

// `build --stdout`: one environment's plain manifests as one YAML stream, byte for byte the
// folder's files in name order without their headers; anything else is a usage error.
TEST_F(Output, StdoutIsTheFolderAsOneStream) {
  const fs::path out = tmp_ / "out";
  for (const auto& [stack, env] :
       {std::pair<std::string, std::string>{"examples/webapp/webapp.stack", "production"},
        {"examples/personage/personage.stack", "staging"}}) {
    fs::remove_all(out);
    ASSERT_EQ(
        run({"build", stack, "--env", env, "--target", "kubernetes", "-o", out.string()}).code, 0);
    std::string want;
    for (const auto& [path, text] : read(out / "kubernetes" / env)) {
      ASSERT_EQ(text.rfind("# Generated by stackc", 0), 0u) << path;
      want += text.substr(text.find("\n---\n") + 1);
    }
    auto r = run({"build", "--stdout", "--env", env, stack});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, want) << stack;
  }
  // A stack with one environment needs no --env; a large one streams its workloads' files
  // through a temporary file as they are lowered: the same bytes.
  const auto big = fleet("big.stack", 0, 300, "1.0.0");
  fs::remove_all(out);
  ASSERT_EQ(run({"build", big.string(), "--target", "kubernetes", "-o", out.string()}).code, 0);
  std::string want;
  for (const auto& [path, text] : read(out / "kubernetes/prod"))
    want += text.substr(text.find("\n---\n") + 1);
  EXPECT_EQ(run({"build", "--stdout", big.string()}).out, want);
  // Not one environment and one target: a usage error, and nothing is written.
  const std::string webapp = "examples/webapp/webapp.stack";
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"build", "--stdout", webapp},
           {"build", "--stdout", "--env", "staging", "--env", "production", webapp},
           {"build", "--stdout", "--env", "staging", "--target", "helm", webapp},
           {"build", "--stdout", "--env", "staging", "--check", webapp},
           {"build", "--stdout", "--env", "staging", "-o", out.string(), webapp}}) {
    auto r = run(args);
    EXPECT_EQ(r.code, 2) << ::testing::PrintToString(args);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("--stdout"), std::string::npos) << r.err;
  }
}

}  // namespace
