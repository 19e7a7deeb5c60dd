// The spellings `stackc diff` takes as one (equivalent.cpp): each rule is shown to make the two
// spellings equal, and a real change under it still to be a difference.
#include <gtest/gtest.h>

#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "diff/compare.hpp"
#include "diff/equivalent.hpp"
#include "diff/report.hpp"
#include "driver/driver.hpp"
#include "manifests/yaml.hpp"

namespace stackc::diff {
namespace {

struct Diffed {
  base::SourceManager sm;
  base::Collector sink;
  Result r;
  Diffed(std::string stack, std::string against) {
    auto s = sm.add("stack.yaml", std::move(stack));
    auto a = sm.add("against.yaml", std::move(against));
    r = compare(normalise(manifests::parse(sm, s, sink)), normalise(manifests::parse(sm, a, sink)));
  }
  // "OBJECT PATH stack->against" of each real difference.
  std::vector<std::string> real() const {
    std::vector<std::string> out;
    for (const auto& d : r.differences)
      if (d.group == Group::None)
        out.push_back(d.object + " " + d.path + " " + (d.stack ? flow(*d.stack) : "-") + "->" +
                      (d.against ? flow(*d.against) : "-"));
    return out;
  }
};

using Strings = std::vector<std::string>;

std::string replace(std::string s, const std::string& from, const std::string& to) {
  auto at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) s.replace(at, from.size(), to);
  return s;
}

const char* kHpaV2 = R"(apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: api, namespace: shop}
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 5
  metrics:
  - type: Resource
    resource:
      name: cpu
      target: {type: Utilization, averageUtilization: 70}
)";

const char* kHpaV1 = R"(apiVersion: autoscaling/v1
kind: HorizontalPodAutoscaler
metadata:
  name: api
  namespace: shop
  annotations:
    autoscaling.alpha.kubernetes.io/conditions: '[]'
spec:
  scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: api}
  minReplicas: 2
  maxReplicas: 5
  targetCPUUtilizationPercentage: 70
)";

TEST(Equivalent, HpaV1IsTheV2Metric) {
  EXPECT_EQ(Diffed(kHpaV2, kHpaV1).real(), Strings{});
  Diffed other(kHpaV2, replace(kHpaV1, "Percentage: 70", "Percentage: 60"));
  ASSERT_EQ(other.real().size(), 1u) << other.real()[0];
  EXPECT_NE(other.real()[0].find("HorizontalPodAutoscaler/shop/api spec.metrics"),
            std::string::npos)
      << other.real()[0];
  // A memory metric the v1 object cannot have is a difference.
  std::string memory = replace(kHpaV2, "name: cpu", "name: memory");
  EXPECT_EQ(Diffed(memory, kHpaV1).real().size(), 1u);
}

TEST(Equivalent, HpaV2beta1AndDefaults) {
  std::string beta = replace(kHpaV2, "      target: {type: Utilization, averageUtilization: 70}\n",
                             "      targetAverageUtilization: 70\n");
  EXPECT_EQ(Diffed(kHpaV2, beta).real(), Strings{});
  // No metric is CPU at 80 %; the behaviour rules the API server fills in are defaults.
  std::string v80 = replace(kHpaV2, "averageUtilization: 70", "averageUtilization: 80");
  std::string none = replace(kHpaV1, "  targetCPUUtilizationPercentage: 70\n",
                             "  behavior:\n    scaleUp:\n      stabilizationWindowSeconds: 0\n"
                             "      selectPolicy: Max\n      policies:\n"
                             "      - {type: Pods, value: 4, periodSeconds: 15}\n"
                             "      - {type: Percent, value: 100, periodSeconds: 15}\n"
                             "    scaleDown:\n      selectPolicy: Max\n      policies:\n"
                             "      - {type: Percent, value: 100, periodSeconds: 15}\n");
  EXPECT_EQ(Diffed(v80, none).real(), Strings{});
  EXPECT_EQ(Diffed(kHpaV2, none).real().size(), 1u);
  std::string slow = replace(none, "value: 4,", "value: 2,");
  EXPECT_EQ(Diffed(v80, slow).real().size(), 1u);  // the scale-up policies
}

