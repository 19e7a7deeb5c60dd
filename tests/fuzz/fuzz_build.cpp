#include <string>

#include "base/diagnostics.hpp"
#include "check/check.hpp"
#include "driver/confined.hpp"
#include "emit/backup/backup.hpp"
#include "emit/compose/compose.hpp"
#include "emit/github/github.hpp"
#include "emit/gitops/gitops.hpp"
#include "emit/helm/helm.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/kustomize/kustomize.hpp"
#include "emit/monitoring/monitoring.hpp"
#include "emit/terraform/terraform.hpp"
#include "fuzz_build.hpp"
#include "graph/graph.hpp"
#include "stdlib/stdlib.hpp"
#include "stdlib_loader.hpp"
#include "syntax/parse.hpp"

namespace stackc::fuzz {
namespace {

// Every target of a checked model, in memory, as `stackc build` makes them (without its threads
// and its writer).
std::vector<std::pair<std::string, std::string>> build(const model::Model& m) {
  base::Collector sink;
  emit::DocArena documents;
  emit::Output out;
  auto lowered = emit::kubernetes::lower_all(m, "fuzz.stack", sink);
  if (sink.error_count()) return {};
  emit::kubernetes::print(lowered, {});
  emit::kubernetes::generate(lowered, {}, "fuzz.stack", out);
  emit::kustomize::generate(lowered, {}, "fuzz.stack", out);
  emit::helm::generate(m, lowered, {}, "fuzz.stack", out);
  emit::backup::generate(m, lowered, {}, "fuzz.stack", out);
  emit::github::generate(m, "fuzz.stack", out);
  emit::gitops::argocd(m, {}, "fuzz.stack", out);
  emit::gitops::flux(m, {}, "fuzz.stack", out);
  emit::monitoring::ConfigMapsOf made;
  for (const auto& l : lowered) made.emplace(l.env, &l.configs);
  emit::monitoring::generate(m, {}, "fuzz.stack", made, out);
  emit::compose::generate(m, lowered, {}, "fuzz.stack", sink, out);
  emit::terraform::generate(m, "fuzz.stack", sink, out);
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& f : out.files) {
    if (!driver::plain_relative(f.path)) __builtin_trap();
    files.emplace_back(f.path, f.content());
  }
  return files;
}

}  // namespace

void run_build_one(const std::uint8_t* data, std::size_t size) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("fuzz.stack", std::string(reinterpret_cast<const char*>(data), size));
  ast::File tree = syntax::parse(sm, id, sink);
  StdlibLoader loader(sm);
  auto result = check::check(sm, std::move(tree), loader, sink);
  if (!result.model || sink.error_count()) return;
  (void)graph::analyze(*result.model, sink);
  if (sink.error_count()) return;
  // Deterministic: the same model gives the same files, byte for byte.
  if (build(*result.model) != build(*result.model)) __builtin_trap();
}

}  // namespace stackc::fuzz
