// End-to-end tests of the command line: subcommands, options, exit codes, output streams.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;

using stackc::testing::Run;
using stackc::testing::run;

class Cli : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::current_path(STACKC_SOURCE_DIR);
    setenv("NO_COLOR", "1", 1);
    tmp_ = fs::temp_directory_path() / ("stackc-cli-" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = tmp_ / name;
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  fs::path tmp_;
};

TEST_F(Cli, CheckExitCodes) {
  EXPECT_EQ(run({"check", "examples/minimal/minimal.stack"}).code, 0);
  auto bad = write("bad.stack", "service x {\n");
  EXPECT_EQ(run({"check", bad.string()}).code, 1);
  auto r = run({"check", (tmp_ / "missing.stack").string()});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("error[E0001]"), std::string::npos);
  EXPECT_EQ(run({"check"}).code, 2);
  EXPECT_EQ(run({"frobnicate"}).code, 2);
  EXPECT_EQ(run({"check", "--diagnostics=xml", "examples/minimal/minimal.stack"}).code, 2);
}

TEST_F(Cli, HelpAndVersion) {
  auto h = run({"--help"});
  EXPECT_EQ(h.code, 0);
  EXPECT_NE(h.out.find("check"), std::string::npos);
  auto ch = run({"check", "--help"});
  EXPECT_EQ(ch.code, 0);
  EXPECT_NE(ch.out.find("--dump-model"), std::string::npos);
  auto fh = run({"fmt", "--help"});
  EXPECT_NE(fh.out.find("--check"), std::string::npos);
  auto v = run({"version"});
  EXPECT_EQ(v.code, 0);
  EXPECT_EQ(v.out, "stackc 0.1.0\n");
}

TEST_F(Cli, MachineFormatsGoToStdout) {
  auto bad = write("bad.stack", "stack s {\n  registry = 3\n}\n");
  auto j = run({"check", "--diagnostics=json", bad.string()});
  EXPECT_EQ(j.code, 1);
  EXPECT_EQ(j.err, "");
  EXPECT_NE(j.out.find("\"code\": \"E2003\""), std::string::npos);
  auto s = run({"check", "--diagnostics=sarif", bad.string()});
  EXPECT_NE(s.out.find("\"version\": \"2.1.0\""), std::string::npos);
  EXPECT_NE(s.out.find("\"ruleId\": \"E2003\""), std::string::npos);
}

TEST_F(Cli, ColourOnlyWhenAskedAndNeverWithNoColor) {
  auto bad = write("bad.stack", "stack s {\n  registry = 3\n}\n");
  EXPECT_EQ(run({"check", "--color=always", bad.string()}).err.find("\x1b["), std::string::npos);
  unsetenv("NO_COLOR");
  EXPECT_NE(run({"check", "--color=always", bad.string()}).err.find("\x1b["), std::string::npos);
  EXPECT_EQ(run({"check", "--color=never", bad.string()}).err.find("\x1b["), std::string::npos);
  setenv("NO_COLOR", "1", 1);
}

TEST_F(Cli, DumpAstAndModel) {
  auto a = run({"check", "--dump-ast", "examples/minimal/minimal.stack"});
  EXPECT_EQ(a.code, 0);
  EXPECT_NE(a.out.find("\"key\": \"service\""), std::string::npos);
  auto m = run({"check", "--dump-model", "examples/webapp/webapp.stack"});
  EXPECT_EQ(m.code, 0);
  // Per-environment resolution: api has 3..8 replicas in production, 2..4 in staging.
  EXPECT_NE(m.out.find("\"min\": 3,\n            \"max\": 8"), std::string::npos)
      << m.out.substr(0, 400);
  EXPECT_NE(m.out.find("\"host\": \"api.shop.example\""), std::string::npos);
  EXPECT_NE(m.out.find("\"host\": \"api.staging.shop.example\""), std::string::npos);
}

TEST_F(Cli, FmtCheckRewriteAndIdempotence) {
  auto f = write("a.stack", "stack s {\nregistry=\"r\"   # the registry\n  version = \"1\"\n}\n");
  auto c = run({"fmt", "--check", f.string()});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("not formatted"), std::string::npos);
  EXPECT_EQ(run({"fmt", f.string()}).code, 0);
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "stack s {\n  registry = \"r\"  # the registry\n  version  = \"1\"\n}\n");
  EXPECT_EQ(run({"fmt", "--check", f.string()}).code, 0);
  auto bad = write("b.stack", "stack s {\n");
  EXPECT_EQ(run({"fmt", bad.string()}).code, 1);
}

TEST_F(Cli, ExplainCodesAndKinds) {
  auto e = run({"explain", "E2001"});
  EXPECT_EQ(e.code, 0);
  EXPECT_EQ(e.out.rfind("# E2001", 0), 0u);
  auto lower = run({"explain", "e2004"});
  EXPECT_EQ(lower.code, 0);
  auto k = run({"explain", "service"});
  EXPECT_EQ(k.code, 0);
  EXPECT_NE(k.out.find("| `replicas` |"), std::string::npos);
  auto bad = run({"explain", "E2O01"});
  EXPECT_EQ(bad.code, 2);
  EXPECT_NE(bad.err.find("did you mean `E2001`"), std::string::npos);
}

