// The calls the manifests do not show: a workload behind an imported Service that no other
// imported workload refers to (no inferred reference, no `needs` from connection settings or a
// NetworkPolicy of the input) and that nothing outside reaches (no `ingress`, no `expose`) would
// get a NetworkPolicy admitting no caller. Its callers address it in code or in files the import
// does not read (Bookinfo's productpage calls `details:9080` from Python): W0048 says so, at the
// Service, with the fix (`needs` on each caller). specs/import.md §4.
#include <fmt/format.h>

#include <map>
#include <set>
#include <sstream>

#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

// The workloads `decl` (or a block inside it: a version, an init container) refers to: by
// `${NAME.` in any value, or in a `needs` list.
void referred(const Stmt& decl, std::set<std::string>& out) {
  for (const Stmt& s : decl.body) {
    if (s.block) {
      referred(s, out);
      continue;
    }
    for (auto at = s.value.find("${"); at != std::string::npos; at = s.value.find("${", at + 2)) {
      auto dot = s.value.find_first_of(".}", at + 2);
      if (dot != std::string::npos && s.value[dot] == '.')
        out.insert(s.value.substr(at + 2, dot - at - 2));
    }
    if (s.head != "needs") continue;
    std::string v = s.value;
    for (char& ch : v)
      if (ch == '[' || ch == ']' || ch == ',') ch = ' ';
    std::istringstream in(v);
    std::string w;
    while (in >> w) out.insert(w);
  }
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
  // Who calls whom, once: a workload never counts as its own caller.
  std::map<std::string, std::set<std::string>> callers;  // callee -> callers
  for (const Workload& x : out.workloads) {
    std::set<std::string> names;
    referred(x.decl, names);
    for (const auto& n : names)
      if (n != x.name) callers[n].insert(x.name);
  }
  std::map<std::string, Workload*> by_name;
  for (Workload& x : out.workloads) by_name.emplace(x.name, &x);
  for (const Served& sv : served) {
    auto it = by_name.find(sv.workload);
    Workload* w = it == by_name.end() ? nullptr : it->second;
    if (!w || w->kind == "job" || w->kind == "cron" || reached_from_outside(w->decl) ||
        only_scraped(w->decl))
      continue;
    if (callers.count(sv.workload)) continue;
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
