#include "importer/importer.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <sstream>

#include "driver/driver.hpp"
#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

namespace fs = std::filesystem;

struct Imports {
  base::SourceManager sm;
  base::Collector sink;
  std::string text;
  explicit Imports(const std::vector<std::pair<std::string, std::string>>& envs) {
    std::vector<Source> sources;
    for (const auto& [env, yaml] : envs) {
      Source s;
      s.env = env;
      base::FileId id = sm.add(env.empty() ? "in.yaml" : env + ".yaml", yaml);
      s.kubernetes = manifests::parse(sm, id, sink);
      sources.push_back(std::move(s));
    }
    text = import(sources, sm, sink);
  }
  explicit Imports(const std::string& yaml) : Imports({{"", yaml}}) {}
  std::string codes() const {
    std::string out;
    for (const auto& d : sink.sorted()) out += std::string(base::info(d.code).id) + " ";
    return out;
  }
};

struct Cmd {
  int code;
  std::string out, err;
};

Cmd stackc(std::vector<std::string> args) {
  std::vector<const char*> argv{"stackc"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int code = driver::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

// `stackc check` of an imported text: its exit code and what it printed.
Cmd check_text(const std::string& text) {
  fs::path p = fs::temp_directory_path() / ("stackc-import-" + std::to_string(::getpid()));
  fs::create_directories(p);
  std::ofstream(p / "imported.stack") << text;
  Cmd r = stackc({"check", (p / "imported.stack").string()});
  fs::remove_all(p);
  return r;
}

const char* kApi = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  replicas: 3
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      containers:
      - name: api
        image: ghcr.io/shop/api:1.4.2
        ports:
        - {name: web, containerPort: 8080}
        env:
        - {name: DB_URL, value: "postgres://db:5432/shop"}
        - {name: LOG_LEVEL, value: info}
        resources:
          requests: {cpu: "0.25", memory: 256Mi}
          limits: {cpu: "1", memory: 1Gi}
        readinessProbe:
          httpGet: {path: /ready, port: web}
        securityContext: {runAsNonRoot: true, runAsUser: 1000, readOnlyRootFilesystem: true}
---
apiVersion: v1
kind: Service
metadata: {name: api, namespace: shop}
spec:
  type: NodePort
  selector: {app: api}
  ports:
  - {name: http, port: 80, targetPort: web, nodePort: 30080}
---
apiVersion: v1
kind: Service
metadata: {name: db, namespace: shop}
spec:
  selector: {app: db}
  ports: [{port: 5432}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: db, namespace: shop}
spec:
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 999}
      containers:
      - name: postgres
        image: postgres:16.4
        ports: [{containerPort: 5432}]
        resources:
          requests: {cpu: 500m, memory: 1Gi}
          limits: {cpu: 500m, memory: 1Gi}
        securityContext: {readOnlyRootFilesystem: true}
)";

TEST(Import, DeploymentAndServiceBecomeOneService) {
  Imports im(kApi);
  EXPECT_EQ(im.sink.error_count(), 0u) << im.codes();
  const std::string& t = im.text;
  EXPECT_NE(t.find("service api {"), std::string::npos) << t;
  EXPECT_NE(t.find("port web { number = 80 -> 8080  node_port = 30080 }"), std::string::npos) << t;
  EXPECT_NE(t.find("expose   = node_port"), std::string::npos) << t;
  EXPECT_NE(t.find("replicas = 3"), std::string::npos) << t;
  EXPECT_NE(t.find("cpu      = 250m..1"), std::string::npos) << t;
  EXPECT_NE(t.find("memory   = 256Mi..1Gi"), std::string::npos) << t;
  EXPECT_NE(t.find("readiness = http(\"/ready\", timeout = 1s)"), std::string::npos) << t;
  EXPECT_NE(t.find("run_as_user = 1000  run_as_group = image"), std::string::npos) << t;
  // The reference to the other imported Service is an edge, and the comment says so.
  EXPECT_NE(t.find("DB_URL = \"postgres://${db.address}/shop\""), std::string::npos) << t;
  EXPECT_NE(t.find("# inferred env DB_URL: `db:5432` -> `${db.address}`"), std::string::npos);
  EXPECT_NE(t.find("port postgres = 5432"), std::string::npos) << t;
  EXPECT_NE(t.find("environment production { cluster = imported  namespace = \"shop\" }"),
            std::string::npos)
      << t;
  auto r = check_text(t);
  EXPECT_EQ(r.code, 0) << r.err << t;
  EXPECT_EQ(r.err, "");
}