TEST_F(Cli, BadInputNeverCrashes) {
  std::string big;
  for (int i = 0; i < 200000; ++i) big += "x = [1, 2, \"three\"]  # filler line to reach 10 MB\n";
  EXPECT_GE(big.size(), 10u * 1000 * 1000);
  EXPECT_EQ(run({"check", write("big.stack", big).string()}).code, 1);
  EXPECT_EQ(run({"check", write("empty.stack", "").string()}).code, 1);
  EXPECT_EQ(
      run({"check", write("crlf.stack", "stack s {\r\n  registry = \"r\"\r\n}\r\n").string()}).code,
      1);
  fs::create_directories(tmp_ / "dir.stack");
  EXPECT_EQ(run({"check", (tmp_ / "dir.stack").string()}).code, 2);
  auto imp = write("imp.stack", "import \"./nope.stack\"\nimport \"./\"\n");
  auto r = run({"check", imp.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("E2014"), std::string::npos);
}

}  // namespace

namespace {

std::string slurp_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

TEST_F(Cli, BuildWritesChecksAndCleansUp) {
  fs::path out = tmp_ / "out";
  auto r = run({"build", "examples/webapp/webapp.stack", "-o", out.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  ASSERT_TRUE(fs::exists(out / ".stackc-manifest"));
  ASSERT_TRUE(fs::exists(out / "kubernetes/production/02-api.yaml"));
  std::string first = slurp_file(out / "kubernetes/production/02-api.yaml");
  EXPECT_EQ(first.rfind("# Generated by stackc from webapp.stack.", 0), 0u);
  // Deterministic: a second build changes nothing.
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  EXPECT_EQ(slurp_file(out / "kubernetes/production/02-api.yaml"), first);
  EXPECT_EQ(run({"build", "--check", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  // --check lists differing, missing and stale files, and exits 1.
  std::ofstream(out / "kubernetes/production/02-api.yaml", std::ios::app) << "# edited\n";
  fs::remove(out / "kubernetes/staging/00-namespace.yaml");
  std::ofstream(out / "kubernetes/staging/99-old.yaml") << "stale\n";
  {
    std::ofstream m(out / ".stackc-manifest", std::ios::app);
    m << "kubernetes/staging/99-old.yaml\n";
  }
  std::ofstream(out / "README.md") << "not generated\n";
  auto c = run({"build", "--check", "examples/webapp/webapp.stack", "-o", out.string()});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("02-api.yaml: differs from the build"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("00-namespace.yaml: is missing"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("99-old.yaml: is stale"), std::string::npos) << c.out;
  // A build repairs all of it, removes the stale generated file, and keeps the user's file.
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  EXPECT_EQ(slurp_file(out / "kubernetes/production/02-api.yaml"), first);
  EXPECT_TRUE(fs::exists(out / "kubernetes/staging/00-namespace.yaml"));
  EXPECT_FALSE(fs::exists(out / "kubernetes/staging/99-old.yaml"));
  EXPECT_TRUE(fs::exists(out / "README.md"));
}

// Files are compared by content, a chunk at a time: an edit that keeps the size is found, also
// past the first MiB of a file, and in a file written from the printed objects' parts.
TEST_F(Cli, BuildCheckFindsEditsThatKeepTheSize) {
  std::string text =
      "stack fleet { registry = \"ghcr.io/fleet\"  version = \"1.0.0\" }\n"
      "cluster big { nodes = 20  node { cpu = 64  memory = 256Gi  disk = 1000Gi } }\n"
      "environment prod { cluster = big  namespace = \"fleet\" }\n";
  for (int i = 0; i < 1100; ++i)
    text += "service svc-" + std::to_string(i) +
            " {\n  image = \"ghcr.io/fleet/svc:1.0.0\"\n  replicas = 2..10\n  port http = 8080\n"
            "  cpu = 100m..500m\n  memory = 128Mi..256Mi\n  autoscale { cpu = 70% }\n"
            "  health { liveness = http(\"/healthz\")  readiness = http(\"/ready\") }\n"
            "  env { LOG_LEVEL = \"info\" }\n}\n";
  auto stack = write("fleet.stack", text);
  fs::path out = tmp_ / "out";
  ASSERT_EQ(run({"build", stack.string(), "-o", out.string()}).code, 0);
  auto flip = [](const fs::path& p, std::size_t from_end) {
    std::fstream f(p, std::ios::in | std::ios::out | std::ios::binary);
    f.seekg(-static_cast<std::streamoff>(from_end), std::ios::end);
    char c = 0;
    f.get(c);
    f.seekp(-static_cast<std::streamoff>(from_end), std::ios::end);
    f.put(c == 'a' ? 'b' : 'a');
  };
  fs::path values = out / "helm/fleet/values.yaml";
  ASSERT_GT(fs::file_size(values), std::size_t{2} << 20);  // more than two chunks
  flip(values, 10);
  flip(out / "kustomize/base/svc-150.yaml", 20);
  auto c = run({"build", "--check", stack.string(), "-o", out.string()});
  EXPECT_EQ(c.code, 1);
  EXPECT_NE(c.out.find("values.yaml: differs from the build"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("svc-150.yaml: differs from the build"), std::string::npos) << c.out;
  EXPECT_NE(c.out.find("2 files are out of date"), std::string::npos) << c.out;
  // A build rewrites exactly those; then nothing differs.
  ASSERT_EQ(run({"build", stack.string(), "-o", out.string()}).code, 0);
  EXPECT_EQ(run({"build", "--check", stack.string(), "-o", out.string()}).code, 0);
}

TEST_F(Cli, BuildWritesNothingOnErrors) {
  fs::path out = tmp_ / "out";
  auto bad = write(
      "bad.stack",
      "stack s { registry = \"r\"  version = \"1\" }\n"
      "cluster c { nodes = 1  node { cpu = 4  memory = 8Gi } }\n"
      "environment dev { cluster = c }\n"
      "worker w { image = \"w\"  cpu = 1  memory = 1Gi  health { liveness = http(\"/h\") } }\n");
  auto r = run({"build", bad.string(), "-o", out.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E4002]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  EXPECT_EQ(
      run({"build", "examples/webapp/webapp.stack", "--env", "prod", "-o", out.string()}).code, 2);
  EXPECT_EQ(
      run({"build", "examples/webapp/webapp.stack", "--target", "helmet", "-o", out.string()}).code,
      2);
}

// `-o ''` (an unset variable, say) is a usage error, not the default folder.
TEST_F(Cli, BuildRejectsAnEmptyOutputFolder) {
  fs::path example = fs::absolute("examples/minimal/minimal.stack");
  fs::current_path(tmp_);  // where the default folder would be
  auto r = run({"build", example.string(), "-o", ""});
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("the output folder is empty"), std::string::npos) << r.err;
  EXPECT_EQ(run({"build", example.string(), "--github-dir", ""}).code, 2);
  EXPECT_FALSE(fs::exists(tmp_ / "out"));
  fs::current_path(STACKC_SOURCE_DIR);
}

// With one environment, a workload's files are written as soon as it is lowered: an error in a
// later workload undoes them, into an empty folder and into one with an earlier build.
TEST_F(Cli, BuildUndoesTheFilesItWroteWhenALaterWorkloadFails) {
  auto fleet = [](const std::string& first_image, bool bad) {
    std::string text =
        "stack fleet { registry = \"ghcr.io/fleet\"  version = \"1.0.0\" }\n"
        "cluster big { nodes = 20  node { cpu = 64  memory = 256Gi  disk = 1000Gi } }\n"
        "environment prod { cluster = big  namespace = \"fleet\" }\n";
    for (int i = 0; i < 400; ++i) {
      if (bad && i == 300)  // E4001: a CronJob name over 52 characters, lowered late
        text +=
            "cron nightly-report-for-the-accounting-department-of-the-shop {\n"
            "  image = \"report\"  schedule = \"0 1 * * *\"  cpu = 100m  memory = 128Mi\n}\n";
      text += "service svc-" + std::to_string(i) + " {\n  image = \"" +
              (i == 0 ? first_image : std::string("ghcr.io/fleet/svc:1.0.0")) +
              "\"\n  port http = 8080\n  cpu = 100m\n  memory = 128Mi\n}\n";
    }
    return text;
  };
  fs::path out = tmp_ / "out";
  auto bad = write("bad.stack", fleet("ghcr.io/fleet/svc:2.0.0", true));
  auto r = run({"build", bad.string(), "-o", out.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E4001]"), std::string::npos) << r.err;
  EXPECT_FALSE(fs::exists(out));
  // An earlier build stays as it was: no file changed, added or left behind.
  auto good = write("good.stack", fleet("ghcr.io/fleet/svc:1.0.0", false));
  ASSERT_EQ(run({"build", good.string(), "-o", out.string()}).code, 0);
  auto listing = [&] {
    std::vector<std::string> files;
    for (const auto& e : fs::recursive_directory_iterator(tmp_)) files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    return files;
  };
  const auto before = listing();
  const std::string svc0 = slurp_file(out / "kubernetes/prod/02-svc-0.yaml");
  ASSERT_NE(svc0.find("svc:1.0.0"), std::string::npos);
  r = run({"build", bad.string(), "-o", out.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_EQ(listing(), before);
  EXPECT_EQ(slurp_file(out / "kubernetes/prod/02-svc-0.yaml"), svc0);
  // The same stack without the error builds, and then nothing differs.
  auto fixed = write("fixed.stack", fleet("ghcr.io/fleet/svc:2.0.0", false));
  ASSERT_EQ(run({"build", fixed.string(), "-o", out.string()}).code, 0);
  EXPECT_NE(slurp_file(out / "kubernetes/prod/02-svc-0.yaml").find("svc:2.0.0"), std::string::npos);
  EXPECT_EQ(run({"build", "--check", fixed.string(), "-o", out.string()}).code, 0);
}

TEST_F(Cli, BuildOneEnvironment) {
  fs::path out = tmp_ / "out";
  ASSERT_EQ(
      run({"build", "examples/webapp/webapp.stack", "--env", "staging", "-o", out.string()}).code,
      0);
  EXPECT_TRUE(fs::exists(out / "kubernetes/staging"));
  EXPECT_FALSE(fs::exists(out / "kubernetes/production"));
  // A build of one environment or target leaves the files of the others alone.
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "--env", "staging", "--target",
                 "kubernetes", "-o", out.string()})
                .code,
            0);
  EXPECT_TRUE(fs::exists(out / "kubernetes/production/00-namespace.yaml"));
  EXPECT_TRUE(fs::exists(out / "helm/shop/Chart.yaml"));
  EXPECT_EQ(run({"build", "--check", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
}

// The GitOps targets: written by default only with `gitops`, scoped per environment like the
// others, and an error (E4010) when named for a stack without the block.
TEST_F(Cli, GitOpsTargets) {
  fs::path out = tmp_ / "out";
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  EXPECT_TRUE(fs::exists(out / "argocd/staging.yaml"));
  EXPECT_TRUE(fs::exists(out / "flux/production.yaml"));
  // One environment of one target: the other environments' files stay, the build is current.
  ASSERT_EQ(run({"build", "examples/webapp/webapp.stack", "--env", "staging", "--target", "argocd",
                 "-o", out.string()})
                .code,
            0);
  EXPECT_TRUE(fs::exists(out / "argocd/production.yaml"));
  EXPECT_TRUE(fs::exists(out / "flux/staging.yaml"));
  EXPECT_EQ(run({"build", "--check", "examples/webapp/webapp.stack", "-o", out.string()}).code, 0);
  // A stack without `gitops`: nothing by default, E4010 when asked for.
  fs::path hello = tmp_ / "hello";
  ASSERT_EQ(run({"build", "examples/minimal/minimal.stack", "-o", hello.string()}).code, 0);
  EXPECT_TRUE(fs::exists(hello / "kubernetes"));
  EXPECT_FALSE(fs::exists(hello / "argocd"));
  EXPECT_FALSE(fs::exists(hello / "flux"));
  auto r = run({"build", "examples/minimal/minimal.stack", "--target", "flux", "-o",
                (tmp_ / "none").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E4010]"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp_ / "none"));
}

// Compose per environment, the clusters whatever --env says: one environment of `compose` leaves
// the others' projects; an error of either target (E4020, E4021) writes nothing.
TEST_F(Cli, ComposeAndTerraformTargets) {
  fs::path out = tmp_ / "out";
  // Built only when named.
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "-o", out.string()}).code, 0);
  EXPECT_FALSE(fs::exists(out / "compose"));
  EXPECT_FALSE(fs::exists(out / "terraform"));
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "--target", "compose,terraform",
                 "-o", out.string()})
                .code,
            0);
  for (const char* e : {"dev", "staging", "production"}) {
    EXPECT_TRUE(fs::exists(out / "compose" / e / "compose.yaml"));
    EXPECT_TRUE(fs::exists(out / "compose" / e / ".env.example"));
  }
  EXPECT_TRUE(fs::exists(out / "terraform/yandex/main.tf"));
  EXPECT_TRUE(fs::exists(out / "terraform/minimal/start.sh"));
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "--env", "dev", "--target",
                 "compose,terraform", "-o", out.string()})
                .code,
            0);
  EXPECT_TRUE(fs::exists(out / "compose/production/compose.yaml"));
  EXPECT_TRUE(fs::exists(out / "terraform/yandex/main.tf"));
  // A build of the default targets keeps them (outside its scope).
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "-o", out.string()}).code, 0);
  EXPECT_TRUE(fs::exists(out / "compose/dev/compose.yaml"));
  // The secrets copied to .env beside .env.example are the user's: not reported, kept.
  { std::ofstream(out / "compose/dev/.env") << "POSTGRES_PASSWORD=x\n"; }
  EXPECT_EQ(run({"build", "--check", "examples/personage/personage.stack", "--target", "compose",
                 "-o", out.string()})
                .code,
            0);
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "--target", "compose", "-o",
                 out.string()})
                .code,
            0);
  EXPECT_TRUE(fs::exists(out / "compose/dev/.env"));
  EXPECT_TRUE(fs::exists(out / "compose/dev/.gitignore"));
  { std::ofstream(out / "compose/dev/notes.txt") << "mine\n"; }
  // Another file there is reported, as in every generated folder.
  EXPECT_EQ(run({"build", "--check", "examples/personage/personage.stack", "--target", "compose",
                 "-o", out.string()})
                .code,
            1);
  auto r = run({"build", "tests/golden/cases/E4021-cluster-size.stack", "--target", "terraform",
                "-o", (tmp_ / "none").string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E4021]"), std::string::npos);
  EXPECT_FALSE(fs::exists(tmp_ / "none"));
  // Without the target, the same stack builds.
  EXPECT_EQ(
      run({"build", "tests/golden/cases/E4021-cluster-size.stack", "-o", (tmp_ / "k8s").string()})
          .code,
      0);
}

