// Pass 2: the whole model: the stack (and its `gitops`), clusters, secrets, pipeline and
// dashboards, then per environment its workloads (workloads.cpp), monitoring, alerts, records
// and backups, and what is left out of it (presence.cpp); then the checks of the whole model
// (pod security, W0002, the stack's own images).

#include <algorithm>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "base/memory.hpp"
#include "check/checker.hpp"
#include "check/images.hpp"
#include "check/objects.hpp"
#include "check/ports.hpp"
#include "check/presence.hpp"
#include "check/security.hpp"
#include "check/versions.hpp"

namespace stackc::check {

// `stack { gitops { ... } }` into the model (the checks are in check/gitops.cpp).
void Checker::read_gitops(const MNode& g, const Decl& d, model::Model& m) {
  require_block(g, *top_kind("stack")->field("gitops")->block, "gitops");
  m.gitops.present = true;
  m.gitops.span = d.name_span;
  m.gitops.repository = str(g.value("repository"));
  if (auto* v = g.value("revision")) m.gitops.revision = str(v);
  m.gitops.path = g.value("path") ? str(g.value("path")) : "out/" + m.stack.name;
  while (m.gitops.path.size() > 1 && m.gitops.path.back() == '/') m.gitops.path.pop_back();
  if (auto* v = g.value("deploy")) m.gitops.deploy = std::string(v->raw);
  if (auto* v = g.value("server")) m.gitops.server = str(v);
  if (auto* v = g.value("project")) m.gitops.project = str(v);
  if (auto* v = g.value("interval")) m.gitops.interval = q_or(to_seconds(*v), 300);
}

model::Model Checker::build() {
  model::Model m;
  for (const auto& f : files_) m.files.push_back(sm_.file(f.id).path());
  const model::Environment empty_env;
  prepare_templates("");
  if (const Decl* sd = singleton("stack")) {
    const Decl& d = *sd;
    MNode n = resolve(d, "");
    require(n, *d.kind, d);
    m.stack.name = d.name;
    m.stack.span = d.name_span;
    m.stack.registry = str(n.value("registry"));
    m.stack.version = str(n.value("version"));
    m.stack.owner = str(n.value("owner"));
    if (const MNode* l = n.child("labels"))
      for (const auto& kid : l->kids)
        if (kid.stmt && kid.stmt->has_value())
          m.stack.labels.emplace_back(std::string(kid.stmt->key),
                                      kid.stmt->val().kind == ValueKind::String
                                          ? kid.stmt->val().string_value()
                                          : std::string(kid.stmt->val().raw));
    if (const MNode* g = n.child("gitops")) read_gitops(*g, d, m);
  }
  for (const auto& d : decls_) {
    if (d.kind->name != "cluster") continue;
    MNode n = resolve(d, "");
    require(n, *d.kind, d);
    model::Cluster c;
    c.name = d.name;
    c.span = d.name_span;
    c.provider = n.value("provider") ? std::string(n.value("provider")->raw) : "generic";
    if (const Value* v = n.value("nodes")) {
      if (v->kind == ValueKind::Range) {
        c.nodes_min = q_or(to_int(v->items[0]), 1);
        c.nodes_max = q_or(to_int(v->items[1]), 1);
      } else {
        c.nodes_min = c.nodes_max = q_or(to_int(*v), 1);
      }
    }
    if (const MNode* nd = n.child("node")) {
      require(*nd, *top_kind("cluster")->field("node")->block, d);
      if (auto* v = nd->value("cpu")) c.node_cpu = q_or(to_millicores(*v), 0);
      if (auto* v = nd->value("memory")) c.node_memory = q_or(to_bytes(*v), 0);
      if (auto* v = nd->value("disk")) c.node_disk = q_or(to_bytes(*v), 0);
    }
    if (const MNode* r = n.child("reserve")) {
      if (auto* v = r->value("cpu")) c.reserve_cpu = q_or(to_millicores(*v), 0);
      if (auto* v = r->value("memory")) c.reserve_memory = q_or(to_bytes(*v), 0);
    }
    c.storage_class = str(n.value("storage_class"));
    if (auto* v = n.value("zones")) c.zones = q_or(to_int(*v), 1);
    c.ingress = ingress_controllers(n, sink());
    m.clusters.push_back(std::move(c));
  }
  if (const Decl* sd = singleton("secrets")) {
    const Decl& d = *sd;
    MNode n = resolve(d, "");
    require(n, *d.kind, d);
    m.secrets.span = d.name_span;
    if (const Value* b = n.value("backend")) {
      m.secrets.backend = b->path.empty() ? "kubernetes" : std::string(b->path[0]);
      for (const auto& s : b->body()) {
        if (!s.has_value()) continue;
        if (s.key == "address") m.secrets.address = s.val().string_value();
        if (s.key == "path") m.secrets.path = s.val().string_value();
        if (s.key == "role") m.secrets.role = s.val().string_value();
        if (s.key == "version") m.secrets.version = std::string(s.val().raw);
      }
    }
    if (m.secrets.role.empty()) m.secrets.role = m.stack.name;
    if (auto* v = n.value("refresh")) m.secrets.refresh = q_or(to_seconds(*v), 3600);
  }
  if (const Decl* sd = singleton("pipeline")) {
    const Decl& d = *sd;
    MNode n = resolve(d, "");
    m.pipeline.present = true;
    m.pipeline.span = d.name_span;
    m.pipeline.test = str(n.value("test"));
    m.pipeline.build = str(n.value("build"));
    if (auto digest = str(n.value("stackc_digest")); digest != "unpinned")
      m.pipeline.stackc_digest = digest;
    m.pipeline.scan = strings(n.value("scan"));
    if (const MNode* b = n.child("base_images")) {
      m.pipeline.base_image_update =
          b->value("update") ? std::string(b->value("update")->raw) : "weekly";
    }
  }
  for (const auto& d : decls_) {
    if (d.kind->name != "dashboard") continue;
    MNode n = resolve(d, "");
    m.dashboards.push_back(
        {d.name, str(n.value("title")), strings(n.value("metrics")), d.name_span});
  }
  std::map<std::string, bool> ever_autoscaled;
  Presence presence(sink_);
  for (const auto& d : decls_) {
    if (d.kind->name != "environment") continue;
    MNode n = resolve(d, "");
    require(n, *d.kind, d);
    prepare_templates(d.name);
    model::Environment e;
    e.name = d.name;
    e.span = d.name_span;
    if (auto* v = n.value("cluster")) e.cluster = std::string(v->raw);
    e.ns =
        n.value("namespace") ? interp_or(n.value("namespace"), m, e) : m.stack.name + "-" + d.name;
    if (!is_dns_label(e.ns))
      report(Code::E2006, n.value("namespace") ? n.value("namespace")->span : d.name_span,
             fmt::format("`{}` is not a valid namespace: namespaces are DNS-1123 labels", e.ns),
             fmt::format("use lower-case letters, digits and `-`, at most 63 characters: `{}`",
                         dns_fix(e.ns)));
    e.branch = interp_or(n.value("branch"), m, e);
    e.manual_approval = n.value("approval") && n.value("approval")->raw == "manual";
    e.domain = interp_or(n.value("domain"), m, e);
    if (auto* v = n.value("pod_security"); v && pod_security_of(v->raw)) {
      e.pod_security = std::string(v->raw);
      e.pod_security_span = v->span;
    }
    // The workloads: one per declaration, or one per version of a versioned one.
    struct Unit {
      const Decl* decl;
      const Stmt* version;
    };
    std::vector<Unit> workload_decls;
    for (const auto& w : decls_) {
      if (!w.kind->workload) continue;
      auto versions = w.kind->field("version") ? versions_of(*w.stmt) : std::vector<const Stmt*>{};
      if (versions.empty()) workload_decls.push_back({&w, nullptr});
      for (const Stmt* v : versions) workload_decls.push_back({&w, v});
    }
    // With room for the workloads the checker adds later (the monitoring stack's five and one
    // per backup, see system.cpp): growing the vector then would copy every workload.
    // Its pages (2.8 KB a workload) made present on two threads first: constructing the workloads
    // one after the other would take every page fault on this one.
    e.workloads.reserve(workload_decls.size() + 5 +
                        std::count_if(decls_.begin(), decls_.end(),
                                      [](const Decl& d) { return d.kind->name == "backup"; }));
    base::populate_in_halves(e.workloads.data(), e.workloads.capacity() * sizeof(model::Workload));
    e.workloads.resize(workload_decls.size());
    in_halves(workload_decls.size(), [&](std::size_t i) {
      const Unit& u = workload_decls[i];
      workload(*u.decl, m, e, u.version, e.workloads[i]);
    });
    if (const Decl* md = singleton("monitoring")) e.monitoring = monitoring(*md, e.name);
    // Alerts, records and backups, in declaration order (resolved in two halves when many), each
    // made in its place: rule i is entry at[i] of its kind's list.
    std::vector<const Decl*> rules;
    std::vector<std::size_t> at;
    std::size_t alerts = 0, records = 0, backups = 0;
    for (const auto& a : decls_) {
      if (a.kind->name == "alert")
        at.push_back(alerts++);
      else if (a.kind->name == "record")
        at.push_back(records++);
      else if (a.kind->name == "backup")
        at.push_back(backups++);
      else
        continue;
      rules.push_back(&a);
    }
    e.alerts.resize(alerts);
    e.records.resize(records);
    e.backups.resize(backups);
    in_halves(rules.size(), [&](std::size_t i) {
      const Decl& a = *rules[i];
      if (a.kind->name == "alert") {
        MNode an = resolve(a, e.name);
        require(an, *a.kind, a);
        model::Alert& al = e.alerts[at[i]];
        al.name = a.name;
        al.span = a.name_span;
        if (auto* v = an.value("expr")) {
          al.expr = interpolate(*v, m, e);
          al.expr_span = v->span;
        }
        if (auto* v = an.value("for")) al.for_seconds = q_or(to_seconds(*v), 0);
        if (auto* v = an.value("severity")) al.severity = std::string(v->raw);
        al.summary = interp_or(an.value("summary"), m, e);
        al.description = interp_or(an.value("description"), m, e);
        al.runbook = interp_or(an.value("runbook"), m, e);
        al.notify = deps(an.value("notify"));
      } else if (a.kind->name == "record") {
        MNode rn = resolve(a, e.name);
        require(rn, *a.kind, a);
        model::Record& r = e.records[at[i]];
        r.name = a.name;
        r.span = a.name_span;
        if (auto* v = rn.value("expr")) {
          r.expr = interpolate(*v, m, e);
          r.expr_span = v->span;
        }
      } else {
        MNode bn = resolve(a, e.name);
        require(bn, *a.kind, a);
        model::Backup& b = e.backups[at[i]];
        b.name = a.name;
        b.span = a.name_span;
        b.of = deps(bn.value("of"));
        b.of_resources = bn.value("of") && bn.value("of")->kind == ValueKind::List;
        b.schedule = str(bn.value("schedule"));
        if (auto* v = bn.value("retain")) b.retain = q_or(to_seconds(*v), 0);
        if (auto* v = bn.value("storage")) b.storage = q_or(to_bytes(*v), b.storage);
        if (auto* v = bn.value("restore_within")) b.restore_within = q_or(to_seconds(*v), 0);
      }
    });
    // `enabled = false`: the workload is left out of this environment (E3007 when a present
    // workload depends on it), with its backups.
    presence.apply(e);
    // The first version present makes a versioned workload's shared objects.
    model::mark_version_heads(e);
    settle_objects(e, sink_);
    for (const auto& w : e.workloads)
      if (w.autoscaled()) ever_autoscaled[w.group.empty() ? w.name : w.group] = true;
    m.environments.push_back(std::move(e));
  }
  presence.finish(m.environments.size());
  check_pod_security(m, sink_);
  // W0002: autoscale (from the workload, a template or a `when`) on a workload whose replica
  // count is fixed in every environment.
  // Each environment's workloads by name, made once (a search per declaration would be
  // quadratic in large stacks).
  std::vector<std::unordered_map<std::string_view, const model::Workload*>> by_name(
      m.environments.size());
  for (std::size_t i = 0; i < m.environments.size(); ++i)
    for (const auto& w : m.environments[i].workloads) {
      // A versioned workload by its own name: the first version with an `autoscale`, else the
      // first version.
      auto [at, fresh] = by_name[i].emplace(w.group.empty() ? w.name : w.group, &w);
      if (!fresh && !at->second->autoscale && w.autoscale) at->second = &w;
    }
  for (const auto& d : decls_) {
    if (!d.kind->workload || ever_autoscaled[d.name]) continue;
    for (std::size_t i = 0; i < m.environments.size(); ++i) {
      auto found = by_name[i].find(d.name);
      const model::Workload* it = found == by_name[i].end() ? nullptr : found->second;
      if (!it || !it->autoscale) continue;
      Span at = it->autoscale->span;
      at.end = std::min<std::uint32_t>(at.end, at.begin + 9);  // the `autoscale` key
      report(Code::W0002, at,
             fmt::format("`autoscale` has no effect: `{}` has a fixed replica count in every "
                         "environment",
                         d.name),
             "give `replicas` a range such as `2..6` to autoscale, or remove `autoscale`",
             {{d.name_span, "the workload"}});
      break;
    }
  }
  // `stack.registry` and `stack.version` are needed only to build the stack's own images.
  if (auto own = first_own_image(m)) {
    for (const char* field : {"registry", "version"}) {
      if (!(field[0] == 'r' ? m.stack.registry : m.stack.version).empty()) continue;
      report(
          Code::E2007, own->span,
          fmt::format("`{}` is the stack's own image, but `stack` has no `{}`", own->image, field),
          field[0] == 'r'
              ? fmt::format("add `registry = \"ghcr.io/ORG\"` to `stack {}` (where the image "
                            "is pushed), or write an external reference such as "
                            "`ghcr.io/ORG/{}:1.2.3`",
                            m.stack.name, own->image)
              : fmt::format("add `version = \"1.0.0\"` to `stack {}` (the tag of the stack's "
                            "own images), or write an external reference such as "
                            "`ghcr.io/ORG/{}:1.2.3`",
                            m.stack.name, own->image),
          {{m.stack.span, "the stack is declared here"}});
    }
  }
  return m;
}

}  // namespace stackc::check
