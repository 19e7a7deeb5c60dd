#include "emit/kubernetes/kubernetes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "check/check.hpp"
#include "check/no_imports.hpp"
#include "emit/backup/backup.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kustomize/kustomize.hpp"
#include "load/loader.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit::kubernetes {
namespace {

using check::NoImports;

// N services in a chain (each needs the one before), in two environments, with a cron job in the
// middle whose name passes the 52 characters of a CronJob name: the lowering reports an E4001
// from the middle of the list. The service at N/3 has two versions.
std::string fleet(int n) {
  std::string s =
      "stack f { registry = \"ghcr.io/f\"  version = \"1.0.0\" }\n"
      "cluster c { nodes = 50  node { cpu = 64  memory = 256Gi } }\n"
      "environment dev { cluster = c }\n"
      "environment prod { cluster = c  namespace = \"f-prod\" }\n";
  for (int i = 0; i < n; ++i) {
    std::string name = "svc-" + std::to_string(i);
    if (i == n * 2 / 3) {
      s += "cron nightly-report-for-the-accounting-department-of-the-shop {\n"
           "  image = \"report\"\n  schedule = \"0 1 * * *\"\n  cpu = 100m\n  memory = 128Mi\n}\n";
    }
    s += "service " + name + " {\n  image = \"" + name + "\"\n  replicas = 2..4\n";
    s += "  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n  autoscale { cpu = 70% }\n";
    s += "  health { liveness = http(\"/l\")  readiness = http(\"/r\") }\n";
    s += "  env { MODE = \"fast\" }\n";
    // One of them runs two versions (its dependent reaches both through its Service).
    if (i == n / 3) s += "  version a { replicas = 1 }\n  version b { image = \"other\" }\n";
    if (i > 0) s += "  needs = [svc-" + std::to_string(i - 1) + "]\n";
    s += "}\n";
  }
  return s;
}

TEST(Lowering, TwoThreadsGiveWhatOneGives) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("f.stack", fleet(60));
  auto tree = syntax::parse(sm, id, sink);
  ASSERT_TRUE(tree.ok);
  NoImports loader;
  auto result = check::check(sm, std::move(tree), loader, sink);
  ASSERT_TRUE(result.model) << sink.all().size() << " diagnostics";
  const model::Model& m = *result.model;

  DocArena documents;
  base::Collector one_sink, two_sink;
  auto one = lower_all(m, "f.stack", one_sink, SIZE_MAX);
  auto two = lower_all(m, "f.stack", two_sink, 2);
  ASSERT_EQ(one.size(), two.size());
  for (std::size_t e = 0; e < one.size(); ++e) {
    ASSERT_EQ(one[e].objects.size(), two[e].objects.size());
    for (std::size_t i = 0; i < one[e].objects.size(); ++i) {
      const auto& a = one[e].objects[i];
      const auto& b = two[e].objects[i];
      EXPECT_EQ(a.component, b.component);
      EXPECT_EQ(a.raw, b.raw);
      EXPECT_EQ(a.doc, b.doc) << a.component;
    }
  }
  // The diagnostics of the second half come in the same order as from one thread.
  ASSERT_FALSE(one_sink.all().empty());
  ASSERT_EQ(one_sink.all().size(), two_sink.all().size());
  for (std::size_t i = 0; i < one_sink.all().size(); ++i) {
    EXPECT_EQ(one_sink.all()[i].code, two_sink.all()[i].code);
    EXPECT_EQ(one_sink.all()[i].message, two_sink.all()[i].message);
  }
}

TEST(Lowering, PrintingOnTwoThreadsGivesTheSameText) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("f.stack", fleet(60));
  auto tree = syntax::parse(sm, id, sink);
  NoImports loader;
  auto result = check::check(sm, std::move(tree), loader, sink);
  ASSERT_TRUE(result.model);
  DocArena documents;
  base::Collector quiet;
  auto one = lower_all(*result.model, "f.stack", quiet);
  auto two = lower_all(*result.model, "f.stack", quiet);
  print(one, {}, false);
  print(two, {}, true);
  std::size_t objects = 0;
  for (std::size_t e = 0; e < one.size(); ++e)
    for (std::size_t i = 0; i < one[e].objects.size(); ++i, ++objects) {
      const auto& a = one[e].objects[i];
      const auto& b = two[e].objects[i];
      ASSERT_FALSE(a.yaml.empty());
      EXPECT_EQ(a.yaml, b.yaml);
      EXPECT_EQ(a.ns_begin, b.ns_begin);
      EXPECT_EQ(a.ns_end, b.ns_end);
      EXPECT_EQ(a.yaml, to_yaml(a.doc));
    }
  EXPECT_GE(objects, kParallelFrom);  // enough for the second thread to take part
}

// What the targets make of `lowered`, by path (the Helm chart's values.yaml only when
// `values_only`: the overrides of other environments compare documents a stream may drop).
std::map<std::string, std::string> files_of(const model::Model& m, std::vector<Lowered>& lowered,
                                            bool kustomize_too, bool values_only) {
  Output out;
  print(lowered, {}, false);
  generate(lowered, {}, "t.stack", out);
  if (kustomize_too) kustomize::generate(lowered, {}, "t.stack", out);
  backup::generate(m, lowered, {}, "t.stack", out);
  helm::generate(m, lowered, {}, "t.stack", out);
  std::map<std::string, std::string> files;
  for (const auto& f : out.files)
    if (!values_only || f.path.find("/values-") == std::string::npos)
      files.emplace(f.path, f.content());
  return files;
}

// A stream prints each workload's objects as they are lowered, writes its values for the chart,
// and drops their documents; the files are the same as from the documents kept to the end.
void expect_stream_changes_nothing(const model::Model& m, bool one_environment) {
  DocArena documents;
  base::Collector quiet;
  auto kept = lower_all(m, "t.stack", quiet, 2);  // two threads from 2 workloads on
  Stream stream;
  stream.print = true;
  stream.drop_docs = true;
  stream.on_workload = helm::workload_values_text;
  // With one environment, the workloads' files are handed over as they are made (from two
  // threads): they join the files the targets make afterwards.
  std::mutex mu;
  std::map<std::string, std::string> put;
  if (one_environment) {
    stream.put = [&](const File& f) {
      std::lock_guard<std::mutex> lock(mu);
      EXPECT_TRUE(put.emplace(f.path, f.content()).second) << f.path;
    };
    stream.kubernetes_files = stream.kustomize_files = true;
    stream.head = header("t.stack");
  }
  auto streamed = lower_all(m, "t.stack", quiet, 2, &stream);
  ASSERT_TRUE(quiet.all().empty());
  ASSERT_TRUE(streamed.front().streamed());
  ASSERT_EQ(streamed.front().workload_text.size(), 2u);  // one part per thread
  std::size_t dropped = 0, printed = 0, objects = 0;
  for (std::size_t e = 0; e < kept.size(); ++e) {
    ASSERT_EQ(kept[e].objects.size(), streamed[e].objects.size());
    for (const auto& o : streamed[e].objects) {
      ++objects;
      dropped += o.doc.is_null();
      // Printed, or written and its text freed.
      printed += !o.yaml.empty() || o.written;
      if (o.doc.is_null()) {
        EXPECT_TRUE(!o.yaml.empty() || o.written) << o.component;
      }
      EXPECT_EQ(o.written, one_environment && o.component.rfind("svc-", 0) == 0) << o.component;
    }
  }
  // The workloads' objects are printed, and their documents dropped but for those kept.
  EXPECT_GT(dropped, 0u);
  EXPECT_GE(printed, dropped);
  EXPECT_LT(dropped, objects);
  auto a = files_of(m, kept, one_environment, !one_environment);
  auto b = files_of(m, streamed, one_environment, !one_environment);
  if (one_environment) {
    EXPECT_GT(put.size(), 10u);
    for (auto& [path, text] : put) EXPECT_TRUE(b.emplace(path, text).second) << path;
  }
  ASSERT_EQ(a.size(), b.size());
  for (const auto& [path, text] : a) {
    ASSERT_TRUE(b.count(path)) << path;
    EXPECT_EQ(text, b[path]) << path;
  }
  EXPECT_TRUE(a.count("helm/personage/values.yaml") || a.count("helm/f/values.yaml"));
}

