// stackc's own objects read back as blocks: the cluster's ingress controllers and the backups
// (own.hpp; specs/import.md §2.1). Monitoring is in monitoring.cpp.
#include "importer/own.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <string_view>
#include <unordered_map>

namespace stackc::importer {
namespace {

using manifests::Document;
using manifests::Node;
using manifests::Type;

// The input's objects by name, made once: finding one is then not a search of every object
// (thousands of ingress classes or backups made that quadratic).
class Objects {
 public:
  explicit Objects(const std::vector<const Document*>& docs) {
    for (const Document* d : docs) named_[d->name].push_back(d);
  }
  // Those of a name, in the input's order.
  const std::vector<const Document*>& named(std::string_view name) const {
    static const std::vector<const Document*> none;
    auto it = named_.find(name);
    return it == named_.end() ? none : it->second;
  }
  // The first of a kind and name, as a search in order finds it.
  const Document* find(std::string_view kind, std::string_view name) const {
    for (const Document* d : named(name))
      if (d->kind == kind) return d;
    return nullptr;
  }

 private:
  std::unordered_map<std::string_view, std::vector<const Document*>> named_;
};

// The container port a Service port (by name, else by number) reaches: its `targetPort` as a
// number, or the port of that name of the workload's containers.
std::int64_t container_port(const Objects& docs, const Document& svc, const Node* port) {
  const Node* ports = path(&svc.root, {"spec", "ports"});
  if (!ports || !ports->is_seq() || !port) return 0;
  std::int64_t number = 0;
  as_int(port->get("number"), number);
  for (const Node& p : ports->items) {
    std::int64_t n = 0;
    as_int(p.get("port"), n);
    if (!(port->str("name").empty() ? n == number : p.str("name") == port->str("name"))) continue;
    const Node* t = p.get("targetPort");
    std::int64_t tn = n;
    if (t && as_int(t, tn)) return tn;
    if (!t) return n;
    for (const Document* d : docs.named(svc.name)) {
      if (d->kind != "Deployment" && d->kind != "StatefulSet") continue;
      const Node* ctrs = path(&d->root, {"spec", "template", "spec", "containers"});
      if (!ctrs || !ctrs->is_seq()) continue;
      for (const Node& k : ctrs->items)
        if (const Node* cps = k.get("ports"); cps && cps->is_seq())
          for (const Node& cp : cps->items)
            if (cp.str("name") == t->text && as_int(cp.get("containerPort"), tn)) return tn;
    }
  }
  return 0;
}

// `pods "PREFIX" { NAME = "VALUE" }` blocks of a label map, grouped by prefix; false when a name
// is not an identifier.
bool label_blocks(const Node* m, Stmt& into) {
  if (!m || !m->is_map()) return true;
  std::vector<Stmt> blocks;
  for (std::size_t i = 0; i < m->size(); ++i) {
    const std::string& k = m->key(i).text;
    auto slash = k.rfind('/');
    std::string prefix = slash == std::string::npos ? "" : k.substr(0, slash);
    std::string name = slash == std::string::npos ? k : k.substr(slash + 1);
    if (!is_ident(name)) return false;
    std::string head = prefix.empty() ? "pods" : "pods " + quote(prefix);
    auto it =
        std::find_if(blocks.begin(), blocks.end(), [&](const Stmt& b) { return b.head == head; });
    if (it == blocks.end()) {
      blocks.push_back(Stmt::open(head));
      it = blocks.end() - 1;
    }
    it->add(Stmt::assign(name, quote(m->value(i).text)));
  }
  for (Stmt& b : blocks) into.add(std::move(b));
  return true;
}

}  // namespace

std::vector<Stmt> ingress_controllers(const std::vector<const Document*>& input) {
  std::vector<Stmt> out;
  std::set<std::string> done;
  const Objects docs(input);
  for (const Document* ing : input) {
    if (ing->kind != "Ingress" || !made_by_stackc(*ing)) continue;
    std::string cls(path(&ing->root, {"spec"}) ? path(&ing->root, {"spec"})->str("ingressClassName")
                                               : "");
    if (cls.empty() || done.count(cls) ||
        one_of(cls, {"nginx", "traefik", "haproxy", "gce", "alb", "azure-application-gateway"}))
      continue;
    const Node* rules = path(&ing->root, {"spec", "rules"});
    if (!rules || !rules->is_seq() || rules->items.empty()) continue;
    const Node* paths = path(&rules->items[0], {"http", "paths"});
    if (!paths || !paths->is_seq() || paths->items.empty()) continue;
    const Node* backend = path(&paths->items[0], {"backend", "service"});
    if (!backend) continue;
    std::string svc_name(backend->str("name"));
    const Document* svc = docs.find("Service", svc_name);
    const Document* np = docs.find("NetworkPolicy", svc_name);
    if (!svc || !np || !made_by_stackc(*np)) continue;
    std::int64_t port = container_port(docs, *svc, backend->get("port"));
    const Node* ingress = path(&np->root, {"spec", "ingress"});
    if (port <= 0 || !ingress || !ingress->is_seq()) continue;
    // The rules on that one port whose peers are not pods of the namespace (dependents,
    // replicas, Prometheus): the controller's, which stackc writes before the outside's.
    std::vector<const Node*> candidates;
    for (const Node& rule : ingress->items) {
      const Node* ports = rule.get("ports");
      const Node* from = rule.get("from");
      std::int64_t p = 0;
      if (!ports || !ports->is_seq() || ports->items.size() != 1 ||
          !as_int(ports->items[0].get("port"), p) || p != port || !from || !from->is_seq() ||
          from->items.empty())
        continue;
      bool foreign = std::all_of(from->items.begin(), from->items.end(), [](const Node& peer) {
        return peer.get("namespaceSelector") || peer.get("ipBlock");
      });
      if (foreign) candidates.push_back(&rule);
    }
    if (candidates.empty()) continue;
    const Node& from = *candidates.front()->get("from");
    // The outside of an exposed Service is the same kind of rule: not a controller's when it
    // is the only candidate and admits exactly what `expose` admits.
    std::string type(path(&svc->root, {"spec"})->str("type"));
    if (candidates.size() == 1 && (type == "NodePort" || type == "LoadBalancer")) {
      std::set<std::string> exposed, peers;
      if (const Node* r = path(&svc->root, {"spec", "loadBalancerSourceRanges"}); r && r->is_seq())
        for (const Node& x : r->items) exposed.insert(x.text);
      if (exposed.empty()) exposed = {"0.0.0.0/0", "::/0"};
      for (const Node& peer : from.items)
        peers.insert(peer.get("ipBlock") ? std::string(peer.get("ipBlock")->str("cidr")) : "");
      if (peers == exposed) continue;
    }
    Stmt c = Stmt::open("ingress " + cls);
    c.comments.push_back(fmt::format(
        "from stackc's NetworkPolicy {}: the peers it admits for the Ingress of class `{}`",
        np->name, cls));
    bool networks = std::all_of(from.items.begin(), from.items.end(),
                                [](const Node& peer) { return peer.get("ipBlock") != nullptr; });
    if (networks) {
      std::vector<std::string> cidrs, items;
      for (const Node& peer : from.items) {
        cidrs.push_back(std::string(peer.get("ipBlock")->str("cidr")));
        items.push_back(quote(cidrs.back()));
      }
      std::sort(cidrs.begin(), cidrs.end());
      if (cidrs == std::vector<std::string>{"0.0.0.0/0", "::/0"})
        c.add(Stmt::assign("anywhere", "true"));
      else
        c.add(Stmt::assign("cidrs", list(items)));
    } else if (from.items.size() == 1) {
      // The controller's pods: its namespace (by name; `{}` any) and its labels.
      const Node& peer = from.items.front();
      const Node* ns = path(&peer, {"namespaceSelector", "matchLabels"});
      bool any = !ns || (ns->is_map() && ns->size() == 0);
      if (!any &&
          !(ns->is_map() && ns->size() == 1 && !ns->str("kubernetes.io/metadata.name").empty()))
        continue;  // a namespace selected by other labels: the language cannot say it
      if (!any) c.add(Stmt::assign("namespace", quote(ns->str("kubernetes.io/metadata.name"))));
      if (!label_blocks(path(&peer, {"podSelector", "matchLabels"}), c)) continue;
    }
    if (c.body.empty()) continue;
    done.insert(cls);
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

// The script stackc's dump CronJob runs for `method` (check/system.cpp), for a backup `name`
// that keeps `days` days; empty for an unknown method.
std::string dump_script(const std::string& method, const std::string& name, std::int64_t days) {
  if (method == "pg_dump")
    return fmt::format(
        "find /backups -name '{name}-*.partial' -delete\n"
        "f=/backups/{name}-$(date -u +%Y%m%dT%H%M%SZ).sql.gz\n"
        "trap 'rm -f \"$f.partial\"' EXIT\n"
        "pg_dump --clean --if-exists --no-owner --no-privileges --lock-wait-timeout=300000 "
        "| gzip > \"$f.partial\"\n"
        "gzip -t \"$f.partial\"\n"
        "gunzip -c \"$f.partial\" | tail -n 5 | grep -q 'PostgreSQL database dump complete'\n"
        "mv \"$f.partial\" \"$f\"\n"
        "find /backups -name '{name}-*.sql.gz' -mtime +{days} -delete\n"
        "echo \"backup $f: $(wc -c < \"$f\") bytes, verified\"\n",
        fmt::arg("name", name), fmt::arg("days", days - 1));
  if (method == "redis-rdb")
    return fmt::format(
        "find /backups -name '{name}-*.partial*' -delete\n"
        "f=/backups/{name}-$(date -u +%Y%m%dT%H%M%SZ).rdb\n"
        "trap 'rm -f \"$f.partial\" \"$f.partial.gz\"' EXIT\n"
        "redis-cli -h \"$REDIS_HOST\" -p \"$REDIS_PORT\" --rdb \"$f.partial\"\n"
        "head -c 5 \"$f.partial\" | grep -q REDIS\n"
        "gzip \"$f.partial\" && mv \"$f.partial.gz\" \"$f.gz\"\n"
        "find /backups -name '{name}-*.rdb.gz' -mtime +{days} -delete\n"
        "echo \"backup $f.gz: $(wc -c < \"$f.gz\") bytes, verified\"\n",
        fmt::arg("name", name), fmt::arg("days", days - 1));
  return "";
}

// The days a dump script keeps (its `-mtime +N`, N = days - 1), or 0.
std::int64_t kept_days(const std::string& script) {
  auto m = script.find("-mtime +");
  if (m == std::string::npos) return 0;
  std::int64_t n = 0;
  for (std::size_t i = m + 8;
       i < script.size() && std::isdigit(static_cast<unsigned char>(script[i])); ++i)
    n = std::min<std::int64_t>(n * 10 + (script[i] - '0'), 100000);
  return n + 1;
}

void report_lost(Context& c, const Document& d, const std::string& what, const std::string& hint) {
  c.sink.report(base::make(base::Code::W0045, d.root.span,
                           fmt::format("{} `{}` is stackc's own, but {}", d.kind, d.name, what),
                           hint));
}

}  // namespace

std::vector<Stmt> backups(Context& c, const std::vector<const Document*>& docs, Own& own) {
  std::vector<Stmt> out;
  const Objects objects(docs);
  std::string instance;
  for (const Document* d : docs)
    if (const Node* l = path(&d->root, {"metadata", "labels"}); l && made_by_stackc(*d))
      if (!l->str("app.kubernetes.io/instance").empty())
        instance = std::string(l->str("app.kubernetes.io/instance"));
  // Velero Schedules: `<stack>-<env>-<name>` in `velero`, `of` the resources it includes.
  for (const Document* d : docs) {
    if (d->kind != "Schedule" || d->api_version.rfind("velero.io/", 0) != 0 ||
        !made_by_stackc(*d) || instance.empty() || d->name.rfind(instance + "-", 0) != 0)
      continue;
    std::string name = d->name.substr(instance.size() + 1);
    const Node* spec = d->root.get("spec");
    const Node* t = path(spec, {"template"});
    std::int64_t hours = 0;
    std::string ttl(t ? t->str("ttl") : "");
    if (!is_ident(name) || !t || ttl.size() < 6 || ttl.substr(ttl.size() - 5) != "h0m0s") continue;
    try {
      hours = std::stoll(ttl.substr(0, ttl.size() - 5));
    } catch (...) {
      continue;
    }
    std::vector<std::string> of;
    const Node* res = t->get("includedResources");
    if (!res) {
      of = {"manifests", "configmaps", "secrets"};
    } else if (res->is_seq()) {
      for (const Node& r : res->items)
        if (r.text == "configmaps" || r.text == "secrets") of.push_back(r.text);
    }
    if (of.empty() || hours <= 0 || hours > 24 * 36500) continue;
    Stmt b = Stmt::open("backup " + name);
    b.comments.push_back(fmt::format("the Velero Schedule {} (stackc's own)", d->name));
    b.add(Stmt::assign("of", list(of)));
    b.add(Stmt::assign("schedule", quote(spec->str("schedule"))));
    b.add(Stmt::assign("retain", duration_text(hours * 3600)));
    own.consumed.insert(d);
    out.push_back(std::move(b));
  }
  // Dump CronJobs: `backup-<name>`, running exactly stackc's script, with its claim.
  for (const Document* d : docs) {
    if (d->kind != "CronJob" || !made_by_stackc(*d) || d->name.rfind("backup-", 0) != 0) continue;
    std::string name = d->name.substr(7);
    const Node* spec = d->root.get("spec");
    const Node* pod = path(spec, {"jobTemplate", "spec", "template", "spec"});
    const Node* ctrs = pod ? pod->get("containers") : nullptr;
    if (!is_ident(name) || !ctrs || !ctrs->is_seq() || ctrs->items.size() != 1) continue;
    const Node& k = ctrs->items[0];
    const Node* args = k.get("args");
    if (!args || !args->is_seq() || args->items.size() != 1) continue;
    const std::string& script = args->items[0].text;
    std::int64_t days = kept_days(script);
    std::string method = dump_script("pg_dump", name, days) == script     ? "pg_dump"
                         : dump_script("redis-rdb", name, days) == script ? "redis-rdb"
                                                                          : "";
    if (method.empty()) continue;
    // The database: the host the dump connects to, `<db>` or `<db>-0.<db>-headless`.
    std::string host;
    if (const Node* env = k.get("env"); env && env->is_seq())
      for (const Node& e : env->items)
        if (e.str("name") == "PGHOST" || e.str("name") == "REDIS_HOST") {
          host = std::string(e.str("value"));
          const Node* ref = path(&e, {"valueFrom", "configMapKeyRef"});
          const Document* cm = ref ? objects.find("ConfigMap", ref->str("name")) : nullptr;
          if (const Node* data = cm ? cm->root.get("data") : nullptr)
            host = std::string(data->str(ref->str("key")));
        }
    std::string db = host.substr(0, host.find('.'));
    if (host.find('.') != std::string::npos && db.size() > 2 && db.substr(db.size() - 2) == "-0")
      db = db.substr(0, db.size() - 2);
    if (!is_ident(db) || !objects.find("StatefulSet", db)) {
      report_lost(
          c, *d,
          fmt::format("the database it dumps (`{}`) is not a StatefulSet of the input", host),
          "import it with the database's manifests, or write its `backup` block by hand");
      continue;
    }
    Stmt b = Stmt::open("backup " + name);
    b.comments.push_back(fmt::format("stackc's dump CronJob {} and its claim", d->name));
    b.add(Stmt::assign("of", db));
    b.add(Stmt::assign("schedule", quote(spec->str("schedule"))));
    b.add(Stmt::assign("retain", fmt::format("{}d", days)));
    const Document* pvc = objects.find("PersistentVolumeClaim", d->name);
    std::int64_t size = 0;
    if (pvc && made_by_stackc(*pvc) &&
        byte_count(path(&pvc->root, {"spec", "resources", "requests"})
                       ? path(&pvc->root, {"spec", "resources", "requests"})->str("storage")
                       : "",
                   size)) {
      own.consumed.insert(pvc);
      if (size != (std::int64_t{10} << 30)) b.add(Stmt::assign("storage", bytes_text(size)));
    }
    report_lost(c, *d,
                "its `restore_within` is not in the manifests (it sizes only the restore Job "
                "and runbook stackc writes outside `kubernetes/`)",
                "write `restore_within` in the imported `backup " + name +
                    "` if the backup has a restore objective");
    b.comments.push_back(
        "not in the input: `restore_within` (the restore Job is outside the manifests, W0045)");
    own.consumed.insert(d);
    for (const char* kind : {"ServiceAccount", "NetworkPolicy"})
      if (const Document* x = objects.find(kind, d->name); x && made_by_stackc(*x))
        own.consumed.insert(x);
    if (const Document* x = objects.find("ConfigMap", d->name + "-env"); x && made_by_stackc(*x))
      own.consumed.insert(x);
    own.additions[db].push_back(Stmt::assign("backup_method", method));
    own.notes[db].push_back(fmt::format(
        "backup_method {}: the dump of stackc's backup `{}` (CronJob {})", method, name, d->name));
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace stackc::importer