const char* kIngress = R"(apiVersion: networking.k8s.io/v1
kind: Ingress
metadata: {name: api, namespace: shop}
spec:
  ingressClassName: nginx
  rules:
  - host: api.example
    http:
      paths:
      - path: /
        pathType: Prefix
        backend:
          service:
            name: api
            port: {number: 80}
)";

TEST(Equivalent, IngressClassAnnotationIsIngressClassName) {
  std::string annotated = replace(kIngress, "metadata: {name: api, namespace: shop}",
                                  "metadata:\n  name: api\n  namespace: shop\n  annotations:\n"
                                  "    kubernetes.io/ingress.class: nginx");
  annotated = replace(annotated, "  ingressClassName: nginx\n", "");
  EXPECT_EQ(Diffed(kIngress, annotated).real(), Strings{});
  Diffed other(kIngress, replace(annotated, "ingress.class: nginx", "ingress.class: traefik"));
  EXPECT_EQ(other.real(), Strings{"Ingress/shop/api spec.ingressClassName nginx->traefik"});
  // extensions/v1beta1: `serviceName`/`servicePort`, no pathType.
  std::string beta =
      replace(kIngress, "apiVersion: networking.k8s.io/v1", "apiVersion: extensions/v1beta1");
  beta = replace(beta, "        pathType: Prefix\n", "");
  beta =
      replace(beta, "          service:\n            name: api\n            port: {number: 80}\n",
              "          serviceName: api\n          servicePort: 80\n");
  Diffed old(replace(kIngress, "pathType: Prefix", "pathType: ImplementationSpecific"), beta);
  EXPECT_EQ(old.real(), Strings{});
}

const char* kNodePort = R"(apiVersion: v1
kind: Service
metadata: {name: web, namespace: shop}
spec:
  type: NodePort
  ports:
  - {name: http, port: 80, targetPort: 8080}
)";

TEST(Equivalent, AllocatedNodePortOnlyWhenTheStackSetsNone) {
  std::string live = replace(kNodePort, "port: 80,", "port: 80, nodePort: 31380,");
  EXPECT_EQ(Diffed(kNodePort, live).real(), Strings{});
  std::string fixed = replace(kNodePort, "port: 80,", "port: 80, nodePort: 30001,");
  EXPECT_EQ(Diffed(fixed, live).real(),
            Strings{"Service/shop/web spec.ports[80].nodePort 30001->31380"});
  EXPECT_EQ(Diffed(fixed, kNodePort).real(),
            Strings{"Service/shop/web spec.ports[80].nodePort 30001->-"});
}

const char* kPdb = R"(apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: api, namespace: shop}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {app: api, tier: web}
)";

TEST(Equivalent, MatchExpressionsInOneValueIsMatchLabels) {
  std::string exprs = replace(kPdb, "    matchLabels: {app: api, tier: web}\n",
                              "    matchLabels: {tier: web}\n    matchExpressions:\n"
                              "    - {key: app, operator: In, values: [api]}\n");
  EXPECT_EQ(Diffed(kPdb, exprs).real(), Strings{});
  EXPECT_EQ(Diffed(kPdb, replace(exprs, "operator: In", "operator: NotIn")).real().size(), 2u);
  EXPECT_EQ(Diffed(kPdb, replace(exprs, "values: [api]", "values: [api, web]")).real().size(), 2u);
  // `In` of two values is a set.
  std::string two = replace(exprs, "values: [api]", "values: [web, api]");
  EXPECT_EQ(Diffed(replace(exprs, "values: [api]", "values: [api, web]"), two).real(), Strings{});
}

