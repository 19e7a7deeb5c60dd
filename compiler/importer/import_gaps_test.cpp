// What the manifests do not show, and what the import must not copy: a Service no imported
// workload calls (W0048, callers.cpp), literal credentials in `command`/`args` read from a
// Secret as `$(VAR)` (W0041, arg_credentials.cpp), and compose services that ran as the image's
// user or with a writable root (W0057, W0058, compose_security.cpp).
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "driver/driver.hpp"
#include "importer/compose.hpp"
#include "importer/importer.hpp"

namespace stackc::importer {
namespace {

namespace fs = std::filesystem;

struct Got {
  std::string text;
  std::vector<base::Diagnostic> diags;
  std::size_t count(base::Code c) const {
    std::size_t n = 0;
    for (const auto& d : diags) n += d.code == c;
    return n;
  }
  std::string messages(base::Code c) const {
    std::string out;
    for (const auto& d : diags)
      if (d.code == c) out += d.message + "\n" + d.help + "\n";
    return out;
  }
};

Got kube(const std::string& yaml) {
  base::SourceManager sm;
  base::Collector sink;
  Source s;
  s.kubernetes = manifests::parse(sm, sm.add("in.yaml", yaml), sink);
  Got r;
  r.text = import({std::move(s)}, sm, sink);
  r.diags = sink.sorted();
  return r;
}

Got compose(const std::string& yaml) {
  base::SourceManager sm;
  base::Collector sink;
  auto docs = manifests::parse(sm, sm.add("compose.yaml", yaml), sink, /*objects=*/false);
  Got r;
  if (!docs.empty()) r.text = print(from_compose(docs[0], sm, sink));
  r.diags = sink.sorted();
  return r;
}

// `stackc check` of an imported text: the exit code and what it printed.
std::pair<int, std::string> check(const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("stackc-gaps-" + std::to_string(::getpid()));
  fs::create_directories(p);
  std::ofstream(p / "imported.stack") << text;
  std::string file = (p / "imported.stack").string();
  std::vector<const char*> argv{"stackc", "check", file.c_str()};
  std::ostringstream out, err;
  int code = driver::run(static_cast<int>(argv.size()), argv.data(), out, err);
  fs::remove_all(p);
  return {code, out.str() + err.str()};
}

std::string deployment(const std::string& name, const std::string& extra = "") {
  return "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: " + name +
         ", namespace: shop}\nspec:\n  selector: {matchLabels: {app: " + name +
         "}}\n  template:\n    metadata: {labels: {app: " + name +
         "}}\n    spec:\n      containers:\n      - name: " + name +
         "\n        image: ghcr.io/shop/" + name +
         ":1.0.0\n        ports: [{containerPort: 8080}]\n"
         "        resources: {limits: {cpu: 500m, memory: 256Mi}}\n" +
         extra + "---\n";
}

std::string service(const std::string& name, const std::string& type = "") {
  return "apiVersion: v1\nkind: Service\nmetadata: {name: " + name + ", namespace: shop}\nspec:\n" +
         (type.empty() ? "" : "  type: " + type + "\n") + "  selector: {app: " + name +
         "}\n  ports: [{name: http, port: 8080}]\n---\n";
}

TEST(ImportCallers, AServiceNoWorkloadCallsIsW0048) {
  // web -> api by its env; nothing calls web or db.
  std::string yaml =
      deployment("web", "        env: [{name: API_URL, value: \"http://api:8080/v1\"}]\n") +
      service("web") + deployment("api") + service("api") + deployment("db") + service("db");
  Got r = kube(yaml);
  EXPECT_EQ(r.count(base::Code::W0048), 2u) << r.messages(base::Code::W0048);
  EXPECT_NE(r.messages(base::Code::W0048).find("Service `web`"), std::string::npos);
  EXPECT_NE(r.messages(base::Code::W0048).find("Service `db`"), std::string::npos);
  EXPECT_NE(r.messages(base::Code::W0048).find("`needs = [db]`"), std::string::npos);
  EXPECT_EQ(r.messages(base::Code::W0048).find("Service `api`"), std::string::npos);
  EXPECT_NE(r.text.find("# no imported workload calls it (W0048): add `needs = [db]`"),
            std::string::npos)
      << r.text;
}

TEST(ImportCallers, ReachedFromOutsideOrScrapedIsNotW0048) {
  std::string ingress =
      "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata: {name: web, namespace: "
      "shop}\nspec:\n  rules:\n  - host: shop.example\n    http:\n      paths:\n      - {path: "
      "/, pathType: Prefix, backend: {service: {name: web, port: {number: 8080}}}}\n---\n";
  EXPECT_EQ(kube(deployment("web") + service("web") + ingress).count(base::Code::W0048), 0u);
  EXPECT_EQ(kube(deployment("web") + service("web", "NodePort")).count(base::Code::W0048), 0u);
  EXPECT_EQ(kube(deployment("web") + service("web", "LoadBalancer")).count(base::Code::W0048), 0u);
  std::string metrics = service("exp");
  metrics.replace(metrics.find("name: http"), 10, "name: metrics");
  EXPECT_EQ(kube(deployment("exp") + metrics).count(base::Code::W0048), 0u);
  // A NetworkPolicy of the input that admits the call is the edge.
  std::string np =
      "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: db, namespace: "
      "shop}\nspec:\n  podSelector: {matchLabels: {app: db}}\n  ingress:\n  - from: "
      "[{podSelector: {matchLabels: {app: web}}}]\n";
  Got r =
      kube(deployment("web") + service("web", "NodePort") + deployment("db") + service("db") + np);
  EXPECT_EQ(r.count(base::Code::W0048), 0u) << r.messages(base::Code::W0048);
}

const char* kArgs = R"x(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
      - name: migrate
        image: ghcr.io/shop/migrate:1.0.0
        command: [sh, -c, "PGPASSWORD=hunter2 psql -h db -f /m.sql"]
        resources: {limits: {cpu: 100m, memory: 64Mi}}
      containers:
      - name: api
        image: ghcr.io/shop/api:1.0.0
        command: [/api, "--db-password=hunter2", "--again=x", "--token=ghp_abcdefghijklmnopqrstuvwxyz0123456789"]
        args: ["--db-url=postgres://app:s3cret@db:5432/shop", "--listen=:8080", "--db-password=hunter2"]
        env: [{name: DB_PASSWORD, value: plain}]
        resources: {limits: {cpu: 500m, memory: 256Mi}}
)x";

TEST(ImportArgCredentials, ReadFromASecretAsVariables) {
  Got r = kube(kArgs);
  // Never copied, anywhere.
  for (const char* secret : {"hunter2", "s3cret", "ghp_abcdefghij"})
    EXPECT_EQ(r.text.find(secret), std::string::npos) << secret << "\n" << r.text;
  EXPECT_NE(r.text.find(R"x("--db-password=\$(DB_PASSWORD_ARG)")x"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(R"x("--token=\$(TOKEN)")x"), std::string::npos) << r.text;
  EXPECT_NE(r.text.find(R"x("--db-url=postgres://app:\$(DB_URL_PASSWORD)@db:5432/shop")x"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(R"x(DB_PASSWORD_ARG = secret("api", key = "db-password-arg"))x"),
            std::string::npos)
      << r.text;
  EXPECT_NE(r.text.find(R"x(PGPASSWORD = secret("api", key = "pgpassword"))x"), std::string::npos);
  // The same value given twice is one variable; the env's own DB_PASSWORD is a credential too.
  EXPECT_EQ(r.text.find("DB_PASSWORD_ARG_2"), std::string::npos) << r.text;
  EXPECT_EQ(r.count(base::Code::W0041), 6u) << r.messages(base::Code::W0041);
  EXPECT_EQ(r.count(base::Code::E2009), 0u);
  auto [code, printed] = check(r.text);
  EXPECT_EQ(code, 0) << printed << r.text;
  EXPECT_EQ(printed.find("E2009"), std::string::npos) << printed;
}

TEST(ImportArgCredentials, ArgumentsWithoutCredentialsAreAsWritten) {
  std::string plain = deployment("api",
                                 "        args: [\"--password-file=/run/secrets/db\", "
                                 "\"--db=$(DB_PASSWORD)\", \"--mode=fast\"]\n");
  Got r = kube(plain);
  EXPECT_EQ(r.count(base::Code::W0041), 0u) << r.messages(base::Code::W0041);
  EXPECT_NE(
      r.text.find(
          R"x(args      = ["--password-file=/run/secrets/db", "--db=\$(DB_PASSWORD)", "--mode=fast"])x"),
      std::string::npos)
      << r.text;
}

TEST(ImportCompose, ImageUserAndWritableRootAreWarned) {
  Got r = compose(
      "services:\n"
      "  db:\n    image: postgres:16.4\n    deploy: {resources: {limits: {cpus: '1', memory: "
      "1G}}}\n"
      "  web:\n    image: nginx:1.27\n    read_only: true\n    deploy: {resources: {limits: "
      "{cpus: '1', memory: 1G}}}\n"
      "  api:\n    image: ghcr.io/x/api:1.0\n    user: '1000'\n    read_only: true\n    deploy: "
      "{resources: {limits: {cpus: '1', memory: 1G}}}\n");
  EXPECT_EQ(r.count(base::Code::W0057), 2u) << r.messages(base::Code::W0057);
  EXPECT_EQ(r.count(base::Code::W0058), 1u) << r.messages(base::Code::W0058);
  std::string user = r.messages(base::Code::W0057);
  EXPECT_NE(user.find("`postgres` starts as root"), std::string::npos) << user;
  EXPECT_NE(user.find("run_as_user = 999  run_as_group = 999  fs_group = 999"), std::string::npos)
      << user;
  EXPECT_NE(user.find("NET_BIND_SERVICE"), std::string::npos) << user;  // nginx binds 80
  EXPECT_EQ(user.find("`api`"), std::string::npos) << user;
  EXPECT_NE(r.messages(base::Code::W0058).find("`db`"), std::string::npos);
}

}  // namespace
}  // namespace stackc::importer
