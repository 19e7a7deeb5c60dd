#include "emit/kubernetes/kubernetes.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <string>

#include "check/check.hpp"
#include "driver/loader.hpp"
#include "emit/backup/backup.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kustomize/kustomize.hpp"
#include "syntax/parse.hpp"

namespace stackc::emit::kubernetes {
namespace {

// No imports: the stacks of these tests are one file.
class NoImports final : public check::Loader {
 public:
  Result load(std::string_view spec, base::FileId) override {
    Result r;
    r.message = "cannot find `" + std::string(spec) + "`";
    return r;
  }
  bool is_stdlib(base::FileId) const override { return false; }
};

// N services in a chain (each needs the one before), in two environments, with a cron job in the
// middle whose name passes the 52 characters of a CronJob name: the lowering reports an E4001
// from the middle of the list.
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
  ASSERT_TRUE(driver::read_file(file, text, error)) << error;
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add(file.string(), text);
  driver::FsLoader loader(sm, file, id);
  auto result = check::check(sm, syntax::parse(sm, id, sink), loader, sink);
  ASSERT_TRUE(result.model);
  expect_stream_changes_nothing(*result.model, false);
}

}  // namespace
}  // namespace stackc::emit::kubernetes