TEST(Import, QuantitiesAsTheLanguageWritesThem) {
  std::int64_t v = 0;
  ASSERT_TRUE(cpu_millis("0.5", v));
  EXPECT_EQ(v, 500);
  ASSERT_TRUE(cpu_millis("250m", v));
  EXPECT_EQ(v, 250);
  ASSERT_TRUE(cpu_millis("2", v));
  EXPECT_EQ(cpu_text(v), "2");
  ASSERT_TRUE(cpu_millis("1e-3", v));
  EXPECT_EQ(v, 1);
  ASSERT_TRUE(cpu_millis("0.0001", v));
  EXPECT_EQ(v, 1);  // rounded up, as Kubernetes does
  ASSERT_TRUE(byte_count("1.5Gi", v));
  EXPECT_EQ(bytes_text(v), "1536Mi");
  ASSERT_TRUE(byte_count("500M", v));
  EXPECT_EQ(bytes_text(v), "500M");
  ASSERT_TRUE(byte_count("1e3", v));
  EXPECT_EQ(v, 1000);
  EXPECT_EQ(bytes_text(1000), "1k");
  EXPECT_EQ(bytes_text(1001), "1001");
  EXPECT_FALSE(byte_count("-1Gi", v));
  EXPECT_FALSE(byte_count("1GB", v));
  EXPECT_FALSE(byte_count("", v));
  EXPECT_FALSE(byte_count("99999999999999Ei", v));
  EXPECT_FALSE(cpu_millis("1e999", v));
}

TEST(Import, ReferencesAreInferredOnlyForImportedServices) {
  base::SourceManager sm;
  base::Collector sink;
  Context c{sm, sink};
  c.ns = "shop";
  c.services["api"] = Target{"api", {{"http", 80}, {"grpc", 9090}}};
  c.services["db-svc"] = Target{"db", {{"postgres", 5432}}};
  std::string out;
  std::vector<std::string> notes;
  EXPECT_TRUE(infer(c, "web", "env A", "http://api/v1", out, notes));
  EXPECT_EQ(out, "\"http://${api.host}/v1\"");
  EXPECT_TRUE(infer(c, "web", "env A", "api.shop.svc.cluster.local:9090", out, notes));
  EXPECT_EQ(out, "\"${api.host}:${api.port.grpc}\"");
  EXPECT_TRUE(infer(c, "web", "env A", "db-svc:5432,api:80", out, notes));
  EXPECT_EQ(out, "\"${db.address},${api.address}\"");
  EXPECT_TRUE(infer(c, "web", "env API_HOST", "api", out, notes));
  EXPECT_EQ(out, "\"${api.host}\"");
  // Not a reference: another port, a longer name, another namespace, a plain word, itself.
  EXPECT_FALSE(infer(c, "web", "env A", "api:81", out, notes));
  EXPECT_FALSE(infer(c, "web", "env A", "apix:80", out, notes));
  EXPECT_FALSE(infer(c, "web", "env A", "api.other.svc.cluster.local:80", out, notes));
  EXPECT_FALSE(infer(c, "web", "env MODE", "api", out, notes));
  EXPECT_FALSE(infer(c, "api", "env A", "api:80", out, notes));
  // A `$` of the text stays text.
  EXPECT_TRUE(infer(c, "web", "env A", "${X} api:80", out, notes));
  EXPECT_EQ(out, "\"\\${X} ${api.address}\"");
}

TEST(Import, ConnectionSettingsBecomeNeeds) {
  std::string yaml = kApi;
  std::string env = R"(        - {name: DB_HOST, value: db}
        - {name: DB_PORT, value: "5432"}
)";
  yaml.insert(yaml.find("        - {name: LOG_LEVEL"), env);
  Imports im(yaml);
  EXPECT_NE(im.text.find("needs    = [db]"), std::string::npos) << im.text;
  EXPECT_EQ(im.text.find("DB_HOST ="), std::string::npos) << im.text;
  EXPECT_NE(im.text.find("# needs db: from the connection settings DB_HOST and DB_PORT"),
            std::string::npos);
  EXPECT_EQ(check_text(im.text).code, 0);
}

