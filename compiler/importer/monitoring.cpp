// stackc's own monitoring stack read back as the `monitoring` block (own.hpp; specs/import.md
// §2.1): Prometheus, Alertmanager, Grafana, Loki and the log collector as targets.md §11 builds
// them, their settings from their objects and configuration files, the alerts and records from
// the rules, and the `metrics` of each scraped workload from its Grafana dashboard.
#include <fmt/format.h>

#include <algorithm>
#include <memory>
#include <set>

#include "check/promql.hpp"
#include "check/system.hpp"
#include "importer/own.hpp"
#include "stdlib/stdlib.hpp"

namespace stackc::importer {
namespace {

using manifests::Document;
using manifests::Node;

const Document* own_object(const std::vector<const Document*>& docs, std::string_view kind,
                           std::string_view name) {
  for (const Document* d : docs)
    if (d->kind == kind && d->name == name && made_by_stackc(*d)) return d;
  return nullptr;
}

// A configuration file held in a ConfigMap, parsed (YAML or JSON) into its own source manager.
struct Parsed {
  base::SourceManager sm;
  base::Collector sink;
  std::vector<Document> docs;
  const Node* root() const { return docs.empty() ? nullptr : &docs.front().root; }
};

std::unique_ptr<Parsed> parse_file(const Document* cm, std::string_view key) {
  auto p = std::make_unique<Parsed>();
  const Node* data = cm ? cm->root.get("data") : nullptr;
  const Node* text = data ? data->get(key) : nullptr;
  if (!text || !text->is_scalar()) return p;
  base::FileId id = p->sm.add(std::string(key), text->text);
  p->docs = manifests::parse(p->sm, id, p->sink, false);
  if (p->sink.error_count()) p->docs.clear();
  return p;
}

// A duration as Prometheus writes it (`15d`, `5m`, `720h`) in seconds, 0 when it is none.
std::int64_t seconds_of(std::string_view s) {
  std::int64_t total = 0, v = 0;
  bool digits = false;
  for (char ch : s) {
    if (ch >= '0' && ch <= '9') {
      if (v > 100000000) return 0;
      v = v * 10 + (ch - '0');
      digits = true;
      continue;
    }
    std::int64_t unit = ch == 'd' ? 86400 : ch == 'h' ? 3600 : ch == 'm' ? 60 : ch == 's' ? 1 : 0;
    if (!unit || !digits) return 0;
    total += v * unit;
    v = 0;
    digits = false;
  }
  return digits ? 0 : total;
}

// The main container of a stackc workload (named after it).
const Node* container(const Document& d) {
  const Node* ctrs = path(&d.root, {"spec", "template", "spec", "containers"});
  if (!ctrs || !ctrs->is_seq()) return nullptr;
  for (const Node& k : ctrs->items)
    if (k.str("name") == d.name) return &k;
  return nullptr;
}

// `cpu` and `memory` of the main container, written only when they differ from the defaults.
void resources(const Node* k, std::int64_t cpu_lo, std::int64_t cpu_hi, std::int64_t mem_lo,
               std::int64_t mem_hi, Stmt& into) {
  const Node* req = path(k, {"resources", "requests"});
  const Node* lim = path(k, {"resources", "limits"});
  std::int64_t a = 0, b = 0;
  if (req && lim && cpu_millis(req->str("cpu"), a) && cpu_millis(lim->str("cpu"), b) &&
      (a != cpu_lo || b != cpu_hi))
    into.add(Stmt::assign("cpu", a == b ? cpu_text(a) : cpu_text(a) + ".." + cpu_text(b)));
  if (req && lim && byte_count(req->str("memory"), a) && byte_count(lim->str("memory"), b) &&
      (a != mem_lo || b != mem_hi))
    into.add(Stmt::assign("memory", a == b ? bytes_text(a) : bytes_text(a) + ".." + bytes_text(b)));
}

// The size of the StatefulSet's data claim, written when it is not `dflt`.
void storage(const Document& d, std::int64_t dflt, Stmt& into) {
  const Node* claims = path(&d.root, {"spec", "volumeClaimTemplates"});
  if (!claims || !claims->is_seq() || claims->items.empty()) return;
  const Node* req = path(&claims->items[0], {"spec", "resources", "requests"});
  std::int64_t v = 0;
  if (req && byte_count(req->str("storage"), v) && v != dflt)
    into.add(Stmt::assign("storage", bytes_text(v)));
}

// The value of `--flag=` among the container's args.
std::string flag(const Node* k, std::string_view name) {
  const Node* args = k ? k->get("args") : nullptr;
  if (!args || !args->is_seq()) return "";
  for (const Node& a : args->items)
    if (a.text.rfind(std::string(name) + "=", 0) == 0) return a.text.substr(name.size() + 1);
  return "";
}

// `secret("NAME", key = "KEY")` of a file Alertmanager reads, `/etc/alertmanager/secrets/N/K`.
std::string secret_file(std::string_view path) {
  constexpr std::string_view dir = "/etc/alertmanager/secrets/";
  if (path.rfind(dir, 0) != 0) return "";
  std::string_view rest = path.substr(dir.size());
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0 || slash + 1 == rest.size()) return "";
  return fmt::format("secret({}, key = {})", quote(rest.substr(0, slash)),
                     quote(rest.substr(slash + 1)));
}

void lost(Context& c, const Document& d, const std::string& what, const std::string& hint) {
  c.sink.report(base::make(base::Code::W0045, d.root.span,
                           fmt::format("{} `{}` is stackc's own, but {}", d.kind, d.name, what),
                           hint));
}

// The receivers and routing of alertmanager.yml; false when it is not what stackc writes.
bool alertmanager_block(const Node* cfg, Stmt& am) {
  const Node* route = cfg ? cfg->get("route") : nullptr;
  const Node* receivers = cfg ? cfg->get("receivers") : nullptr;
  if (!route || !receivers || !receivers->is_seq()) return false;
  if (std::int64_t s = seconds_of(route->str("group_wait")); s && s != 30)
    am.add(Stmt::assign("group_wait", duration_text(s)));
  if (std::int64_t s = seconds_of(route->str("repeat_interval")); s && s != 4 * 3600)
    am.add(Stmt::assign("repeat_interval", duration_text(s)));
  // The severities a receiver takes: the `severity=~"a|b"` matcher of its routes.
  std::map<std::string, std::string> severities;
  if (const Node* routes = route->get("routes"); routes && routes->is_seq())
    for (const Node& r : routes->items)
      if (const Node* ms = r.get("matchers"); ms && ms->is_seq())
        for (const Node& m : ms->items)
          if (m.text.rfind("severity=~\"", 0) == 0 && m.text.size() > 12) {
            std::string list = m.text.substr(11, m.text.size() - 12);
            std::vector<std::string> items;
            std::size_t b = 0;
            while (b <= list.size()) {
              auto e = list.find('|', b);
              if (e == std::string::npos) e = list.size();
              items.push_back(list.substr(b, e - b));
              if (!is_ident(items.back())) return false;  // not a severity stackc writes
              b = e + 1;
            }
            severities[std::string(r.str("receiver"))] =
                fmt::format("[{}]", fmt::join(items, ", "));
          }
  for (const Node& r : receivers->items) {
    std::string name(r.str("name"));
    if (name == "none") continue;
    if (!is_ident(name)) return false;
    Stmt rs = Stmt::open("receiver " + name);
    auto first = [&](const char* key) -> const Node* {
      const Node* l = r.get(key);
      return l && l->is_seq() && l->items.size() == 1 ? &l->items[0] : nullptr;
    };
    if (const Node* t = first("telegram_configs")) {
      std::string s = secret_file(t->str("bot_token_file"));
      const Node* chat = t->get("chat_id");
      if (s.empty() || !chat) return false;
      rs.add(Stmt::assign("bot_token", s));
      rs.add(Stmt::assign("chat_id", quote(chat->text)));
    } else if (const Node* sl = first("slack_configs")) {
      std::string s = secret_file(sl->str("api_url_file"));
      if (s.empty()) return false;
      rs.add(Stmt::assign("webhook", s));
      rs.add(Stmt::assign("channel", quote(sl->str("channel"))));
    } else if (const Node* w = first("webhook_configs")) {
      std::string s = secret_file(w->str("url_file"));
      if (s.empty()) return false;
      rs.add(Stmt::assign("webhook", s));
    } else if (const Node* em = first("email_configs")) {
      rs.add(Stmt::assign("email", quote(em->str("to"))));
      rs.add(Stmt::assign("smarthost", quote(em->str("smarthost"))));
      rs.add(Stmt::assign("from", quote(em->str("from"))));
    } else {
      return false;
    }
    if (auto it = severities.find(name); it != severities.end())
      rs.add(Stmt::assign("severity", it->second));
    am.add(std::move(rs));
  }
  return true;
}

// The `alert` and `record` declarations of the rule groups `<stack>-alerts` and
// `<stack>-records` (the standard rules of `<stack>-workloads` are stackc's, made again).
void rules(const Node* cfg, const std::string& stack, std::vector<Stmt>& out,
           std::vector<std::string>& exprs) {
  const Node* groups = cfg ? cfg->get("groups") : nullptr;
  if (!groups || !groups->is_seq()) return;
  for (const Node& g : groups->items) {
    std::string name(g.str("name"));
    auto is = [&](const std::string& base) {
      if (name == base) return true;
      if (name.rfind(base + "-", 0) != 0) return false;
      std::string n = name.substr(base.size() + 1);
      return !n.empty() &&
             std::all_of(n.begin(), n.end(), [](char ch) { return ch >= '0' && ch <= '9'; });
    };
    bool alerts = is(stack + "-alerts"), records = is(stack + "-records");
    const Node* rs = g.get("rules");
    if ((!alerts && !records) || !rs || !rs->is_seq()) continue;
    for (const Node& r : rs->items) {
      if (alerts) {
        Stmt a = Stmt::open("alert " + label(r.str("alert")));
        a.add(Stmt::assign("expr", quote(r.str("expr"))));
        exprs.push_back(std::string(r.str("expr")));
        if (std::int64_t s = seconds_of(r.str("for")); s)
          a.add(Stmt::assign("for", duration_text(s)));
        const Node* labels = r.get("labels");
        const Node* ann = r.get("annotations");
        if (labels && !labels->str("severity").empty())
          a.add(Stmt::assign("severity", label(labels->str("severity"))));
        if (ann) {
          a.add(Stmt::assign("summary", quote(ann->str("summary"))));
          if (!ann->str("description").empty())
            a.add(Stmt::assign("description", quote(ann->str("description"))));
          if (!ann->str("runbook_url").empty())
            a.add(Stmt::assign("runbook", quote(ann->str("runbook_url"))));
        }
        if (labels && !labels->str("notify").empty()) {
          std::vector<std::string> items;
          std::string n(labels->str("notify"));
          std::size_t b = 0;
          while (b <= n.size()) {
            auto e = n.find(',', b);
            if (e == std::string::npos) e = n.size();
            items.push_back(label(n.substr(b, e - b)));
            b = e + 1;
          }
          a.add(Stmt::assign("notify", list(items)));
        }
        out.push_back(std::move(a));
      } else {
        Stmt rec = Stmt::open("record " + label(r.str("record")));
        rec.add(Stmt::assign("expr", quote(r.str("expr"))));
        exprs.push_back(std::string(r.str("expr")));
        out.push_back(std::move(rec));
      }
    }
  }
}

// The metric a panel query of a workload dashboard charts, and its kind (grafana.md §4).
bool metric_of(std::string_view expr, std::string& name, std::string& kind) {
  auto sel = expr.find("{namespace=");
  if (sel == std::string_view::npos) return false;
  std::size_t b = sel;
  while (b > 0 && (std::isalnum(static_cast<unsigned char>(expr[b - 1])) || expr[b - 1] == '_' ||
                   expr[b - 1] == ':'))
    --b;
  name = std::string(expr.substr(b, sel - b));
  if (expr.rfind("histogram_quantile(", 0) == 0) {
    kind = "histogram";
    if (name.size() <= 7 || name.substr(name.size() - 7) != "_bucket") return false;
    name.resize(name.size() - 7);
  } else if (expr.rfind("sum(rate(", 0) == 0) {
    kind = "counter";
  } else if (expr.rfind("sum by (pod) (", 0) == 0) {
    kind = "gauge";
  } else if (expr.rfind("max by (quantile) (", 0) == 0) {
    kind = "summary";
  } else {
    return false;
  }
  return !name.empty();
}

// The workload a dashboard's query selects: `workload="NAME"`.
std::string workload_of(std::string_view expr) {
  auto w = expr.find("workload=\"");
  if (w == std::string_view::npos) return "";
  auto e = expr.find('"', w + 10);
  return e == std::string_view::npos ? "" : std::string(expr.substr(w + 10, e - w - 10));
}

// The exporters of the stdlib's templates: their exact pinned image and the metric prefix the
// template declares (the prefix is not in any object: it only tells the checker what the
// exporter exports, E2024).
std::map<std::string, std::string> stdlib_prefixes() {
  std::map<std::string, std::string> out;
  for (const std::string& m : stdlib::modules()) {
    auto text = stdlib::find(m);
    if (!text) continue;
    auto ex = text->find("exporter {");
    if (ex == std::string_view::npos) continue;
    auto value = [&](std::string_view key) -> std::string {
      auto k = text->find(std::string("\n    ") + std::string(key) + " ", ex);
      if (k == std::string_view::npos) return "";
      auto q = text->find('"', k);
      auto e = q == std::string_view::npos ? q : text->find('"', q + 1);
      return e == std::string_view::npos ? "" : std::string(text->substr(q + 1, e - q - 1));
    };
    std::string image = value("image"), prefix = value("prefix");
    if (!image.empty() && !prefix.empty()) out[image] = prefix;
  }
  return out;
}

// Whether stackc's NetworkPolicy `np` admits Prometheus on a port of its workload that is not
// its exporter's (the workload declares `metrics`, targets.md §5.6).
// The port of the exporter container (`exporter`) of workload `name`, as written, or "".
std::string exporter_port(const std::multimap<std::string, const Document*>& workloads,
                          const std::string& name) {
  for (auto [it, end] = workloads.equal_range(name); it != end; ++it)
    if (const Node* ctrs = path(&it->second->root, {"spec", "template", "spec", "containers"});
        ctrs && ctrs->is_seq())
      for (const Node& k : ctrs->items)
        if (const Node* ps = k.get("ports"); k.str("name") == "exporter" && ps && ps->is_seq() &&
                                             !ps->items.empty() &&
                                             ps->items[0].get("containerPort"))
          return ps->items[0].get("containerPort")->text;
  return "";
}

// `workloads`: the Deployments and StatefulSets of the input by name.
bool scraped_for_metrics(const std::multimap<std::string, const Document*>& workloads,
                         const Document& np) {
  std::set<std::int64_t> exporter;
  for (auto [it, end] = workloads.equal_range(np.name); it != end; ++it)
    if (const Document* d = it->second)
      if (const Node* ctrs = path(&d->root, {"spec", "template", "spec", "containers"});
          ctrs && ctrs->is_seq())
        for (const Node& k : ctrs->items)
          if (const Node* ps = k.get("ports"); ps && ps->is_seq() && k.str("name") == "exporter")
            for (const Node& p : ps->items) {
              std::int64_t n = 0;
              if (as_int(p.get("containerPort"), n)) exporter.insert(n);
            }
  const Node* in = path(&np.root, {"spec", "ingress"});
  if (!in || !in->is_seq()) return false;
  for (const Node& rule : in->items) {
    const Node* from = rule.get("from");
    const Node* ports = rule.get("ports");
    if (!from || !from->is_seq() || from->items.size() != 1 || !ports || !ports->is_seq()) continue;
    const Node& peer = from->items[0];
    const Node* pods = path(&peer, {"podSelector", "matchLabels"});
    if (peer.get("namespaceSelector") || !pods || pods->size() != 1 ||
        pods->str("app.kubernetes.io/name") != "prometheus")
      continue;
    for (const Node& p : ports->items) {
      std::int64_t n = 0;
      if (as_int(p.get("port"), n) && !exporter.count(n)) return true;
    }
  }
  return false;
}

// `dashboard NAME { title  metrics }` of stackc's dashboard file `NAME.json` (grafana.md §5: one
// chart per metric, titled by it), or a statement without a head when it is not one.
Stmt dashboard_block(const Node& root, std::string name) {
  if (name.size() <= 5 || name.substr(name.size() - 5) != ".json") return {};
  name.resize(name.size() - 5);
  const Node* panels = root.get("panels");
  if (!is_ident(name) || !panels || !panels->is_seq()) return {};
  Stmt b = Stmt::open("dashboard " + name);
  b.comments.push_back("stackc's Grafana dashboard " + name + ".json");
  if (root.str("title") != name) b.add(Stmt::assign("title", quote(root.str("title"))));
  std::vector<std::string> metrics;
  for (const Node& p : panels->items) {
    std::string t(p.str("title"));
    if (p.str("type") == "row") return {};
    for (std::string_view suffix : {" (per second)", " (p50, p95, p99)", " (quantiles, mean)"})
      if (t.size() > suffix.size() && t.substr(t.size() - suffix.size()) == suffix) {
        t.resize(t.size() - suffix.size());
        break;
      }
    metrics.push_back(quote(t));
  }
  b.add(Stmt::assign("metrics", list(metrics)));
  return b;
}

// Whether a workload of the monitoring stack is as stackc builds it where the block cannot say
// otherwise: its one container, running stackc's pinned image. Else it is reported (W0045) and
// imported as a workload, so that nothing of it is dropped.
bool pristine(Context& c, const Document& d, const char* image) {
  const Node* ctrs = path(&d.root, {"spec", "template", "spec", "containers"});
  const Node* k = container(d);
  if (ctrs && ctrs->is_seq() && ctrs->items.size() == 1 && k && k->str("image") == image &&
      !path(&d.root, {"spec", "template", "spec", "initContainers"}))
    return true;
  lost(c, d,
       fmt::format("it is not as stackc builds it (one container `{}` running `{}`): it is "
                   "imported as a workload, not as part of the `monitoring` block",
                   d.name, image),
       "write the `monitoring` block by hand, or make the workload stackc's again");
  return false;
}

}  // namespace