const char* kPod = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      initContainers:
      - {name: migrate, image: m:1}
      - {name: seed, image: s:1}
      - {name: warm, image: w:1}
      containers:
      - name: api
        image: a:1
        env:
        - {name: HOST, value: db}
        - {name: URL, value: "pg://$(HOST)/x"}
        - {name: MODE, value: live}
)";

TEST(Equivalent, EnvOrderMattersOnlyForReferences) {
  std::string moved = replace(kPod, "        - {name: MODE, value: live}\n", "");
  moved = replace(moved, "        - {name: HOST, value: db}\n",
                  "        - {name: MODE, value: live}\n        - {name: HOST, value: db}\n");
  EXPECT_EQ(Diffed(kPod, moved).real(), Strings{});
  std::string late = replace(kPod, "        - {name: HOST, value: db}\n", "");
  late = replace(late, "        - {name: MODE, value: live}\n",
                 "        - {name: MODE, value: live}\n        - {name: HOST, value: db}\n");
  EXPECT_EQ(Diffed(kPod, late).real(),
            Strings{"Deployment/shop/api spec.template.spec.containers[api].env[URL].expands "
                    "[HOST]->-"});
  // A value from a ConfigMap is not expanded: no order to keep, but a literal value with the
  // same text that is expanded is a difference.
  std::string cm = std::string(kPod) +
                   "---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: env, namespace: "
                   "shop}\ndata: {URL: \"pg://$(HOST)/x\"}\n";
  std::string from_cm = replace(cm, "{name: URL, value: \"pg://$(HOST)/x\"}",
                                "{name: URL, valueFrom: {configMapKeyRef: {name: env, key: URL}}}");
  std::string from_cm_late =
      replace(late + cm.substr(std::string(kPod).size()), "{name: URL, value: \"pg://$(HOST)/x\"}",
              "{name: URL, valueFrom: {configMapKeyRef: {name: env, key: URL}}}");
  EXPECT_EQ(Diffed(from_cm, from_cm_late).real(), Strings{});
  EXPECT_EQ(Diffed(from_cm, cm).real(),
            Strings{"Deployment/shop/api spec.template.spec.containers[api].env[URL].expands "
                    "-->[HOST]"});
  // `$$(HOST)` is a literal: no order to keep.
  EXPECT_EQ(
      Diffed(replace(kPod, "$(HOST)", "$$(HOST)"), replace(late, "$(HOST)", "$$(HOST)")).real(),
      Strings{});
}

TEST(Equivalent, InitContainerReorderIsOneDifference) {
  std::string swapped = replace(kPod, "      - {name: migrate, image: m:1}\n", "");
  swapped = replace(swapped, "      - {name: warm, image: w:1}\n",
                    "      - {name: warm, image: w:1}\n      - {name: migrate, image: m:1}\n");
  EXPECT_EQ(Diffed(kPod, swapped).real(),
            Strings{"Deployment/shop/api spec.template.spec.initContainerOrder [migrate, seed, "
                    "warm]->[seed, warm, migrate]"});
  // One init container the manifests lack: that one difference, not an order.
  std::string fewer = replace(kPod, "      - {name: seed, image: s:1}\n", "");
  EXPECT_EQ(Diffed(kPod, fewer).real().size(), 1u);
  EXPECT_NE(Diffed(kPod, fewer).real()[0].find("initContainers[seed]"), std::string::npos);
}

TEST(Equivalent, WhatTheControllersMakeIsNotCompared) {
  std::string live = std::string(kPod) + R"(---
apiVersion: apps/v1
kind: ReplicaSet
metadata:
  name: api-6d5f7c9b8
  namespace: shop
  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: api, controller: true, uid: x}]