TEST(Import, SecretValuesAreNeverCopied) {
  std::string yaml = kApi;
  yaml.insert(yaml.find("        - {name: LOG_LEVEL"),
              "        - {name: DB_PASSWORD, value: hunter2-hunter2}\n");
  yaml +=
      "---\napiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"
      "stringData: {password: correct-horse-battery}\n";
  Imports im(yaml);
  EXPECT_EQ(im.text.find("hunter2"), std::string::npos) << im.text;
  EXPECT_EQ(im.text.find("correct-horse"), std::string::npos) << im.text;
  EXPECT_NE(im.text.find("DB_PASSWORD = secret(\"api\", key = \"db-password\")"), std::string::npos)
      << im.text;
  EXPECT_NE(im.codes().find("W0041 W0041"), std::string::npos) << im.codes();
  EXPECT_EQ(check_text(im.text).code, 0);
}

TEST(Import, WhatHasNoFormIsKeptAsAComment) {
  std::string yaml = kApi;
  yaml.insert(yaml.find("      containers:\n      - name: api"),
              "      hostNetwork: true\n      tolerations: [{key: x, operator: Exists}]\n");
  yaml +=
      "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata: {name: agent}\n"
      "spec: {template: {spec: {containers: [{name: a, image: a:1}]}}}\n";
  Imports im(yaml);
  EXPECT_NE(im.text.find("# not imported: `hostNetwork` of the pod:\n#   hostNetwork: true"),
            std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("#   tolerations: [{key: x, operator: Exists}]"), std::string::npos);
  EXPECT_NE(im.text.find("# not imported: DaemonSet agent (no .stack form)"), std::string::npos);
  int kept = 0;
  for (const auto& d : im.sink.sorted()) kept += d.code == base::Code::W0040;
  EXPECT_EQ(kept, 3) << im.codes();
  EXPECT_EQ(check_text(im.text).code, 0);
}

TEST(Import, VersionsBehindOneService) {
  std::string yaml;
  for (const char* v : {"v1", "v2"}) {
    yaml += std::string("---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: reviews-") +
            v + "}\nspec:\n  selector: {matchLabels: {app: reviews, version: " + v +
            "}}\n  template:\n    metadata: {labels: {app: reviews, version: " + v +
            "}}\n    spec:\n      containers:\n      - name: reviews\n        image: "
            "example/reviews-" +
            v +
            ":1.0\n        ports: [{containerPort: 9080}]\n        resources: {requests: {cpu: "
            "100m, memory: 128Mi}}\n        securityContext: {runAsNonRoot: true}\n";
  }
  yaml +=
      "---\napiVersion: v1\nkind: Service\nmetadata: {name: reviews}\nspec:\n  selector: "
      "{app: reviews}\n  ports: [{name: http, port: 9080}]\n";
  Imports im(yaml);
  EXPECT_NE(im.text.find("service reviews {"), std::string::npos) << im.text;
  EXPECT_NE(im.text.find("version v1 { image = \"example/reviews-v1:1.0\" }"), std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("version v2 { image = \"example/reviews-v2:1.0\" }"), std::string::npos);
  auto r = check_text(im.text);
  EXPECT_EQ(r.code, 0) << r.err;
}

TEST(Import, EnvironmentsShareACommonPartAndDifferInWhen) {
  std::string staging = kApi;
  std::string production = kApi;
  production.replace(production.find("replicas: 3"), 11, "replicas: 5");
  production.replace(production.find("value: info"), 11, "value: warn");
  Imports im({{"staging", staging}, {"production", production}});
  EXPECT_EQ(im.sink.error_count(), 0u) << im.codes();
  const std::string& t = im.text;
  EXPECT_NE(t.find("environment staging"), std::string::npos) << t;
  EXPECT_NE(t.find("environment production"), std::string::npos) << t;
  EXPECT_NE(t.find("LOG_LEVEL = \"info\""), std::string::npos) << t;
  EXPECT_NE(t.find("when staging { replicas = 3 }"), std::string::npos) << t;
  EXPECT_NE(t.find("when production {\n    replicas = 5\n    env      { LOG_LEVEL = \"warn\" }"),
            std::string::npos)
      << t;
  // Written once: the image, the shared env entry.
  EXPECT_EQ(t.find("ghcr.io/shop/api"), t.rfind("ghcr.io/shop/api"));
  EXPECT_NE(t.find("DB_URL"), std::string::npos);
  EXPECT_EQ(t.find("DB_URL ="), t.rfind("DB_URL ="));
  auto r = check_text(t);
  EXPECT_EQ(r.code, 0) << r.err << t;
}