TEST(Lowering, AStreamChangesNoFileOfOneEnvironment) {
  std::string text = fleet(30);
  // One environment, without the cron job whose name is too long.
  text.replace(text.find("environment prod"),
               text.find("\n", text.find("environment prod")) - text.find("environment prod") + 1,
               "");
  text.replace(text.find("cron nightly"),
               text.find("}\n", text.find("cron nightly")) + 2 - text.find("cron nightly"), "");
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("f.stack", text);
  NoImports loader;
  auto result = check::check(sm, syntax::parse(sm, id, sink), loader, sink);
  ASSERT_TRUE(result.model) << (sink.all().empty() ? "" : sink.all().front().message);
  ASSERT_EQ(result.model->environments.size(), 1u);
  expect_stream_changes_nothing(*result.model, true);
}

TEST(Lowering, AStreamChangesNoManifestOrDefaultValuesOfPersonage) {
  // Every kind of workload, secrets, backups and the monitoring stack, in three environments.
  const std::filesystem::path file =
      std::filesystem::path(STACKC_SOURCE_DIR) / "examples/personage/personage.stack";
  std::string text, error;
  ASSERT_TRUE(load::read_file(file, text, error)) << error;
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add(file.string(), text);
  load::Loader loader(sm, file, id);
  auto result = check::check(sm, syntax::parse(sm, id, sink), loader, sink);
  ASSERT_TRUE(result.model);
  expect_stream_changes_nothing(*result.model, false);
}

// ---- pod details ---------------------------------------------------------------------------

constexpr const char* kHead =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 3  node { cpu = 8  memory = 32Gi } }\n"
    "environment dev { cluster = c }\n";

// A checked model of `text` (with kHead before it); fails the test on any diagnostic.
struct Compiled {
  base::SourceManager sm;
  std::optional<model::Model> model;
};
std::unique_ptr<Compiled> compile(const std::string& text) {
  auto c = std::make_unique<Compiled>();
  base::Collector sink;
  auto id = c->sm.add("t.stack", std::string(kHead) + text);
  auto tree = syntax::parse(c->sm, id, sink);
  NoImports loader;
  auto result = check::check(c->sm, std::move(tree), loader, sink);
  for (const auto& d : sink.all()) ADD_FAILURE() << d.message;
  c->model = std::move(result.model);
  return c;
}

const Doc* find_object(const std::vector<Object>& objs, std::string_view kind,
                       std::string_view name) {
  for (const auto& o : objs)
    if (o.doc["kind"] == kind && o.doc["metadata"]["name"] == name) return &o.doc;
  return nullptr;
}

int count_kind(const std::vector<Object>& objs, std::string_view kind) {
  int n = 0;
  for (const auto& o : objs) n += o.doc["kind"] == kind;
  return n;
}

