// Pass 2: one workload of the model, resolved for one environment (or one version of it): its
// container, volumes, scaling, ingress, probes, metrics, security, egress and exporter, its pod
// beyond the main container (init and sidecar containers, hooks, pod labels, ServiceAccount,
// mount paths), and the checks that need it merged (ports named, W0006, E2041, E2042, E2044).

#include <algorithm>
#include <functional>
#include <map>

#include <fmt/format.h>

#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "check/env_refs.hpp"
#include "check/hardening.hpp"
#include "check/ports.hpp"
#include "check/probes.hpp"
#include "check/security.hpp"

namespace stackc::check {

// W0006: an exception to the secure defaults that the workload gets from a template declared
// in another file (not the stdlib's, whose exceptions are documented), reported at the `from`.
void Checker::warn_imported_exceptions(const Decl& d, const MNode& security) {
  for (const auto& kid : security.kids) {
    if (!kid.stmt || kid.stmt->span.file == d.stmt->span.file) continue;
    std::string what = security_exception(*kid.stmt);
    if (what.empty()) continue;
    const Decl* t = nullptr;
    for (const auto& td : decls_) {
      if (td.kind->name != "template") continue;
      const Span& at = td.stmt->span;
      if (at.file == kid.stmt->span.file && at.begin <= kid.stmt->span.begin &&
          kid.stmt->span.end <= at.end)
        t = &td;
    }
    if (!t || t->stdlib) continue;
    std::function<bool(std::string_view, int)> reaches = [&](std::string_view name, int depth) {
      const Decl* nt = declared(SymbolKind::Template, name);
      if (name == t->name) return true;
      if (!nt || depth > 32) return false;
      for (const auto& f : nt->stmt->from)
        if (reaches(f.text, depth + 1)) return true;
      return false;
    };
    for (const auto& f : d.stmt->from) {
      if (!reaches(f.text, 0)) continue;
      report(Code::W0006, f.span,
             fmt::format("`{}` gets an exception to the secure defaults from template `{}` of "
                         "another file: {}",
                         d.name, t->name, what),
             fmt::format("an exception to the secure defaults belongs where the workload is "
                         "declared: if `{}` needs it, write `{}` in its own `security {{ ... }}`; "
                         "otherwise remove it from the template",
                         d.name, kid.stmt->key),
             {{kid.stmt->span, "the exception, in the template"}});
      break;
    }
  }
}

// One workload of a declaration, or of one of its versions (`version`; versions.hpp).
void Checker::workload(const Decl& d, const model::Model& m, const model::Environment& e,
                       const Stmt* version, model::Workload& w) {
  MNode n = resolve(d, e.name, version);
  require(n, *d.kind, d, version);
  for (const auto& kid : n.kids) {
    if (!kid.stmt || !kid.stmt->has_block) continue;
    const Field* f = d.kind->field(kid.stmt->key);
    if (f && f->block && f->type == Type::Block)
      require_block(kid, *f->block,
                    kid.stmt->labels.empty()
                        ? std::string(kid.stmt->key)
                        : fmt::format("{} {}", kid.stmt->key, kid.stmt->labels[0].text));
  }
  const auto& k = d.kind->name;
  w.kind = k == "service"    ? model::Workload::Kind::Service
           : k == "worker"   ? model::Workload::Kind::Worker
           : k == "stateful" ? model::Workload::Kind::Stateful
           : k == "job"      ? model::Workload::Kind::Job
                             : model::Workload::Kind::Cron;
  w.name = d.name;
  w.span = d.name_span;
  w.decl_span = d.stmt->span;
  if (version) {
    w.group = d.name;
    w.version = version->labels[0].text;
    w.name = d.name + "-" + w.version;
    w.version_span = version->labels[0].span;
  }
  for (const auto& f : d.stmt->from) w.templates.emplace_back(f.text);
  w.image = interp_or(n.value("image"), m, e);
  if (auto* v = n.value("image")) w.image_span = v->span;
  w.refs = workload_refs(n, d.name, e);
  if (const MNode* en = n.child("enabled"); en && en->stmt && en->stmt->has_value()) {
    w.enabled = en->stmt->val().boolean;
    w.enabled_span = en->stmt->span;
  }
  if (const Value* r = n.value("replicas")) {
    w.replicas_span = r->span;
    if (r->kind == ValueKind::Range) {
      w.replicas_min = q_or(to_int(r->items[0]), 1);
      w.replicas_max = q_or(to_int(r->items[1]), 1);
    } else {
      w.replicas_min = w.replicas_max = q_or(to_int(*r), 1);
    }
  }
  for (const auto& kid : n.kids) {
    const Stmt* s = kid.stmt;
    if (!s) continue;
    if (auto p = port_of(kid)) w.ports.push_back(std::move(*p));
    if (s->key == "volume" && s->labels.size() == 1) {
      model::Volume vol;
      vol.name = s->labels[0].text;
      vol.size = kid.value("size") ? q_or(to_bytes(*kid.value("size")), 0) : 0;
      vol.mount = interp_or(kid.value("mount"), m, e);
      vol.persistent = kid.value("persistent") && kid.value("persistent")->boolean;
      vol.memory = kid.value("medium") && kid.value("medium")->raw == "memory";
      vol.span = s->span;
      if (vol.persistent && !kid.value("size"))
        report(Code::E2007, s->key_span,
               fmt::format("the persistent volume `{}` has no `size`", vol.name),
               "add `size = 1Gi`: a claim asks for a size");
      if (vol.persistent && vol.memory)
        report(Code::E2003, kid.value("medium")->span,
               fmt::format("`{}` is persistent: it lives in a claim, not in memory", vol.name),
               "remove `medium = memory`, or `persistent = true` for an emptyDir in memory");
      w.volumes.push_back(std::move(vol));
    }
  }
  w.cpu = resource(n.value("cpu"), true);
  w.memory = resource(n.value("memory"), false);
  if (const MNode* a = n.child("autoscale")) {
    model::Autoscale as;
    as.span = a->stmt->span;
    if (auto* v = a->value("cpu")) as.cpu_percent = q_or(to_percent(*v), 0);
    if (auto* v = a->value("memory")) as.memory_percent = q_or(to_percent(*v), 0);
    w.autoscale = as;
  }
  if (const MNode* i = n.child("ingress")) {
    model::Ingress in;
    in.span = i->stmt->span;
    in.host = interp_or(i->value("host"), m, e);
    if (auto* v = i->value("path")) in.path = interp_or(v, m, e);
    if (auto* v = i->value("port")) in.port = str(v);
    if (auto* v = i->value("tls")) in.tls = v->boolean;
    if (auto* v = i->value("tls_secret")) in.tls_secret = str(v);
    if (auto* v = i->value("class")) in.ingress_class = str(v);
    w.ingress = in;
  }
  if (const MNode* h = n.child("health")) {
    w.liveness = probe(h->value("liveness"));
    w.readiness = probe(h->value("readiness"));
    w.startup = probe(h->value("startup"));
  }
  w.env = env_vars(n.child("env"), m, e);
  check_env_references(w.env, sink());
  w.needs = deps(n.value("needs"));
  if (const MNode* mt = n.child("metrics")) {
    for (const auto& kid : mt->kids) {
      const Stmt* s = kid.stmt;
      if (!s || s->labels.size() != 1) continue;
      model::Metric me;
      me.name = s->labels[0].text;
      me.span = s->span;
      me.kind = s->key == "counter"     ? model::Metric::Kind::Counter
                : s->key == "gauge"     ? model::Metric::Kind::Gauge
                : s->key == "histogram" ? model::Metric::Kind::Histogram
                                        : model::Metric::Kind::Summary;
      w.metrics.push_back(std::move(me));
    }
    if (auto* v = mt->value("path")) w.metrics_path = str(v);
    if (auto* v = mt->value("port")) w.metrics_port = str(v);
  }
  if (auto* v = n.value("spread")) {
    w.spread = std::string(v->raw);
    w.spread_span = v->span;
  } else if (w.kind == model::Workload::Kind::Stateful && w.replicas_max > 1)
    w.spread = "nodes";  // replicas of a database on one node are no replicas
  if (const MNode* dn = n.child("disruption")) {
    if (auto* v = dn->value("min_available")) w.min_available = q_or(to_int(*v), 0);
    if (auto* v = dn->value("max_unavailable")) w.max_unavailable = q_or(to_int(*v), 0);
  }
  if (const MNode* sc = n.child("security")) {
    read_security(*sc, w.security, sink());
    if (auto* v = sc->value("fs_group")) w.security.fs_group = q_or(to_int(*v), 0);
    if (auto* v = sc->value("writable_root")) w.security.writable_root = v->boolean;
    if (auto* v = sc->value("service_account_token")) w.security.service_account_token = v->boolean;
    w.security.writable_paths = strings(sc->value("writable_paths"));
    warn_imported_exceptions(d, *sc);
  }
  if (const MNode* b = n.child("build")) {
    model::Build bd;
    bd.span = b->stmt->span;
    for (const char* key : {"context", "dockerfile", "target"})
      if (auto* v = b->value(key); v && v->kind == ValueKind::String && v->has_interpolation())
        report(Code::E2060, v->span,
               fmt::format("`build.{}` has an interpolation: the workflow and the checks need the "
                           "path as written",
                           key),
               "write the path out: `context = \"services/api\"`");
    if (auto* v = b->value("context")) {
      bd.context = str(v);
      bd.context_span = v->span;
    }
    if (auto* v = b->value("dockerfile")) {
      bd.dockerfile = str(v);
      bd.dockerfile_span = v->span;
    }
    if (auto* v = b->value("target")) {
      bd.target = str(v);
      bd.target_span = v->span;
    }
    w.build = std::move(bd);
  }
  if (auto* v = n.value("egress")) egress(*v, w);
  w.command = strings(n.value("command"), m, e);
  w.args = strings(n.value("args"), m, e);
  if (const MNode* x = n.child("exporter")) {
    model::Exporter ex;
    ex.span = x->stmt->span;
    ex.image = interp_or(x->value("image"), m, e);
    if (auto* v = x->value("image")) ex.image_span = v->span;
    if (auto* v = x->value("port")) ex.port = q_or(to_int(*v), 0);
    if (auto* v = x->value("path")) ex.path = str(v);
    if (auto* v = x->value("prefix")) ex.prefix = str(v);
    ex.env = env_vars(x->child("env"), m, e);
    check_env_references(ex.env, sink());
    ex.cpu = resource(x->value("cpu"), true, {50, 100, {}});
    ex.memory = resource(x->value("memory"), false, {32LL << 20, 64LL << 20, {}});
    w.exporter = std::move(ex);
  }
  if (auto* v = n.value("storage")) w.storage = q_or(to_bytes(*v), 0);
  if (auto* v = n.value("data_path")) w.data_path = str(v);
  pod_details(n, d, m, e, w);
  if (auto* v = n.value("backup_method")) w.backup_method = std::string(v->raw);
  if (auto* v = n.value("schedule")) w.schedule = str(v);
  if (auto* v = n.value("retries")) w.retries = q_or(to_int(*v), 3);
  if (auto* v = n.value("timeout")) w.timeout = q_or(to_seconds(*v), 0);
  // Ports named by `ingress.port`, `metrics.port` and probes must be declared.
  auto port_ref = [&](const std::string& name, const Value* v, Span at, const char* what) {
    if (name.empty()) return;
    std::vector<std::string> names;
    for (const auto& p : w.ports) {
      if (p.name == name) return;
      names.push_back(p.name);
    }
    if (w.exporter && name == "metrics") return;  // the exporter's port
    std::string hint = base::did_you_mean(name, names);
    report(Code::E2005, v ? v->span : at,
           fmt::format("{} names the port `{}`, but `{}` declares no port of that name", what, name,
                       d.name),
           !hint.empty() ? hint
           : names.empty()
               ? fmt::format("declare it: `port {} = 8080`", name)
               : fmt::format("the ports of `{}` are: {}", d.name, fmt::join(names, ", ")));
  };
  if (w.ingress)
    port_ref(w.ingress->port, n.child("ingress")->value("port"), w.ingress->span, "`ingress`");
  if (const MNode* mt = n.child("metrics"))
    port_ref(w.metrics_port, mt->value("port"), mt->stmt->span, "`metrics`");
  for (const auto* probe : {&w.liveness, &w.readiness, &w.startup})
    if (*probe) port_ref((*probe)->port_name, nullptr, (*probe)->span, "the probe");
  read_exposure(n, m.cluster(e.cluster), w, sink());
  // Kind-specific shape checks.
  if (!w.metrics.empty() && w.ports.empty())
    report(Code::E2007, n.child("metrics") ? n.child("metrics")->stmt->span : d.name_span,
           fmt::format("`{}` declares metrics but no port to scrape them from", d.name),
           "add `port metrics = 9090` (and `metrics { port = \"metrics\" }` if it serves "
           "other ports too)");
  if (w.kind == model::Workload::Kind::Service && w.ports.empty())
    report(Code::E2007, d.name_span, fmt::format("service `{}` has no `port`", d.name),
           "add `port http = 8080`, or declare it as a `worker` if it serves nothing");
}

// The pod beyond the main container: working directory, init and sidecar containers, grace
// period and pre-stop hook, pod labels and annotations, a shared ServiceAccount, mount paths.
void Checker::pod_details(const MNode& n, const Decl& d, const model::Model& m,
                          const model::Environment& e, model::Workload& w) {
  if (auto* v = n.value("working_dir")) w.working_dir = interp_or(v, m, e);
  std::map<std::string, Span> names{{w.name, d.name_span}};
  if (n.child("exporter")) names.emplace("exporter", n.child("exporter")->stmt->key_span);
  for (const auto& kid : n.kids) {
    const Stmt* s = kid.stmt;
    if (!s || (s->key != "init" && s->key != "sidecar") || s->labels.size() != 1) continue;
    model::Container c;
    c.name = s->labels[0].text;
    c.sidecar = s->key == "sidecar";
    c.span = s->labels[0].span;
    if (!is_dns_label(c.name))
      report(Code::E2006, c.span, fmt::format("`{}` is not a valid container name", c.name),
             fmt::format("use a DNS-1123 label: `{}`", dns_fix(c.name)));
    if (auto [it, fresh] = names.emplace(c.name, c.span); !fresh)
      report(Code::E2002, c.span, fmt::format("`{}` has two containers named `{}`", w.name, c.name),
             "give each init and sidecar container its own name (the main container is named "
             "after the workload, the exporter `exporter`)",
             {{it->second, "the other is here"}});
    c.image = interp_or(kid.value("image"), m, e);
    if (auto* v = kid.value("image")) c.image_span = v->span;
    c.command = strings(kid.value("command"), m, e);
    c.args = strings(kid.value("args"), m, e);
    if (auto* v = kid.value("working_dir")) c.working_dir = interp_or(v, m, e);
    c.env = env_vars(kid.child("env"), m, e);
    check_env_references(c.env, sink());
    c.cpu = resource(kid.value("cpu"), true, c.sidecar ? model::Resource{50, 100, {}} : w.cpu);
    c.memory = resource(kid.value("memory"), false,
                        c.sidecar ? model::Resource{32LL << 20, 64LL << 20, {}} : w.memory);
    w.init.push_back(std::move(c));
  }
  for (const std::string* dir : {&w.working_dir}) {
    if (!dir->empty() && dir->front() != '/')
      report(Code::E2003, n.value("working_dir")->span,
             fmt::format("`working_dir` is `{}`, not an absolute path", *dir),
             fmt::format("write `working_dir = \"/{}\"`", *dir));
  }
  if (auto* v = n.value("grace")) w.grace = q_or(to_seconds(*v), 30);
  if (auto* v = n.value("pre_stop"); v && v->kind == ValueKind::Call) {
    w.pre_stop = hook_of(*v);
    const std::int64_t grace = w.grace.value_or(30);
    if (w.pre_stop->kind == model::Hook::Kind::Sleep && w.pre_stop->seconds > grace)
      report(Code::E2041, v->span,
             fmt::format("`pre_stop` sleeps {}s, but the pods get {}s to stop{}",
                         w.pre_stop->seconds, grace, w.grace ? "" : " (the default `grace`)"),
             fmt::format("Kubernetes rejects a longer sleep: set `grace = {}s` or more, or "
                         "sleep less",
                         w.pre_stop->seconds));
  }
  for (const auto& kid : n.kids) {
    const Stmt* s = kid.stmt;
    if (!s || (s->key != "labels" && s->key != "annotations" && s->key != "node_selector") ||
        !s->has_block)
      continue;
    auto& out = s->key == "labels"          ? w.pod_labels
                : s->key == "node_selector" ? w.node_selector
                                            : w.pod_annotations;
    std::string prefix = s->labels.empty() ? "" : std::string(s->labels[0].text) + "/";
    for (const auto& entry : kid.kids) {
      if (!entry.stmt || !entry.stmt->has_value()) continue;
      const Value& v = entry.stmt->val();
      out.emplace_back(prefix + std::string(entry.stmt->key),
                       v.kind == ValueKind::String ? interpolate(v, m, e) : std::string(v.raw));
    }
  }
  object_meta(n, m, e, w);
  if (auto* v = n.value("service_account")) {
    w.service_account = str(v);
    if (!is_dns_subdomain(w.service_account))
      report(Code::E2006, v->span,
             fmt::format("`{}` is not a valid ServiceAccount name", w.service_account),
             fmt::format("use a DNS-1123 name: `{}`", dns_fix(w.service_account)));
    else if (w.service_account != w.name && w.service_account != w.group &&
             declared(SymbolKind::Workload, w.service_account))
      report(Code::E2042, v->span,
             fmt::format("`{}` is the ServiceAccount of the workload `{}`", w.service_account,
                         w.service_account),
             "every workload without `service_account` has its own, named after it; choose "
             "another name for the shared one",
             {{declared(SymbolKind::Workload, w.service_account)->name_span,
               "that workload is declared here"}});
  }
  // The versions of a workload share one ServiceAccount, named after it, unless they say.
  if (!w.group.empty() && w.service_account.empty()) w.service_account = w.group;
  // Two mounts at one path: the API server rejects the pod.
  for (const auto& vol : w.volumes) {
    // The names of stackc's own volumes: `tmp` (unless this volume is the one at /tmp),
    // `data` of a stateful, `writable-N`.
    const bool own = (vol.name == "tmp" && vol.mount != "/tmp") ||
                     (vol.name == "data" && w.kind == model::Workload::Kind::Stateful) ||
                     vol.name.rfind("writable-", 0) == 0;
    if (own)
      report(Code::E2002, vol.span,
             fmt::format("`{}` is the name of a volume stackc adds to the pod", vol.name),
             vol.name == "tmp" ? "name it otherwise, or mount it at `/tmp` to replace stackc's"
                               : "name it otherwise");
  }
  std::map<std::string, const model::Volume*> paths;
  if (w.kind == model::Workload::Kind::Stateful) paths.emplace(w.data_path, nullptr);
  for (const auto& vol : w.volumes) {
    if (vol.mount.empty()) continue;
    Span at = vol.span;  // the `mount` value
    for (const auto& kid : n.kids)
      if (kid.stmt && kid.stmt->key == "volume" && kid.stmt->labels.size() == 1 &&
          kid.stmt->labels[0].text == vol.name && kid.value("mount"))
        at = kid.value("mount")->span;
    if (auto [it, fresh] = paths.emplace(vol.mount, &vol); !fresh)
      report(Code::E2044, at,
             fmt::format("`{}` is mounted at `{}`, where `{}` already mounts {}", vol.name,
                         vol.mount, w.name,
                         it->second ? fmt::format("`{}`", it->second->name)
                                    : std::string("its data volume (`data_path`)")),
             "mount it somewhere else",
             it->second ? std::vector<base::Note>{{it->second->span, "the other volume is here"}}
                        : std::vector<base::Note>{});
  }
}

// `egress = ["CIDR:PORT", ...]`: an IPv4 or IPv6 network and a port.
void Checker::egress(const Value& list, model::Workload& w) {
  for (const auto& i : list.items) {
    if (i.kind != ValueKind::String) continue;  // reported by the type check
    std::string text = str(&i);
    auto colon = text.rfind(':');
    std::string cidr = colon == std::string::npos ? text : text.substr(0, colon);
    std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
    std::int64_t p = 0;
    bool port_ok =
        !port.empty() && port.size() <= 5 &&
        std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (port_ok) p = std::stoll(port);
    if (!port_ok || p < 1 || p > 65535 || !is_cidr(cidr)) {
      report(
          Code::E2025, i.span,
          fmt::format("`{}` is not an egress rule: write a network and a port, `CIDR:PORT`", text),
          "for example `\"10.0.0.0/8:5432\"`, or `\"0.0.0.0/0:443\"` for HTTPS anywhere");
      continue;
    }
    w.egress.push_back({cidr, p, i.span});
  }
}

}  // namespace stackc::check
