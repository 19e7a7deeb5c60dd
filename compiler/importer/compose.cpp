#include "importer/compose.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <map>
#include <set>
#include <tuple>

#include "check/credentials.hpp"
#include "importer/compose_importer.hpp"

namespace stackc::importer {

namespace compose_detail {

std::vector<std::string> Importer::yaml_lines(Span span) {
  std::string_view all = manifests::source_lines(sm_, span);
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start <= all.size()) {
    auto nl = all.find('\n', start);
    std::string_view l = all.substr(start, nl == std::string_view::npos ? all.npos : nl - start);
    if (!l.empty() && l.back() == '\r') l.remove_suffix(1);
    lines.push_back(l);
    if (nl == std::string_view::npos) break;
    start = nl + 1;
  }
  std::size_t indent = std::string_view::npos;
  for (auto l : lines) {
    auto first = l.find_first_not_of(' ');
    if (first != std::string_view::npos) indent = std::min(indent, first);
  }
  while (!lines.empty() && lines.back().find_first_not_of(" \t") == std::string_view::npos)
    lines.pop_back();
  std::vector<std::string> out;
  for (auto l : lines) {
    std::string_view t = l.size() > indent ? l.substr(indent) : std::string_view();
    std::string_view name = t.substr(t.starts_with("- ") ? 2 : 0);
    name = name.substr(0, name.find_first_of(":="));
    if (check::find_credential(t) || !check::credential_word(name).empty())
      out.push_back("  (a line that holds a credential, not copied)");
    else
      out.push_back("  " + std::string(t));
  }
  return out;
}

void Importer::keep(std::vector<std::string>& into, const Node& key, const Node& value,
                    std::string why, std::string help) {
  for (auto& l : yaml_lines(join(key, value))) into.push_back(std::move(l));
  ++kept_count;
  report(Code::W0050, key.span, std::move(why), std::move(help));
}

std::string Importer::text(std::string_view raw, Span at) {
  cv::Substituted s = cv::substitute(raw);
  if (!s.unresolved.empty())
    report(Code::W0053, at,
           fmt::format("`{}` is set by docker compose from the shell or `.env` when it starts; "
                       "the import keeps `{}` as text",
                       s.unresolved.front(), raw),
           "write the value it has in each environment (`when ENV { ... }`), or a "
           "`secret(...)` for a credential");
  else if (!s.defaulted.empty())
    report(Code::W0053, at,
           fmt::format("`{}` is set by docker compose from the shell or `.env`; the import wrote "
                       "its default `{}`",
                       s.defaulted.front(), s.text),
           "check that the default is the value it has in each environment");
  return s.text;
}

// ---- collection: names, ports, volumes, how it runs ----

namespace {

// A retry count as written (`3`), or -1 when it is not a whole number up to 1,000,000.
int small_count(std::string_view s) {
  int v = -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  return ec == std::errc() && p == s.data() + s.size() && v >= 0 && v <= 1'000'000 ? v : -1;
}

}  // namespace

std::string Importer::port_name(const Svc& s, int container, std::string_view given) const {
  std::string base;
  if (!given.empty()) base = cv::workload_name(given);
  if (base.size() > 15 || base.find_first_of("abcdefghijklmnopqrstuvwxyz") == std::string::npos)
    base.clear();
  if (base.empty()) base = std::string(cv::known_port_name(container));
  if (base.empty()) base = s.ports.empty() ? "http" : fmt::format("port-{}", container);
  std::string name = base;
  for (int n = 2;; ++n) {
    bool taken = std::any_of(s.ports.begin(), s.ports.end(),
                             [&](const PortOut& p) { return p.name == name; });
    if (!taken) return name;
    name = fmt::format("{}-{}", base.substr(0, 12), n);
  }
}

void Importer::collect_ports(Svc& s, const Node& key, const Node& value, bool published) {
  if (!value.is_seq()) {
    report(Code::E5031, value.span, fmt::format("`{}` must be a list", key.text),
           fmt::format("write `{}: [\"8080:80\"]`", key.text));
    return;
  }
  for (const Node& item : value.items) {
    if (item.is_map()) {  // long form
      PortOut p;
      const Node* target = item.get("target");
      auto t = target ? cv::parse_port(target->text) : std::nullopt;
      if (!t || t->container_lo != t->container_hi) {
        report(Code::E5031, item.span, "a port needs a `target`: the port inside the container",
               "write `target: 80` (and `published: \"8080\"` to publish it)");
        continue;
      }
      p.container = p.service = t->container_lo;
      if (const Node* pub = item.get("published")) {
        auto h = cv::parse_port(pub->text);
        if (!h || h->container_lo != h->container_hi) {
          report(Code::E5031, pub->span, "`published` must be one port number",
                 "write `published: \"8080\"`");
          continue;
        }
        p.service = h->container_lo;
      }
      if (auto proto = item.str("protocol"); !proto.empty()) p.protocol = lower(proto);
      p.app_protocol = std::string(item.str("app_protocol"));
      if (auto ip = item.str("host_ip"); !ip.empty())
        s.notes.push_back(fmt::format("port {} was published on {} only", p.container, ip));
      p.name = port_name(s, p.container, item.str("name"));
      s.ports.push_back(std::move(p));
      continue;
    }
    auto spec = item.is_scalar() ? cv::parse_port(text(item)) : std::nullopt;
    if (!spec || (spec->protocol != "tcp" && spec->protocol != "udp" && spec->protocol != "sctp")) {
      report(Code::E5031, item.span,
             fmt::format("`{}` is not a port of the Compose syntax", item.text),
             "write `CONTAINER`, `HOST:CONTAINER` or `IP:HOST:CONTAINER`, with `/udp` for UDP: "
             "`\"8080:80\"`");
      continue;
    }
    int count = spec->container_hi - spec->container_lo + 1;
    bool host_range = spec->host_lo && spec->host_hi - spec->host_lo + 1 == count;
    if (count > 20) {
      keep(s.kept, item, item,
           fmt::format("the port range `{}` has {} ports: the import writes ranges of up to 20",
                       item.text, count),
           "declare the ports the program listens on, one `port NAME = N` each");
      continue;
    }
    if (!spec->host_ip.empty())
      s.notes.push_back(fmt::format("`{}` was published on {} only", item.text, spec->host_ip));
    for (int k = 0; k < count; ++k) {
      PortOut p;
      p.container = spec->container_lo + k;
      p.service = host_range ? spec->host_lo + k
                             : (spec->host_lo && count == 1 ? spec->host_lo : p.container);
      p.protocol = spec->protocol;
      p.name = port_name(s, p.container, {});
      s.ports.push_back(std::move(p));
    }
  }
  if (published && !value.items.empty())
    s.notes.push_back(
        "its ports were published on the host: reach it from outside with `ingress { }` or "
        "`expose = load_balancer`");
}

void Importer::add_volume(Svc& s, std::string_view base, Stmt body) {
  std::string name = cv::workload_name(base);
  if (name.empty() || name == "data" || name.starts_with("writable-")) name = "vol-" + name;
  if (name.size() > 63) name.resize(63);
  while (!name.empty() && name.back() == '-') name.pop_back();
  std::string unique = name;
  for (int n = 2;; ++n) {
    bool taken = std::any_of(s.volumes.begin(), s.volumes.end(),
                             [&](const Stmt& v) { return v.head == "volume " + unique; });
    if (!taken) break;
    unique = fmt::format("{}-{}", name.substr(0, 58), n);
  }
  body.head = "volume " + unique;
  body.block = true;
  s.volumes.push_back(std::move(body));
}

void Importer::collect_volumes(Svc& s, const Node& value) {
  if (!value.is_seq()) {
    report(Code::E5031, value.span, "`volumes` of a service must be a list",
           "write `volumes: [\"data:/var/lib/postgresql/data\"]`");
    return;
  }
  for (const Node& item : value.items) {
    std::string type, source, target;
    bool read_only = false;
    std::string size;
    if (item.is_map()) {
      type = std::string(item.str("type"));
      source = item.get("source") ? text(*item.get("source")) : "";
      target = item.get("target") ? text(*item.get("target")) : "";
      read_only = item.str("read_only") == "true";
      if (const Node* t = item.get("tmpfs"); t && t->get("size"))
        if (auto b = cv::bytes(t->get("size")->text)) size = cv::bytes_text(*b);
    } else if (item.is_scalar()) {
      std::string v = text(item);
      auto c1 = v.find(':');
      if (c1 == std::string::npos) {
        target = v;
      } else {
        source = v.substr(0, c1);
        target = v.substr(c1 + 1);
        if (auto c2 = target.find(':'); c2 != std::string::npos) {
          read_only = target.substr(c2 + 1).find("ro") != std::string::npos;
          target.resize(c2);
        }
      }
      if (source.empty())
        type = "volume";
      else
        type = (source[0] == '/' || source[0] == '.' || source[0] == '~') ? "bind" : "volume";
    }
    if (target.empty() || target[0] != '/') {
      report(Code::E5031, item.span, "a volume needs a `target`: an absolute path in the container",
             "write `name:/path` or `{ type: volume, source: name, target: /path }`");
      continue;
    }
    if (type == "tmpfs") {
      Stmt v;
      v.add(Stmt::assign("mount", quote(target)));
      v.add(Stmt::assign("medium", "memory"));
      if (!size.empty()) v.add(Stmt::assign("size", size));
      add_volume(s, target == "/tmp" ? "tmp" : target.substr(target.rfind('/') + 1), std::move(v));
      continue;
    }
    if (type == "volume" && source.empty()) {  // anonymous: lives as long as the container
      Stmt v;
      v.add(Stmt::assign("mount", quote(target)));
      add_volume(s, target.substr(target.rfind('/') + 1), std::move(v));
      s.notes.push_back(fmt::format(
          "the anonymous volume at {} is an emptyDir: it lives as long as the pod", target));
      continue;
    }
    if (type == "volume") {
      bool declared = volumes_ && volumes_->get(source);
      if (declared && volumes_->get(source)->is_map() &&
          volumes_->get(source)->str("external") == "true")
        s.notes.push_back(fmt::format(
            "the volume `{}` was external (made outside compose): its data is not moved", source));
      if (volume_owner_.count(source)) {
        keep(s.kept, item, item,
             fmt::format("the volume `{}` is the storage of another workload: a pod cannot mount "
                         "another workload's volume",
                         source),
             "let the workload that owns the data serve it (a port and a reference), or give "
             "this one a volume of its own");
        continue;
      }
      volume_owner_.insert(source);
      if (read_only)
        s.notes.push_back(fmt::format("the volume `{}` was mounted read-only", source));
      if (s.data_path.empty()) {
        s.data_path = target;
        report(Code::W0052, item.span,
               fmt::format("compose gives the volume `{}` no size: the import wrote `storage = {}`",
                           source, kDefaultStorage),
               "set `storage` to the size the data needs");
        s.notes.push_back(fmt::format("not in the input: the size of the volume `{}`", source));
        continue;
      }
      Stmt v;
      v.add(Stmt::assign("mount", quote(target)));
      v.add(Stmt::assign("persistent", "true"));
      v.add(Stmt::assign("size", std::string(kDefaultStorage)));
      add_volume(s, source, std::move(v));
      report(Code::W0052, item.span,
             fmt::format("compose gives the volume `{}` no size: the import wrote `size = {}`",
                         source, kDefaultStorage),
             "set `size` to what the data needs");
      continue;
    }
    keep(s.kept, item, item,
         fmt::format("`{}` mounts a {} of the host: pods do not see the files of the host",
                     item.is_scalar() ? item.text : target, type == "bind" ? "folder" : type),
         "put the files in the image, or give them to the pods another way (a volume filled "
         "by an `init` container)");
  }
}

void Importer::collect_tmpfs(Svc& s, const Node& value) {
  std::vector<const Node*> items;
  if (value.is_seq())
    for (const Node& n : value.items) items.push_back(&n);
  else if (value.is_scalar())
    items.push_back(&value);
  for (const Node* n : items) {
    std::string path = text(*n);
    path = path.substr(0, path.find(':'));
    if (path.empty() || path[0] != '/') continue;
    Stmt v;
    v.add(Stmt::assign("mount", quote(path)));
    v.add(Stmt::assign("medium", "memory"));
    add_volume(s, path == "/tmp" ? "tmp" : path.substr(path.rfind('/') + 1), std::move(v));
  }
}

void Importer::collect(std::size_t i) {
  Svc& s = svcs_[i];
  const Node& n = *s.node;
  for (std::size_t k = 0; k < n.size(); ++k) {
    const Node& key = n.key(k);
    const Node& value = n.value(k);
    if (key.text == "ports")
      collect_ports(s, key, value, true);
    else if (key.text == "expose")
      collect_ports(s, key, value, false);
    else if (key.text == "volumes")
      collect_volumes(s, value);
    else if (key.text == "tmpfs")
      collect_tmpfs(s, value);
    else if ((key.text == "container_name" || key.text == "hostname") && value.is_scalar()) {
      add_host(value.text, i);
      s.notes.push_back(
          fmt::format("its {} `{}` is `{}` in Kubernetes", key.text, value.text, s.name));
    } else if (key.text == "networks" && value.is_map()) {
      for (std::size_t m = 0; m < value.size(); ++m)
        if (const Node* aliases = value.value(m).get("aliases"); aliases && aliases->is_seq())
          for (const Node& a : aliases->items) add_host(a.text, i);
    } else if (key.text == "restart") {
      std::string r = text(value);
      if (r == "no" || r == "false" || r.starts_with("on-failure")) {
        s.runs_once = true;
        s.restart = &key;
        if (r.starts_with("on-failure:")) s.retries = small_count(r.substr(11));
        if (r == "no" || r == "false") s.retries = 0;
      }
    }
  }
  if (const Node* d = n.get("deploy"); d && d->is_map())
    if (const Node* rp = d->get("restart_policy"); rp && rp->is_map()) {
      auto cond = rp->str("condition");
      if (cond == "none" || cond == "on-failure") {
        s.runs_once = true;
        s.restart = rp;
        s.retries = cond == "none" ? 0 : s.retries;
        if (const Node* m = rp->get("max_attempts"); m && m->type == Type::Int)
          s.retries = small_count(m->text);
      }
    }
}

// ---- environment: references to other services, secrets ----

void Importer::default_port(Svc& t, std::string_view why) {
  const Node* img = t.node->get("image");
  int known = img ? cv::image_default_port(img->text) : 0;
  if (!known || !t.ports.empty()) return;
  PortOut p;
  p.container = p.service = known;
  p.name = port_name(t, known, {});
  t.notes.push_back(fmt::format("inferred: port {}, where its image listens, {}", known, why));
  t.ports.push_back(std::move(p));
}

std::string Importer::reference(std::size_t target, int port) {
  Svc& t = svcs_[target];
  if (port == 0 && t.ports.empty())  // reached by name alone: its Service needs a port
    default_port(t, "for the services that reach it by name");
  if (port == 0) return fmt::format("${{{}.host}}", t.name);
  auto it = std::find_if(t.ports.begin(), t.ports.end(),
                         [&](const PortOut& p) { return p.container == port; });
  if (it == t.ports.end())
    it = std::find_if(t.ports.begin(), t.ports.end(),
                      [&](const PortOut& p) { return p.service == port; });
  if (it == t.ports.end()) {  // Compose reaches every port; a Service only the declared ones
    PortOut p;
    p.container = p.service = port;
    p.name = port_name(t, port, {});
    t.notes.push_back(fmt::format(
        "inferred: port {}, where other services reach it (compose needs no declaration)", port));
    t.ports.push_back(std::move(p));
    it = t.ports.end() - 1;
  }
  if (it == t.ports.begin()) return fmt::format("${{{}.address}}", t.name);
  return fmt::format("${{{}.host}}:${{{}.port.{}}}", t.name, t.name, it->name);
}

std::string Importer::referenced(Svc& self, std::string_view v, std::vector<std::string>& hits,
                                 bool bare) {
  std::string out = "\"", lit;
  std::size_t i = 0;
  while (i < v.size()) {
    bool start = i == 0 || v[i - 1] == '@' || v[i - 1] == ',' || v[i - 1] == ' ' ||
                 v[i - 1] == ';' || v[i - 1] == '=' ||
                 (i >= 2 && v[i - 1] == '/' && v[i - 2] == '/');
    if (!start || !host_char(v[i])) {
      lit += v[i++];
      continue;
    }
    std::size_t j = i;
    while (j < v.size() && host_char(v[j])) ++j;
    std::size_t k = j;
    int port = 0;
    if (k < v.size() && v[k] == ':') {
      std::size_t d = k + 1;
      while (d < v.size() && d - k <= 5 && v[d] >= '0' && v[d] <= '9')
        port = port * 10 + (v[d++] - '0');
      if (d > k + 1 && port >= 1 && port <= 65535)
        k = d;
      else
        port = 0;
    }
    bool boundary =
        k == v.size() || std::string_view("/,?; #").find(v[k]) != std::string_view::npos;
    auto host = hosts_.find(lower(v.substr(i, j - i)));
    // A name alone (no port, not a URL's host) is a host only where the variable says so:
    // `MYSQL_DATABASE=wordpress` names a database, not the service `wordpress`.
    bool url_host = i > 0 && (v[i - 1] == '/' || v[i - 1] == '@');
    if (!boundary || host == hosts_.end() || svcs_[host->second].name == self.name ||
        (port == 0 && !url_host && !bare)) {
      lit += v.substr(i, j - i);
      i = j;
      continue;
    }
    out += escaped(lit);
    lit.clear();
    out += reference(host->second, port);
    const std::string& name = svcs_[host->second].name;
    if (std::find(hits.begin(), hits.end(), name) == hits.end()) hits.push_back(name);
    i = k;
  }
  return out + escaped(lit) + "\"";
}

void Importer::secret_entry(Svc& s, const std::string& name, const std::string& literal, Span at,
                            const std::string& why) {
  std::string secret = s.name, key = name;
  if (!literal.empty()) {
    auto [it, added] = secret_refs_.emplace(literal, std::pair{secret, key});
    if (!added) {
      std::tie(secret, key) = it->second;
      s.notes.push_back(
          fmt::format("{} has the value of {} of `{}`: the same secret", name, key, secret));
    }
  }
  std::string ref = fmt::format("secret({}, key = {})", quote(secret), quote(key));
  secrets_made[secret].insert(key);
  Stmt e = Stmt::assign(name, ref);
  auto old =
      std::find_if(s.env.begin(), s.env.end(), [&](const Stmt& x) { return x.head == name; });
  if (old != s.env.end())
    *old = e;
  else
    s.env.push_back(e);
  report(Code::W0051, at, fmt::format("`{}` {}: not copied; the import wrote `{}`", name, why, ref),
         fmt::format("put the value in the secret backend: `kubectl create secret generic {} "
                     "--from-literal={}=...` (or your Vault path), never in the .stack file",
                     secret, key));
}

void Importer::env_entry(Svc& s, const std::string& name, std::string_view raw, bool has_value,
                         Span at) {
  if (!is_ident(name)) {
    std::vector<std::string> lines = yaml_lines(at);
    for (auto& l : lines) s.kept.push_back(std::move(l));
    ++kept_count;
    report(Code::W0050, at,
           fmt::format("the variable name `{}` is not an identifier, which `env` names are", name),
           "rename the variable in the program, or set it in the image");
    return;
  }
  bool credential_name = !check::credential_word(name).empty();
  if (!has_value) {
    if (credential_name) {
      secret_entry(s, name, "", at, "takes its value from the shell that runs docker compose");
      return;
    }
    report(Code::W0053, at,
           fmt::format("`{}` takes its value from the shell that runs docker compose, which the "
                       "import does not see",
                       name),
           fmt::format("write it: `env {{ {} = \"...\" }}`", name));
    s.notes.push_back(fmt::format("{} came from the shell of docker compose: not set", name));
    return;
  }
  cv::Substituted sub = cv::substitute(raw);
  if (credential_name && !sub.unresolved.empty()) {
    secret_entry(s, name, "", at,
                 fmt::format("takes its value from the variable `{}` of the shell or `.env`",
                             sub.unresolved.front()));
    return;
  }
  std::string v = text(raw, at);
  std::vector<std::string> hits;
  std::string upper = name;
  for (char& c : upper)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  bool names_a_host = false;
  for (std::string_view word : {"HOST", "SERVER", "ADDR", "ENDPOINT", "BROKER", "BOOTSTRAP",
                                "UPSTREAM", "PEER", "SEED", "NODES", "BACKEND", "SERVICE"})
    names_a_host = names_a_host || upper.find(word) != std::string::npos;
  std::string value = referenced(s, v, hits, names_a_host);
  if (auto found = check::find_credential_entry(name, v)) {
    for (const std::string& h : hits) {
      need(s, h);
      s.notes.push_back(
          fmt::format("inferred: {} addresses `{}` (in a secret: needs it)", name, h));
    }
    secret_entry(s, name, v, at, fmt::format("holds a literal credential ({})", found.what));
    return;
  }
  if (!hits.empty()) s.refs.push_back({name, value, quote(v), v, hits});
  Stmt e = Stmt::assign(name, value);
  for (Stmt& x : s.env)
    if (x.head == name) {
      x = e;
      return;
    }
  s.env.push_back(e);
}

void Importer::environment(Svc& s, const Node& key, const Node& value) {
  if (value.is_seq()) {
    for (const Node& item : value.items) {
      if (!item.is_scalar() || item.type == Type::Null) {
        report(Code::E5031, item.span, "an `environment` entry must be `NAME=value`",
               "write `- NAME=value`, or use the mapping form `NAME: value`");
        continue;
      }
      auto eq = item.text.find('=');
      env_entry(s, item.text.substr(0, eq), eq == std::string::npos ? "" : item.text.substr(eq + 1),
                eq != std::string::npos, item.span);
    }
  } else if (value.is_map()) {
    for (std::size_t k = 0; k < value.size(); ++k) {
      const Node& v = value.value(k);
      if (!v.is_scalar()) {
        report(Code::E5031, v.span, "an `environment` value must be a string, number or boolean",
               "quote it: `NAME: \"...\"`");
        continue;
      }
      env_entry(s, value.key(k).text, v.text, v.type != Type::Null, join(value.key(k), v));
    }
  } else if (value.type != Type::Null) {
    report(Code::E5031, value.span, "`environment` must be a list or a mapping",
           "write `environment: { NAME: value }` or `environment: [\"NAME=value\"]`");
  }
  (void)key;
}

// References are dependency edges (language.md §5.6), and services that call each other would
// be a cycle (E3001). In file order, a value whose reference would close a cycle with the edges
// already taken (depends_on first, which Compose keeps acyclic) stays text, with a note.
void Importer::break_cycles() {
  std::map<std::string, std::vector<std::string>> edges;
  for (const Svc& s : svcs_) edges[s.name] = s.needs;
  auto reaches = [&](const std::string& from, const std::string& to) {
    std::set<std::string> seen{from};
    std::vector<std::string> todo{from};
    while (!todo.empty()) {
      std::string at = std::move(todo.back());
      todo.pop_back();
      if (at == to) return true;
      for (const std::string& next : edges[at])
        if (seen.insert(next).second) todo.push_back(next);
    }
    return false;
  };
  for (Svc& s : svcs_)
    for (const Svc::Ref& r : s.refs) {
      auto back = std::find_if(r.hits.begin(), r.hits.end(),
                               [&](const std::string& h) { return reaches(h, s.name); });
      if (back == r.hits.end()) {
        for (const std::string& h : r.hits) {
          edges[s.name].push_back(h);
          s.notes.push_back(
              fmt::format("inferred: {} addresses `{}` (was {})", r.env, h, r.literal));
        }
        continue;
      }
      for (Stmt& e : s.env)
        if (e.head == r.env && e.value == r.value) e.value = r.literal;
      s.notes.push_back(fmt::format(
          "not inferred: {} addresses `{}`, which depends on `{}` already: as a reference it "
          "would close a cycle (E3001), so it stays text",
          r.env, *back, s.name));
    }
}

void Importer::depends_on(Svc& s, const Node& key, const Node& value) {
  auto one = [&](const Node& name, const Node* settings) {
    auto it = std::find_if(svcs_.begin(), svcs_.end(),
                           [&](const Svc& x) { return x.compose_name == name.text; });
    if (!name.is_scalar() || it == svcs_.end()) {
      report(
          Code::E5033, name.span,
          fmt::format("`{}` depends on `{}`, which is not a service of this file", s.compose_name,
                      name.text),
          "name a service of the file, or import the file that defines it together with this one");
      return;
    }
    Svc& t = *it;
    need(s, t.name);
    // A dependency is there to be talked to: a well-known server gets its port (and Service).
    default_port(t, fmt::format("for `{}`, which depends on it", s.name));
    if (!settings || !settings->is_map()) return;
    auto cond = settings->str("condition");
    if (cond == "service_completed_successfully") {
      t.runs_once = true;
      s.notes.push_back(fmt::format(
          "depends_on `{}` to complete: the job runs in an earlier sync wave (needs)", t.name));
    } else if (cond == "service_healthy") {
      s.notes.push_back(fmt::format(
          "depends_on `{}` to be healthy: stackc orders the rollout by needs, and `{}`'s "
          "readiness probe holds its traffic until then",
          t.name, t.name));
    }
    if (settings->str("restart") == "true")
      s.notes.push_back(
          fmt::format("compose restarted it when `{}` was updated: Kubernetes does not", t.name));
    if (settings->str("required") == "false")
      s.notes.push_back(fmt::format("`{}` was optional (required: false)", t.name));
  };
  if (value.is_seq()) {
    for (const Node& n : value.items) one(n, nullptr);
  } else if (value.is_map()) {
    for (std::size_t k = 0; k < value.size(); ++k) one(value.key(k), &value.value(k));
  } else {
    report(Code::E5031, value.span, "`depends_on` must be a list or a mapping of services",
           "write `depends_on: [db]` or `depends_on: { db: { condition: service_healthy } }`");
  }
  (void)key;
}
}  // namespace compose_detail
}  // namespace stackc::importer
