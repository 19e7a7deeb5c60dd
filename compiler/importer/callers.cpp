// The calls the manifests do not show: a workload behind an imported Service that no other
// imported workload refers to (no inferred reference, no `needs` from connection settings or a
// NetworkPolicy of the input) and that nothing outside reaches (no `ingress`, no `expose`) would
// get a NetworkPolicy admitting no caller. Its callers address it in code or in files the import
// does not read (Bookinfo's productpage calls `details:9080` from Python): W0048 says so, at the
// Service, with the fix (`needs` on each caller). specs/import.md §4.
#include <fmt/format.h>

#include <sstream>

#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

// Whether `decl` (or a block inside it: a version, an init container) refers to `dep`: by
// `${dep.` in any value, or in a `needs` list.
bool refers_to(const Stmt& decl, const std::string& dep) {
  for (const Stmt& s : decl.body) {
    if (s.block) {
      if (refers_to(s, dep)) return true;
      continue;
    }
    if (s.value.find("${" + dep + ".") != std::string::npos) return true;
    if (s.head != "needs") continue;
    std::string v = s.value;
    for (char& ch : v)
      if (ch == '[' || ch == ']' || ch == ',') ch = ' ';
    std::istringstream in(v);
    std::string w;
    while (in >> w)
      if (w == dep) return true;
  }
  return false;
}

// Whether traffic from outside the namespace reaches it: an `ingress` block or `expose`
// (`node_port`, `load_balancer`), in the workload or one of its versions.
bool reached_from_outside(const Stmt& decl) {
  for (const Stmt& s : decl.body) {
    if (s.head == "ingress" || s.head == "expose") return true;
    if (s.block && s.head.rfind("version ", 0) == 0 && reached_from_outside(s)) return true;
  }
  return false;
}

// Whether its only port is for Prometheus (`port metrics`): scraping is its call, and stackc's
// NetworkPolicy admits Prometheus to it once `metrics` is declared.
bool only_scraped(const Stmt& decl) {
  bool any = false;
  for (const Stmt& s : decl.body)
    if (s.head.rfind("port ", 0) == 0) {
      if (s.head != "port metrics") return false;
      any = true;
    }
  return any;
}

}  // namespace

void warn_uncalled(Imported& out, const std::vector<Served>& served, base::Sink& sink) {
  for (const Served& sv : served) {
    Workload* w = nullptr;
    for (Workload& x : out.workloads)
      if (x.name == sv.workload) w = &x;
    if (!w || w->kind == "job" || w->kind == "cron" || reached_from_outside(w->decl) ||
        only_scraped(w->decl))
      continue;
    bool called = false;
    for (const Workload& x : out.workloads)
      if (&x != w && refers_to(x.decl, sv.workload)) called = true;
    if (called) continue;
    const manifests::Node* name = sv.service->root.get("metadata");
    name = name ? name->get("name") : nullptr;
    sink.report(base::make(
        base::Code::W0048, name ? name->span : sv.service->root.span,
        fmt::format("no imported workload addresses the Service `{}` (in env, command or args) "
                    "and nothing outside reaches it: the NetworkPolicy stackc makes for `{}` "
                    "admits no caller",
                    sv.service->name, sv.workload),
        fmt::format("when its callers address it in code or files the manifests do not show, add "
                    "`needs = [{}]` to each of them; when it is called from outside the "
                    "namespace, give it an `ingress` or `expose`",
                    label(sv.workload))));
    w->decl.comments.insert(
        w->decl.comments.begin(),
        fmt::format("no imported workload calls it (W0048): add `needs = [{}]` to its callers",
                    label(sv.workload)));
  }
}

}  // namespace stackc::importer