std::vector<Stmt> monitoring(Context& c, const std::vector<const Document*>& docs,
                             const std::string& stack, Own& own) {
  std::vector<Stmt> out;
  std::multimap<std::string, const Document*> workloads;
  for (const Document* d : docs)
    if (d->kind == "Deployment" || d->kind == "StatefulSet") workloads.emplace(d->name, d);
  const Document* prom = own_object(docs, "StatefulSet", "prometheus");
  if (prom && !pristine(c, *prom, check::SystemImages::prometheus)) prom = nullptr;
  const Document* prom_cfg = own_object(docs, "ConfigMap", "prometheus-config");
  if (!prom || !prom_cfg || stack.empty()) {
    // stackc's NetworkPolicies still say which workloads Prometheus scrapes: those it admits
    // on other ports than their exporter's declare `metrics`, whose names are lost.
    for (const Document* d : docs)
      if (d->kind == "NetworkPolicy" && made_by_stackc(*d) && scraped_for_metrics(workloads, *d)) {
        lost(c, *d,
             fmt::format("the names of the metrics Prometheus scrapes from `{}` are not in the "
                         "manifests (only the monitoring stack's dashboards hold them, and the "
                         "input has no monitoring stack)",
                         d->name),
             "write the workload's `metrics { counter NAME ... }` block by hand");
        own.notes[d->name].push_back(
            "not in the input: its `metrics { }` (stackc's NetworkPolicy admits Prometheus' "
            "scrapes; their names are not in the manifests, W0045)");
      }
    return out;
  }
  std::vector<std::string> exprs;  // of each `alert` and `record` of `out`, as written
  std::map<std::string, std::pair<std::string, std::string>> scrape;  // workload: path, port
  Stmt mo = Stmt::open("monitoring");
  mo.comments.push_back("stackc's own monitoring stack (its StatefulSets, configuration and RBAC)");
  auto consume = [&](std::string_view kind, std::string_view name) {
    if (const Document* d = own_object(docs, kind, name)) own.consumed.insert(d);
  };
  auto consume_workload = [&](const std::string& name, const char* kind) {
    consume(kind, name);
    for (const char* k : {"Service", "ServiceAccount", "NetworkPolicy"}) consume(k, name);
    consume("Service", name + "-headless");
    consume("ConfigMap", name + "-env");
  };
  // Prometheus.
  {
    Stmt p = Stmt::open("prometheus");
    const Node* k = container(*prom);
    if (std::int64_t s = seconds_of(flag(k, "--storage.tsdb.retention.time")); s && s != 15 * 86400)
      p.add(Stmt::assign("retention", duration_text(s)));
    storage(*prom, std::int64_t{10} << 30, p);
    auto cfg = parse_file(prom_cfg, "prometheus.yml");
    if (const Node* g = cfg->root() ? cfg->root()->get("global") : nullptr)
      if (std::int64_t s = seconds_of(g->str("scrape_interval")); s && s != 30)
        p.add(Stmt::assign("scrape_interval", duration_text(s)));
    resources(k, 250, 1000, std::int64_t{512} << 20, std::int64_t{2} << 30, p);
    mo.add(std::move(p));
    // The scrape jobs of the workloads' own metrics (not their exporters'): the path and port
    // each is scraped on, for their `metrics` blocks.
    if (const Node* jobs = cfg->root() ? cfg->root()->get("scrape_configs") : nullptr;
        jobs && jobs->is_seq())
      for (const Node& j : jobs->items) {
        std::string job(j.str("job_name"));
        const Node* relabel = j.get("relabel_configs");
        if (job.rfind("pods-", 0) != 0 || !relabel || !relabel->is_seq()) continue;
        std::string names, port;
        for (const Node& r : relabel->items) {
          const Node* src = r.get("source_labels");
          if (r.str("action") != "keep" || !src || !src->is_seq() || src->items.size() != 1)
            continue;
          if (src->items[0].text == "__meta_kubernetes_pod_label_app_kubernetes_io_name")
            names = r.str("regex");
          if (src->items[0].text == "__meta_kubernetes_pod_container_port_number")
            port = r.str("regex");
        }
        std::size_t b = 0;
        while (!names.empty() && b <= names.size()) {
          auto e = names.find('|', b);
          if (e == std::string::npos) e = names.size();
          std::string name = names.substr(b, e - b), mpath(j.str("metrics_path"));
          b = e + 1;
          // The job of the workload's exporter (its port): a path of its own is `exporter.path`.
          if (port == exporter_port(workloads, name)) {
            if (!mpath.empty() && mpath != "/metrics") {
              Stmt ex = Stmt::open("exporter");
              ex.add(Stmt::assign("path", quote(mpath)));
              own.additions[name].push_back(std::move(ex));
            }
            continue;
          }
          scrape[name] = {mpath, port};
        }
      }
    consume_workload("prometheus", "StatefulSet");
    consume("ConfigMap", "prometheus-config");
    for (const char* kind : {"Role", "RoleBinding"}) consume(kind, "prometheus");
    for (const Document* d : docs)
      if ((d->kind == "ClusterRole" || d->kind == "ClusterRoleBinding") && made_by_stackc(*d) &&
          d->name == c.ns + "-prometheus")
        own.consumed.insert(d);
    // The rules: `prometheus-rules`, or `prometheus-rules-1`, `-2`... with `rules-N.yml`.
    for (const Document* d : docs) {
      if (d->kind != "ConfigMap" || !made_by_stackc(*d) ||
          d->name.rfind("prometheus-rules", 0) != 0)
        continue;
      own.consumed.insert(d);
      if (const Node* data = d->root.get("data"); data && data->is_map())
        for (std::size_t i = 0; i < data->size(); ++i) {
          auto f = parse_file(d, data->key(i).text);
          rules(f->root(), stack, out, exprs);
        }
    }
  }
  // Alertmanager.
  if (const Document* am = own_object(docs, "StatefulSet", "alertmanager")) {
    Stmt a = Stmt::open("alertmanager");
    auto cfg = parse_file(own_object(docs, "ConfigMap", "alertmanager-config"), "alertmanager.yml");
    bool as_built = pristine(c, *am, check::SystemImages::alertmanager);
    if (as_built && alertmanager_block(cfg->root(), a)) {
      mo.add(std::move(a));
      consume_workload("alertmanager", "StatefulSet");
      consume("ConfigMap", "alertmanager-config");
    } else {
      if (as_built)
        lost(c, *am, "its configuration (`alertmanager-config`) is not what stackc writes",
             "the Alertmanager is imported as a workload; write `alertmanager { receiver ... }` "
             "in the `monitoring` block by hand");
      // Without its receivers, the alerts cannot name them.
      for (Stmt& a : out)
        for (auto it = a.body.begin(); it != a.body.end(); ++it)
          if (it->head == "notify") {
            a.comments.push_back("not imported: `notify = " + it->value +
                                 "` (its Alertmanager is not read back, W0045)");
            a.body.erase(it);
            break;
          }
    }
  }
  // Grafana.
  if (const Document* gr = own_object(docs, "StatefulSet", "grafana");
      gr && pristine(c, *gr, check::SystemImages::grafana)) {
    Stmt g = Stmt::open("grafana");
    const Node* k = container(*gr);
    if (const Node* env = k ? k->get("env") : nullptr; env && env->is_seq())
      for (const Node& e : env->items)
        if (e.str("name") == "GF_SECURITY_ADMIN_PASSWORD")
          if (const Node* ref = path(&e, {"valueFrom", "secretKeyRef"}))
            g.add(Stmt::assign("admin_password",
                               fmt::format("secret({}, key = {})", quote(ref->str("name")),
                                           quote(ref->str("key")))));
    storage(*gr, std::int64_t{1} << 30, g);
    resources(k, 100, 500, std::int64_t{128} << 20, std::int64_t{512} << 20, g);
    mo.add(std::move(g));
    consume_workload("grafana", "StatefulSet");
    consume("ConfigMap", "grafana-provisioning");
    for (const Document* d : docs) {
      if (d->kind != "ConfigMap" || !made_by_stackc(*d) ||
          d->name.rfind("grafana-dashboards", 0) != 0)
        continue;
      own.consumed.insert(d);
      const Node* data = d->root.get("data");
      for (std::size_t i = 0; data && data->is_map() && i < data->size(); ++i) {
        const std::string& file = data->key(i).text;
        auto dash = parse_file(d, file);
        const Node* root = dash->root();
        if (!root) continue;
        if (file.rfind(stack + "-d-", 0) == 0) {
          if (Stmt b = dashboard_block(*root, file.substr(stack.size() + 3)); !b.head.empty()) {
            out.push_back(std::move(b));
            exprs.emplace_back();
          } else {
            lost(c, *d,
                 fmt::format("its dashboard `{}` (a `dashboard` block) is not read back", file),
                 "write the `dashboard NAME { title  metrics }` block by hand");
            own.consumed.erase(d);  // kept whole as a comment, with the rest of the ConfigMap
          }
          continue;
        }
        if (file == stack + "-overview.json") {
          // Its rows, `NAME (KIND)`, are the long-running workloads in declaration order.
          if (const Node* panels = root->get("panels"); panels && panels->is_seq())
            for (const Node& pn : panels->items) {
              std::string title(pn.str("title"));
              auto sp = title.find(" (");
              if (pn.str("type") == "row" && sp != std::string::npos && title.back() == ')')
                own.order.push_back(title.substr(0, sp));
            }
          continue;
        }
        if (file.rfind(stack + "-w-", 0) != 0) continue;
        // A workload dashboard: the charts of its Metrics row, in declaration order.
        const Node* panels = root->get("panels");
        if (!panels || !panels->is_seq()) continue;
        bool in_metrics = false;
        std::string workload;
        Stmt m = Stmt::open("metrics");
        for (const Node& pn : panels->items) {
          if (pn.str("type") == "row") {
            in_metrics = pn.str("title") == "Metrics";
            continue;
          }
          const Node* targets = pn.get("targets");
          if (!in_metrics || !targets || !targets->is_seq() || targets->items.empty()) continue;
          std::string expr(targets->items[0].str("expr")), name, kind;
          if (expr.find("version=\"") != std::string::npos) break;  // a version's: its workload's
          if (!metric_of(expr, name, kind) || !is_ident(name)) continue;
          workload = workload_of(expr);
          m.add(Stmt::assign(kind + " " + name, ""));
        }
        if (auto it = scrape.find(workload); it != scrape.end() && !m.body.empty()) {
          const auto& [mpath, mport] = it->second;
          if (!mpath.empty() && mpath != "/metrics")
            m.body.insert(m.body.begin(), Stmt::assign("path", quote(mpath)));
          // The port, when it is not the first of the main container (the default).
          const Document* wd = nullptr;
          if (auto w = workloads.find(workload); w != workloads.end()) wd = w->second;
          const Node* k = wd ? container(*wd) : nullptr;
          const Node* ps = k ? k->get("ports") : nullptr;
          if (ps && ps->is_seq() && !ps->items.empty())
            for (std::size_t i = 1; i < ps->items.size(); ++i)
              if (ps->items[i].get("containerPort") &&
                  ps->items[i].get("containerPort")->text == mport &&
                  ps->items[0].get("containerPort") &&
                  ps->items[0].get("containerPort")->text != mport)
                m.body.insert(m.body.begin(),
                              Stmt::assign("port", quote(ps->items[i].str("name"))));
        }
        if (!workload.empty() && !m.body.empty()) {
          own.additions[workload].push_back(std::move(m));
          own.notes[workload].push_back(fmt::format(
              "metrics: the charts of its Grafana dashboard `{}` (stackc's own)", file));
        }
      }
    }
  }
  // Loki and its log collector.
  const Document* collector = own_object(docs, "Deployment", "log-collector");
  if (const Document* lk = own_object(docs, "StatefulSet", "loki");
      lk && pristine(c, *lk, check::SystemImages::loki) &&
      (!collector || pristine(c, *collector, check::SystemImages::alloy))) {
    Stmt l = Stmt::open("loki");
    auto cfg = parse_file(own_object(docs, "ConfigMap", "loki-config"), "loki.yaml");
    if (const Node* lim = cfg->root() ? cfg->root()->get("limits_config") : nullptr)
      if (std::int64_t s = seconds_of(lim->str("retention_period")); s && s != 30 * 86400)
        l.add(Stmt::assign("retention", duration_text(s)));
    storage(*lk, std::int64_t{10} << 30, l);
    resources(container(*lk), 100, 500, std::int64_t{256} << 20, std::int64_t{1} << 30, l);
    mo.add(std::move(l));
    consume_workload("loki", "StatefulSet");
    consume("ConfigMap", "loki-config");
    consume_workload("log-collector", "Deployment");
    consume("ConfigMap", "log-collector-config");
    for (const char* kind : {"Role", "RoleBinding"}) consume(kind, "log-collector");
  }
  // The exporters of the stdlib's templates export their prefix (for the alerts' metrics).
  auto exporter_prefixes = stdlib_prefixes();
  for (const Document* d : docs) {
    if ((d->kind != "StatefulSet" && d->kind != "Deployment") || !made_by_stackc(*d) ||
        own.consumed.count(d))
      continue;
    const Node* ctrs = path(&d->root, {"spec", "template", "spec", "containers"});
    for (std::size_t i = 0; ctrs && ctrs->is_seq() && i < ctrs->items.size(); ++i)
      if (ctrs->items[i].str("name") == "exporter")
        if (auto it = exporter_prefixes.find(std::string(ctrs->items[i].str("image")));
            it != exporter_prefixes.end()) {
          Stmt e = Stmt::open("exporter");
          e.add(Stmt::assign("prefix", quote(it->second)));
          own.additions[d->name].push_back(std::move(e));
        }
  }
  // A workload Prometheus scrapes whose metrics no dashboard names (no Grafana): reported.
  for (const Document* d : docs)
    if (d->kind == "NetworkPolicy" && made_by_stackc(*d) && !own.consumed.count(d) &&
        scraped_for_metrics(workloads, *d)) {
      auto& adds = own.additions[d->name];
      if (std::any_of(adds.begin(), adds.end(), [](const Stmt& x) { return x.head == "metrics"; }))
        continue;
      lost(c, *d,
           fmt::format("the names of the metrics Prometheus scrapes from `{}` are not in the "
                       "manifests (only Grafana's dashboards hold them, and the monitoring stack "
                       "has no Grafana)",
                       d->name),
           "write the workload's `metrics { counter NAME ... }` block by hand");
      own.notes[d->name].push_back(
          "not in the input: its `metrics { }` (Prometheus scrapes it; their names are not in "
          "the manifests, W0045)");
    }
  // The alerts and records whose metrics nothing imported exports would not check (E2024):
  // kept as comments instead, and reported.
  std::set<std::string> known(check::standard_metrics().begin(), check::standard_metrics().end());
  std::vector<std::string> prefixes{"prometheus_"};
  for (const auto& [w, adds] : own.additions)
    for (const Stmt& a : adds) {
      if (a.head == "metrics")
        for (const Stmt& m : a.body) {
          auto sp = m.head.find(' ');
          std::string kind = m.head.substr(0, sp), name = m.head.substr(sp + 1);
          known.insert(name);
          if (kind == "histogram" || kind == "summary")
            for (const char* x : {"_sum", "_count"}) known.insert(name + x);
          if (kind == "histogram") known.insert(name + "_bucket");
        }
      if (a.head == "exporter")
        for (const Stmt& x : a.body)
          if (x.head == "prefix" && x.value.size() > 2)
            prefixes.push_back(x.value.substr(1, x.value.size() - 2));
    }
  for (const Stmt& r : out)
    if (r.head.rfind("record ", 0) == 0) {
      std::string name = r.head.substr(7);
      if (name.size() > 1 && name.front() == '"') name = name.substr(1, name.size() - 2);
      known.insert(name);
    }
  std::vector<std::string> dropped;
  std::vector<Stmt> kept;
  for (std::size_t i = 0; i < out.size(); ++i) {
    std::vector<std::string> missing;
    for (const auto& sel : check::promql::parse(exprs[i]).selectors) {
      bool exported = sel.metric.empty() || known.count(sel.metric) ||
                      std::any_of(prefixes.begin(), prefixes.end(), [&](const std::string& p) {
                        return sel.metric.rfind(p, 0) == 0;
                      });
      if (!exported && std::find(missing.begin(), missing.end(), sel.metric) == missing.end())
        missing.push_back(sel.metric);
    }
    if (missing.empty()) {
      kept.push_back(std::move(out[i]));
      continue;
    }
    dropped.push_back(out[i].head);
    Stmt comment = Stmt::comment({fmt::format(
        "not imported: {} (it reads {}, which no imported workload is known to export, W0045):",
        out[i].head, fmt::join(missing, ", "))});
    comment.comments.push_back("  " + out[i].head + " {");
    for (const Stmt& x : out[i].body) comment.comments.push_back("    " + x.head + " = " + x.value);
    comment.comments.push_back("  }");
    kept.push_back(std::move(comment));
  }
  if (!dropped.empty())
    for (const Document* d : docs)
      if (d->kind == "ConfigMap" && made_by_stackc(*d) &&
          d->name.rfind("prometheus-rules", 0) == 0) {
        lost(c, *d,
             fmt::format("{} of its rules read metrics whose workloads are not known (their "
                         "`metrics` are not in the manifests): {}; kept as comments",
                         dropped.size(),
                         dropped.size() <= 5
                             ? fmt::format("{}", fmt::join(dropped, ", "))
                             : fmt::format("{}, and {} more",
                                           fmt::join(dropped.begin(), dropped.begin() + 5, ", "),
                                           dropped.size() - 5)),
             "write the workloads' `metrics { }` blocks, then the rules from the comments");
        break;
      }
  out = std::move(kept);
  out.insert(out.begin(), std::move(mo));
  return out;
}

}  // namespace stackc::importer