spec: {replicas: 1}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: kube-root-ca.crt, namespace: shop}
data: {ca.crt: x}
---
apiVersion: v1
kind: ServiceAccount
metadata: {name: default, namespace: shop}
)";
  EXPECT_EQ(Diffed(kPod, live).real(), Strings{});
  // A ReplicaSet nobody owns was applied: it is compared.
  std::string applied = replace(live,
                                "  ownerReferences: [{apiVersion: apps/v1, kind: Deployment, name: "
                                "api, controller: true, uid: x}]\n",
                                "");
  EXPECT_EQ(Diffed(kPod, applied).real(), Strings{"ReplicaSet/shop/api-6d5f7c9b8  -->{}"});
}

TEST(Equivalent, ReplicasOfAnAutoscaledWorkloadAreTheAutoscalers) {
  std::string scaled = replace(kPod, "spec:\n  selector", "spec:\n  replicas: 3\n  selector");
  std::string hpa = replace(kHpaV2, "namespace: shop}", "namespace: shop}");
  EXPECT_EQ(Diffed(std::string(kPod) + "---\n" + hpa, scaled + "---\n" + hpa).real(), Strings{});
  EXPECT_EQ(Diffed(kPod, scaled).real(), Strings{"Deployment/shop/api spec.replicas -->3"});
}

TEST(Equivalent, NetworkPolicyDefaultPolicyTypes) {
  const char* np = R"(apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: a, namespace: shop}
spec:
  podSelector: {}
  ingress: [{from: [{podSelector: {}}]}]
)";
  std::string typed =
      replace(np, "  podSelector: {}\n", "  podSelector: {}\n  policyTypes: [Ingress]\n");
  EXPECT_EQ(Diffed(np, typed).real(), Strings{});
  std::string both =
      replace(np, "  podSelector: {}\n", "  podSelector: {}\n  policyTypes: [Ingress, Egress]\n");
  EXPECT_EQ(Diffed(np, both).real().size(), 1u);  // no egress at all: a real difference
}

TEST(Equivalent, NodeSelectorTermsAreNotLabelSelectors) {
  std::string affinity = replace(
      kPod, "    spec:\n      initContainers:",
      "    spec:\n      affinity:\n        nodeAffinity:\n"
      "          requiredDuringSchedulingIgnoredDuringExecution:\n            nodeSelectorTerms:\n"
      "            - matchExpressions:\n              - {key: zone, operator: In, values: [a]}\n"
      "      initContainers:");
  Diffed same(affinity, affinity);
  EXPECT_EQ(same.real(), Strings{});
  for (const auto& d : same.r.differences) EXPECT_EQ(d.path.find("matchLabels"), std::string::npos);
  Diffed other(affinity, replace(affinity, "values: [a]", "values: [b]"));
  ASSERT_EQ(other.real().size(), 1u);
  EXPECT_NE(other.real()[0].find("nodeSelectorTerms"), std::string::npos) << other.real()[0];
}

// The live dump of tests/golden/against/ with one drift each: every one is found, alone (the
// normalisations make the dump equal to the stack, they do not hide a change).
std::string generated_config(const std::string& source, const std::string& interval) {
  return "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: prometheus-config, namespace: "
         "shop}\ndata:\n  prometheus.yml: |\n    # Generated by stackc from " +
         source +
         ". Do not edit: change the .stack file\n    # and run `stackc build`.\n    global:\n"
         "      scrape_interval: " +
         interval + "\n  overview.json: |\n    {\"description\": \"Generated by stackc from " +
         source + " for environment prod\"}\n";
}