TEST(Pod, ProbesKeepTheirDefaultsAndTakeTimingHeadersAndGrpc) {
  auto c = compile(
      "service api {\n  image = \"api\"\n  port http = 8080\n  port rpc = 9555\n"
      "  cpu = 100m\n  memory = 64Mi\n  health {\n"
      "    liveness = http(\"/health\", port = http, delay = 5m, period = 3s, timeout = 1s, "
      "failures = 4, headers = [\"Host: a.example.com\", \"X-Probe:  yes \"])\n"
      "    readiness = grpc(rpc, service = \"api.Health\", successes = 2)\n"
      "    startup = exec([\"cat\", \"/tmp/ok\"])\n  }\n}\n"
      "worker w {\n  image = \"w\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  health { liveness = tcp(port = 7000)  readiness = grpc(port = 9000) }\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  const Doc* api = find_object(objs, "Deployment", "api");
  ASSERT_NE(api, nullptr);
  const Doc& main = (*api)["spec"]["template"]["spec"]["containers"][0];
  const Doc& live = main["livenessProbe"];
  EXPECT_EQ(live["httpGet"]["port"], "http");
  EXPECT_EQ(live["httpGet"]["httpHeaders"][0]["name"], "Host");
  EXPECT_EQ(live["httpGet"]["httpHeaders"][0]["value"], "a.example.com");
  EXPECT_EQ(live["httpGet"]["httpHeaders"][1]["value"], "yes");
  EXPECT_EQ(live["initialDelaySeconds"].get<int>(), 300);
  EXPECT_EQ(live["periodSeconds"].get<int>(), 3);
  EXPECT_EQ(live["timeoutSeconds"].get<int>(), 1);
  EXPECT_EQ(live["failureThreshold"].get<int>(), 4);
  EXPECT_FALSE(live.contains("successThreshold"));
  // A gRPC probe takes a number: the named port is looked up.
  const Doc& ready = main["readinessProbe"];
  EXPECT_EQ(ready["grpc"]["port"].get<int>(), 9555);
  EXPECT_EQ(ready["grpc"]["service"], "api.Health");
  EXPECT_EQ(ready["successThreshold"].get<int>(), 2);
  // Unset timing: what stackc always wrote (period 10, timeout 5, 3 failures, no delay).
  const Doc& start = main["startupProbe"];
  EXPECT_EQ(start["exec"]["command"][1], "/tmp/ok");
  EXPECT_FALSE(start.contains("initialDelaySeconds"));
  EXPECT_EQ(start["periodSeconds"].get<int>(), 10);
  EXPECT_EQ(start["timeoutSeconds"].get<int>(), 5);
  EXPECT_EQ(start["failureThreshold"].get<int>(), 3);
  const Doc* w = find_object(objs, "Deployment", "w");
  ASSERT_NE(w, nullptr);
  const Doc& wc = (*w)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(wc["livenessProbe"]["tcpSocket"]["port"].get<int>(), 7000);
  EXPECT_EQ(wc["readinessProbe"]["grpc"]["port"].get<int>(), 9000);
  EXPECT_FALSE(wc["readinessProbe"]["grpc"].contains("service"));
}

TEST(Pod, InitAndSidecarContainersGraceHooksLabelsAndVolumes) {
  auto c = compile(
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 200m..400m\n"
      "  memory = 128Mi..256Mi\n  command = [\"/app\"]\n  args = [\"-v\"]\n"
      "  working_dir = \"/srv\"\n  grace = 1m\n  pre_stop = sleep(10s)\n"
      "  labels { version = \"v1\" }\n  labels \"example.com\" { tier = \"web\" }\n"
      "  annotations \"sidecar.istio.io\" { inject = \"false\" }\n"
      "  volume tmp { mount = \"/tmp\"  medium = memory }\n"
      "  volume cache { mount = \"/cache\"  size = 1Gi }\n"
      "  init migrate { image = \"api\"  command = [\"/app\", \"migrate\"]  working_dir = \"/m\"\n"
      "    env { MODE = \"up\"  TOKEN = secret(\"api\", key = \"token\") } }\n"
      "  sidecar proxy { image = \"docker.io/envoyproxy/envoy:v1.31.0\"  cpu = 10m }\n"
      "}\n"
      "worker plain {\n  image = \"plain\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  pre_stop = exec([\"nginx\", \"-s\", \"quit\"])\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  const Doc& t = (*find_object(objs, "Deployment", "api"))["spec"]["template"];
  EXPECT_EQ(t["metadata"]["labels"]["version"], "v1");
  EXPECT_EQ(t["metadata"]["labels"]["example.com/tier"], "web");
  EXPECT_EQ(t["metadata"]["labels"]["app.kubernetes.io/name"], "api");
  EXPECT_EQ(t["metadata"]["annotations"]["sidecar.istio.io/inject"], "false");
  const Doc& spec = t["spec"];
  EXPECT_EQ(spec["terminationGracePeriodSeconds"].get<int>(), 60);
  const Doc& main = spec["containers"][0];
  EXPECT_EQ(main["workingDir"], "/srv");
  EXPECT_EQ(main["command"][0], "/app");
  EXPECT_EQ(main["args"][0], "-v");
  EXPECT_EQ(main["lifecycle"]["preStop"]["sleep"]["seconds"].get<int>(), 10);
  // The volume at /tmp takes the place of stackc's own: one mount there, in memory.
  int at_tmp = 0;
  for (std::size_t i = 0; i < main["volumeMounts"].size(); ++i)
    at_tmp += main["volumeMounts"][i]["mountPath"] == "/tmp";
  EXPECT_EQ(at_tmp, 1);
  EXPECT_EQ(spec["volumes"][0]["name"], "tmp");
  EXPECT_EQ(spec["volumes"][0]["emptyDir"]["medium"], "Memory");
  EXPECT_FALSE(spec["volumes"][0]["emptyDir"].contains("sizeLimit"));
  EXPECT_EQ(spec["volumes"][1]["emptyDir"]["sizeLimit"], "1Gi");
  // Init containers and sidecars in declaration order, with the main container's security
  // context and mounts; only the sidecar restarts always.
  const Doc& init = spec["initContainers"];
  ASSERT_EQ(init.size(), 2u);
  EXPECT_EQ(init[0]["name"], "migrate");
  EXPECT_FALSE(init[0].contains("restartPolicy"));
  EXPECT_EQ(init[0]["workingDir"], "/m");
  EXPECT_EQ(init[0]["resources"], main["resources"]);  // an init's default: the main's
  EXPECT_EQ(init[0]["env"][0]["valueFrom"]["configMapKeyRef"]["key"], "migrate.MODE");
  EXPECT_EQ(init[0]["env"][1]["valueFrom"]["secretKeyRef"]["name"], "api");
  EXPECT_EQ(init[1]["name"], "proxy");
  EXPECT_EQ(init[1]["image"], "docker.io/envoyproxy/envoy:v1.31.0");
  EXPECT_EQ(init[1]["restartPolicy"], "Always");
  EXPECT_EQ(init[1]["resources"]["requests"]["cpu"], "10m");
  EXPECT_EQ(init[1]["resources"]["requests"]["memory"], "32Mi");  // a sidecar's default
  for (const auto& x : {&init[0], &init[1]}) {
    EXPECT_EQ((*x)["securityContext"], main["securityContext"]);
    EXPECT_EQ((*x)["volumeMounts"], main["volumeMounts"]);
    EXPECT_EQ((*x)["securityContext"]["readOnlyRootFilesystem"].get<bool>(), true);
  }
  const Doc* cm = find_object(objs, "ConfigMap", "api-env");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ((*cm)["data"]["migrate.MODE"], "up");
  const Doc& plain = (*find_object(objs, "Deployment", "plain"))["spec"]["template"]["spec"];
  EXPECT_EQ(plain["containers"][0]["lifecycle"]["preStop"]["exec"]["command"][2], "quit");
  EXPECT_FALSE(plain.contains("terminationGracePeriodSeconds"));
  EXPECT_FALSE(plain.contains("initContainers"));
}

TEST(Pod, ASharedServiceAccountIsMadeOnceByItsFirstWorkload) {
  auto c = compile(
      "service svc-a {\n  image = \"a\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"shared\"\n}\n"
      "service svc-b {\n  image = \"b\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"shared\"\n}\n"
      "service svc-d {\n  image = \"d\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
      "  service_account = \"svc-d\"\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  std::vector<Lowered> lowered = lower_all(*c->model, "t.stack", sink);
  const auto& objs = lowered[0].objects;
  EXPECT_EQ(count_kind(objs, "ServiceAccount"), 2);  // `shared` and `svc-d`
  EXPECT_EQ(find_object(objs, "ServiceAccount", "svc-a"), nullptr);
  for (const auto& o : objs) {
    if (o.doc["kind"] == "ServiceAccount" && o.doc["metadata"]["name"] == "shared") {
      EXPECT_EQ(o.component, "svc-a");
    }
  }
  for (const char* n : {"svc-a", "svc-b"})
    EXPECT_EQ(
        (*find_object(objs, "Deployment", n))["spec"]["template"]["spec"]["serviceAccountName"],
        "shared");
  auto files = files_of(*c->model, lowered, false, true);
  const std::string& values = files.at("helm/s/values.yaml");
  EXPECT_NE(values.find("      name: shared\n      create: false\n"), std::string::npos) << values;
  // A stream's values (each workload's from its own objects) say the same.
  for (const auto& w : c->model->environments[0].workloads) {
    std::size_t from = 0, n = 0;
    for (std::size_t i = 0; i < objs.size(); ++i)
      if (objs[i].component == w.name && n++ == 0) from = i;
    std::string text;
    helm::workload_values_text(w, objs.data() + from, n, text);
    EXPECT_EQ(text.find("create: false") != std::string::npos, w.name == "svc-b") << text;
    EXPECT_NE(values.find(text), std::string::npos) << text;
  }
}

// The config-digest annotation of each workload's pods, by workload.
std::map<std::string, std::string> digests(const std::string& text) {
  auto c = compile(text);
  std::map<std::string, std::string> out;
  if (!c->model) return out;
  DocArena documents;
  base::Collector sink;
  for (const auto& o : lower(*c->model, c->model->environments[0], "t.stack", sink))
    if (o.doc["kind"] == "Deployment") {
      const Doc& md = o.doc["spec"]["template"]["metadata"];
      out[o.component] = md.contains("annotations")
                             ? md["annotations"]["stackc.dev/config-digest"].get<std::string>()
                             : "";
    }
  return out;
}

TEST(Pod, TheDigestFollowsOnlyTheWorkloadsOwnEnvironment) {
  auto stack = [](const std::string& a_env, const std::string& b_env) {
    return "worker a {\n  image = \"a\"\n  cpu = 100m\n  memory = 64Mi\n  env { " + a_env +
           " }\n}\nworker b {\n  image = \"b\"\n  cpu = 100m\n  memory = 64Mi\n  env { " + b_env +
           " }\n}\nworker c {\n  image = \"c\"\n  cpu = 100m\n  memory = 64Mi\n}\n";
  };
  auto base = digests(stack("MODE = \"fast\"", "P = secret(\"db\", key = \"password\")"));
  ASSERT_EQ(base.size(), 3u);
  EXPECT_EQ(base["a"].size(), 16u);
  EXPECT_EQ(base["b"].size(), 16u);
  EXPECT_EQ(base["c"], "");  // reads nothing: no annotation
  EXPECT_EQ(base, digests(stack("MODE = \"fast\"", "P = secret(\"db\", key = \"password\")")));
  auto value = digests(stack("MODE = \"slow\"", "P = secret(\"db\", key = \"password\")"));
  EXPECT_NE(value["a"], base["a"]);
  EXPECT_EQ(value["b"], base["b"]);
  auto key = digests(stack("MODE = \"fast\"", "P = secret(\"db\", key = \"pass\")"));
  EXPECT_EQ(key["a"], base["a"]);
  EXPECT_NE(key["b"], base["b"]);
  // A value moved from one name to another is another environment.
  auto moved = digests(stack("MOD = \"Efast\"", "P = secret(\"db\", key = \"password\")"));
  EXPECT_NE(moved["a"], base["a"]);
}

// A reference inside a string is an edge like `needs`: the caller may send to the callee (its
// policy's egress), the callee takes traffic from it (ingress), and syncs in an earlier wave.
TEST(Graph, AReferenceInAStringOpensThePolicyBothWaysAndOrdersTheWaves) {
  auto c = compile(
      "service catalog {\n  image = \"catalog\"\n  port http = 8080\n  port grpc = 9090\n"
      "  cpu = 100m\n  memory = 64Mi\n}\n"
      "service front {\n  image = \"front\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
      "  args = [\"--rpc=${catalog.port.grpc}\"]\n"
      "  env { PRODUCT_ADDR = \"${catalog.address}\" }\n}\n");
  ASSERT_TRUE(c->model);
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  const Doc* front = find_object(objs, "NetworkPolicy", "front");
  const Doc* catalog = find_object(objs, "NetworkPolicy", "catalog");
  ASSERT_TRUE(front && catalog);
  bool egress = false;
  for (const auto& rule : (*front)["spec"]["egress"])
    if (rule.contains("to") && rule["to"][0].contains("podSelector") &&
        rule["to"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "catalog")
      egress = true;
  EXPECT_TRUE(egress) << front->dump();
  bool ingress = false;
  for (const auto& rule : (*catalog)["spec"]["ingress"])
    if (rule.contains("from") && rule["from"][0].contains("podSelector") &&
        rule["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"] == "front")
      ingress = true;
  EXPECT_TRUE(ingress) << catalog->dump();
  const Doc* dep = find_object(objs, "Deployment", "front");
  ASSERT_NE(dep, nullptr);
  const Doc& main = (*dep)["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(main["args"][0], "--rpc=9090");
  const Doc* cm = find_object(objs, "ConfigMap", "front-env");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ((*cm)["data"]["PRODUCT_ADDR"], "catalog:8080");
  EXPECT_EQ((*dep)["metadata"]["annotations"]["argocd.argoproj.io/sync-wave"], "1");
}

// ---- versions --------------------------------------------------------------------------------

// Istio's Bookinfo `reviews`: one Deployment per version behind one Service (targets.md §5.9).
constexpr const char* kReviews =
    "environment prod { cluster = c }\n"
    "service productpage {\n  image = \"productpage\"\n  port http = 9080\n  cpu = 100m\n"
    "  memory = 64Mi\n  needs = [reviews]\n}\n"
    "service ratings {\n  image = \"ratings\"\n  port http = 9080\n  cpu = 100m\n"
    "  memory = 64Mi\n}\n"
    "service reviews {\n  port http = 9080\n  cpu = 100m\n  memory = 64Mi\n"
    "  env { LOG_DIR = \"/tmp/logs\" }\n  when prod { replicas = 3 }\n"
    "  version v1 { image = \"reviews-v1\" }\n"
    "  version v2 {\n    image = \"reviews-v2\"\n    needs = [ratings]\n    replicas = 2..4\n"
    "    when prod { replicas = 4..6 }\n  }\n}\n";

TEST(Versions, OneDeploymentPerVersionBehindOneService) {
  auto c = compile(kReviews);
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  EXPECT_EQ(find_object(objs, "Deployment", "reviews"), nullptr);
  int services = 0, accounts = 0;
  for (const auto& o : objs) {
    services += o.doc["kind"] == "Service" && o.doc["metadata"]["name"] == "reviews";
    accounts += o.doc["kind"] == "ServiceAccount" && o.doc["metadata"]["name"] == "reviews";
    if (o.doc["metadata"]["name"] == "reviews") {
      EXPECT_EQ(o.component, "reviews-v1");
    }
  }
  EXPECT_EQ(services, 1);
  EXPECT_EQ(accounts, 1);
  const Doc* svc = find_object(objs, "Service", "reviews");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ((*svc)["spec"]["selector"]["app.kubernetes.io/name"], "reviews");
  EXPECT_FALSE((*svc)["spec"]["selector"].contains("version"));
  EXPECT_FALSE((*svc)["metadata"]["labels"].contains("version"));
  for (const char* v : {"v1", "v2"}) {
    const std::string name = std::string("reviews-") + v;
    const Doc* d = find_object(objs, "Deployment", name);
    ASSERT_NE(d, nullptr) << name;
    EXPECT_EQ((*d)["spec"]["selector"]["matchLabels"]["app.kubernetes.io/name"], "reviews");
    EXPECT_EQ((*d)["spec"]["selector"]["matchLabels"]["version"], v);
    const Doc& pod = (*d)["spec"]["template"];
    EXPECT_EQ(pod["metadata"]["labels"]["version"], v);
    EXPECT_EQ(pod["spec"]["serviceAccountName"], "reviews");
    EXPECT_EQ(pod["spec"]["containers"][0]["name"], "reviews");
    EXPECT_EQ(pod["spec"]["containers"][0]["image"], "ghcr.io/s/" + name + ":1.0.0");
    EXPECT_EQ(pod["spec"]["containers"][0]["env"][0]["valueFrom"]["configMapKeyRef"]["name"],
              name + "-env");
    const Doc* np = find_object(objs, "NetworkPolicy", name);
    ASSERT_NE(np, nullptr);
    EXPECT_EQ((*np)["spec"]["podSelector"]["matchLabels"]["version"], v);
    // Each version takes the traffic of the Service's dependents.
    EXPECT_EQ((*np)["spec"]["ingress"][0]["from"][0]["podSelector"]["matchLabels"]
                   ["app.kubernetes.io/name"],
              "productpage");
    // Only v2 reaches ratings (its own `needs`): v1's egress is DNS alone.
    EXPECT_EQ((*np)["spec"]["egress"].size(), v[1] == '2' ? 2u : 1u) << np->dump();
  }
  EXPECT_EQ((*find_object(objs, "Deployment", "reviews-v1"))["spec"]["replicas"], 1);
  EXPECT_EQ(find_object(objs, "HorizontalPodAutoscaler", "reviews-v1"), nullptr);
  EXPECT_NE(find_object(objs, "HorizontalPodAutoscaler", "reviews-v2"), nullptr);
  EXPECT_NE(find_object(objs, "PodDisruptionBudget", "reviews-v2"), nullptr);
  // The dependent reaches the pods of every version, through the Service's name.
  const Doc* front = find_object(objs, "NetworkPolicy", "productpage");
  ASSERT_NE(front, nullptr);
  const Doc& to = (*front)["spec"]["egress"][0]["to"][0]["podSelector"]["matchLabels"];
  EXPECT_EQ(to["app.kubernetes.io/name"], "reviews");
  EXPECT_FALSE(to.contains("version"));
  const Doc* env = find_object(objs, "ConfigMap", "productpage-env");
  ASSERT_NE(env, nullptr);
  EXPECT_EQ((*env)["data"]["REVIEWS_HOST"], "reviews");
  EXPECT_EQ((*env)["data"]["REVIEWS_PORT"], "9080");
}

// A version's block is merged over the workload's fields as they are in the environment: its own
// `when` last.
TEST(Versions, AVersionIsMergedOverTheWorkloadInEachEnvironment) {
  auto c = compile(kReviews);
  ASSERT_TRUE(c->model);
  ASSERT_EQ(c->model->environments.size(), 2u);
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> prod;
  for (const auto& w : c->model->environments[1].workloads)
    prod[w.name] = {w.replicas_min, w.replicas_max};
  EXPECT_EQ(prod.count("reviews"), 0u);
  using Range = std::pair<std::int64_t, std::int64_t>;
  EXPECT_EQ(prod["reviews-v1"], Range(3, 3));
  EXPECT_EQ(prod["reviews-v2"], Range(4, 6));
  for (const auto& w : c->model->environments[0].workloads) {
    if (w.group.empty()) continue;
    EXPECT_EQ(w.group, "reviews");
    EXPECT_EQ(w.group_head, w.version == "v1");
    EXPECT_EQ(w.service_account, "reviews");
    EXPECT_EQ(w.ports.size(), 1u);
    EXPECT_EQ(w.env.size(), 1u);
    EXPECT_EQ(w.needs.size(), w.version == "v2" ? 1u : 0u);
  }
}

// The Helm values say which workload a version belongs to; only its first carries the Service.
TEST(Versions, HelmValuesNameTheWorkloadAndTheVersion) {
  auto c = compile(kReviews);
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  std::vector<Lowered> lowered = lower_all(*c->model, "t.stack", sink);
  auto files = files_of(*c->model, lowered, false, true);
  const std::string& values = files.at("helm/s/values.yaml");
  EXPECT_NE(values.find("  reviews-v1:\n"), std::string::npos) << values;
  EXPECT_NE(values.find("versionOf:\n      workload: reviews\n      version: v2\n"),
            std::string::npos)
      << values;
  auto v2 = values.find("  reviews-v2:\n");
  ASSERT_NE(v2, std::string::npos);
  EXPECT_EQ(values.find("\n    service:\n", v2), std::string::npos);  // v1 has it
  EXPECT_NE(values.find("\n    service:\n"), std::string::npos);
}

// ---- images ----------------------------------------------------------------------------------

// One rule: a bare name is the stack's own image; anything else is used as written, with Docker
// Hub's short names written out.
TEST(Images, ABareNameIsTheStacksOwnAnythingElseIsExternal) {
  model::Model m;
  m.stack.registry = "ghcr.io/shop";
  m.stack.version = "2.3.1";
  EXPECT_EQ(image_ref(m, "api"), "ghcr.io/shop/api:2.3.1");
  EXPECT_EQ(image_ref(m, "redis:alpine"), "docker.io/library/redis:alpine");
  EXPECT_EQ(image_ref(m, "weaveworksdemos/carts:0.4.8"), "docker.io/weaveworksdemos/carts:0.4.8");
  EXPECT_EQ(image_ref(m, "redis@sha256:0123"), "docker.io/library/redis@sha256:0123");
  EXPECT_EQ(image_ref(m, "ghcr.io/x/y:1.0"), "ghcr.io/x/y:1.0");
  EXPECT_EQ(image_ref(m, "localhost:5000/y:1.0"), "localhost:5000/y:1.0");
  EXPECT_EQ(image_ref(m, "localhost/y:1.0"), "localhost/y:1.0");
  EXPECT_EQ(image_ref(m, "docker.io/library/postgres:16"), "docker.io/library/postgres:16");
  EXPECT_EQ(image_version(m, "api"), "2.3.1");
  EXPECT_EQ(image_version(m, "redis:7.4-alpine"), "7.4-alpine");
  EXPECT_EQ(image_version(m, "localhost:5000/y"), "");
  EXPECT_EQ(image_version(m, "redis:7@sha256:0123"), "7");
  EXPECT_EQ(image_version(m, "redis@sha256:0123"), "");  // a digest is no label value
}

// The version labels of every object of a small stack whose version is `version`.
std::map<std::string, std::string> version_labels(const std::string& version) {
  auto c = compile(
      "service api {\n  image = \"api\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n}\n"
      "stateful cache {\n  image = \"redis:7.4.1-alpine\"\n  port redis = 6379\n  cpu = 100m\n"
      "  memory = 64Mi\n  storage = 1Gi\n}\n");
  std::map<std::string, std::string> out;
  if (!c->model) return out;
  c->model->stack.version = version;
  base::Collector sink;
  for (const auto& o : lower(*c->model, c->model->environments[0], "t.stack", sink)) {
    const Doc& l = o.doc["metadata"]["labels"];
    if (l.contains("app.kubernetes.io/version"))
      out[std::string(o.doc["kind"].str()) + "/" + std::string(o.doc["metadata"]["name"].str())] =
          l["app.kubernetes.io/version"].get<std::string>();
  }
  return out;
}

// The version label follows each workload's image: a new stack version relabels only the
// workloads built from the stack's own images.
TEST(Images, TheVersionLabelFollowsTheWorkloadsImage) {
  auto before = version_labels("1.0.0");
  auto after = version_labels("1.1.0");
  EXPECT_EQ(before["Deployment/api"], "1.0.0");
  EXPECT_EQ(after["Deployment/api"], "1.1.0");
  EXPECT_EQ(before["StatefulSet/cache"], "7.4.1-alpine");
  EXPECT_EQ(before["Service/cache"], "7.4.1-alpine");
  ASSERT_FALSE(before.empty());
  for (const auto& [object, v] : before) {
    if (object.find("cache") != std::string::npos) {
      EXPECT_EQ(after[object], v) << object;
    }
  }
}

// ---- security exceptions, the namespace's Pod Security level, nodeSelector ------------------

TEST(Security, ExceptionsReachEveryContainerAndTheNamespaceFollows) {
  // `dev` lets the database run as root with three capabilities (its namespace goes to
  // `baseline`, still warning and auditing at `restricted`); `prod` keeps the defaults.
  auto c = std::make_unique<Compiled>();
  base::Collector sink;
  auto id = c->sm.add(
      "t.stack",
      "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
      "cluster c { nodes = 3  node { cpu = 8  memory = 32Gi } }\n"
      "environment dev { cluster = c  pod_security = baseline }\n"
      "environment prod { cluster = c  pod_security = restricted }\n"
      "service web {\n  image = \"web\"\n  port http = 80\n  cpu = 100m\n  memory = 64Mi\n"
      "  security { run_as_user = 10001  run_as_group = image\n"
      "             capabilities = [\"NET_BIND_SERVICE\"] }\n"
      "  node_selector \"kubernetes.io\" { os = \"linux\" }\n"
      "  node_selector { disktype = \"ssd\" }\n}\n"
      "stateful db {\n  image = \"docker.io/library/mongo:7.0\"\n  port mongo = 27017\n"
      "  cpu = 100m\n  memory = 256Mi\n  storage = 1Gi\n"
      "  init prepare { image = \"docker.io/library/busybox:1.36\" }\n"
      "  exporter { image = \"docker.io/percona/mongodb_exporter:0.40.0\"  port = 9216 }\n"
      "  when dev { security { run_as_root = true\n"
      "    capabilities = [\"CHOWN\", \"CAP_SETGID\", \"SETUID\"] } }\n}\n");
  auto tree = syntax::parse(c->sm, id, sink);
  NoImports loader;
  auto result = check::check(c->sm, std::move(tree), loader, sink);
  for (const auto& d : sink.all()) ADD_FAILURE() << d.message;
  ASSERT_TRUE(result.model);
  const model::Model& m = *result.model;
  DocArena documents;
  std::vector<Lowered> lowered = lower_all(m, "t.stack", sink);
  ASSERT_EQ(lowered.size(), 2u);
  const auto& dev = lowered[0].objects;
  const auto& prod = lowered[1].objects;

  const Doc& dev_labels = (*find_object(dev, "Namespace", "s-dev"))["metadata"]["labels"];
  EXPECT_EQ(dev_labels["pod-security.kubernetes.io/enforce"], "baseline");
  EXPECT_EQ(dev_labels["pod-security.kubernetes.io/warn"], "restricted");
  EXPECT_EQ(dev_labels["pod-security.kubernetes.io/audit"], "restricted");
  EXPECT_EQ(dev_labels["pod-security.kubernetes.io/audit-version"], "v1.32");
  const Doc& prod_labels = (*find_object(prod, "Namespace", "s-prod"))["metadata"]["labels"];
  EXPECT_EQ(prod_labels["pod-security.kubernetes.io/enforce"], "restricted");
  EXPECT_FALSE(prod_labels.contains("pod-security.kubernetes.io/warn"));

  // web: its own user, the image's group, NET_BIND_SERVICE after ALL is dropped; nodeSelector
  // in the order written.
  const Doc& web = (*find_object(dev, "Deployment", "web"))["spec"]["template"]["spec"];
  EXPECT_EQ(web["securityContext"]["runAsNonRoot"].get<bool>(), true);
  EXPECT_EQ(web["securityContext"]["runAsUser"].get<int>(), 10001);
  EXPECT_FALSE(web["securityContext"].contains("runAsGroup"));
  const Doc& caps = web["containers"][0]["securityContext"]["capabilities"];
  EXPECT_EQ(caps["drop"], Doc::array({"ALL"}));
  EXPECT_EQ(caps["add"], Doc::array({"NET_BIND_SERVICE"}));
  Doc nodes = Doc::object();
  nodes["kubernetes.io/os"] = "linux";
  nodes["disktype"] = "ssd";
  EXPECT_EQ(web["nodeSelector"], nodes);
  EXPECT_EQ(to_yaml(web["nodeSelector"]), "kubernetes.io/os: linux\ndisktype: ssd\n");

  // db in dev: root, the image's user and group, the capabilities in every container of its
  // own (main, init); the exporter keeps stackc's user, non-root and no capability.
  const Doc& db = (*find_object(dev, "StatefulSet", "db"))["spec"]["template"]["spec"];
  EXPECT_EQ(db["securityContext"]["runAsNonRoot"].get<bool>(), false);
  EXPECT_FALSE(db["securityContext"].contains("runAsUser"));
  EXPECT_FALSE(db["securityContext"].contains("runAsGroup"));
  EXPECT_EQ(db["securityContext"]["seccompProfile"]["type"], "RuntimeDefault");
  const Doc& main = db["containers"][0]["securityContext"];
  EXPECT_EQ(main["runAsNonRoot"].get<bool>(), false);
  EXPECT_EQ(main["allowPrivilegeEscalation"].get<bool>(), false);
  EXPECT_EQ(main["readOnlyRootFilesystem"].get<bool>(), true);
  EXPECT_EQ(main["capabilities"]["add"], Doc::array({"CHOWN", "SETGID", "SETUID"}));
  EXPECT_EQ(db["initContainers"][0]["securityContext"], main);
  const Doc& exporter = db["containers"][1];
  ASSERT_EQ(exporter["name"], "exporter");
  EXPECT_EQ(exporter["securityContext"]["runAsNonRoot"].get<bool>(), true);
  EXPECT_EQ(exporter["securityContext"]["runAsUser"].get<int>(), 65532);
  EXPECT_EQ(exporter["securityContext"]["runAsGroup"].get<int>(), 65532);
  EXPECT_FALSE(exporter["securityContext"]["capabilities"].contains("add"));
  EXPECT_FALSE(db.contains("nodeSelector"));

  // db in prod: the defaults, as before.
  const Doc& db2 = (*find_object(prod, "StatefulSet", "db"))["spec"]["template"]["spec"];
  EXPECT_EQ(db2["securityContext"]["runAsNonRoot"].get<bool>(), true);
  EXPECT_EQ(db2["securityContext"]["runAsUser"].get<int>(), 65532);
  EXPECT_FALSE(db2["containers"][0]["securityContext"]["capabilities"].contains("add"));
  EXPECT_FALSE(db2["containers"][1]["securityContext"].contains("runAsUser"));

  // Helm: the level in values.yaml (dev, the defaults) and null in prod's; the nodeSelector and
  // the security contexts in the workloads' values; the namespace template reads the level.
  // Kustomize: each overlay's Namespace carries its own level.
  auto files = files_of(m, lowered, true, false);
  const std::string& values = files.at("helm/s/values.yaml");
  EXPECT_NE(values.find("\npodSecurity: baseline\n"), std::string::npos) << values;
  EXPECT_NE(values.find("      nodeSelector:\n        kubernetes.io/os: linux\n"
                        "        disktype: ssd\n"),
            std::string::npos)
      << values;
  EXPECT_NE(
      values.find("          add:\n          - CHOWN\n          - SETGID\n          - SETUID\n"),
      std::string::npos)
      << values;
  EXPECT_NE(files.at("helm/s/values-prod.yaml").find("\npodSecurity: null\n"), std::string::npos)
      << files.at("helm/s/values-prod.yaml");
  const std::string& ns = files.at("helm/s/templates/namespace.yaml");
  EXPECT_NE(ns.find("enforce: {{ get .Values \"podSecurity\" | default \"restricted\" }}"),
            std::string::npos);
  EXPECT_NE(files.at("helm/s/templates/_helpers.tpl").find("nodeSelector:"), std::string::npos);
  const std::string& dev_ns = files.at("kustomize/overlays/dev/resources.yaml");
  EXPECT_NE(dev_ns.find("pod-security.kubernetes.io/enforce: baseline\n"), std::string::npos);
  EXPECT_NE(dev_ns.find("pod-security.kubernetes.io/warn: restricted\n"), std::string::npos);
  const std::string& prod_ns = files.at("kustomize/overlays/prod/resources.yaml");
  EXPECT_NE(prod_ns.find("pod-security.kubernetes.io/enforce: restricted\n"), std::string::npos);
  EXPECT_EQ(prod_ns.find("pod-security.kubernetes.io/warn"), std::string::npos);
}

// ---- ports and exposure (targets.md §5.5, §5.6) ---------------------------------------------

// The ingress rules of a NetworkPolicy whose peers are not the namespace's own pods.
std::vector<const Doc*> outside_rules(const Doc& np) {
  std::vector<const Doc*> out;
  if (!np["spec"].contains("ingress")) return out;
  const Doc& rules = np["spec"]["ingress"];
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const Doc& rule = rules[i];
    bool outside = false;
    for (std::size_t j = 0; j < rule["from"].size(); ++j)
      outside = outside || rule["from"][j].contains("ipBlock") ||
                rule["from"][j].contains("namespaceSelector");
    if (outside) out.push_back(&rule);
  }
  return out;
}

TEST(Ports, TheServiceKeepsItsPortTheContainerAndThePolicyTheContainersPort) {
  auto c = compile(
      "service front {\n  image = \"front\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  port http { number = 80 -> 8079  app_protocol = \"h2c\" }\n"
      "  health { liveness = http(\"/l\")  readiness = grpc() }\n"
      "  metrics { counter requests_total }\n  needs = [api]\n"
      "  env { ADDR = \"${api.address}\"  ONE = api.port }\n}\n"
      "service api {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  port http = 5000 -> 8080\n  port dns { number = 53  protocol = udp }\n"
      "  port sig { number = 9899  protocol = sctp  app_protocol = \"example.com/sig\" }\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  const Doc* svc = find_object(objs, "Service", "front");
  ASSERT_NE(svc, nullptr);
  EXPECT_EQ((*svc)["spec"]["type"], "ClusterIP");
  const Doc& sp = (*svc)["spec"]["ports"][0];
  EXPECT_EQ(sp["port"].get<int>(), 80);
  EXPECT_EQ(sp["targetPort"], "http");
  EXPECT_EQ(sp["protocol"], "TCP");
  EXPECT_EQ(sp["appProtocol"], "kubernetes.io/h2c");
  EXPECT_FALSE(sp.contains("nodePort"));
  const Doc& fc =
      (*find_object(objs, "Deployment", "front"))["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(fc["ports"][0]["containerPort"].get<int>(), 8079);
  EXPECT_EQ(fc["livenessProbe"]["httpGet"]["port"], "http");
  EXPECT_EQ(fc["readinessProbe"]["grpc"]["port"].get<int>(), 8079);  // by number: the container's
  // Clients use the Service's port.
  const Doc* cm = find_object(objs, "ConfigMap", "front-env");
  ASSERT_NE(cm, nullptr);
  EXPECT_EQ((*cm)["data"]["ADDR"], "api:5000");
  EXPECT_EQ((*cm)["data"]["ONE"], "5000");
  EXPECT_EQ((*cm)["data"]["API_PORT"], "5000");
  // Protocols: on the Service, the container and the policies; appProtocol only on the Service.
  const Doc& as = (*find_object(objs, "Service", "api"))["spec"]["ports"];
  EXPECT_EQ(as[0]["port"].get<int>(), 5000);
  EXPECT_EQ(as[1]["protocol"], "UDP");
  EXPECT_EQ(as[2]["protocol"], "SCTP");
  EXPECT_EQ(as[2]["appProtocol"], "example.com/sig");
  const Doc& ac =
      (*find_object(objs, "Deployment", "api"))["spec"]["template"]["spec"]["containers"][0];
  EXPECT_EQ(ac["ports"][0]["containerPort"].get<int>(), 8080);
  EXPECT_EQ(ac["ports"][1]["protocol"], "UDP");
  EXPECT_FALSE(ac["ports"][2].contains("appProtocol"));
  const Doc& in = (*find_object(objs, "NetworkPolicy", "api"))["spec"]["ingress"][0];
  EXPECT_EQ(in["ports"][0]["port"].get<int>(), 8080);
  EXPECT_EQ(in["ports"][1]["protocol"], "UDP");
  EXPECT_EQ(in["ports"][2]["protocol"], "SCTP");
  const Doc& fnp = (*find_object(objs, "NetworkPolicy", "front"))["spec"];
  EXPECT_EQ(fnp["egress"][0]["ports"][0]["port"].get<int>(), 8080);   // after the Service's DNAT
  EXPECT_EQ(fnp["ingress"][0]["ports"][0]["port"].get<int>(), 8079);  // Prometheus scrapes
  EXPECT_TRUE(outside_rules(*find_object(objs, "NetworkPolicy", "api")).empty());
}

TEST(Ports, NodePortAndLoadBalancerServicesAdmitTheOutside) {
  auto c = compile(
      "stateful front {\n  image = \"front\"\n  cpu = 100m\n  memory = 64Mi\n  storage = 1Gi\n"
      "  port http { number = 80 -> 8079  node_port = 30001 }\n  expose = node_port\n}\n"
      "service api {\n  image = \"api\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  port http = 443 -> 8443\n  expose = load_balancer\n"
      "  source_ranges = [\"203.0.113.0/24\", \"2001:db8::/32\"]\n}\n"
      "service open {\n  image = \"open\"\n  cpu = 100m\n  memory = 64Mi\n"
      "  port http = 8080\n  expose = load_balancer\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  const Doc& fs = (*find_object(objs, "Service", "front"))["spec"];
  EXPECT_EQ(fs["type"], "NodePort");
  EXPECT_EQ(fs["ports"][0]["nodePort"].get<int>(), 30001);
  EXPECT_FALSE(fs.contains("externalTrafficPolicy"));
  // The headless Service stays inside the cluster, without node ports.
  const Doc& hs = (*find_object(objs, "Service", "front-headless"))["spec"];
  EXPECT_EQ(hs["type"], "ClusterIP");
  EXPECT_FALSE(hs["ports"][0].contains("nodePort"));
  auto front = outside_rules(*find_object(objs, "NetworkPolicy", "front"));
  ASSERT_EQ(front.size(), 1u);
  EXPECT_EQ((*front[0])["from"][0]["ipBlock"]["cidr"], "0.0.0.0/0");
  EXPECT_EQ((*front[0])["from"][1]["ipBlock"]["cidr"], "::/0");
  EXPECT_EQ((*front[0])["ports"][0]["port"].get<int>(), 8079);
  const Doc& as = (*find_object(objs, "Service", "api"))["spec"];
  EXPECT_EQ(as["type"], "LoadBalancer");
  EXPECT_EQ(as["externalTrafficPolicy"], "Local");
  EXPECT_EQ(as["loadBalancerSourceRanges"][1], "2001:db8::/32");
  auto api = outside_rules(*find_object(objs, "NetworkPolicy", "api"));
  ASSERT_EQ(api.size(), 1u);
  EXPECT_EQ((*api[0])["from"].size(), 2u);
  EXPECT_EQ((*api[0])["from"][0]["ipBlock"]["cidr"], "203.0.113.0/24");
  EXPECT_EQ((*api[0])["ports"][0]["port"].get<int>(), 8443);
  const Doc& os = (*find_object(objs, "Service", "open"))["spec"];
  EXPECT_FALSE(os.contains("loadBalancerSourceRanges"));
  EXPECT_FALSE(os.contains("externalTrafficPolicy"));
}

TEST(Ports, EachIngressClassAdmitsItsControllerOnTheRoutedPort) {
  auto c = compile(
      "cluster edge {\n  nodes = 3\n  node { cpu = 8  memory = 32Gi }\n"
      "  ingress kong { namespace = \"kong\"  pods \"app.kubernetes.io\" { name = \"kong\" } }\n"
      "  ingress gce { cidrs = [\"10.0.0.0/8\"] }\n  ingress public { anywhere = true }\n}\n"
      "environment prod { cluster = edge }\n"
      "service a {\n  image = \"a\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 80 -> 8080\n"
      "  port admin = 9000\n  ingress { host = \"a.example.com\" }\n}\n"
      "service b {\n  image = \"b\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  port web = 8081\n  ingress { class = \"traefik\"  tls = false  port = \"web\" }\n}\n"
      "service g {\n  image = \"g\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { host = \"g.example.com\"  class = \"gce\" }\n}\n"
      "service k {\n  image = \"k\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { host = \"k.example.com\" }\n  when prod { ingress { class = \"kong\" } }\n}\n"
      "service p {\n  image = \"p\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { host = \"p.example.com\" }\n  when prod { ingress { class = \"public\" } }\n}\n"
      "service l {\n  image = \"l\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { host = \"l.example.com\"  class = \"alb\" }\n}\n"
      "service h {\n  image = \"h\"\n  cpu = 100m\n  memory = 64Mi\n  port http = 8080\n"
      "  ingress { host = \"h.example.com\"  class = \"haproxy\" }\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  auto peers_of = [&](std::size_t env, const char* w) {
    base::Collector sink;
    auto objs = lower(*c->model, c->model->environments[env], "t.stack", sink);
    EXPECT_TRUE(sink.all().empty());
    auto rules = outside_rules(*find_object(objs, "NetworkPolicy", w));
    EXPECT_EQ(rules.size(), 1u) << w;
    return rules.empty() ? Doc() : *rules[0];
  };
  // dev runs on the cluster without controllers: the known classes (`k` and `p` use the
  // cluster's own classes only in prod).
  Doc a = peers_of(0, "a");
  EXPECT_EQ(a["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            "ingress-nginx");
  EXPECT_FALSE(a["from"][0].contains("podSelector"));
  ASSERT_EQ(a["ports"].size(), 1u);  // only the routed port, as the container's
  EXPECT_EQ(a["ports"][0]["port"].get<int>(), 8080);
  Doc b = peers_of(0, "b");
  EXPECT_TRUE(b["from"][0]["namespaceSelector"].empty());
  EXPECT_EQ(b["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"], "traefik");
  EXPECT_EQ(b["ports"][0]["port"].get<int>(), 8081);
  Doc g = peers_of(0, "g");
  EXPECT_EQ(g["from"][0]["ipBlock"]["cidr"], "130.211.0.0/22");
  EXPECT_EQ(g["from"][1]["ipBlock"]["cidr"], "35.191.0.0/16");
  EXPECT_EQ(peers_of(0, "l")["from"][1]["ipBlock"]["cidr"], "::/0");
  EXPECT_EQ(peers_of(0, "h")["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"],
            "kubernetes-ingress");
  // prod runs on `edge`: its own `gce` takes the place of the known one.
  EXPECT_EQ(peers_of(1, "g")["from"].size(), 1u);
  EXPECT_EQ(peers_of(1, "g")["from"][0]["ipBlock"]["cidr"], "10.0.0.0/8");
  Doc k = peers_of(1, "k");
  EXPECT_EQ(k["from"][0]["namespaceSelector"]["matchLabels"]["kubernetes.io/metadata.name"],
            "kong");
  EXPECT_EQ(k["from"][0]["podSelector"]["matchLabels"]["app.kubernetes.io/name"], "kong");
  EXPECT_EQ(peers_of(1, "p")["from"][0]["ipBlock"]["cidr"], "0.0.0.0/0");
  // A host-less ingress (without TLS) routes every host; `alb` sends to the pods.
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  const Doc& bi = (*find_object(objs, "Ingress", "b"))["spec"];
  EXPECT_FALSE(bi["rules"][0].contains("host"));
  EXPECT_FALSE(bi.contains("tls"));
  EXPECT_EQ((*find_object(objs, "Ingress",
                          "l"))["metadata"]["annotations"]["alb.ingress.kubernetes.io/target-type"],
            "ip");
}

// The chart and the overlays carry an exposed Service as the plain manifests do (one chart
// template for every Service: the values say the type and the headless Service's own ports).
TEST(Ports, TheChartValuesCarryTheExposure) {
  auto c = compile(
      "stateful front {\n  image = \"front\"\n  cpu = 100m\n  memory = 64Mi\n  storage = 1Gi\n"
      "  port http { number = 80 -> 8079  node_port = 30001 }\n  expose = load_balancer\n"
      "  source_ranges = [\"203.0.113.0/24\"]\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  EXPECT_TRUE(sink.all().empty());
  std::string text;
  const auto& w = c->model->environments[0].workloads[0];
  helm::workload_values_text(w, objs.data(), objs.size(), text);
  EXPECT_NE(text.find("type: LoadBalancer"), std::string::npos) << text;
  EXPECT_NE(text.find("externalTrafficPolicy: Local"), std::string::npos) << text;
  EXPECT_NE(text.find("loadBalancerSourceRanges:"), std::string::npos) << text;
  EXPECT_NE(text.find("headlessPorts:"), std::string::npos) << text;
  // The Service's ports have the node port, the headless Service's do not.
  auto first = text.find("nodePort: 30001");
  EXPECT_NE(first, std::string::npos) << text;
  EXPECT_EQ(text.find("nodePort", first + 1), std::string::npos) << text;
}

// `$(NAME)` in an env value expands only in a `value` and only to entries listed before it
// (Kubernetes' dependent environment variables): such a value is written in the pod, not read
// from the ConfigMap, and the entries it names (a secret, a `needs` connection setting) come first.
TEST(Pod, AnEnvValueThatNamesOtherEntriesIsAValueAfterThem) {
  auto c = compile(
      "service db {\n  image = \"db\"\n  port pg = 5432\n  cpu = 100m\n  memory = 64Mi\n}\n"
      "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n  memory = 64Mi\n"
      "  needs = [db]\n  env {\n"
      "    DATABASE_URL = \"postgres://app:$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/app\"\n"
      "    PRICE = \"$$(not a reference) $(UNKNOWN)\"\n"
      "    DB_PASSWORD = secret(\"db\", key = \"password\")\n    MODE = \"x\"\n  }\n}\n");
  ASSERT_TRUE(c->model);
  DocArena documents;
  base::Collector sink;
  auto objs = lower(*c->model, c->model->environments[0], "t.stack", sink);
  const Doc* api = find_object(objs, "Deployment", "api");
  ASSERT_NE(api, nullptr);
  const Doc& env = (*api)["spec"]["template"]["spec"]["containers"][0]["env"];
  std::vector<std::string> order;
  for (std::size_t i = 0; i < env.size(); ++i) order.push_back(env[i]["name"].get<std::string>());
  EXPECT_EQ(order, (std::vector<std::string>{"DB_PASSWORD", "DB_HOST", "DB_PORT", "DATABASE_URL",
                                             "PRICE", "MODE"}));
  const Doc& url = env[3];
  EXPECT_EQ(url["value"], "postgres://app:$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/app");
  EXPECT_FALSE(url.contains("valueFrom"));
  // Names no entry: no reference, read from the ConfigMap as before.
  EXPECT_EQ(env[4]["valueFrom"]["configMapKeyRef"]["key"], "PRICE");
  const Doc* cm = find_object(objs, "ConfigMap", "api-env");
  ASSERT_NE(cm, nullptr);
  EXPECT_FALSE((*cm)["data"].contains("DATABASE_URL"));
  EXPECT_EQ((*cm)["data"]["DB_HOST"], "db");
  EXPECT_EQ((*cm)["data"]["PRICE"], "$$(not a reference) $(UNKNOWN)");
}

TEST(Pod, EnvEntriesThatNameEachOtherKeepTheirOrder) {
  std::vector<model::EnvVar> env(3);
  env[0].name = "A";
  env[0].value = "$(B)";
  env[1].name = "B";
  env[1].value = "$(A)";
  env[2].name = "C";
  env[2].value = "$(C) $$(A)";  // itself, and an escaped `$`: no reference
  auto names = model::env_names(env);
  EXPECT_EQ(model::env_references(env[0].value, names), std::vector<std::string>{"B"});
  EXPECT_EQ(model::env_references(env[2].value, names), std::vector<std::string>{"C"});
  // `$(` reads up to the first `)`: `$(X $(A)` names no entry, so the `$(A` in it is text too.
  EXPECT_TRUE(model::env_references("$(X $(A)) $(A", names).empty());
  std::string read;
  model::read_references(
      "a$$(B) $(A)-$(Z)", names, [&](std::string_view s) { read += s; },
      [&](std::string_view n) {
        read += "<" + std::string(n) + ">";
        return true;
      });
  EXPECT_EQ(read, "a$(B) <A>-$(Z)");
  auto ordered = model::in_expansion_order(env);
  ASSERT_EQ(ordered.size(), 3u);
  // A's reference is followed (B first); B's back to A is a cycle and is not.
  EXPECT_EQ(ordered[0].name, "B");
  EXPECT_EQ(ordered[1].name, "A");
  EXPECT_EQ(ordered[2].name, "C");
  // A long chain is placed without deep recursion.
  std::vector<model::EnvVar> chain(100000);
  for (std::size_t i = 0; i < chain.size(); ++i) {
    chain[i].name = "V" + std::to_string(i);
    if (i + 1 < chain.size()) chain[i].value = "$(V" + std::to_string(i + 1) + ")";
  }
  auto placed = model::in_expansion_order(chain);
  ASSERT_EQ(placed.size(), chain.size());
  EXPECT_EQ(placed.front().name, "V99999");
  EXPECT_EQ(placed.back().name, "V0");
}

}  // namespace
}  // namespace stackc::emit::kubernetes