TEST_F(Cli, GithubDirTakesTheWorkflows) {
  fs::path out = tmp_ / "out", gh = tmp_ / "dot-github";
  fs::create_directories(gh / "workflows");
  { std::ofstream(gh / "workflows" / "mine.yml") << "name: mine\n"; }
  ASSERT_EQ(run({"build", "examples/personage/personage.stack", "-o", out.string(), "--github-dir",
                 gh.string()})
                .code,
            0);
  EXPECT_TRUE(fs::exists(gh / "workflows" / "personage.yml"));
  EXPECT_TRUE(fs::exists(gh / "dependabot.yml"));
  EXPECT_TRUE(fs::exists(gh / "workflows" / "mine.yml"));  // not ours: never touched
  EXPECT_FALSE(fs::exists(out / "github"));
  EXPECT_TRUE(fs::exists(out / "monitoring" / "production" / "prometheus" / "rules.yml"));
  EXPECT_EQ(run({"build", "--check", "examples/personage/personage.stack", "-o", out.string(),
                 "--github-dir", gh.string()})
                .code,
            0);
  fs::remove(gh / "dependabot.yml");
  auto stale = run({"build", "--check", "examples/personage/personage.stack", "-o", out.string(),
                    "--github-dir", gh.string()});
  EXPECT_EQ(stale.code, 1);
  EXPECT_NE(stale.out.find("dependabot.yml: is missing"), std::string::npos) << stale.out;
}

}  // namespace

