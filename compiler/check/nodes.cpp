#include "check/nodes.hpp"

#include <fmt/format.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/suggest.hpp"
#include "check/names.hpp"

namespace stackc::check {
namespace {

using base::Code;

struct Deprecated {
  std::string_view label, instead;
};

constexpr Deprecated kDeprecated[] = {
    {"beta.kubernetes.io/os", "kubernetes.io/os"},
    {"beta.kubernetes.io/arch", "kubernetes.io/arch"},
    {"beta.kubernetes.io/instance-type", "node.kubernetes.io/instance-type"},
    {"failure-domain.beta.kubernetes.io/zone", "topology.kubernetes.io/zone"},
    {"failure-domain.beta.kubernetes.io/region", "topology.kubernetes.io/region"},
};

// The values the kubelet gives these labels: Go's GOOS and GOARCH of the nodes Kubernetes runs on.
std::vector<std::string> values_of(std::string_view label) {
  if (label == "kubernetes.io/os") return {"linux", "windows"};
  if (label == "kubernetes.io/arch")
    return {"amd64", "arm64", "arm", "386", "ppc64le", "s390x", "riscv64", "mips64le", "loong64"};
  return {};
}

// `node_selector "kubernetes.io" { os = "linux" }` for the label `kubernetes.io/os`.
std::string written(std::string_view label, const ast::Value& v) {
  auto slash = label.rfind('/');
  return fmt::format("node_selector \"{}\" {{ {} = {} }}", label.substr(0, slash),
                     label.substr(slash + 1), v.raw);
}

}  // namespace

void check_node_selector(const ast::Stmt& s, base::Sink& sink) {
  const std::string prefix =
      s.labels.size() == 1 && s.labels[0].is_string ? std::string(s.labels[0].text) + "/" : "";
  for (const auto& e : s.body) {
    if (e.key == "when" || !e.has_value()) continue;
    std::string label = prefix + std::string(e.key);
    std::string current = label;
    for (const auto& d : kDeprecated) {
      if (label != d.label) continue;
      current = d.instead;
      sink.report(base::make(
          Code::W0034, e.key_span,
          fmt::format("`{}` is a deprecated node label; `{}` replaced it", label, d.instead),
          fmt::format("write `{}`: the deprecated label is kept on nodes only for old clients, "
                      "and newer nodes may not have it",
                      written(d.instead, e.val()))));
    }
    const auto& v = e.val();
    if (v.kind != ast::ValueKind::String || v.has_interpolation()) continue;
    auto allowed = values_of(current);
    if (allowed.empty()) continue;
    std::string value = v.string_value();
    bool ok = false;
    for (const auto& a : allowed) ok = ok || a == value;
    if (ok) continue;
    std::string help = base::did_you_mean(value, allowed);
    if (help.empty()) help = fmt::format("the nodes' values are {}", listed(allowed));
    sink.report(base::make(
        Code::E2038, v.span,
        fmt::format("no node has `{}: {}`, so no node would run these pods", label, value),
        std::move(help)));
  }
}

}  // namespace stackc::check
