#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "diff/compare.hpp"
#include "diff/quantity.hpp"
#include "diff/report.hpp"
#include "manifests/yaml.hpp"

namespace stackc::diff {
namespace {

namespace fs = std::filesystem;

// Both sides read, normalised and compared; the sources stay alive with the result.
struct Diffed {
  base::SourceManager sm;
  base::Collector sink;
  Result r;
  Diffed(std::string stack, std::string against) {
    auto s = sm.add("stack.yaml", std::move(stack));
    auto a = sm.add("against.yaml", std::move(against));
    auto ds = manifests::parse(sm, s, sink);
    auto da = manifests::parse(sm, a, sink);
    r = compare(normalise(std::move(ds)), normalise(std::move(da)));
  }
  // "PATH stack->against" of each difference of a group.
  std::vector<std::string> of(Group g) const {
    std::vector<std::string> out;
    for (const auto& d : r.differences)
      if (d.group == g)
        out.push_back(d.object + " " + d.path + " " + (d.stack ? flow(*d.stack) : "-") + "->" +
                      (d.against ? flow(*d.against) : "-"));
    return out;
  }
  std::vector<std::string> real() const { return of(Group::None); }
};

const char* kDeployment = R"(apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  namespace: shop
spec:
  replicas: 2
  selector:
    matchLabels: {app: api}
  template:
    metadata:
      labels:
        app: api
    spec:
      containers:
      - name: api
        image: ghcr.io/x/api:1.0
        ports:
        - containerPort: 8080
          name: http
        env:
        - name: A
          value: "1"
        - name: B
          value: two
        resources:
          limits:
            cpu: 1000m
            memory: 1Gi
        readinessProbe:
          httpGet:
            path: /ready
            port: http
        volumeMounts:
        - name: data
          mountPath: /data
        - name: cache
          mountPath: /cache
      volumes:
      - name: data
        emptyDir: {}
      - name: cache
        emptyDir:
          medium: Memory
---
apiVersion: v1
kind: Service
metadata:
  name: api
  namespace: shop
spec:
  selector:
    app: api
  ports:
  - name: http
    port: 80
    targetPort: http
)";

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

bool text_report_is_empty(const Diffed& d, const ReportHeader& h) {
  return text(d.r, h).empty() || json(d.r, h).empty();
}

TEST(Quantity, ComparedByValue) {
  EXPECT_EQ(quantity("1000m"), quantity("1"));
  EXPECT_EQ(quantity("1Gi"), quantity("1024Mi"));
  EXPECT_EQ(quantity("0.5"), quantity("500m"));
  EXPECT_EQ(quantity("1e3"), quantity("1k"));
  EXPECT_EQ(quantity("1.5Gi"), quantity("1536Mi"));
  EXPECT_NE(quantity("1G"), quantity("1Gi"));
  EXPECT_FALSE(quantity("abc"));
  EXPECT_FALSE(quantity("1Xi"));
  EXPECT_FALSE(quantity(""));
  EXPECT_FALSE(quantity("99999999999999999999999999999999999Ei"));  // too large: as written
}

TEST(Images, ShortFormsAreDockerHub) {
  EXPECT_EQ(image_ref("mongo"), "docker.io/library/mongo:latest");
  EXPECT_EQ(image_ref("weaveworksdemos/carts:0.4.8"), "docker.io/weaveworksdemos/carts:0.4.8");
  EXPECT_EQ(image_ref("ghcr.io/x/y:1"), "ghcr.io/x/y:1");
  EXPECT_EQ(image_ref("localhost:5000/y"), "localhost:5000/y:latest");
  EXPECT_EQ(image_ref("nginx@sha256:ab"), "docker.io/library/nginx@sha256:ab");
  EXPECT_TRUE(latest_tag("mongo"));
  EXPECT_TRUE(latest_tag("mongo:latest"));
  EXPECT_FALSE(latest_tag("localhost:5000/mongo:4"));
  EXPECT_TRUE(latest_tag("localhost:5000/mongo"));
}

TEST(Diff, SameObjectsAreEqual) {
  Diffed d(kDeployment, kDeployment);
  EXPECT_TRUE(d.r.differences.empty());
  EXPECT_EQ(d.r.matched, 2u);
  EXPECT_GT(d.r.fields, 15u);
}

TEST(Diff, DefaultsTheServerAppliesAreNotDifferences) {
  std::string defaults = replace(kDeployment, "  replicas: 2\n",
                                 "  replicas: 2\n  revisionHistoryLimit: 10\n"
                                 "  progressDeadlineSeconds: 600\n  strategy:\n"
                                 "    type: RollingUpdate\n    rollingUpdate:\n"
                                 "      maxSurge: 25%\n      maxUnavailable: 25%\n");
  defaults = replace(defaults, "        image: ghcr.io/x/api:1.0\n",
                     "        image: ghcr.io/x/api:1.0\n        imagePullPolicy: IfNotPresent\n"
                     "        terminationMessagePath: /dev/termination-log\n"
                     "        terminationMessagePolicy: File\n");
  defaults = replace(defaults, "            port: http\n",
                     "            port: 8080\n            scheme: HTTP\n"
                     "          periodSeconds: 10\n          timeoutSeconds: 1\n"
                     "          successThreshold: 1\n          failureThreshold: 3\n");
  defaults = replace(defaults, "          name: http\n",
                     "          name: http\n          protocol: TCP\n");
  defaults = replace(defaults, "      volumes:\n",
                     "      restartPolicy: Always\n      dnsPolicy: ClusterFirst\n"
                     "      schedulerName: default-scheduler\n      securityContext: {}\n"
                     "      terminationGracePeriodSeconds: 30\n      volumes:\n");
  defaults = replace(defaults, "  selector:\n    app: api\n",
                     "  type: ClusterIP\n  sessionAffinity: None\n  selector:\n    app: api\n");
  defaults =
      replace(defaults, "    targetPort: http\n", "    targetPort: 8080\n    protocol: TCP\n");
  // Requests default to the limits.
  defaults = replace(defaults, "          limits:\n",
                     "          requests:\n            cpu: \"1\"\n            memory: 1024Mi\n"
                     "          limits:\n");
  Diffed d(kDeployment, defaults);
  EXPECT_EQ(d.real(), std::vector<std::string>{});
  EXPECT_TRUE(d.r.differences.empty());
}

TEST(Diff, QuantitiesNumbersAndOrderDoNotMatter) {
  std::string other = replace(kDeployment, "cpu: 1000m", "cpu: 1");
  other = replace(other, "memory: 1Gi", "memory: 1024Mi");
  // The env entries and mounts in the other order; the volumes renamed (a mount carries its
  // volume, not the name).
  other = replace(
      other, "        - name: A\n          value: \"1\"\n        - name: B\n          value: two\n",
      "        - name: B\n          value: two\n        - name: A\n          value: \"1\"\n");
  other = replace(other,
                  "        - name: data\n          mountPath: /data\n        - name: cache\n       "
                  "   mountPath: /cache\n",
                  "        - name: c\n          mountPath: /cache\n        - name: d\n          "
                  "mountPath: /data\n");
  other = replace(other, "      - name: data\n        emptyDir: {}\n      - name: cache\n",
                  "      - name: d\n        emptyDir: {}\n      - name: c\n");
  Diffed d(kDeployment, other);
  EXPECT_EQ(d.real(), std::vector<std::string>{});
}

TEST(Diff, EachChangeIsOneDifferenceWithItsPathAndPlace) {
  std::string other = replace(kDeployment, "image: ghcr.io/x/api:1.0", "image: ghcr.io/x/api:1.1");
  other = replace(other, "replicas: 2", "replicas: 3");
  other = replace(other, "        - name: B\n          value: two\n", "");
  other = replace(other, "cpu: 1000m", "cpu: 500m");
  other = replace(other, "      - name: cache\n        emptyDir:\n          medium: Memory\n",
                  "      - name: cache\n        emptyDir: {}\n");
  Diffed d(kDeployment, other);
  EXPECT_EQ(d.real(),
            (std::vector<std::string>{
                "Deployment/shop/api spec.replicas 2->3",
                "Deployment/shop/api spec.template.spec.containers[api].env[B] {value: two}->-",
                "Deployment/shop/api spec.template.spec.containers[api].image "
                "ghcr.io/x/api:1.0->ghcr.io/x/api:1.1",
                "Deployment/shop/api spec.template.spec.containers[api].resources.limits.cpu "
                "1000m->500m",
                "Deployment/shop/api spec.template.spec.containers[api].resources.requests.cpu "
                "1000m->500m",
                "Deployment/shop/api "
                "spec.template.spec.containers[api].volumeMounts[/cache].volume.emptyDir.medium "
                "Memory->-",
            }));
  // The place in the manifests: the image's line.
  for (const auto& x : d.r.differences)
    if (x.path.find(".image") != std::string::npos) {
      auto lc = d.sm.file(x.span.file).line_col(x.span.begin);
      EXPECT_EQ(d.sm.file(x.span.file).path(), "against.yaml");
      EXPECT_EQ(lc.line, 17u);
      EXPECT_EQ(lc.column, 16u);
    }
}

TEST(Diff, ObjectsAreMatchedByKindNamespaceAndName) {
  std::string other = replace(kDeployment, "apiVersion: apps/v1", "apiVersion: extensions/v1beta1");
  // Without a namespace: the stack's object of that kind and name.
  other = replace(other, "  name: api\n  namespace: shop\nspec:\n  selector",
                  "  name: api\nspec:\n  selector");
  other += "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: extra\n  namespace: shop\n";
  Diffed d(kDeployment, other);
  EXPECT_EQ(d.r.matched, 2u);
  EXPECT_EQ(d.real(), std::vector<std::string>{"ConfigMap/shop/extra  -->{}"});
}

TEST(Diff, EnvFromAConfigMapIsComparedByValue) {
  std::string stack = replace(kDeployment, "          value: two\n",
                              "          valueFrom:\n            configMapKeyRef:\n"
                              "              name: api-env\n              key: B\n");
  stack +=
      "---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api-env\n  namespace: shop\n"
      "data:\n  B: two\n";
  Diffed d(stack, kDeployment);
  EXPECT_EQ(d.real(), std::vector<std::string>{});
  EXPECT_EQ(d.of(Group::EnvConfigMaps).size(), 1u);
}

TEST(Diff, HardeningIsGroupedApart) {
  std::string stack = replace(kDeployment, "      containers:\n",
                              "      automountServiceAccountToken: false\n"
                              "      serviceAccountName: api\n"
                              "      securityContext:\n        runAsNonRoot: true\n"
                              "        seccompProfile:\n          type: RuntimeDefault\n"
                              "      containers:\n");
  stack = replace(stack, "        volumeMounts:\n",
                  "        securityContext:\n          allowPrivilegeEscalation: false\n"
                  "          readOnlyRootFilesystem: true\n          capabilities:\n"
                  "            drop: [ALL]\n        volumeMounts:\n");
  stack = replace(stack, "      labels:\n        app: api\n",
                  "      labels:\n        app: api\n        app.kubernetes.io/name: api\n");
  stack +=
      "---\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: api\n"
      "  namespace: shop\nspec:\n  podSelector: {}\n";
  Diffed d(stack, kDeployment);
  EXPECT_EQ(d.real(), std::vector<std::string>{});
  EXPECT_EQ(d.of(Group::NetworkPolicies).size(), 1u);
  EXPECT_EQ(d.of(Group::ServiceAccounts).size(), 2u);
  EXPECT_EQ(d.of(Group::SecurityContext).size(), 5u);
  EXPECT_EQ(d.of(Group::Labels).size(), 1u);
  // Not hardening: a security setting the manifests have and the stack weakens, or changes.
  std::string weaker = replace(kDeployment, "        volumeMounts:\n",
                               "        securityContext:\n          runAsUser: 1000\n"
                               "          readOnlyRootFilesystem: true\n        volumeMounts:\n");
  Diffed w(replace(weaker, "runAsUser: 1000", "runAsUser: 2000"), kDeployment);
  Diffed x(kDeployment, weaker);
  EXPECT_EQ(x.real().size(), 2u);  // runAsUser and readOnlyRootFilesystem only in the manifests
  EXPECT_EQ(w.of(Group::SecurityContext).size(), 2u);  // set where the manifests have none
  Diffed y(replace(weaker, "runAsUser: 1000", "runAsUser: 2000"), weaker);
  EXPECT_EQ(y.real().size(), 1u);
}

TEST(Diff, OneContainerEachSideIsTheSameContainer) {
  Diffed d(replace(kDeployment, "      - name: api\n", "      - name: main\n"), kDeployment);
  EXPECT_EQ(d.real(), std::vector<std::string>{});
  EXPECT_EQ(d.of(Group::Names),
            std::vector<std::string>{
                "Deployment/shop/api spec.template.spec.containers[api].name main->api"});
}

TEST(Diff, SecretsCompareStringDataAsDataAndAreNeverShown) {
  const char* encoded =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\ntype: Opaque\n"
      "data:\n  password: aHVudGVyMg==\n";
  const char* plain =
      "apiVersion: v1\nkind: Secret\nmetadata: {name: db, namespace: shop}\n"
      "stringData:\n  password: hunter2\n";
  EXPECT_TRUE(Diffed(encoded, plain).r.differences.empty());
  Diffed other(encoded, replace(plain, "hunter2", "hunter3"));
  ASSERT_EQ(other.real(),
            std::vector<std::string>{"Secret/shop/db data.password <redacted>-><redacted>"});
  ReportHeader h{"s.stack", "", {"against.yaml"}, &other.sm, 0};
  EXPECT_EQ(text(other.r, h).find("hunter"), std::string::npos);
  EXPECT_EQ(json(other.r, h).find("aHVudGVy"), std::string::npos);
}

TEST(Diff, ReportsAreStable) {
  std::string other = replace(kDeployment, "replicas: 2", "replicas: 3");
  Diffed d(kDeployment, other);
  ReportHeader h{"s.stack", "prod", {"against.yaml"}, &d.sm, 0};
  std::string t = text(d.r, h);
  EXPECT_NE(t.find("1 difference:\n  Deployment/shop/api: spec.replicas\n    stack:   2\n"
                   "    against: 3 (against.yaml:7:13)\n"),
            std::string::npos)
      << t;
  std::string j = json(d.r, h);
  EXPECT_NE(j.find("\"path\": \"spec.replicas\""), std::string::npos) << j;
  EXPECT_NE(j.find("\"line\": 7"), std::string::npos) << j;
}

// Randomly edited manifests (any YAML: lists where maps were, numbers where names were, keys
// gone) against the original: the comparison never crashes, and its reports are made.
TEST(Diff, EditedManifestsNeverCrashTheComparison) {
  std::ifstream in(STACKC_SOURCE_DIR "/out/personage/kubernetes/production/02-postgres.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string base = ss.str() + kDeployment;
  std::uint64_t seed = 0x2545F4914F6CDD1Dull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  const std::string alphabet = " :-\n{}[]01aZ~\"";
  std::size_t compared = 0;
  for (int round = 0; round < 600; ++round) {
    std::string text = base;
    for (int e = 0; e < 1 + static_cast<int>(next() % 4); ++e) {
      std::size_t at = next() % text.size();
      if (next() % 2)
        text.insert(text.begin() + static_cast<std::ptrdiff_t>(at),
                    alphabet[next() % alphabet.size()]);
      else
        text.erase(at, 1 + next() % 8);
      if (text.empty()) text = "x";
    }
    Diffed d(base, text);
    ReportHeader h{"s.stack", "e", {"against.yaml"}, &d.sm, 0};
    EXPECT_FALSE(text_report_is_empty(d, h));
    compared += d.r.matched;
  }
  EXPECT_GT(compared, 0u);
}

// The labels group holds only the keys stackc writes itself (E2043): any other key under its
// prefixes is one a .stack can carry (`object controller { annotations "argocd.argoproj.io" {
// ... } }`), and where one side lacks it, a difference like any label's.
TEST(Diff, OnlyTheKeysStackcWritesAreItsLabels) {
  auto with = [](const char* lines) {
    return replace(kDeployment, "  namespace: shop\nspec:\n",
                   std::string("  namespace: shop\n") + lines + "spec:\n");
  };
  Diffed ours(with("  labels: {app.kubernetes.io/managed-by: stackc}\n"
                   "  annotations: {argocd.argoproj.io/sync-wave: '2'}\n"),
              with("  annotations: {argocd.argoproj.io/sync-wave: '1'}\n"));
  EXPECT_EQ(ours.real(), std::vector<std::string>{});
  EXPECT_EQ(ours.of(Group::Labels).size(), 2u);
  Diffed theirs(kDeployment,
                with("  labels: {app.kubernetes.io/created-by: team, name: api}\n"
                     "  annotations: {argocd.argoproj.io/sync-options: Prune=false}\n"));
  EXPECT_EQ(theirs.real(),
            (std::vector<std::string>{
                "Deployment/shop/api metadata.annotations[\"argocd.argoproj.io/sync-options\"] "
                "-->Prune=false",
                "Deployment/shop/api metadata.labels[\"app.kubernetes.io/created-by\"] -->team",
                "Deployment/shop/api metadata.labels.name -->api"}));
  EXPECT_EQ(theirs.of(Group::Labels), std::vector<std::string>{});
}

}  // namespace
}  // namespace stackc::diff