namespace {

TEST_F(Cli, GraphFormatsAndImpact) {
  auto dot = run({"graph", "examples/personage/personage.stack"});
  EXPECT_EQ(dot.code, 0) << dot.err;
  EXPECT_NE(dot.out.find("\"api-service\" -> \"postgres\" [label=\"needs\"];"), std::string::npos)
      << dot.out;
  auto mmd = run({"graph", "--format", "mermaid", "--env", "production",
                  "examples/personage/personage.stack"});
  EXPECT_EQ(mmd.out.rfind("graph LR\n", 0), 0u);
  auto json = run({"graph", "--format", "json", "examples/webapp/webapp.stack"});
  EXPECT_NE(json.out.find("\"order\": ["), std::string::npos);
  auto impact = run({"graph", "--impact", "postgres", "examples/personage/personage.stack"});
  EXPECT_EQ(impact.out,
            "If `postgres` is down in dev, 4 other workloads are affected:\n  api-service\n  "
            "auth-service\n"
            "  processor-service\n  backup-postgres-daily\n");
  // Scraping is not depending: Prometheus keeps running when a workload it scrapes is down.
  auto scraped = run({"graph", "--impact", "api-service", "examples/personage/personage.stack"});
  EXPECT_EQ(scraped.out.find("prometheus"), std::string::npos) << scraped.out;
  EXPECT_EQ(run({"graph", "--impact", "postgress", "examples/personage/personage.stack"}).code, 2);
  EXPECT_EQ(run({"graph", "--env", "nope", "examples/personage/personage.stack"}).code, 2);
}

TEST_F(Cli, PlanShowsThePackingAndRejectsWhatDoesNotFit) {
  auto p = run({"plan", "--env", "production", "examples/personage/personage.stack"});
  EXPECT_EQ(p.code, 0) << p.err;
  EXPECT_NE(p.out.find("environment production on cluster yandex"), std::string::npos) << p.out;
  EXPECT_NE(p.out.find("node 3:"), std::string::npos);
  auto j = run({"plan", "--format", "json", "examples/minimal/minimal.stack"});
  EXPECT_NE(j.out.find("\"unplaced\": []"), std::string::npos) << j.out;
  // A node's pods by workload, each with how many (not a name a pod: 100,000 replicas are many).
  EXPECT_NE(j.out.find("\"pods\": [\n            {\n              \"workload\": \"hello\",\n"
                       "              \"count\": 1\n            }\n          ]"),
            std::string::npos)
      << j.out;
  // AC-085: production on the minimal cluster is rejected, with the numbers.
  std::ifstream in("examples/personage/personage.stack");
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  auto at = text.find("environment production { cluster = yandex ");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, std::string("environment production { cluster = yandex ").size(),
               "environment production { cluster = minimal");
  auto f = write("personage.stack", text);
  // The Dockerfiles its `build { }` blocks name go with it.
  fs::copy("examples/personage/services", tmp_ / "services", fs::copy_options::recursive);
  auto r = run({"check", f.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(
      r.err.find("error[E3003]: the workloads of `production` do not fit its cluster `minimal`"),
      std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("they request 10200m CPU and 16.4Gi in all; 1 node gives 4 CPU and 6.0Gi"),
            std::string::npos)
      << r.err;
}

}  // namespace

namespace {

// `graph` exits 1 only on a cycle (whether the pods fit is `plan`'s question); `plan` exits 1 on
// a cycle too.
TEST_F(Cli, GraphAndPlanExitCodes) {
  const std::string head =
      "stack s { registry = \"r\"  version = \"1.0.0\" }\n"
      "cluster c { nodes = 1  node { cpu = 1  memory = 1Gi } }\n"
      "environment e { cluster = c  namespace = \"n\" }\n";
  auto too_big = write("big.stack", head +
                                        "service a { image = \"a\"  port http = 80  cpu = 2  "
                                        "memory = 64Mi }\n");
  auto r = run({"graph", too_big.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.err, "");
  EXPECT_EQ(run({"plan", too_big.string()}).code, 1);
  auto cycle = write("cycle.stack", head +
                                        "service a { image = \"a\"  port http = 80  cpu = 100m  "
                                        "memory = 64Mi  needs = [b] }\n"
                                        "service b { image = \"b\"  port http = 80  cpu = 100m  "
                                        "memory = 64Mi  needs = [a] }\n");
  EXPECT_EQ(run({"graph", cycle.string()}).code, 1);
  r = run({"plan", cycle.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E3001]"), std::string::npos) << r.err;
}

}  // namespace

namespace {

const char* kImportDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ghcr.io/shop/api:1.4.2
        ports: [{name: http, containerPort: 8080}]
        resources: {requests: {cpu: 100m, memory: 128Mi}, limits: {cpu: 200m, memory: 256Mi}}
        securityContext: {runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  selector: {app: api}
  ports: [{name: http, port: 80, targetPort: http}]
)";

TEST_F(Cli, ImportWritesTheStackToStdoutOrAFile) {
  auto in = write("api.yaml", kImportDeployment);
  auto r = run({"import", in.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("service api {"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("port http = 80 -> 8080"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("warning[W0042]"), std::string::npos) << r.err;
  // -o writes the file (and nothing to stdout); the result checks.
  auto out = tmp_ / "api.stack";
  auto w = run({"import", in.string(), "-o", out.string()});
  EXPECT_EQ(w.code, 0) << w.err;
  EXPECT_EQ(w.out, "");
  ASSERT_TRUE(fs::exists(out));
  auto c = run({"check", out.string()});
  EXPECT_EQ(c.code, 0) << c.err;
  // Over an existing file too; never into a folder.
  EXPECT_EQ(run({"import", in.string(), "-o", out.string()}).code, 0);
  EXPECT_EQ(run({"import", in.string(), "-o", tmp_.string()}).code, 2);
}

TEST_F(Cli, ImportReadsFoldersInOrderAndRefusesWhatItCannotRead) {
  fs::create_directories(tmp_ / "m" / "sub");
  std::string text = kImportDeployment;
  auto cut = text.find("---\n");
  std::ofstream(tmp_ / "m" / "b.yaml") << text.substr(cut + 4);
  std::ofstream(tmp_ / "m" / "sub" / "a.yml") << text.substr(0, cut);
  std::ofstream(tmp_ / "m" / "notes.txt") << "not: [yaml";
  auto r = run({"import", (tmp_ / "m").string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("service api {"), std::string::npos) << r.out;
  EXPECT_EQ(run({"import", (tmp_ / "missing.yaml").string()}).code, 2);
  auto big = run({"import", "--max-input=10", (tmp_ / "m").string()});
  EXPECT_EQ(big.code, 2);
  EXPECT_NE(big.err.find("E0002"), std::string::npos) << big.err;
  auto bad = write("bad.yaml", "kind: Service\nmetadata: {name: x\n");
  auto b = run({"import", bad.string()});
  EXPECT_EQ(b.code, 1);
  EXPECT_EQ(b.out, "");
  EXPECT_NE(b.err.find("E5001"), std::string::npos) << b.err;
}

TEST_F(Cli, ImportUsageErrorsAndMachineDiagnostics) {
  EXPECT_EQ(run({"import"}).code, 2);
  auto in = write("api.yaml", kImportDeployment);
  EXPECT_EQ(run({"import", in.string(), "--env", "a=" + in.string()}).code, 2);
  EXPECT_EQ(run({"import", "--env", "Bad_Name=" + in.string()}).code, 2);
  EXPECT_EQ(run({"import", "--env", "staging"}).code, 2);
  // The .stack stays alone on stdout; JSON diagnostics then go to stderr.
  auto j = run({"import", "--diagnostics=json", in.string()});
  EXPECT_EQ(j.code, 0);
  EXPECT_EQ(j.out.rfind("# Imported by", 0), 0u) << j.out;
  EXPECT_NE(j.err.find("\"W0042\""), std::string::npos) << j.err;
  auto o = tmp_ / "x.stack";
  auto j2 = run({"import", "--diagnostics=json", in.string(), "-o", o.string()});
  EXPECT_NE(j2.out.find("\"W0042\""), std::string::npos) << j2.out;
}

TEST_F(Cli, ImportEnvironments) {
  auto a = write("staging.yaml", kImportDeployment);
  std::string prod = kImportDeployment;
  prod.replace(prod.find("cpu: 200m"), 9, "cpu: 400m");
  auto b = write("production.yaml", prod);
  auto r = run({"import", "--env", "staging=" + a.string(), "--env", "production=" + b.string()});
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("when staging { cpu = 100m..200m }"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("when production { cpu = 100m..400m }"), std::string::npos) << r.out;
  auto out = write("two.stack", r.out);
  auto c = run({"check", out.string()});
  EXPECT_EQ(c.code, 0) << c.err;
}

}  // namespace

namespace {

// `stackc diff` (specs/diff.md).

std::string edit(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

TEST_F(Cli, DiffOfEachExampleAgainstItsCommittedOutputIsEmpty) {
  std::size_t compared = 0;
  for (const auto& e : fs::directory_iterator("examples")) {
    for (const auto& f : fs::directory_iterator(e.path())) {
      if (f.path().extension() != ".stack") continue;
      // The stack's name, as out/ names its folder.
      std::string text = slurp_file(f.path());
      auto at = text.find("\nstack ");
      ASSERT_NE(at, std::string::npos) << f.path();
      std::string name = text.substr(at + 7, text.find_first_of(" {", at + 7) - at - 7);
      for (const auto& env : fs::directory_iterator(fs::path("out") / name / "kubernetes")) {
        SCOPED_TRACE(f.path().string() + " " + env.path().string());
        auto r = run({"diff", f.path().string(), "--env", env.path().filename().string(),
                      "--against", env.path().string()});
        EXPECT_EQ(r.code, 0) << r.out << r.err;
        EXPECT_NE(r.out.find(": 0 differences, 0 intended\n"), std::string::npos) << r.out;
        ++compared;
      }
    }
  }
  EXPECT_EQ(compared, 8u);
}

TEST_F(Cli, DiffFindsExactlyTheHandEdits) {
  fs::path dir = tmp_ / "production";
  fs::copy("out/personage/kubernetes/production", dir);
  std::string pg = slurp_file(dir / "02-postgres.yaml");
  pg = edit(pg, "  replicas: 3\n", "  replicas: 2\n");
  pg = edit(pg, "            cpu: \"1\"\n", "            cpu: 1000m\n");  // the same
  pg = edit(pg, "            memory: \"4Gi\"\n", "            memory: 4096Mi\n");
  write("production/02-postgres.yaml", pg);
  std::string api = slurp_file(dir / "02-api-service.yaml");
  api = edit(api, "image: ghcr.io/personage/api-service:1.0.0",
             "image: ghcr.io/personage/api-service:1.0.1");
  std::string kafka_port =
      "        - name: KAFKA_PORT\n          valueFrom:\n            configMapKeyRef:\n"
      "              name: api-service-env\n              key: KAFKA_PORT\n";
  api = edit(api, kafka_port, "");
  // REDIS_HOST moved first: the order of a keyed list does not matter.
  std::string redis =
      "        - name: REDIS_HOST\n          valueFrom:\n            configMapKeyRef:\n"
      "              name: api-service-env\n              key: REDIS_HOST\n";
  api = edit(api, redis, "");
  api = edit(api, "        env:\n", "        env:\n" + redis);
  write("production/02-api-service.yaml", api);
  auto r = run({"diff", "examples/personage/personage.stack", "--env", "production", "--against",
                dir.string(), "--format", "json"});
  EXPECT_EQ(r.code, 1) << r.err;
  auto j = nlohmann::json::parse(r.out);
  std::vector<std::string> got;
  for (const auto& d : j["differences"])
    got.push_back(d["object"].get<std::string>() + " " + d["path"].get<std::string>());
  EXPECT_EQ(got,
            (std::vector<std::string>{"Deployment/personage-production/api-service "
                                      "spec.template.spec.containers[api-service].env[KAFKA_PORT]",
                                      "Deployment/personage-production/api-service "
                                      "spec.template.spec.containers[api-service].image",
                                      "StatefulSet/personage-production/postgres spec.replicas"}));
  EXPECT_EQ(j["intended"].size(), 0u);
  EXPECT_EQ(j["summary"]["differences"], 3);
  // Each with both values and the place in the edited file.
  for (const auto& d : j["differences"]) {
    if (d["path"] == "spec.replicas") {
      EXPECT_EQ(d["stack"], 3);
      EXPECT_EQ(d["against"], 2);
      EXPECT_EQ(d["location"]["file"], (dir / "02-postgres.yaml").string());
    }
    if (d["path"].get<std::string>().find(".image") != std::string::npos) {
      EXPECT_EQ(d["against"], "ghcr.io/personage/api-service:1.0.1");
      EXPECT_EQ(d["location"]["line"], 106);
    }
  }
  // The text report says the same.
  auto t = run({"diff", "examples/personage/personage.stack", "--env", "production", "--against",
                dir.string()});
  EXPECT_EQ(t.code, 1);
  EXPECT_NE(t.out.find("3 differences:\n"), std::string::npos) << t.out;
  EXPECT_NE(
      t.out.find("  StatefulSet/personage-production/postgres: spec.replicas\n    stack:   3\n"
                 "    against: 2 ("),
      std::string::npos)
      << t.out;
}

TEST_F(Cli, DiffGroupsTheHardeningApart) {
  // The manifests without what stackc adds: its NetworkPolicies, ServiceAccount and a
  // security setting.
  std::string all = slurp_file("out/hello/kubernetes/dev/02-hello.yaml");
  std::string kept;
  std::size_t at = 0;
  while (at < all.size()) {
    std::size_t next = all.find("\n---\n", at);
    std::string doc = all.substr(at, next == std::string::npos ? std::string::npos : next - at);
    if (doc.find("kind: NetworkPolicy") == std::string::npos &&
        doc.find("kind: ServiceAccount") == std::string::npos)
      kept += doc + "\n---\n";
    at = next == std::string::npos ? all.size() : next + 5;
  }
  kept = edit(kept, "          allowPrivilegeEscalation: false\n", "");
  auto f = write("hello.yaml", kept);
  auto r = run({"diff", "examples/minimal/minimal.stack", "--against", f.string(), "--against",
                "out/hello/kubernetes/dev/00-namespace.yaml", "--format", "json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  auto j = nlohmann::json::parse(r.out);
  EXPECT_EQ(j["differences"].size(), 0u);
  EXPECT_EQ(j["summary"]["groups"]["network-policies"], 1);
  EXPECT_EQ(j["summary"]["groups"]["service-accounts"], 1);
  EXPECT_EQ(j["summary"]["groups"]["security-context"], 1);
  for (const auto& d : j["intended"]) EXPECT_TRUE(d.contains("group"));
  auto t = run({"diff", "examples/minimal/minimal.stack", "--against", f.string(), "--against",
                "out/hello/kubernetes/dev/00-namespace.yaml"});
  EXPECT_NE(t.out.find("intended differences (stackc's hardening, not a failure):\n"
                       "  network-policies (1)"),
            std::string::npos)
      << t.out;
}

TEST_F(Cli, DiffUsageAndInputErrors) {
  // No --against; an unknown format; a missing file; an environment the stack lacks.
  EXPECT_EQ(run({"diff", "examples/minimal/minimal.stack"}).code, 2);
  EXPECT_EQ(
      run({"diff", "examples/minimal/minimal.stack", "--against", "out/hello", "--format", "xml"})
          .code,
      2);
  auto missing =
      run({"diff", "examples/minimal/minimal.stack", "--against", (tmp_ / "nope.yaml").string()});
  EXPECT_EQ(missing.code, 2);
  EXPECT_NE(missing.err.find("error[E0001]"), std::string::npos);
  auto env = run({"diff", "examples/minimal/minimal.stack", "--env", "prod", "--against",
                  "out/hello/kubernetes/dev"});
  EXPECT_EQ(env.code, 2);
  EXPECT_NE(env.err.find("no environment `prod`"), std::string::npos) << env.err;
  // A folder without YAML: E5040. Malformed YAML: E5001, exit 2 before any build.
  fs::create_directories(tmp_ / "empty");
  auto empty =
      run({"diff", "examples/minimal/minimal.stack", "--against", (tmp_ / "empty").string()});
  EXPECT_EQ(empty.code, 2);
  EXPECT_NE(empty.err.find("error[E5040]"), std::string::npos) << empty.err;
  auto bad = write("bad.yaml", "kind: Service\nmetadata: {name: x\n");
  auto malformed = run({"diff", "examples/minimal/minimal.stack", "--against", bad.string()});
  EXPECT_EQ(malformed.code, 2);
  EXPECT_NE(malformed.err.find("error[E5001]"), std::string::npos) << malformed.err;
  // A stack with errors: exit 1 with its diagnostics.
  auto broken = write("broken.stack", "stack s {\n  registry = 3\n}\n");
  auto b = run({"diff", broken.string(), "--against", "out/hello/kubernetes/dev"});
  EXPECT_EQ(b.code, 1);
  EXPECT_NE(b.err.find("error[E2003]"), std::string::npos) << b.err;
}

}  // namespace