TEST(Equivalent, TheStackFileNameInGeneratedFilesIsNoDifference) {
  // Built from a .stack saved under another name: the same configuration.
  EXPECT_EQ(Diffed(generated_config("imported.stack", "30s"), generated_config("shop.stack", "30s"))
                .real(),
            Strings{});
  // A change in the file is still one, shown at its first differing line.
  Diffed d(generated_config("imported.stack", "15s"), generated_config("shop.stack", "30s"));
  ASSERT_EQ(d.real().size(), 1u);
  ReportHeader h{"s.stack", "prod", {"against.yaml"}, &d.sm, 0};
  std::string t = text(d.r, h);
  EXPECT_NE(t.find("ConfigMap/shop/prometheus-config: data[\"prometheus.yml\"], line 4\n"
                   "    stack:   \"  scrape_interval: 15s\"\n"
                   "    against: \"  scrape_interval: 30s\""),
            std::string::npos)
      << t;
  // The report shows the names as written.
  EXPECT_NE(json(d.r, h).find("Generated by stackc from imported.stack."), std::string::npos);
}

TEST(Equivalent, TheLiveDumpStillShowsEachDrift) {
  namespace fs = std::filesystem;
  fs::path root(STACKC_SOURCE_DIR);
  std::ifstream in(root / "tests/golden/against/diff-live-dump.yaml");
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string dump = ss.str();
  ASSERT_FALSE(dump.empty());
  fs::path dir = fs::temp_directory_path() / ("stackc-live-" + std::to_string(::getpid()));
  fs::create_directories(dir);
  auto diff = [&](const std::string& against) {
    std::ofstream(dir / "live.yaml") << against;
    std::string stack = (root / "tests/golden/cases/diff-live-dump.stack").string();
    std::string file = (dir / "live.yaml").string();
    std::vector<const char*> argv{"stackc", "diff", stack.c_str(), "--against", file.c_str()};
    std::ostringstream out, err;
    int code = driver::run(static_cast<int>(argv.size()), argv.data(), out, err);
    return std::pair{code, out.str()};
  };
  EXPECT_EQ(diff(dump).first, 0);
  struct Drift {
    std::string from, to, path;
  };
  const std::vector<Drift> drifts = {
      {"targetCPUUtilizationPercentage: 70", "targetCPUUtilizationPercentage: 90",
       "HorizontalPodAutoscaler/shop/api: spec.metrics"},
      {"      kubernetes.io/ingress.class: nginx", "      kubernetes.io/ingress.class: traefik",
       "Ingress/shop/api: spec.ingressClassName"},
      {"      - key: app.kubernetes.io/name\n        operator: In",
       "      - key: app.kubernetes.io/name\n        operator: NotIn",
       "PodDisruptionBudget/shop/api: spec.selector"},
      {"    - name: http\n      nodePort: 31380\n      port: 80",
       "    - name: http\n      nodePort: 31380\n      port: 8080", "Service/shop/api: spec.ports"},
      {"        - image: ghcr.io/shop/warm:1.4.2", "        - image: ghcr.io/shop/warm:1.4.3",
       "Deployment/shop/api: spec.template.spec.initContainers[warm].image"},
  };
  for (const auto& d : drifts) {
    SCOPED_TRACE(d.path);
    std::string edited = replace(dump, d.from, d.to);
    auto [code, out] = diff(edited);
    EXPECT_EQ(code, 1) << out;
    EXPECT_NE(out.find(d.path), std::string::npos) << out;
  }
  // Init containers run in order: swapping them is one difference, the order.
  std::string init = dump;
  auto warm = init.find("        - image: ghcr.io/shop/warm:1.4.2");
  auto end = init.find("        restartPolicy: Always", warm);
  auto first = init.find("        initContainers:\n") + 24;
  ASSERT_NE(warm, std::string::npos);
  std::string block = init.substr(warm, end - warm);
  init.erase(warm, end - warm);
  init.insert(first, block);
  auto [code, out] = diff(init);
  EXPECT_EQ(code, 1) << out;
  EXPECT_NE(out.find("1 difference:\n  Deployment/shop/api: spec.template.spec.initContainerOrder\n"
                     "    stack:   [migrate, warm]\n    against: [warm, migrate]"),
            std::string::npos)
      << out;
  fs::remove_all(dir);
}

}  // namespace
}  // namespace stackc::diff
