// Kubernetes objects -> workloads: Deployments, StatefulSets, Jobs and CronJobs joined with the
// Services, HPAs, PDBs and Ingresses that belong to them (by selector and name), versions behind
// one Service, and what the other objects become (Secrets, NetworkPolicies, kept objects).
#include "importer/kubernetes.hpp"

#include "importer/own.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace stackc::importer {
namespace {

using manifests::Document;
using manifests::Node;
using manifests::Type;

void rest(Context& c, const Node* m, std::initializer_list<std::string_view> known,
          const std::string& what, std::vector<std::string>& comments) {
  if (!m || !m->is_map()) return;
  for (std::size_t i = 0; i < m->size(); ++i)
    if (!one_of(m->key(i).text, known)) {
      auto lines = keep(c, m->key(i), m->value(i), what);
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
}

// Every entry of `sel` is among `labels`.
bool selects(const Node* sel, const Node* labels) {
  if (!sel || !sel->is_map() || sel->size() == 0 || !labels || !labels->is_map()) return false;
  for (std::size_t i = 0; i < sel->size(); ++i) {
    const Node* v = labels->get(sel->key(i).text);
    if (!v || v->text != sel->value(i).text) return false;
  }
  return true;
}

// A DNS-1123 label: lower case, digits, `-`, at most 63.
bool dns_label(std::string_view s) {
  if (s.empty() || s.size() > 63 || s.front() == '-' || s.back() == '-') return false;
  for (char ch : s)
    if (!((ch >= 'a' && ch <= 'z') || (ch >= '0' && ch <= '9') || ch == '-')) return false;
  return true;
}

std::string dns_name(std::string_view s) {
  std::string out;
  for (char ch : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    out += (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9') ? l : '-';
  }
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (!out.empty() && !is_ident(out)) out = "w-" + out.substr(0, 61);
  while (!out.empty() && out.back() == '-') out.pop_back();
  return out.empty() ? "imported" : out;
}

// A name the language reads as an identifier and Kubernetes as a DNS label (`web-1`, not `1web`).
bool name_ok(std::string_view s) {
  return dns_label(s) && is_ident(s);
}

bool port_name_ok(std::string_view s) {
  if (!name_ok(s) || s.size() > 15) return false;
  return std::any_of(s.begin(), s.end(), [](char ch) { return ch >= 'a' && ch <= 'z'; });
}

// The kind word stackc wrote on its own object (`app.kubernetes.io/component` beside
// `managed-by: stackc`), or "".
std::string stackc_component(const Document& d) {
  const Node* l = path(&d.root, {"metadata", "labels"});
  if (!l || l->str("app.kubernetes.io/managed-by") != "stackc") return "";
  return std::string(l->str("app.kubernetes.io/component"));
}

// One workload object of the input.
struct Unit {
  const Document* doc = nullptr;
  std::string name;                // the .stack name
  const Node* spec = nullptr;      // the object's spec
  const Node* job_spec = nullptr;  // a Job's spec, or a CronJob's jobTemplate.spec
  const Node* tmpl = nullptr;      // the pod template
  const Node* pod_labels = nullptr;
  std::vector<const Document*> services;  // that select it, the first is its Service
  std::string group;                      // the versioned workload it belongs to (a Service's name)
  std::string version;                    // its version there
  std::vector<PortSpec> ports;
  Stmt decl;
  std::vector<std::string> comments;
  PodResult pod;
  std::int64_t pods = 1;
  std::string kind;
};

std::vector<PortSpec> ports_of(Context& c, Unit& u, const Node* main_ctr,
                               std::vector<std::string>& comments) {
  std::vector<PortSpec> out;
  struct Cp {
    std::string name;
    std::int64_t number = 0;
    std::string protocol;
    bool used = false;
    base::Span span;
  };
  std::vector<Cp> cps;
  if (const Node* ps = main_ctr ? main_ctr->get("ports") : nullptr; ps && ps->is_seq())
    for (const Node& p : ps->items) {
      Cp cp;
      cp.name = std::string(p.str("name"));
      as_int(p.get("containerPort"), cp.number);
      cp.protocol = std::string(p.str("protocol"));
      cp.span = p.get("containerPort") ? p.get("containerPort")->span : p.span;
      cps.push_back(cp);
      rest(c, &p, {"name", "containerPort", "protocol"}, "a container port", comments);
    }
  std::set<std::string> names;
  auto add = [&](PortSpec ps) {
    std::string base = ps.name;
    if (!port_name_ok(base)) {
      // An unnamed port: `http` or `https` for the usual web ports, else by its number.
      bool web = false, tls = false;
      for (std::int64_t n : {ps.service, ps.container}) {
        web = web || n == 80 || n == 8080 || n == 8000 || n == 3000 || n == 5000 || n == 8079 ||
              n == 9080 || n == 8888;
        tls = tls || n == 443 || n == 8443;
      }
      static const std::map<std::int64_t, const char*> known{
          {5432, "postgres"},      {3306, "mysql"}, {27017, "mongo"},     {6379, "redis"},
          {5672, "amqp"},          {9092, "kafka"}, {11211, "memcached"}, {2181, "zookeeper"},
          {9200, "elasticsearch"}, {53, "dns"}};
      auto k = known.find(ps.container);
      base = tls                ? "https"
             : web              ? "http"
             : k != known.end() ? k->second
                                : fmt::format("port-{}", ps.container);
    }
    std::string n = base;
    for (int k = 2; names.count(n); ++k) n = fmt::format("{}-{}", base, k);
    names.insert(n);
    ps.name = n;
    out.push_back(std::move(ps));
  };
  auto lower = [](std::string s) {
    for (char& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s.empty() ? std::string("tcp") : s;
  };
  if (!u.services.empty()) {
    const Node* sps = path(&u.services.front()->root, {"spec", "ports"});
    if (sps && sps->is_seq())
      for (const Node& sp : sps->items) {
        PortSpec ps;
        as_int(sp.get("port"), ps.service);
        const Node* target = sp.get("targetPort");
        Cp* cp = nullptr;
        std::int64_t tn = ps.service;
        if (target && target->type == Type::String) {
          for (Cp& x : cps)
            if (x.name == target->text) cp = &x;
          if (!cp) {
            // A port of another container (stackc's exporter serves `metrics`): not the workload's.
            const Node* ctrs = u.tmpl ? path(u.tmpl, {"spec", "containers"}) : nullptr;
            bool exporter = false;
            if (ctrs && ctrs->is_seq())
              for (const Node& k : ctrs->items)
                if (is_exporter(k))
                  exporter = exporter || k.get("ports")->items[0].str("name") == target->text;
            if (!exporter) {
              auto lines = keep(c, sp, sp,
                                fmt::format("the Service port `{}` (its target `{}` is not a port "
                                            "of the main container)",
                                            sp.str("name"), target->text));
              comments.insert(comments.end(), lines.begin(), lines.end());
            }
            continue;
          }
        } else if (target) {
          as_int(target, tn);
        }
        if (!cp)
          for (Cp& x : cps)
            if (x.number == tn) cp = &x;
        if (cp) cp->used = true;
        ps.container = cp ? cp->number : tn;
        ps.container_name = cp ? cp->name : "";
        ps.service_name = std::string(sp.str("name"));
        ps.name = cp && port_name_ok(cp->name) ? cp->name : ps.service_name;
        ps.protocol = lower(std::string(sp.str("protocol")));
        ps.app_protocol = std::string(sp.str("appProtocol"));
        as_int(sp.get("nodePort"), ps.node_port);
        if (ps.service <= 0 || ps.service > 65535 || ps.container <= 0 || ps.container > 65535)
          continue;
        add(std::move(ps));
        rest(c, &sp, {"name", "port", "targetPort", "protocol", "appProtocol", "nodePort"},
             "a Service port", comments);
      }
    // A container port the Service does not carry is still a port of the workload (probes and
    // clients in the pod use it); stackc puts every declared port on the Service.
    for (const Cp& cp : cps) {
      if (cp.used || cp.number <= 0 || cp.number > 65535) continue;
      PortSpec ps;
      ps.name = cp.name;
      ps.container_name = cp.name;
      ps.service = ps.container = cp.number;
      ps.protocol = lower(cp.protocol);
      add(std::move(ps));
      comments.push_back(
          fmt::format("the container port {} is not a port of the Service in the "
                      "input: stackc adds it to the Service",
                      cp.number));
      c.sink.report(base::make(
          base::Code::W0049, cp.span,
          fmt::format("the container port {} is not a port of the Service `{}`: the Service "
                      "stackc builds carries it too (every port a workload declares is on its "
                      "Service)",
                      cp.number, u.services.front()->name),
          "if nothing outside the pod should reach it, leave it out of the .stack (a probe or "
          "a client in the pod needs no declared port); its NetworkPolicy admits only the "
          "workload's callers either way"));
    }
  } else {
    for (const Cp& cp : cps) {
      if (cp.number <= 0 || cp.number > 65535) continue;
      PortSpec ps;
      ps.name = cp.name;
      ps.container_name = cp.name;
      ps.service = ps.container = cp.number;
      ps.protocol = lower(cp.protocol);
      add(std::move(ps));
    }
    if (!out.empty()) {
      comments.push_back("no Service in the input selects it: stackc adds one for its ports");
      c.sink.report(base::make(
          base::Code::W0049, cps.front().span,
          "no Service of the input selects this workload: the stackc build gives it a Service "
          "for its ports",
          "keep the ports if clients should reach it by a Service; a worker that only listens "
          "inside its pod needs no declared port"));
    }
  }
  return out;
}

Stmt port_stmt(const PortSpec& p) {
  std::string number = p.service == p.container ? fmt::format("{}", p.service)
                                                : fmt::format("{} -> {}", p.service, p.container);
  if (p.protocol == "tcp" && p.app_protocol.empty() && p.node_port == 0)
    return Stmt::assign("port " + p.name, number);
  Stmt b = Stmt::open("port " + p.name);
  b.add(Stmt::assign("number", number));
  if (p.protocol != "tcp") b.add(Stmt::assign("protocol", p.protocol));
  if (!p.app_protocol.empty()) b.add(Stmt::assign("app_protocol", quote(p.app_protocol)));
  if (p.node_port) b.add(Stmt::assign("node_port", fmt::format("{}", p.node_port)));
  return b;
}

// Puts `s` after the statements whose heads are in `after` (or first).
void insert_after(Stmt& decl, Stmt s, std::initializer_list<std::string_view> after) {
  std::size_t at = 0;
  for (std::size_t i = 0; i < decl.body.size(); ++i)
    for (auto h : after)
      if (decl.body[i].head == h || decl.body[i].head.rfind(std::string(h) + " ", 0) == 0)
        at = i + 1;
  decl.body.insert(decl.body.begin() + static_cast<std::ptrdiff_t>(at), std::move(s));
}

// The object's own metadata: what stackc writes itself is consumed, the rest kept. With `into`,
// the object is one `object KIND` names: its labels and annotations go there (objects.cpp).
void object_metadata(Context& c, const Document& d, const std::string& what,
                     std::vector<std::string>& comments, Stmt* into = nullptr,
                     std::string_view kind = {}, bool versioned = false) {
  const Node* md = d.root.get("metadata");
  if (!md) return;
  rest(c, md,
       {"name", "namespace", "labels", "annotations", "creationTimestamp", "uid", "resourceVersion",
        "generation", "managedFields", "selfLink"},
       what, comments);
  if (into) {
    object_fields(c, *md, kind, versioned, what, *into, comments);
    return;
  }
  if (const Node* l = md->get("labels"); l && l->is_map())
    for (std::size_t i = 0; i < l->size(); ++i) {
      const std::string& k = l->key(i).text;
      if (k.rfind("app.kubernetes.io/", 0) == 0 || k == "app" || k == "name" || k == "version")
        continue;  // stackc's labels, and the usual selector labels (the pods keep theirs)
      auto lines = keep(c, l->key(i), l->value(i), what + " label");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  if (const Node* a = md->get("annotations"); a && a->is_map())
    for (std::size_t i = 0; i < a->size(); ++i) {
      const std::string& k = a->key(i).text;
      if (one_of(k, {"argocd.argoproj.io/sync-wave", "deployment.kubernetes.io/revision",
                     "kubectl.kubernetes.io/last-applied-configuration"}))
        continue;
      auto lines = keep(c, a->key(i), a->value(i), what + " annotation");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
}

std::vector<std::string> keep_object(Context& c, const Document& d, const std::string& why) {
  c.sink.report(base::make(
      base::Code::W0040, d.root.span,
      fmt::format("{} `{}` has no .stack form{}: it is kept as a comment", d.kind, d.name, why),
      "the .stack file keeps its YAML in a comment; apply it beside the built manifests, or drop "
      "it if stackc's output makes it unnecessary"));
  std::vector<std::string> lines{
      fmt::format("not imported: {} {} (no .stack form{})", d.kind, d.name, why)};
  for (auto& l : quoted_lines(manifests::source_lines(c.sm, d.root.span))) lines.push_back(l);
  c.out->objects_kept++;
  return lines;
}

// The workloads whose pods `sel` (a label selector's matchLabels; empty: all) selects.
std::set<std::string> selected_workloads(const Node* sel, const std::vector<Unit>& units) {
  std::set<std::string> out;
  for (const Unit& u : units) {
    bool all = !sel || !sel->is_map() || sel->size() == 0;
    if (all || selects(sel, u.pod_labels)) out.insert(u.group.empty() ? u.name : u.group);
  }
  return out;
}

// Whether the declaration refers to `dep` already: in `needs` or by `${dep.`.
bool has_edge(const Stmt& decl, const std::string& dep) {
  if (text_of(decl).find("${" + dep + ".") != std::string::npos) return true;
  for (const Stmt& s : decl.body)
    if (s.head == "needs") {
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

// The calls a NetworkPolicy of the input admits between imported workloads (a `podSelector`
// peer without `namespaceSelector` in an ingress rule) that no edge explains: each is added to
// the caller's `needs`, with a comment. Returns them as `a -> b`.
std::vector<std::string> admitted_edges(const Document& d, const std::vector<Unit>& units,
                                        Imported& out, std::vector<std::string>& cyclic) {
  std::vector<std::string> added;
  // Whether `to` reaches `from` through the edges already written (a new edge would close a
  // cycle, E3001: the graph cannot say that two workloads call each other).
  auto reaches = [&](const std::string& from, const std::string& to) {
    std::vector<std::string> todo{from};
    std::set<std::string> seen{from};
    while (!todo.empty()) {
      std::string at = todo.back();
      todo.pop_back();
      if (at == to) return true;
      auto w = std::find_if(out.workloads.begin(), out.workloads.end(),
                            [&](const Workload& x) { return x.name == at; });
      if (w == out.workloads.end()) continue;
      for (const Workload& x : out.workloads)
        if (!seen.count(x.name) && has_edge(w->decl, x.name)) {
          seen.insert(x.name);
          todo.push_back(x.name);
        }
    }
    return false;
  };
  const Node* spec = d.root.get("spec");
  const Node* ingress = spec ? spec->get("ingress") : nullptr;
  if (!ingress || !ingress->is_seq()) return added;
  auto targets = selected_workloads(path(spec, {"podSelector", "matchLabels"}), units);
  for (const Node& rule : ingress->items) {
    const Node* from = rule.get("from");
    if (!from || !from->is_seq()) continue;
    for (const Node& peer : from->items) {
      if (!peer.get("podSelector") || peer.get("namespaceSelector") || peer.get("ipBlock"))
        continue;
      auto sources = selected_workloads(path(&peer, {"podSelector", "matchLabels"}), units);
      for (const std::string& src : sources)
        for (const std::string& dst : targets) {
          if (src == dst) continue;
          auto w = std::find_if(out.workloads.begin(), out.workloads.end(),
                                [&](const Workload& x) { return x.name == src; });
          bool dst_exists = std::any_of(out.workloads.begin(), out.workloads.end(),
                                        [&](const Workload& x) { return x.name == dst; });
          if (w == out.workloads.end() || !dst_exists || has_edge(w->decl, dst)) continue;
          if (reaches(dst, src)) {
            cyclic.push_back(src + " -> " + dst);
            continue;
          }
          if (Stmt* needs = w->decl.find("needs"))
            needs->value.insert(needs->value.size() - 1, ", " + label(dst));
          else
            w->decl.add(Stmt::assign("needs", list({label(dst)})));
          w->decl.comments.push_back(fmt::format(
              "needs {}: the NetworkPolicy {} of the input admits this call", dst, d.name));
          added.push_back(src + " -> " + dst);
        }
    }
  }
  return added;
}

// A ServiceAccount a workload runs as: its labels and annotations go to `object
// service_account` of the first workload that runs as it (they label it once, E2072).
void account_fields(Context& c, const Document& d, std::vector<Workload>& workloads) {
  const Node* md = d.root.get("metadata");
  if (!md) return;
  auto runs_as = [&](const Stmt& body, const std::string& fallback) {
    const Stmt* sa = nullptr;
    for (const Stmt& s : body.body)
      if (s.head == "service_account") sa = &s;
    return sa ? sa->value.substr(1, sa->value.size() - 2) : fallback;
  };
  for (Workload& w : workloads) {
    bool runs = runs_as(w.decl, w.name) == d.name;
    for (const Stmt& s : w.decl.body)
      if (s.block && s.head.rfind("version ", 0) == 0)
        runs = runs || runs_as(s, runs_as(w.decl, w.name)) == d.name;
    if (!runs) continue;
    Stmt block = Stmt::open("_");
    object_fields(c, *md, "service_account", false, fmt::format("ServiceAccount `{}`", d.name),
                  block, w.decl.comments);
    // Beside the workload's other `object` blocks, before its versions.
    auto at = std::find_if(w.decl.body.begin(), w.decl.body.end(), [](const Stmt& s) {
      return s.block && s.head.rfind("version ", 0) == 0;
    });
    w.decl.body.insert(at, std::make_move_iterator(block.body.begin()),
                       std::make_move_iterator(block.body.end()));
    return;
  }
}

}  // namespace

Imported from_kubernetes(const std::vector<const Document*>& docs, const base::SourceManager& sm,
                         base::Sink& sink) {
  Imported out;
  Context c{sm, sink};
  c.out = &out;
  out.objects = docs.size();

  // stackc's own labels, when the input is what stackc built.
  std::map<std::string, int> part_of, instance;
  for (const Document* d : docs)
    if (const Node* l = path(&d->root, {"metadata", "labels"})) {
      if (!l->str("app.kubernetes.io/part-of").empty() &&
          l->str("app.kubernetes.io/managed-by") == "stackc") {
        part_of[std::string(l->str("app.kubernetes.io/part-of"))]++;
        if (!l->str("app.kubernetes.io/instance").empty())
          instance[std::string(l->str("app.kubernetes.io/instance"))]++;
      }
    }
  for (const auto& [n, k] : part_of)
    if (out.part_of.empty() || k > part_of[out.part_of]) out.part_of = n;
  for (const auto& [n, k] : instance)
    if (out.instance.empty() || k > instance[out.instance]) out.instance = n;
  // The namespace: the one most objects name.
  std::map<std::string, int> ns_count;
  for (const Document* d : docs) {
    if (!d->ns.empty()) ns_count[d->ns]++;
    if (d->kind == "Namespace" && !d->name.empty()) ns_count[d->name] += 0;
  }
  for (const auto& [n, k] : ns_count)
    if (out.ns.empty() || k > ns_count[out.ns]) out.ns = n;
  c.ns = out.ns;

  // stackc's own objects (its backups, its monitoring) become the blocks they were built from.
  Own own;
  out.controllers = ingress_controllers(docs);
  out.blocks = monitoring(c, docs, out.part_of, own);
  for (Stmt& b : backups(c, docs, own)) out.blocks.push_back(std::move(b));

  std::vector<Unit> units;
  std::vector<const Document*> services, hpas, pdbs, ingresses, others;
  for (const Document* d : docs) {
    if (own.consumed.count(d)) continue;
    const std::string& k = d->kind;
    if (k == "ConfigMap") c.configmaps[d->name] = d;
    if (k == "Secret") c.secrets[d->name] = d;
    if (k == "Deployment" || k == "StatefulSet" || k == "Job" || k == "CronJob") {
      Unit u;
      u.doc = d;
      u.name = name_ok(d->name) ? d->name : dns_name(d->name);
      u.spec = d->root.get("spec");
      u.job_spec = k == "Job"       ? u.spec
                   : k == "CronJob" ? path(u.spec, {"jobTemplate", "spec"})
                                    : nullptr;
      u.tmpl = k == "CronJob" ? path(u.job_spec, {"template"}) : path(u.spec, {"template"});
      u.pod_labels = path(u.tmpl, {"metadata", "labels"});
      if (!u.tmpl || !path(u.tmpl, {"spec", "containers"}) ||
          !path(u.tmpl, {"spec", "containers"})->is_seq() ||
          path(u.tmpl, {"spec", "containers"})->items.empty()) {
        sink.report(base::make(
            base::Code::E5010, d->root.span,
            fmt::format("{} `{}` has no containers: it is not a workload stackc can import",
                        d->kind, d->name),
            "a Kubernetes workload needs `spec.template.spec.containers` (a CronJob "
            "`spec.jobTemplate.spec.template.spec.containers`); fix the manifest"));
        out.kept.push_back(Stmt::comment(keep_object(c, *d, ", no containers")));
        continue;
      }
      units.push_back(std::move(u));
    } else if (k == "Service") {
      services.push_back(d);
    } else if (k == "HorizontalPodAutoscaler") {
      hpas.push_back(d);
    } else if (k == "PodDisruptionBudget") {
      pdbs.push_back(d);
    } else if (k == "Ingress") {
      ingresses.push_back(d);
    } else {
      others.push_back(d);
    }
  }

  // Services -> the workloads they select.
  std::set<const Document*> used;
  std::map<std::string, std::vector<Unit*>> service_units;
  // The workloads by each label of their pods, so that a selector is tried only on the workloads
  // that have its first label (a fleet of 1,000 workloads and as many Services and budgets).
  std::map<std::pair<std::string, std::string>, std::vector<Unit*>> by_label;
  for (Unit& u : units)
    if (u.pod_labels && u.pod_labels->is_map() && u.doc->kind != "Job" && u.doc->kind != "CronJob")
      for (std::size_t i = 0; i < u.pod_labels->size(); ++i)
        by_label[{u.pod_labels->key(i).text, u.pod_labels->value(i).text}].push_back(&u);
  auto selected = [&](const Node* sel) {
    std::vector<Unit*> out;
    if (!sel || !sel->is_map() || sel->size() == 0) return out;
    auto it = by_label.find({sel->key(0).text, sel->value(0).text});
    if (it == by_label.end()) return out;
    for (Unit* u : it->second)
      if (selects(sel, u->pod_labels)) out.push_back(u);
    return out;
  };
  for (const Document* s : services)
    for (Unit* u : selected(path(&s->root, {"spec", "selector"})))
      service_units[s->name].push_back(u);
  std::map<const Unit*, const Document*> pdb_of, hpa_of;
  for (const Document* p : pdbs)
    for (Unit* u : selected(path(&p->root, {"spec", "selector", "matchLabels"})))
      if (!pdb_of.count(u)) {
        pdb_of[u] = p;
        break;
      }
  std::map<std::pair<std::string, std::string>, const Document*> hpa_by_target;
  for (const Document* h : hpas)
    if (const Node* ref = path(&h->root, {"spec", "scaleTargetRef"}))
      hpa_by_target.emplace(std::pair{std::string(ref->str("kind")), std::string(ref->str("name"))},
                            h);
  std::map<std::string, std::vector<const Document*>> ingresses_of;  // by backend Service
  for (const Document* ing : ingresses)
    if (const Node* rules = path(&ing->root, {"spec", "rules"}); rules && rules->is_seq())
      for (const Node& rule : rules->items)
        if (const Node* ps = path(&rule, {"http", "paths"}); ps && ps->is_seq())
          for (const Node& p : ps->items)
            if (const Node* svc = path(&p, {"backend", "service"}))
              ingresses_of[std::string(svc->str("name"))].push_back(ing);
  for (const Document* s : services) {
    auto& us = service_units[s->name];
    // stackc's headless Service of a stateful: `<w>-headless`, or the StatefulSet's serviceName
    // when it has another Service.
    bool headless = path(&s->root, {"spec", "clusterIP"}) &&
                    path(&s->root, {"spec", "clusterIP"})->text == "None";
    if (us.empty()) continue;
    if (headless) {
      bool other = false;
      for (const Document* s2 : services)
        if (s2 != s && !(path(&s2->root, {"spec", "clusterIP"}) &&
                         path(&s2->root, {"spec", "clusterIP"})->text == "None"))
          for (Unit* u2 : service_units[s2->name])
            if (u2 == us.front()) other = true;
      if (other) {
        used.insert(s);
        for (Unit* u : us)
          c.services[s->name] = Target{u->name, {}};  // filled below with the ports
        continue;
      }
    }
    for (Unit* u : us) u->services.push_back(s);
    used.insert(s);
  }
  // Versions: a Service in front of several Deployments, or of one named `<service>-<version>`,
  // whose pods carry a `version` label.
  for (const Document* s : services) {
    auto& us = service_units[s->name];
    if (us.empty() || !name_ok(s->name)) continue;
    bool versioned = true;
    for (Unit* u : us) {
      const Node* v = u->pod_labels ? u->pod_labels->get("version") : nullptr;
      if (u->doc->kind != "Deployment" || !v || !name_ok(v->text) || u->services.front() != s ||
          (us.size() == 1 && u->name != s->name + "-" + v->text))
        versioned = false;
    }
    if (!versioned) continue;
    for (Unit* u : us) {
      u->group = s->name;
      u->version = std::string(u->pod_labels->get("version")->text);
    }
  }
  // Each Service's workload and ports, for the references.
  for (Unit& u : units) {
    const Node* spec = path(u.tmpl, {"spec"});
    const Node* mc = spec ? main_container(*spec, u.doc->name) : nullptr;
    u.ports = ports_of(c, u, mc, u.comments);
    for (std::size_t i = 1; i < u.services.size(); ++i)
      u.comments.push_back(
          fmt::format("the Service `{}` also selects it: not imported (stackc makes one Service "
                      "per workload, named after it)",
                      u.services[i]->name));
    if (!u.services.empty()) {
      Target t{u.group.empty() ? u.name : u.group, {}};
      for (const PortSpec& p : u.ports) t.ports.push_back({p.name, p.service});
      c.services[u.services.front()->name] = t;
      if (!u.group.empty()) c.services[u.group] = t;
    }
  }
  for (auto& [name, t] : c.services)
    if (t.ports.empty())
      for (const Unit& u : units)
        if (u.name == t.workload && !u.services.empty()) t = c.services[u.services.front()->name];

  // Each workload.
  for (Unit& u : units) {
    const std::string& k = u.doc->kind;
    std::string what = fmt::format("{} `{}`", k, u.doc->name);
    const Node* claims = k == "StatefulSet" ? path(u.spec, {"volumeClaimTemplates"}) : nullptr;
    bool has_claims = claims && claims->is_seq() && !claims->items.empty();
    if (k == "CronJob")
      u.kind = "cron";
    else if (k == "Job")
      u.kind = "job";
    else if (k == "StatefulSet" && has_claims)
      u.kind = "stateful";
    else if (stackc_component(*u.doc) == "worker")
      u.kind = "worker";  // stackc's worker with ports: its Service is for them (metrics)
    else
      u.kind = u.ports.empty() ? "worker" : "service";
    if (k == "StatefulSet" && !has_claims)
      u.comments.push_back("a StatefulSet without claims: stackc makes it a Deployment");
    if (u.name != u.doc->name)
      u.comments.push_back(fmt::format("named `{}` in the input (not a DNS label)", u.doc->name));
    u.decl = Stmt::open(u.kind + " " + u.name);
    std::string self = u.group.empty() ? u.name : u.group;
    u.pod = pod_fields(c, self, *u.tmpl, claims, u.ports, u.decl, u.comments);
    if (!u.pod.storage_class.empty()) out.storage_class = u.pod.storage_class;
    if (u.pod.root && out.pod_security.empty()) out.pod_security = "baseline";
    if (u.pod.privileged) out.pod_security = "privileged";
    // Ports and how the Service is exposed, after the image.
    std::vector<Stmt> head;
    for (const PortSpec& p : u.ports) head.push_back(port_stmt(p));
    if (!u.services.empty()) {
      const Document& s = *u.services.front();
      const Node* sspec = s.root.get("spec");
      std::string type(sspec ? sspec->str("type") : "");
      if (type == "NodePort") head.push_back(Stmt::assign("expose", "node_port"));
      if (type == "LoadBalancer") head.push_back(Stmt::assign("expose", "load_balancer"));
      if (const Node* r = sspec ? sspec->get("loadBalancerSourceRanges") : nullptr;
          r && r->is_seq() && !r->items.empty()) {
        std::vector<std::string> items;
        for (const Node& x : r->items) items.push_back(quote(x.text));
        head.push_back(Stmt::assign("source_ranges", list(items)));
      }
      if (type == "ExternalName" ||
          (!type.empty() && !one_of(type, {"ClusterIP", "NodePort", "LoadBalancer"}))) {
        auto lines =
            keep(c, *sspec->get("type"), *sspec->get("type"), fmt::format("Service `{}`", s.name));
        u.comments.insert(u.comments.end(), lines.begin(), lines.end());
      }
      rest(c, sspec,
           {"selector", "ports", "type", "loadBalancerSourceRanges", "externalTrafficPolicy",
            "clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy", "sessionAffinity",
            "internalTrafficPolicy"},
           fmt::format("Service `{}`", s.name), u.comments);
      if (sspec && !sspec->str("sessionAffinity").empty() &&
          sspec->str("sessionAffinity") != "None") {
        auto lines = keep(c, *sspec->get("sessionAffinity"), *sspec->get("sessionAffinity"),
                          fmt::format("Service `{}`", s.name));
        u.comments.insert(u.comments.end(), lines.begin(), lines.end());
      }
      object_metadata(c, s, fmt::format("Service `{}`", s.name), u.comments, &u.decl, "service");
    }
    for (auto it = head.rbegin(); it != head.rend(); ++it)
      insert_after(u.decl, std::move(*it), {"image", "command", "args", "working_dir"});

    // Replicas, autoscaling, the disruption budget.
    std::int64_t replicas = 1;
    const Node* rep = u.spec ? u.spec->get("replicas") : nullptr;
    if (u.job_spec == nullptr && rep) as_int(rep, replicas);
    std::string replicas_text = replicas == 1 ? "" : fmt::format("{}", replicas);
    u.pods = std::max<std::int64_t>(replicas, 1);
    if (auto hit = hpa_by_target.find({k, u.doc->name}); hit != hpa_by_target.end()) {
      const Document* h = hit->second;
      used.insert(h);
      std::int64_t lo = 1, hi = 0;
      as_int(path(&h->root, {"spec", "minReplicas"}), lo);
      as_int(path(&h->root, {"spec", "maxReplicas"}), hi);
      if (hi < lo) hi = lo;
      replicas_text = fmt::format("{}..{}", lo, hi);
      u.pods = std::max<std::int64_t>(hi, 1);
      Stmt as = Stmt::open("autoscale");
      std::string hwhat = fmt::format("HorizontalPodAutoscaler `{}`", h->name);
      std::int64_t pct = 0;
      if (as_int(path(&h->root, {"spec", "targetCPUUtilizationPercentage"}), pct))
        as.add(Stmt::assign("cpu", fmt::format("{}%", pct)));
      if (const Node* ms = path(&h->root, {"spec", "metrics"}); ms && ms->is_seq())
        for (const Node& m : ms->items) {
          const Node* res = m.get("resource");
          const Node* t = res ? res->get("target") : nullptr;
          std::string rn(res ? res->str("name") : "");
          if (m.str("type") == "Resource" && (rn == "cpu" || rn == "memory") && t &&
              t->str("type") == "Utilization" && as_int(t->get("averageUtilization"), pct) &&
              pct >= 1 && pct <= 100) {
            as.add(Stmt::assign(rn, fmt::format("{}%", pct)));
          } else {
            Node key;
            key.span = m.span;
            auto lines =
                keep(c, key, m, hwhat + " (a metric other than CPU or memory utilisation)");
            u.comments.insert(u.comments.end(), lines.begin(), lines.end());
          }
        }
      if (!as.body.empty()) u.decl.add(std::move(as));
      rest(c, h->root.get("spec"),
           {"scaleTargetRef", "minReplicas", "maxReplicas", "metrics",
            "targetCPUUtilizationPercentage"},
           hwhat, u.comments);
      object_metadata(c, *h, hwhat, u.comments);
    }
    if (!replicas_text.empty())
      insert_after(u.decl, Stmt::assign("replicas", replicas_text),
                   {"image", "command", "args", "working_dir"});
    if (auto pit = pdb_of.find(&u); pit != pdb_of.end() && !used.count(pit->second)) {
      const Document* p = pit->second;
      used.insert(p);
      std::string pwhat = fmt::format("PodDisruptionBudget `{}`", p->name);
      Stmt d = Stmt::open("disruption");
      const Node* mn = path(&p->root, {"spec", "minAvailable"});
      const Node* mx = path(&p->root, {"spec", "maxUnavailable"});
      std::int64_t v = 0;
      if (as_int(mn, v) && v >= 0)
        d.add(Stmt::assign("min_available", fmt::format("{}", v)));
      else if (as_int(mx, v) && v >= 0 && v != 1)
        d.add(Stmt::assign("max_unavailable", fmt::format("{}", v)));
      for (const Node* x : {mn, mx})
        if (x && x->type != Type::Int) {
          auto lines = keep(c, *x, *x, pwhat + " (a percentage)");
          u.comments.insert(u.comments.end(), lines.begin(), lines.end());
        }
      if (!d.body.empty()) u.decl.add(std::move(d));
      if (u.pods <= 1)
        u.comments.push_back(
            fmt::format("{}: stackc makes a PodDisruptionBudget only for more "
                        "than one replica",
                        pwhat));
      rest(c, p->root.get("spec"), {"selector", "minAvailable", "maxUnavailable"}, pwhat,
           u.comments);
      object_metadata(c, *p, pwhat, u.comments);
    }

    // Ingress: the first rule whose backend is one of its Services.
    std::vector<const Document*> mine_ing;
    for (const Document* s : u.services)
      if (auto iit = ingresses_of.find(s->name); iit != ingresses_of.end())
        mine_ing.insert(mine_ing.end(), iit->second.begin(), iit->second.end());
    for (const Document* ing : mine_ing) {
      if (used.count(ing)) continue;
      const Node* rules = path(&ing->root, {"spec", "rules"});
      if (!rules || !rules->is_seq()) continue;
      for (const Node& rule : rules->items) {
        const Node* paths = path(&rule, {"http", "paths"});
        if (!paths || !paths->is_seq() || paths->items.size() != 1) continue;
        const Node& p = paths->items[0];
        const Node* svc = path(&p, {"backend", "service"});
        if (!svc) continue;
        bool mine = false;
        for (const Document* s : u.services) mine = mine || s->name == svc->str("name");
        if (!mine || rules->items.size() != 1) continue;
        used.insert(ing);
        std::string iwhat = fmt::format("Ingress `{}`", ing->name);
        Stmt in = Stmt::open("ingress");
        if (!rule.str("host").empty()) in.add(Stmt::assign("host", quote(rule.str("host"))));
        if (!p.str("path").empty() && p.str("path") != "/")
          in.add(Stmt::assign("path", quote(p.str("path"))));
        const Node* port = svc->get("port");
        std::string pname(port ? port->str("name") : "");
        std::int64_t pnum = 0;
        if (port && as_int(port->get("number"), pnum))
          for (const PortSpec& ps : u.ports)
            if (ps.service == pnum) pname = ps.name;
        for (const PortSpec& ps : u.ports)
          if (ps.service_name == pname && !pname.empty()) {
            pname = ps.name;
            break;
          }
        if (!pname.empty() && !(u.ports.size() && u.ports.front().name == pname))
          in.add(Stmt::assign("port", quote(pname)));
        const Node* tls = path(&ing->root, {"spec", "tls"});
        const Node* ann = path(&ing->root, {"metadata", "annotations"});
        bool cert_manager = ann && ann->get("cert-manager.io/cluster-issuer");
        if (!tls || !tls->is_seq() || tls->items.empty()) {
          in.add(Stmt::assign("tls", "false"));
        } else {
          std::string secret(tls->items[0].str("secretName"));
          if (!(cert_manager && secret == u.name + "-tls"))
            in.add(Stmt::assign("tls_secret", quote(secret)));
        }
        std::string cls(path(&ing->root, {"spec"})->str("ingressClassName"));
        if (!cls.empty() && cls != "nginx") in.add(Stmt::assign("class", quote(cls)));
        u.decl.add(std::move(in));
        rest(c, ing->root.get("spec"), {"rules", "tls", "ingressClassName"}, iwhat, u.comments);
        if (ann && ann->is_map())
          for (std::size_t i = 0; i < ann->size(); ++i) {
            const std::string& key = ann->key(i).text;
            if ((key == "cert-manager.io/cluster-issuer" && ann->value(i).text == "letsencrypt") ||
                (key == "alb.ingress.kubernetes.io/target-type" && cls == "alb"))
              continue;
            auto lines = keep(c, ann->key(i), ann->value(i), iwhat + " annotation");
            u.comments.insert(u.comments.end(), lines.begin(), lines.end());
          }
        break;
      }
    }

    // The kind's own fields.
    if (u.job_spec) {
      std::int64_t v = 6;  // Kubernetes' default backoffLimit
      as_int(u.job_spec->get("backoffLimit"), v);
      if (v != 3)
        u.decl.add(Stmt::assign("retries", fmt::format("{}", std::clamp<std::int64_t>(v, 0, 100))));
      if (as_int(u.job_spec->get("activeDeadlineSeconds"), v) && v > 0)
        u.decl.add(Stmt::assign("timeout", fmt::format("{}s", v)));
      rest(c, u.job_spec, {"backoffLimit", "activeDeadlineSeconds", "template", "selector"},
           what + " job spec", u.comments);
    }
    if (k == "CronJob") {
      insert_after(u.decl, Stmt::assign("schedule", quote(u.spec->str("schedule"))), {"image"});
      for (std::size_t i = 0; i < u.spec->size(); ++i) {
        const std::string& key = u.spec->key(i).text;
        const std::string& v = u.spec->value(i).text;
        if (key == "schedule" || key == "jobTemplate" ||
            (key == "concurrencyPolicy" && v == "Forbid") ||
            (key == "successfulJobsHistoryLimit" && v == "3") ||
            (key == "failedJobsHistoryLimit" && v == "3"))
          continue;
        auto lines = keep(c, u.spec->key(i), u.spec->value(i), what);
        u.comments.insert(u.comments.end(), lines.begin(), lines.end());
      }
      rest(c, path(u.spec, {"jobTemplate"}), {"spec", "metadata"}, what + " job template",
           u.comments);
    } else if (k == "Deployment" || k == "StatefulSet") {
      for (std::size_t i = 0; u.spec && i < u.spec->size(); ++i) {
        const std::string& key = u.spec->key(i).text;
        const std::string& v = u.spec->value(i).text;
        if (one_of(key,
                   {"replicas", "selector", "template", "volumeClaimTemplates", "serviceName"}) ||
            (key == "revisionHistoryLimit" && v == "5"))
          continue;
        auto lines = keep(c, u.spec->key(i), u.spec->value(i), what);
        u.comments.insert(u.comments.end(), lines.begin(), lines.end());
      }
    }
    if (u.kind == "stateful" && u.pods > 1 && !u.decl.find("spread"))
      u.decl.add(Stmt::assign("spread", "none"));
    object_metadata(c, *u.doc, what, u.comments, &u.decl, "controller", !u.group.empty());
  }

  // Versions are joined into their workload: what they share stays in it, the rest goes to
  // `version NAME { }` (the image always: a version that sets nothing is W0030).
  std::set<std::string> done;
  for (Unit& u : units) {
    if (u.group.empty()) {
      Workload w{u.kind, u.name, std::move(u.decl)};
      w.decl.comments = std::move(u.comments);
      w.cpu_m = u.pod.cpu_m;
      w.memory_b = u.pod.memory_b;
      w.pods = u.pods;
      w.storage_b = u.pod.storage_b;
      w.spread_nodes = (u.kind == "stateful" && u.pods > 1) || w.decl.find("spread");
      out.workloads.push_back(std::move(w));
      continue;
    }
    if (done.count(u.group)) continue;
    done.insert(u.group);
    std::vector<Unit*> vs;
    for (Unit& x : units)
      if (x.group == u.group) vs.push_back(&x);
    std::vector<const Stmt*> bodies;
    for (Unit* x : vs) bodies.push_back(&x->decl);
    Stmt common = Stmt::open(u.kind + " " + u.group);
    std::vector<Stmt> own;
    split_common(bodies, common, own, {"port "});
    Workload w{u.kind, u.group, {}};
    // The image of each version in its block, so that none is empty.
    if (const Stmt* img = common.find("image")) {
      for (Stmt& o : own) o.body.insert(o.body.begin(), *img);
      common.body.erase(common.body.begin() + (img - common.body.data()));
    }
    // Comments every version has go above the workload, the others above their version.
    std::vector<std::string> shared;
    for (const std::string& line : vs.front()->comments) {
      bool all = true;
      for (Unit* x : vs)
        all = all && std::find(x->comments.begin(), x->comments.end(), line) != x->comments.end();
      if (all && std::find(shared.begin(), shared.end(), line) == shared.end())
        shared.push_back(line);
    }
    for (std::size_t i = 0; i < vs.size(); ++i) {
      Stmt v = Stmt::open("version " + vs[i]->version);
      v.body = std::move(own[i].body);
      for (const std::string& line : vs[i]->comments)
        if (std::find(shared.begin(), shared.end(), line) == shared.end())
          v.comments.push_back(line);
      common.add(std::move(v));
      w.cpu_m = std::max(w.cpu_m, vs[i]->pod.cpu_m);
      w.memory_b = std::max(w.memory_b, vs[i]->pod.memory_b);
      w.pods += vs[i]->pods;
    }
    w.pods -= 1;
    w.decl = std::move(common);
    w.decl.comments = shared;
    w.decl.comments.push_back(fmt::format(
        "the Deployments {} behind the Service `{}`, as versions",
        [&] {
          std::string s;
          for (Unit* x : vs) s += (s.empty() ? "" : ", ") + x->doc->name;
          return s;
        }(),
        u.group));
    out.workloads.push_back(std::move(w));
  }

  // The declaration order stackc's dashboards follow, where the input tells it: the workloads
  // it names take their places among the others in that order.
  if (!own.order.empty()) {
    std::map<std::string, std::size_t> rank;
    for (const std::string& n : own.order) rank.emplace(n, rank.size());
    std::vector<std::size_t> slots;
    std::vector<Workload> listed;
    for (std::size_t i = 0; i < out.workloads.size(); ++i)
      if (rank.count(out.workloads[i].name)) {
        slots.push_back(i);
        listed.push_back(std::move(out.workloads[i]));
      }
    std::stable_sort(listed.begin(), listed.end(), [&](const Workload& a, const Workload& b) {
      return rank[a.name] < rank[b.name];
    });
    for (std::size_t k = 0; k < slots.size(); ++k) out.workloads[slots[k]] = std::move(listed[k]);
  }

  // What stackc's own objects add to the workloads they concern.
  for (Workload& w : out.workloads) {
    for (Stmt& s : own.additions[w.name]) {
      Stmt* into = s.block ? w.decl.find(s.head) : nullptr;  // the exporter's `prefix`
      if (into && into->block)
        for (Stmt& x : s.body) into->add(std::move(x));
      else
        w.decl.add(std::move(s));
    }
    for (auto& n : own.notes[w.name]) w.decl.comments.push_back(std::move(n));
  }

  // The other objects.
  for (const Document* d : services)
    if (!used.count(d))
      out.kept.push_back(Stmt::comment(keep_object(c, *d, ", it selects no imported workload")));
  for (const auto* list : {&hpas, &pdbs, &ingresses})
    for (const Document* d : *list)
      if (!used.count(d))
        out.kept.push_back(
            Stmt::comment(keep_object(c, *d, ", it belongs to no imported workload")));
  std::set<std::string> service_accounts;
  for (const Workload& w : out.workloads) {
    service_accounts.insert(w.name);
    for (const Stmt& s : w.decl.body)
      if (s.head == "service_account")
        service_accounts.insert(s.value.substr(1, s.value.size() - 2));
    for (const Stmt& s : w.decl.body)
      if (s.block && s.head.rfind("version ", 0) == 0)
        if (const Stmt* sa = s.find("service_account"))
          service_accounts.insert(sa->value.substr(1, sa->value.size() - 2));
  }
  for (const Document* d : others) {
    const std::string& k = d->kind;
    if (k == "Namespace") continue;
    if (k == "ConfigMap" && c.used_configmaps.count(d->name)) continue;
    if (k == "ServiceAccount" && service_accounts.count(d->name)) {
      account_fields(c, *d, out.workloads);
      continue;
    }
    if (k == "NetworkPolicy") {
      // stackc's own (the input is its output) are the graph's: made again, nothing to report.
      if (made_by_stackc(*d)) {
        out.kept.push_back(Stmt::comment(
            {fmt::format("NetworkPolicy {}: stackc's own, made again from the graph", d->name)}));
        continue;
      }
      // Compared with the graph: the calls it admits between imported workloads that no edge
      // explains become `needs`, so that stackc's policies admit them too.
      std::vector<std::string> cyclic;
      std::vector<std::string> added = admitted_edges(*d, units, out, cyclic);
      sink.report(base::make(
          base::Code::W0043, d->root.span,
          fmt::format(
              "NetworkPolicy `{}` is not imported: stackc makes the NetworkPolicies from "
              "the dependency graph{}{}",
              d->name,
              added.empty()
                  ? ""
                  : fmt::format("; the calls it admits became `needs`: {}", fmt::join(added, ", ")),
              cyclic.empty() ? ""
                             : fmt::format("; not carried over, as the graph has no cycles: {}",
                                           fmt::join(cyclic, ", "))),
          "check the edges (`needs`, references) of the workloads it admits traffic between "
          "(`stackc graph` shows them); traffic from other namespaces or addresses is not "
          "carried over"));
      out.kept.push_back(Stmt::comment({fmt::format(
          "not imported: NetworkPolicy {} (stackc derives the NetworkPolicies from the graph)",
          d->name)}));
      continue;
    }
    if (k == "Secret") {
      std::vector<std::string> keys;
      for (const char* field : {"data", "stringData"})
        if (const Node* m = d->root.get(field); m && m->is_map())
          for (std::size_t i = 0; i < m->size(); ++i) keys.push_back(m->key(i).text);
      sink.report(base::make(
          base::Code::W0041, d->root.span,
          fmt::format("Secret `{}` holds literal values: they are not copied into the .stack",
                      d->name),
          "create the Secret in each namespace (kubectl, External Secrets, Sealed Secrets...); the "
          ".stack refers to its keys with `secret(...)`"));
      out.secret_notes.push_back(
          fmt::format("{} (keys: {})", d->name,
                      keys.empty() ? "none" : fmt::format("{}", fmt::join(keys, ", "))));
      continue;
    }
    if (k == "ExternalSecret") {
      std::vector<std::string> keys;
      std::string prefix;
      if (const Node* data = path(&d->root, {"spec", "data"}); data && data->is_seq())
        for (const Node& e : data->items) {
          keys.push_back(std::string(e.str("secretKey")));
          std::string key(e.get("remoteRef") ? e.get("remoteRef")->str("key") : "");
          if (auto slash = key.rfind('/'); slash != std::string::npos)
            prefix = key.substr(0, slash);
        }
      if (!prefix.empty() && out.vault_prefix.empty()) out.vault_prefix = prefix;
      std::int64_t secs = go_seconds(path(&d->root, {"spec", "refreshInterval"}));
      if (secs > 0 && out.refresh.empty()) out.refresh = duration_text(secs);
      out.secret_notes.push_back(fmt::format("{} (keys: {}; an ExternalSecret in the input)",
                                             d->name, fmt::join(keys, ", ")));
      continue;
    }
    if (k == "SecretStore" || k == "ClusterSecretStore") {
      const Node* v = path(&d->root, {"spec", "provider", "vault"});
      if (v && !v->str("server").empty() && out.vault_address.empty()) {
        out.vault_address = std::string(v->str("server"));
        out.vault_path = std::string(v->str("path"));
        out.vault_version = std::string(v->str("version"));
        const Node* role = path(v, {"auth", "kubernetes", "role"});
        out.vault_role = role ? role->text : "";
        continue;
      }
    }
    out.kept.push_back(Stmt::comment(keep_object(c, *d, "")));
  }
  std::vector<Served> served;
  std::set<const Document*> served_by;
  for (const Unit& u : units)
    if (!u.services.empty() && served_by.insert(u.services.front()).second)
      served.push_back({u.group.empty() ? u.name : u.group, u.services.front()});
  warn_uncalled(out, served, sink);
  for (const auto& [name, keys] : c.secret_keys)
    if (!c.secrets.count(name)) {
      bool listed = false;
      for (const auto& n : out.secret_notes) listed = listed || n.rfind(name + " ", 0) == 0;
      if (!listed)
        out.secret_notes.push_back(fmt::format("{} (keys: {})", name, fmt::join(keys, ", ")));
    }
  return out;
}

}  // namespace stackc::importer
