// A workload's pod template -> its .stack fields: containers (image, command, env, resources,
// probes), init and sidecar containers, the exporter, volumes and mounts, the security context
// (only what differs from stackc's restricted defaults), node selector, labels and annotations.
#include <fmt/format.h>

#include <algorithm>
#include <string>
#include <vector>

#include "check/credentials.hpp"
#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

using manifests::Node;
using manifests::Type;

// Keeps every entry of the mapping `m` whose key is not in `known`.
void rest(Context& c, const Node& m, std::initializer_list<std::string_view> known,
          const std::string& what, std::vector<std::string>& comments) {
  if (!m.is_map()) return;
  for (std::size_t i = 0; i < m.size(); ++i)
    if (!one_of(m.key(i).text, known)) {
      auto lines = keep(c, m.key(i), m.value(i), what);
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
}

// `command` or `args`: references inferred, literal credentials read from a Secret (`vars`).
std::string strings(const Node& seq, Context& c, const std::string& self, const Node& ctr,
                    std::vector<ArgSecret>& vars, std::vector<std::string>& notes,
                    std::string_view what) {
  std::vector<std::string> items;
  for (const Node& n : seq.items) {
    std::string text = hide_arg_credentials(c, self, ctr, n, what, vars, notes);
    std::string inferred;
    if (infer(c, self, what, text, inferred, notes))
      items.push_back(inferred);
    else
      items.push_back(quote(text));
  }
  return list(items);
}

std::string upper_name(std::string_view w) {
  std::string out;
  for (char ch : w) out += ch == '-' ? '_' : static_cast<char>(std::toupper(ch));
  return out;
}

struct EnvEntry {
  std::string name;
  std::string expr;     // the .stack value
  std::string literal;  // a literal's text
  bool is_literal = false;
};

// A literal value: a reference when it addresses an imported Service, else a string; a
// credential is never copied (W0041).
std::string literal_value(Context& c, const std::string& workload, const std::string& name,
                          const std::string& value, const Node& at,
                          std::vector<std::string>& notes) {
  if (auto f = check::find_credential_entry(name, value)) {
    std::string key;
    for (char ch : name) key += ch == '_' ? '-' : static_cast<char>(std::tolower(ch));
    c.sink.report(base::make(
        base::Code::W0041, at.span,
        fmt::format("the value of `{}` is a credential ({}): it is not copied into the .stack",
                    name, f.what),
        fmt::format("create the Secret `{}` with the key `{}` in the namespace; the .stack reads "
                    "it with `secret(\"{}\", key = \"{}\")`",
                    workload, key, workload, key)));
    c.secret_keys[workload].insert(key);
    notes.push_back(
        fmt::format("env {}: a literal credential in the input, now the Secret `{}` "
                    "(key `{}`) to create",
                    name, workload, key));
    return fmt::format("secret({}, key = {})", quote(workload), quote(key));
  }
  std::string inferred;
  if (infer(c, workload, "env " + name, value, inferred, notes)) return inferred;
  return quote(value);
}

const Node* configmap_data(const Context& c, std::string_view name) {
  auto it = c.configmaps.find(std::string(name));
  if (it == c.configmaps.end()) return nullptr;
  const Node* d = it->second->root.get("data");
  return d && d->is_map() ? d : nullptr;
}

// The `env` and `envFrom` of a container as entries.
std::vector<EnvEntry> env_entries(Context& c, const std::string& workload, const Node& ctr,
                                  const std::string& cm_prefix, std::vector<std::string>& notes,
                                  std::vector<std::string>& comments) {
  std::vector<EnvEntry> out;
  auto add_literal = [&](const std::string& name, const std::string& value, const Node& at) {
    EnvEntry e;
    e.name = name;
    e.literal = value;
    e.is_literal = true;
    e.expr = literal_value(c, workload, name, value, at, notes);
    if (e.expr.rfind("secret(", 0) == 0) e.is_literal = false;
    out.push_back(std::move(e));
  };
  if (const Node* from = ctr.get("envFrom"); from && from->is_seq()) {
    for (const Node& f : from->items) {
      std::string prefix(f.str("prefix"));
      const Node* cm = f.get("configMapRef");
      const Node* sec = f.get("secretRef");
      const Node* data = cm ? configmap_data(c, cm->str("name")) : nullptr;
      if (cm && data) {
        c.used_configmaps.insert(std::string(cm->str("name")));
        for (std::size_t i = 0; i < data->size(); ++i)
          if (is_ident(prefix + data->key(i).text))
            add_literal(prefix + data->key(i).text, data->value(i).text, data->value(i));
        continue;
      }
      auto sit = sec ? c.secrets.find(std::string(sec->str("name"))) : c.secrets.end();
      if (sec && sit != c.secrets.end()) {
        std::string sname(sec->str("name"));
        c.used_secrets.insert(sname);
        for (const char* field : {"data", "stringData"})
          if (const Node* d = sit->second->root.get(field); d && d->is_map())
            for (std::size_t i = 0; i < d->size(); ++i) {
              EnvEntry e;
              e.name = prefix + d->key(i).text;
              e.expr = fmt::format("secret({}, key = {})", quote(sname), quote(d->key(i).text));
              c.secret_keys[sname].insert(d->key(i).text);
              if (is_ident(e.name)) out.push_back(std::move(e));
            }
        continue;
      }
      // A ConfigMap or Secret that is not in the input: its keys are not known.
      Node key;
      key.span = f.span;
      auto lines = keep(c, key, f, "`envFrom` (its ConfigMap or Secret is not in the input)");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  }
  const Node* env = ctr.get("env");
  if (!env || !env->is_seq()) return out;
  for (const Node& e : env->items) {
    std::string name(e.str("name"));
    const Node* value = e.get("value");
    const Node* from = e.get("valueFrom");
    if (!is_ident(name)) {
      Node key;
      key.span = e.span;
      auto lines = keep(c, key, e, fmt::format("the variable `{}` (not an identifier)", name));
      comments.insert(comments.end(), lines.begin(), lines.end());
      continue;
    }
    if (!from) {
      add_literal(name, value ? value->text : "", value ? *value : e);
      continue;
    }
    const Node* cmk = from->get("configMapKeyRef");
    const Node* sk = from->get("secretKeyRef");
    if (cmk) {
      const Node* data = configmap_data(c, cmk->str("name"));
      // stackc's own ConfigMap holds the init and sidecar containers' values under `NAME.KEY`.
      const Node* v = data ? data->get(cmk->str("key")) : nullptr;
      if (!v && data && !cm_prefix.empty()) v = data->get(cm_prefix + std::string(cmk->str("key")));
      if (v) {
        c.used_configmaps.insert(std::string(cmk->str("name")));
        add_literal(name, v->text, *v);
        continue;
      }
    } else if (sk && !sk->str("name").empty() && !sk->str("key").empty()) {
      std::string sname(sk->str("name")), skey(sk->str("key"));
      c.used_secrets.insert(sname);
      c.secret_keys[sname].insert(skey);
      EnvEntry en;
      en.name = name;
      en.expr = fmt::format("secret({}, key = {})", quote(sname), quote(skey));
      out.push_back(std::move(en));
      continue;
    }
    Node key;
    key.span = e.span;
    auto lines =
        keep(c, key, e,
             cmk ? fmt::format("the variable `{}` (its ConfigMap is not in the input)", name)
                 : fmt::format("the variable `{}`", name));
    comments.insert(comments.end(), lines.begin(), lines.end());
  }
  return out;
}

// `cpu` and `memory` from `resources`; false for a field the input does not set.
struct Resources {
  std::string cpu, memory;  // the .stack values, empty when unset
  std::int64_t cpu_req = 0, mem_req = 0;
};

Resources resources(Context& c, const Node& ctr, const std::string& what,
                    std::vector<std::string>& comments) {
  Resources r;
  const Node* res = ctr.get("resources");
  if (!res || !res->is_map()) return r;
  rest(c, *res, {"requests", "limits"}, what, comments);
  const Node* req = res->get("requests");
  const Node* lim = res->get("limits");
  auto one = [&](const char* key, bool cpu, std::string& text, std::int64_t& request) {
    std::int64_t lo = 0, hi = 0;
    bool has_lo = req && (cpu ? cpu_millis(req->str(key), lo) : byte_count(req->str(key), lo));
    bool has_hi = lim && (cpu ? cpu_millis(lim->str(key), hi) : byte_count(lim->str(key), hi));
    auto txt = [cpu](std::int64_t v) { return cpu ? cpu_text(v) : bytes_text(v); };
    if (has_lo && lo <= 0) has_lo = false;
    if (has_hi && hi <= 0) has_hi = false;
    if (has_lo && has_hi && lo != hi)
      text = txt(lo) + ".." + txt(hi);
    else if (has_lo || has_hi)
      text = txt(has_lo ? lo : hi);
    request = has_lo ? lo : hi;
  };
  one("cpu", true, r.cpu, r.cpu_req);
  one("memory", false, r.memory, r.mem_req);
  for (const Node* m : {req, lim})
    if (m && m->is_map()) rest(c, *m, {"cpu", "memory"}, what + " resources", comments);
  return r;
}

std::string seconds(std::int64_t s) {
  return fmt::format("{}s", s);
}

// A probe as the language writes it, or "" when it has no form (then kept).
std::string probe(Context& c, const Node& p, const std::vector<PortSpec>& ports,
                  const std::string& what, std::vector<std::string>& comments) {
  std::vector<std::string> args;
  std::string kind;
  auto port_arg = [&](const Node* port, bool named_ok) -> std::string {
    if (!port) return "";
    std::int64_t n = 0;
    if (as_int(port, n)) return fmt::format("{}", n);
    for (const PortSpec& ps : ports)
      if (ps.container_name == port->text || ps.name == port->text)
        return named_ok ? ps.name : fmt::format("{}", ps.container);
    return quote(port->text);
  };
  if (const Node* h = p.get("httpGet")) {
    kind = "http";
    args.push_back(quote(h->str("path").empty() ? "/" : h->str("path")));
    std::string port = port_arg(h->get("port"), true);
    if (!port.empty() && !(ports.size() && port == ports.front().name))
      args.push_back("port = " + port);
    if (const Node* hs = h->get("httpHeaders"); hs && hs->is_seq() && !hs->items.empty()) {
      std::vector<std::string> items;
      for (const Node& hd : hs->items)
        items.push_back(quote(fmt::format("{}: {}", hd.str("name"), hd.str("value"))));
      args.push_back("headers = " + list(items));
    }
    rest(c, *h, {"path", "port", "httpHeaders", "scheme"}, what, comments);
    if (h->str("scheme") == "HTTPS") {
      Node k;
      k.span = h->span;
      auto lines = keep(c, k, *h->get("scheme"), what + " (an HTTPS probe)");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  } else if (const Node* t = p.get("tcpSocket")) {
    kind = "tcp";
    args.push_back(port_arg(t->get("port"), true));
    if (args.back().empty()) return "";
    rest(c, *t, {"port"}, what, comments);
  } else if (const Node* g = p.get("grpc")) {
    kind = "grpc";
    std::string port = port_arg(g->get("port"), false);
    if (!port.empty()) args.push_back(port);
    if (!g->str("service").empty()) args.push_back("service = " + quote(g->str("service")));
    rest(c, *g, {"port", "service"}, what, comments);
  } else if (const Node* e = p.get("exec")) {
    kind = "exec";
    const Node* cmd = e->get("command");
    if (!cmd || !cmd->is_seq() || cmd->items.empty()) return "";
    std::vector<std::string> items;
    for (const Node& s : cmd->items) items.push_back(quote(s.text));
    args.push_back(list(items));
  } else {
    return "";
  }
  std::int64_t v = 0;
  if (as_int(p.get("initialDelaySeconds"), v) && v > 0) args.push_back("delay = " + seconds(v));
  if (as_int(p.get("periodSeconds"), v) && v != 10 && v > 0)
    args.push_back("period = " + seconds(v));
  // Kubernetes' timeout is 1s when unset, stackc's 5s.
  if (!as_int(p.get("timeoutSeconds"), v)) v = 1;
  if (v != 5 && v > 0) args.push_back("timeout = " + seconds(v));
  if (as_int(p.get("failureThreshold"), v) && v != 3 && v > 0)
    args.push_back(fmt::format("failures = {}", v));
  if (as_int(p.get("successThreshold"), v) && v != 1 && v > 0)
    args.push_back(fmt::format("successes = {}", v));
  rest(c, p,
       {"httpGet", "tcpSocket", "grpc", "exec", "initialDelaySeconds", "periodSeconds",
        "timeoutSeconds", "failureThreshold", "successThreshold"},
       what, comments);
  std::string out = kind + "(";
  for (std::size_t i = 0; i < args.size(); ++i) out += (i ? ", " : "") + args[i];
  return out + ")";
}

// The fields a container of any role has: image, command, args, working_dir, env.
// An image as the language reads it: a bare name would be the stack's own image, so Docker Hub's
// untagged `mongo` is written `docker.io/library/mongo`. An image without a pinned tag is W0044
// (stackc refuses it, E2018).
std::string image_of(Context& c, const Node& ctr) {
  std::string image(ctr.str("image"));
  const Node* at = ctr.get("image");
  auto slash = image.find('/');
  auto colon = image.find(':', slash == std::string::npos ? 0 : slash);
  bool digest = image.find('@') != std::string::npos;
  bool tagged = colon != std::string::npos || digest;
  if (!image.empty() && slash == std::string::npos && !tagged) image = "docker.io/library/" + image;
  bool latest = colon != std::string::npos && image.substr(colon) == ":latest";
  if (at && !image.empty() && (!tagged || latest))
    c.sink.report(base::make(
        base::Code::W0044, at->span,
        fmt::format("the image `{}` has no pinned tag: stackc refuses it until one is written",
                    ctr.str("image")),
        "replace it in the .stack with the version you run, such as `" +
            image.substr(0, latest ? colon : image.size()) +
            ":1.2.3` (stackc builds only pinned images, E2018)"));
  return quote(image);
}

void container_basics(Context& c, const std::string& workload, const Node& ctr, Stmt& into,
                      const std::string& cm_prefix, std::vector<std::string>& notes,
                      std::vector<std::string>& comments, std::vector<EnvEntry>* entries_out) {
  into.add(Stmt::assign("image", image_of(c, ctr)));
  std::vector<ArgSecret> vars;
  if (const Node* cmd = ctr.get("command"); cmd && cmd->is_seq() && !cmd->items.empty())
    into.add(Stmt::assign("command", strings(*cmd, c, workload, ctr, vars, notes, "command")));
  if (const Node* a = ctr.get("args"); a && a->is_seq() && !a->items.empty())
    into.add(Stmt::assign("args", strings(*a, c, workload, ctr, vars, notes, "args")));
  if (!ctr.str("workingDir").empty())
    into.add(Stmt::assign("working_dir", quote(ctr.str("workingDir"))));
  auto entries = env_entries(c, workload, ctr, cm_prefix, notes, comments);
  for (const auto& v : vars)  // the credentials of the arguments, as `$(VAR)` reads them
    entries.push_back(
        {v.var, fmt::format("secret({}, key = {})", quote(workload), quote(v.key)), "", false});
  if (entries_out) {
    *entries_out = std::move(entries);
    return;
  }
  if (!entries.empty()) {
    Stmt env = Stmt::open("env");
    for (auto& e : entries) env.add(Stmt::assign(e.name, e.expr));
    into.add(std::move(env));
  }
}

}  // namespace

void labels_blocks(const Node* m, const char* field, std::initializer_list<std::string_view> skip,
                   Context& c, Stmt& decl, const std::string& what,
                   std::vector<std::string>& comments) {
  if (!m || !m->is_map()) return;
  std::vector<std::pair<std::string, Stmt>> blocks;
  for (std::size_t i = 0; i < m->size(); ++i) {
    const std::string& k = m->key(i).text;
    if (one_of(k, skip)) continue;
    auto slash = k.rfind('/');
    std::string prefix = slash == std::string::npos ? "" : k.substr(0, slash);
    std::string name = slash == std::string::npos ? k : k.substr(slash + 1);
    if (!is_ident(name)) {
      auto lines = keep(c, m->key(i), m->value(i), what);
      comments.insert(comments.end(), lines.begin(), lines.end());
      continue;
    }
    auto it = std::find_if(blocks.begin(), blocks.end(),
                           [&](const auto& b) { return b.first == prefix; });
    if (it == blocks.end()) {
      blocks.emplace_back(
          prefix, Stmt::open(prefix.empty() ? field : fmt::format("{} {}", field, quote(prefix))));
      it = blocks.end() - 1;
    }
    it->second.add(Stmt::assign(name, quote(m->value(i).text)));
  }
  for (auto& b : blocks) decl.add(std::move(b.second));
}

const Node* main_container(const Node& spec, const std::string& workload) {
  const Node* ctrs = spec.get("containers");
  if (!ctrs || !ctrs->is_seq() || ctrs->items.empty()) return nullptr;
  for (const Node& k : ctrs->items)
    if (k.str("name") == workload) return &k;
  return &ctrs->items.front();
}

PodResult pod_fields(Context& c, const std::string& workload, const Node& tmpl, const Node* claims,
                     const std::vector<PortSpec>& ports, Stmt& decl,
                     std::vector<std::string>& comments) {
  PodResult r;
  std::vector<std::string> notes;  // inferences
  const Node* spec = tmpl.get("spec");
  const Node* main = spec ? main_container(*spec, workload) : nullptr;
  if (!main) return r;
  std::string what = fmt::format("the container `{}`", main->str("name"));

  // Main container.
  std::vector<EnvEntry> entries;
  container_basics(c, workload, *main, decl, "", notes, comments, &entries);
  Resources res = resources(c, *main, what, comments);
  if (res.cpu.empty() || res.memory.empty())
    c.sink.report(base::make(
        base::Code::W0042, main->get("name") ? main->get("name")->span : main->span,
        fmt::format("the container `{}` has no {} requests and limits: the .stack has assumed "
                    "ones",
                    main->str("name"),
                    res.cpu.empty() && res.memory.empty() ? "CPU and memory"
                    : res.cpu.empty()                     ? "CPU"
                                                          : "memory"),
        "write the requests and limits the workload needs (`cpu = 100m..500m`): stackc checks "
        "that the pods fit the cluster"));
  if (res.cpu.empty()) {
    res.cpu = "100m..500m";
    res.cpu_req = 100;
    comments.push_back(
        "cpu: not in the input; 100m..500m assumed (stackc needs requests and "
        "limits)");
  }
  if (res.memory.empty()) {
    res.memory = "128Mi..512Mi";
    res.mem_req = 128 << 20;
    comments.push_back("memory: not in the input; 128Mi..512Mi assumed");
  }
  decl.add(Stmt::assign("cpu", res.cpu));
  decl.add(Stmt::assign("memory", res.memory));
  r.cpu_m += res.cpu_req;
  r.memory_b += res.mem_req;

  // Connection settings stackc writes for `needs`: `<DEP>_HOST` = the Service, `<DEP>_PORT` = its
  // first port. Both present and matching -> `needs` (stackc writes them again).
  std::vector<std::string> needs;
  std::vector<bool> drop(entries.size(), false);
  for (std::size_t i = 0; i < entries.size(); ++i) {
    const EnvEntry& h = entries[i];
    if (!h.is_literal || h.name.size() <= 5 || h.name.compare(h.name.size() - 5, 5, "_HOST"))
      continue;
    auto sit = c.services.find(h.literal);
    if (sit == c.services.end() || sit->second.workload == workload || sit->second.ports.empty())
      continue;
    const std::string& dep = sit->second.workload;
    if (h.literal != dep || upper_name(dep) + "_HOST" != h.name) continue;
    std::string port_name = upper_name(dep) + "_PORT";
    for (std::size_t j = 0; j < entries.size(); ++j)
      if (entries[j].name == port_name && entries[j].is_literal &&
          entries[j].literal == fmt::format("{}", sit->second.ports.front().number)) {
        drop[i] = drop[j] = true;
        if (std::find(needs.begin(), needs.end(), dep) == needs.end()) needs.push_back(dep);
      }
  }
  Stmt env = Stmt::open("env");
  for (std::size_t i = 0; i < entries.size(); ++i) {
    if (drop[i]) {
      std::string inferred = "inferred env " + entries[i].name + ":";
      std::erase_if(notes, [&](const std::string& n) { return n.rfind(inferred, 0) == 0; });
      continue;
    }
    // The expression was made before the connection settings were known: a `_HOST` value that
    // is a Service's name was inferred as a reference; the literal is kept then (see infer).
    env.add(Stmt::assign(entries[i].name, entries[i].expr));
  }
  if (!env.body.empty()) decl.add(std::move(env));
  if (!needs.empty()) {
    std::vector<std::string> names;
    for (const auto& n : needs) names.push_back(label(n));
    decl.add(Stmt::assign("needs", list(names)));
    for (const auto& n : needs)
      notes.push_back(fmt::format("needs {}: from the connection settings {}_HOST and {}_PORT", n,
                                  upper_name(n), upper_name(n)));
  }

  // Probes and pre_stop.
  Stmt health = Stmt::open("health");
  for (auto [k, field] : {std::pair{"livenessProbe", "liveness"},
                          {"readinessProbe", "readiness"},
                          {"startupProbe", "startup"}}) {
    const Node* p = main->get(k);
    if (!p || !p->is_map()) continue;
    std::string expr = probe(c, *p, ports, what + " " + k, comments);
    if (expr.empty()) {
      Node key;
      key.span = p->span;
      auto lines = keep(c, key, *p, what + " " + k);
      comments.insert(comments.end(), lines.begin(), lines.end());
    } else {
      health.add(Stmt::assign(field, expr));
    }
  }
  if (!health.body.empty()) decl.add(std::move(health));
  if (const Node* lc = main->get("lifecycle"); lc && lc->is_map()) {
    for (std::size_t i = 0; i < lc->size(); ++i) {
      const Node& v = lc->value(i);
      std::int64_t s = 0;
      const Node* cmd = v.get("exec") ? v.get("exec")->get("command") : nullptr;
      if (lc->key(i).text == "preStop" && v.get("sleep") &&
          as_int(v.get("sleep")->get("seconds"), s)) {
        decl.add(Stmt::assign("pre_stop", fmt::format("sleep({}s)", s)));
      } else if (lc->key(i).text == "preStop" && cmd && cmd->is_seq()) {
        std::vector<std::string> items;
        for (const Node& x : cmd->items) items.push_back(quote(x.text));
        decl.add(Stmt::assign("pre_stop", fmt::format("exec({})", list(items))));
      } else {
        auto lines = keep(c, lc->key(i), v, what);
        comments.insert(comments.end(), lines.begin(), lines.end());
      }
    }
  }

  // Security: only what differs from stackc's restricted defaults.
  const Node* psc = spec->get("securityContext");
  const Node* csc = main->get("securityContext");
  auto sec_field = [&](const char* k) -> const Node* {
    if (csc && csc->get(k)) return csc->get(k);
    return psc ? psc->get(k) : nullptr;
  };
  Stmt security = Stmt::open("security");
  std::int64_t user = -1, group = -1;
  bool has_user = as_int(sec_field("runAsUser"), user);
  bool has_group = as_int(sec_field("runAsGroup"), group);
  const Node* nonroot = sec_field("runAsNonRoot");
  bool says_nonroot = nonroot && nonroot->type == Type::Bool && nonroot->text == "true";
  bool root = (has_user && user == 0) || (!says_nonroot && !has_user);
  if (root) {
    security.add(Stmt::assign("run_as_root", "true"));
    r.root = true;
    if (has_group && group > 0)
      security.add(Stmt::assign("run_as_group", fmt::format("{}", group)));
  } else {
    if (!has_user)
      security.add(Stmt::assign("run_as_user", "image"));
    else if (user != 65532)
      security.add(Stmt::assign("run_as_user", fmt::format("{}", user)));
    if (!has_group)
      security.add(Stmt::assign("run_as_group", "image"));
    else if (group > 0 && group != 65532)
      security.add(Stmt::assign("run_as_group", fmt::format("{}", group)));
  }
  if (const Node* caps = csc ? csc->get("capabilities") : nullptr) {
    if (const Node* add = caps->get("add"); add && add->is_seq() && !add->items.empty()) {
      std::vector<std::string> names;
      static const std::set<std::string> baseline{
          "AUDIT_WRITE", "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",
          "MKNOD",       "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};
      for (const Node& cap : add->items) {
        std::string n = cap.text;
        if (n.rfind("CAP_", 0) == 0) n = n.substr(4);
        if (std::find(names.begin(), names.end(), quote(n)) != names.end()) continue;
        names.push_back(quote(n));
        if (n != "NET_BIND_SERVICE") (baseline.count(n) ? r.root : r.privileged) = true;
      }
      security.add(Stmt::assign("capabilities", list(names)));
    }
    rest(c, *caps, {"add", "drop"}, what + " capabilities", comments);
  }
  std::int64_t fs = 0;
  if (psc && as_int(psc->get("fsGroup"), fs) && fs > 0)
    security.add(Stmt::assign("fs_group", fmt::format("{}", fs)));
  const Node* ro = csc ? csc->get("readOnlyRootFilesystem") : nullptr;
  bool writable = !(ro && ro->text == "true");
  if (writable) security.add(Stmt::assign("writable_root", "true"));
  const Node* token = spec->get("automountServiceAccountToken");
  if (token && token->text == "true") security.add(Stmt::assign("service_account_token", "true"));
  if (psc)
    rest(c, *psc, {"runAsUser", "runAsGroup", "runAsNonRoot", "fsGroup", "seccompProfile"},
         "the pod's securityContext", comments);
  if (csc) {
    rest(c, *csc,
         {"runAsUser", "runAsGroup", "runAsNonRoot", "capabilities", "readOnlyRootFilesystem",
          "allowPrivilegeEscalation", "seccompProfile"},
         what + " securityContext", comments);
  }
  for (const Node* sc : {psc, csc})
    if (const Node* sp = sc ? sc->get("seccompProfile") : nullptr;
        sp && sp->str("type") != "RuntimeDefault") {
      auto lines = keep(c, *sp, *sp, "the seccomp profile (stackc uses RuntimeDefault)");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }

  // Volumes and mounts of the main container.
  std::map<std::string, const Node*> volumes;
  if (const Node* vs = spec->get("volumes"); vs && vs->is_seq())
    for (const Node& v : vs->items) volumes[std::string(v.str("name"))] = &v;
  std::map<std::string, const Node*> claim_of;
  if (claims && claims->is_seq())
    for (const Node& cl : claims->items)
      if (const Node* md = cl.get("metadata")) claim_of[std::string(md->str("name"))] = &cl;
  std::vector<std::string> writable_paths;
  std::set<std::string> mounted;
  bool first_claim = true;
  std::vector<Stmt> volume_stmts;
  if (const Node* ms = main->get("volumeMounts"); ms && ms->is_seq()) {
    for (const Node& m : ms->items) {
      std::string name(m.str("name")), path(m.str("mountPath"));
      mounted.insert(name);
      const Node* vol = volumes.count(name) ? volumes[name] : nullptr;
      auto cit = claim_of.find(name);
      bool plain_mount = m.size() == 2 ||
                         (m.size() == 3 && m.get("readOnly") && m.get("readOnly")->text == "false");
      if (cit != claim_of.end() && plain_mount) {
        const Node* spec_c = cit->second->get("spec");
        const Node* reqs = spec_c && spec_c->get("resources")
                               ? spec_c->get("resources")->get("requests")
                               : nullptr;
        std::int64_t size = 0;
        if (!reqs || !byte_count(reqs->str("storage"), size)) size = std::int64_t{1} << 30;
        r.storage_b += size;
        if (spec_c && !spec_c->str("storageClassName").empty())
          r.storage_class = std::string(spec_c->str("storageClassName"));
        if (first_claim) {
          first_claim = false;
          decl.add(Stmt::assign("storage", bytes_text(size)));
          if (path != "/data") decl.add(Stmt::assign("data_path", quote(path)));
        } else {
          Stmt v = Stmt::open("volume " + label(name));
          v.add(Stmt::assign("mount", quote(path)));
          v.add(Stmt::assign("persistent", "true"));
          v.add(Stmt::assign("size", bytes_text(size)));
          volume_stmts.push_back(std::move(v));
        }
        continue;
      }
      const Node* ed = vol ? vol->get("emptyDir") : nullptr;
      if (vol && ed && vol->size() == 2 && plain_mount) {
        std::string medium(ed->is_map() ? ed->str("medium") : "");
        std::string limit(ed->is_map() ? ed->str("sizeLimit") : "");
        bool plain = medium.empty() && limit.empty();
        if (name == "tmp" && path == "/tmp" && plain && !writable) continue;  // stackc's own
        if (name.rfind("writable-", 0) == 0 && plain && !writable) {
          writable_paths.push_back(quote(path));
          continue;
        }
        std::string vname = name;
        if ((vname == "tmp" && path != "/tmp") || vname == "data" ||
            vname.rfind("writable-", 0) == 0 || !is_ident(vname))
          vname = "vol-" + std::to_string(volume_stmts.size() + 1);
        Stmt v = Stmt::open("volume " + label(vname));
        v.add(Stmt::assign("mount", quote(path)));
        if (medium == "Memory") v.add(Stmt::assign("medium", "memory"));
        std::int64_t size = 0;
        if (!limit.empty() && byte_count(limit, size) && size > 0)
          v.add(Stmt::assign("size", bytes_text(size)));
        volume_stmts.push_back(std::move(v));
        continue;
      }
      Node key;
      key.span = m.span;
      auto lines = keep(c, key, m, fmt::format("the mount of volume `{}` at `{}`", name, path));
      comments.insert(comments.end(), lines.begin(), lines.end());
      if (vol) {
        Node vk;
        vk.span = vol->span;
        lines = keep(c, vk, *vol, fmt::format("the volume `{}`", name));
        comments.insert(comments.end(), lines.begin(), lines.end());
      }
    }
  }
  if (!writable_paths.empty()) security.add(Stmt::assign("writable_paths", list(writable_paths)));
  if (!security.body.empty()) decl.add(std::move(security));
  for (auto& v : volume_stmts) decl.add(std::move(v));
  // Claims no container mounts, volumes only other containers mount.
  for (const auto& [name, cl] : claim_of)
    if (!mounted.count(name)) {
      Node k;
      k.span = cl->span;
      auto lines = keep(
          c, k, *cl, fmt::format("the claim `{}` (not mounted by `{}`)", name, main->str("name")));
      comments.insert(comments.end(), lines.begin(), lines.end());
    }

  // Other containers: the exporter stackc writes, else sidecars (ports kept as comments).
  std::vector<const Node*> inits;
  if (const Node* ic = spec->get("initContainers"); ic && ic->is_seq())
    for (const Node& k : ic->items) inits.push_back(&k);
  std::int64_t init_cpu = 0, init_mem = 0;
  bool has_exporter = false;
  auto extra = [&](const Node& k, bool sidecar) {
    std::string cname(k.str("name"));
    std::string cwhat = fmt::format("the container `{}`", cname);
    const Node* kports = k.get("ports");
    bool exporter = !sidecar && is_exporter(k) && !has_exporter;
    if (exporter) has_exporter = true;
    std::string head =
        exporter ? "exporter" : fmt::format("{} {}", sidecar ? "sidecar" : "init", label(cname));
    bool native = sidecar && k.str("restartPolicy") == "Always";
    if (!sidecar && !exporter) head = fmt::format("sidecar {}", label(cname));
    if (sidecar && !native) head = fmt::format("init {}", label(cname));
    Stmt b = Stmt::open(head);
    std::vector<std::string> own;
    container_basics(c, workload, k, b, cname + ".", notes, own, nullptr);
    if (exporter) {
      std::int64_t port = 0;
      const Node& kp = kports->items[0];
      as_int(kp.get("containerPort"), port);
      b.add(Stmt::assign("port", fmt::format("{}", port)));
      if (const Node* pn = kp.get("name"); pn && pn->text != "metrics")
        c.sink.report(base::make(
            base::Code::W0049, pn->span,
            fmt::format("the exporter's port `{}` is named `metrics` in the stackc build (on the "
                        "container and on the Service)",
                        pn->text),
            "nothing changes for Prometheus, which stackc points at the port; a client or a "
            "probe that names the port `" +
                std::string(pn->text) + "` must name it `metrics`"));
    } else if (kports && kports->is_seq() && !kports->items.empty()) {
      auto lines = keep(c, *kports, *kports, cwhat + " ports");
      own.insert(own.end(), lines.begin(), lines.end());
    }
    Resources kr = resources(c, k, cwhat, own);
    bool is_init = head.rfind("init ", 0) == 0;
    if (is_init && kr.cpu == res.cpu) kr.cpu.clear();
    if (is_init && kr.memory == res.memory) kr.memory.clear();
    if (!is_init && kr.cpu == "50m..100m") kr.cpu.clear();
    if (!is_init && kr.memory == "32Mi..64Mi") kr.memory.clear();
    if (!kr.cpu.empty()) b.add(Stmt::assign("cpu", kr.cpu));
    if (!kr.memory.empty()) b.add(Stmt::assign("memory", kr.memory));
    std::int64_t kc = kr.cpu.empty() ? (is_init ? res.cpu_req : 50) : kr.cpu_req;
    std::int64_t km = kr.memory.empty() ? (is_init ? res.mem_req : 32 << 20) : kr.mem_req;
    if (is_init) {
      init_cpu = std::max(init_cpu, kc);
      init_mem = std::max(init_mem, km);
    } else {
      r.cpu_m += kc;
      r.memory_b += km;
    }
    static const std::initializer_list<std::string_view> known{"name",
                                                               "image",
                                                               "imagePullPolicy",
                                                               "command",
                                                               "args",
                                                               "workingDir",
                                                               "env",
                                                               "envFrom",
                                                               "resources",
                                                               "ports",
                                                               "restartPolicy",
                                                               "securityContext",
                                                               "volumeMounts",
                                                               "terminationMessagePath",
                                                               "terminationMessagePolicy"};
    rest(c, k, known, cwhat, own);
    // stackc gives init and sidecar containers the main container's mounts (and the exporter
    // none): a mount of a volume the main container does not mount is kept.
    if (const Node* ms = k.get("volumeMounts"); ms && ms->is_seq())
      for (const Node& m : ms->items)
        if (!mounted.count(std::string(m.str("name")))) {
          Node key;
          key.span = m.span;
          auto lines =
              keep(c, key, m, fmt::format("the mount of volume `{}` by {}", m.str("name"), cwhat));
          own.insert(own.end(), lines.begin(), lines.end());
        }
    if (!own.empty()) {
      b.comments = own;
    }
    decl.add(std::move(b));
  };
  for (const Node* k : inits) extra(*k, true);
  if (const Node* ctrs = spec->get("containers"))
    for (const Node& k : ctrs->items)
      if (&k != main) extra(k, false);
  r.cpu_m = std::max(r.cpu_m, init_cpu);
  r.memory_b = std::max(r.memory_b, init_mem);

  // The main container's remaining fields.
  if (main->str("imagePullPolicy") != "" && main->str("imagePullPolicy") != "IfNotPresent") {
    auto lines = keep(c, *main->get("imagePullPolicy"), *main->get("imagePullPolicy"), what);
    comments.insert(comments.end(), lines.begin(), lines.end());
  }
  rest(c, *main,
       {"name", "image", "imagePullPolicy", "command", "args", "workingDir", "env", "envFrom",
        "resources", "ports", "livenessProbe", "readinessProbe", "startupProbe", "lifecycle",
        "securityContext", "volumeMounts", "terminationMessagePath", "terminationMessagePolicy"},
       what, comments);

  // Pod-level fields.
  std::int64_t grace = 0;
  if (as_int(spec->get("terminationGracePeriodSeconds"), grace) && grace != 30 && grace >= 0)
    decl.add(Stmt::assign("grace", seconds(grace)));
  labels_blocks(spec->get("nodeSelector"), "node_selector", {}, c, decl, "the node selector",
                comments);
  std::string sa(spec->str("serviceAccountName"));
  if (sa.empty()) sa = spec->str("serviceAccount");
  if (!sa.empty() && sa != workload && sa != "default")
    decl.add(Stmt::assign("service_account", quote(sa)));
  const Node* md = tmpl.get("metadata");
  labels_blocks(md ? md->get("labels") : nullptr, "labels",
                {"app.kubernetes.io/name", "app.kubernetes.io/instance",
                 "app.kubernetes.io/version", "app.kubernetes.io/component",
                 "app.kubernetes.io/part-of", "app.kubernetes.io/managed-by", "version"},
                c, decl, "a pod label", comments);
  labels_blocks(md ? md->get("annotations") : nullptr, "annotations", {"stackc.dev/config-digest"},
                c, decl, "a pod annotation", comments);
  if (md)
    rest(c, *md, {"labels", "annotations", "name", "creationTimestamp"}, "the pod template",
         comments);
  // stackc's spread: a required anti-affinity on the host name, or a zone spread.
  if (const Node* aff = spec->get("affinity")) {
    const Node* anti = aff->get("podAntiAffinity");
    const Node* req = anti ? anti->get("requiredDuringSchedulingIgnoredDuringExecution") : nullptr;
    if (aff->size() == 1 && anti && anti->size() == 1 && req && req->is_seq() &&
        req->items.size() == 1 && req->items[0].str("topologyKey") == "kubernetes.io/hostname") {
      decl.add(Stmt::assign("spread", "nodes"));
    } else {
      auto lines = keep(c, *aff, *aff, "the pod's affinity");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  }
  if (const Node* tsc = spec->get("topologySpreadConstraints")) {
    if (tsc->is_seq() && tsc->items.size() == 1 &&
        tsc->items[0].str("topologyKey") == "topology.kubernetes.io/zone") {
      decl.add(Stmt::assign("spread", "zones"));
    } else {
      auto lines = keep(c, *tsc, *tsc, "the pod's topology spread constraints");
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  }
  for (std::size_t i = 0; i < spec->size(); ++i) {
    const std::string& k = spec->key(i).text;
    const std::string& v = spec->value(i).text;
    if ((k == "dnsPolicy" && v == "ClusterFirst") ||
        (k == "schedulerName" && v == "default-scheduler") ||
        (k == "restartPolicy" && (v == "Always" || v == "Never")))
      continue;
    if (one_of(k,
               {"containers", "initContainers", "volumes", "securityContext", "serviceAccountName",
                "serviceAccount", "automountServiceAccountToken", "terminationGracePeriodSeconds",
                "nodeSelector", "affinity", "topologySpreadConstraints"}))
      continue;
    auto lines = keep(c, spec->key(i), spec->value(i), "the pod");
    comments.insert(comments.end(), lines.begin(), lines.end());
  }
  // Volumes no container of stackc's form mounts.
  for (const auto& [name, v] : volumes)
    if (!mounted.count(name)) {
      Node k;
      k.span = v->span;
      auto lines = keep(
          c, k, *v, fmt::format("the volume `{}` (not mounted by `{}`)", name, main->str("name")));
      comments.insert(comments.end(), lines.begin(), lines.end());
    }
  // The inferences first, then what was kept.
  comments.insert(comments.begin(), notes.begin(), notes.end());
  return r;
}

}  // namespace stackc::importer