TEST(Import, WorkloadOnlyInSomeEnvironmentsIsDisabledElsewhere) {
  std::string two = kApi;
  std::string one =
      two.substr(0, two.find("---\napiVersion: v1\nkind: Service\nmetadata: {name: db"));
  one += two.substr(two.find("---\napiVersion: v1\nkind: Service\nmetadata: {name: api"),
                    two.find("---\napiVersion: v1\nkind: Service\nmetadata: {name: db") -
                        two.find("---\napiVersion: v1\nkind: Service\nmetadata: {name: api"));
  Imports im({{"dev", one}, {"prod", two}});
  EXPECT_NE(im.text.find("when dev { enabled = false }"), std::string::npos) << im.text;
}

TEST(Import, BrokenObjectsAreReportedNotCrashedOn) {
  Imports a("apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: x}\nspec: 3\n");
  EXPECT_NE(a.codes().find("E5010"), std::string::npos) << a.codes();
  Imports b("");
  EXPECT_NE(b.codes().find("E5011"), std::string::npos) << b.codes();
  Imports c(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: Bad.Name}\nspec:\n  replicas: "
      "x\n  template: {spec: {containers: [{name: c, image: [1], ports: 7, env: {a: b}, "
      "resources: {requests: {cpu: lots}}, livenessProbe: {httpGet: 3}}]}}\n");
  EXPECT_EQ(c.sink.error_count(), 0u) << c.codes();
  EXPECT_NE(c.text.find("worker bad-name"), std::string::npos) << c.text;
}

TEST(Import, AVaultSecretStoreIsTheVaultBackend) {
  std::string yaml = kApi;
  yaml += R"(---
apiVersion: external-secrets.io/v1
kind: SecretStore
metadata: {name: shop-vault, namespace: shop}
spec:
  provider:
    vault:
      server: https://vault.example
      path: kv
      version: v2
      auth: {kubernetes: {mountPath: kubernetes, role: platform}}
---
apiVersion: external-secrets.io/v1
kind: ExternalSecret
metadata: {name: db, namespace: shop}
spec:
  refreshInterval: 1h30m
  secretStoreRef: {name: shop-vault, kind: SecretStore}
  target: {name: db}
  data:
  - secretKey: password
    remoteRef: {key: shop/db, property: password}
)";
  Imports im(yaml);
  EXPECT_NE(im.text.find("backend = vault { address = \"https://vault.example\"  path = "
                         "\"kv/shop\"  role = \"platform\" }"),
            std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("refresh = 90m"), std::string::npos) << im.text;
  EXPECT_NE(im.text.find("#   db (keys: password; an ExternalSecret in the input)"),
            std::string::npos);
  EXPECT_EQ(check_text(im.text).code, 0);
  manifests::Node n;
  n.type = manifests::Type::String;
  for (auto [text, secs] :
       {std::pair{"1h30m", 5400}, {"45s", 45}, {"2h", 7200}, {"1x", 0}, {"h", 0}, {"10", 0}}) {
    n.text = text;
    EXPECT_EQ(go_seconds(&n), secs) << text;
  }
  EXPECT_EQ(duration_text(86400), "1d");
  EXPECT_EQ(duration_text(5400), "90m");
}

TEST(Import, NetworkPoliciesAreComparedWithTheGraph) {
  std::string yaml = kApi;
  yaml.replace(yaml.find("postgres://db:5432/shop"), 23, "postgres://elsewhere/shop");
  // db -> api is admitted and no edge explains it; api -> db is the reference already there.
  yaml += R"(---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: api-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: api}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: db}}
    - namespaceSelector: {matchLabels: {team: ops}}
---
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: db-in, namespace: shop}
spec:
  podSelector: {matchLabels: {app: db}}
  ingress:
  - from:
    - podSelector: {matchLabels: {app: api}}
)";
  Imports im(yaml);
  // api-in comes first: db -> api is added; then db-in's api -> db would close a cycle.
  EXPECT_NE(im.text.find("# needs api: the NetworkPolicy api-in of the input admits this call\n"
                         "service db {"),
            std::string::npos)
      << im.text;
  EXPECT_NE(im.text.find("needs         = [api]"), std::string::npos) << im.text;
  EXPECT_EQ(im.text.find("needs db"), std::string::npos) << im.text;
  std::string messages;
  for (const auto& d : im.sink.sorted()) messages += d.message + "\n";
  EXPECT_NE(messages.find("the calls it admits became `needs`: db -> api"), std::string::npos)
      << messages;
  EXPECT_NE(messages.find("not carried over, as the graph has no cycles: api -> db"),
            std::string::npos)
      << messages;
  EXPECT_EQ(check_text(im.text).code, 0);
}

// The committed out/ of the examples, imported and built again, gives the same objects.
TEST(Import, RoundTripOfTheCommittedExamples) {
  fs::current_path(STACKC_SOURCE_DIR);
  for (const char* dir : {"out/hello/kubernetes/dev", "out/bookinfo/kubernetes/production",
                          "out/sock-shop/kubernetes/production"}) {
    SCOPED_TRACE(dir);
    fs::path tmp = fs::temp_directory_path() / ("stackc-rt-" + std::to_string(::getpid()));
    fs::create_directories(tmp);
    auto imp = stackc({"import", dir, "-o", (tmp / "rt.stack").string()});
    ASSERT_EQ(imp.code, 0) << imp.err;
    auto built = stackc({"build", "--stdout", (tmp / "rt.stack").string()});
    ASSERT_EQ(built.code, 0) << built.err;
    fs::remove_all(tmp);
    // Every object of the input, as a sorted list of its leaves, is one of the build's.
    auto objects = [](base::SourceManager& sm, base::FileId id, base::Collector& sink) {
      std::map<std::string, std::string> out;
      for (const auto& d : manifests::parse(sm, id, sink)) {
        std::vector<std::string> leaves;
        std::function<void(const manifests::Node&, std::string)> walk =
            [&](const manifests::Node& n, std::string at) {
              if (n.is_map())
                for (std::size_t i = 0; i < n.size(); ++i)
                  walk(n.value(i), at + "." + n.key(i).text);
              else if (n.is_seq())
                for (std::size_t i = 0; i < n.items.size(); ++i)
                  walk(n.items[i], at + "[" + std::to_string(i) + "]");
              else
                leaves.push_back(at + "=" + n.text);
            };
        walk(d.root, "");
        std::sort(leaves.begin(), leaves.end());
        std::string all;
        for (const auto& l : leaves) all += l + "\n";
        out[d.kind + "/" + d.name] = all;
      }
      return out;
    };
    base::SourceManager sm;
    base::Collector sink;
    auto got = objects(sm, sm.add("built.yaml", built.out), sink);
    std::size_t compared = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      std::ifstream in(e.path());
      std::stringstream ss;
      ss << in.rdbuf();
      for (const auto& [key, leaves] : objects(sm, sm.add(e.path().string(), ss.str()), sink)) {
        ASSERT_TRUE(got.count(key)) << key;
        EXPECT_EQ(leaves, got[key]) << key;
        ++compared;
      }
    }
    EXPECT_GT(compared, 3u);
    EXPECT_EQ(sink.error_count(), 0u);
  }
}

// `--env`: the environments imported together build, each, what the environment imported alone
// builds (the split into a common part and `when` blocks loses nothing).
TEST(Import, EnvironmentsTogetherBuildWhatEachBuildsAlone) {
  fs::current_path(STACKC_SOURCE_DIR);
  fs::path tmp = fs::temp_directory_path() / ("stackc-envs-" + std::to_string(::getpid()));
  fs::create_directories(tmp);
  for (const auto& [app, envs] :
       {std::pair<std::string, std::vector<std::string>>{"shop", {"production", "staging"}},
        {"personage", {"dev", "staging", "production"}}}) {
    SCOPED_TRACE(app);
    std::vector<std::string> args{"import"};
    for (const auto& e : envs) {
      args.push_back("--env");
      args.push_back(e + "=out/" + app + "/kubernetes/" + e);
    }
    // Files of the same name (the monitoring stack's configuration files name it).
    fs::create_directories(tmp / "all");
    args.push_back("-o");
    args.push_back((tmp / "all" / "imported.stack").string());
    auto all = stackc(args);
    ASSERT_EQ(all.code, 0) << all.err;
    for (const auto& e : envs) {
      SCOPED_TRACE(e);
      fs::create_directories(tmp / e);
      auto one = stackc({"import", "out/" + app + "/kubernetes/" + e, "-o",
                         (tmp / e / "imported.stack").string()});
      ASSERT_EQ(one.code, 0) << one.err;
      auto from_all =
          stackc({"build", "--stdout", "--env", e, (tmp / "all" / "imported.stack").string()});
      auto from_one = stackc({"build", "--stdout", (tmp / e / "imported.stack").string()});
      ASSERT_EQ(from_all.code, 0) << from_all.err;
      ASSERT_EQ(from_one.code, 0) << from_one.err;
      // The same objects; only the cluster's name differs (`imported-ENV`, `imported`), which
      // no object carries.
      EXPECT_EQ(from_all.out, from_one.out);
    }
  }
  fs::remove_all(tmp);
}

}  // namespace
}  // namespace stackc::importer
