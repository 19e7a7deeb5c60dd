// The compose importer's own declarations, shared by compose.cpp (collection: ports, volumes,
// environment and references) and compose_workload.cpp (the workload statements). Not an
// interface: from_compose() in compose.hpp is.
#pragma once

#include <fmt/format.h>

#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "importer/compose_values.hpp"
#include "importer/stack_text.hpp"
#include "manifests/yaml.hpp"

namespace stackc::importer::compose_detail {

using base::Code;
using base::Span;
using manifests::Node;
using manifests::Type;
namespace cv = compose;

// What .stack requires and Compose does not say (W0052).
constexpr std::string_view kDefaultCpu = "100m..500m";
constexpr std::string_view kDefaultMemory = "128Mi..512Mi";
constexpr std::string_view kDefaultStorage = "10Gi";

struct PortOut {
  std::string name;
  int service = 0, container = 0;
  std::string protocol = "tcp", app_protocol;
};

struct Svc {
  std::string compose_name, name;
  const Node* key = nullptr;
  const Node* node = nullptr;
  std::vector<PortOut> ports;
  std::vector<std::string> notes;  // what the import inferred, above the workload
  std::vector<std::string> kept;   // the YAML lines with no .stack form
  std::vector<std::string> needs;
  std::vector<Stmt> env;
  std::vector<Stmt> volumes;
  std::string data_path;  // the named volume that holds its data (stateful), if any
  bool runs_once = false;
  int retries = -1;
  const Node* restart = nullptr;  // the restart key that made it run once
  // The env values written as references, to keep as text those that would close a cycle.
  struct Ref {
    std::string env, value, literal, was;
    std::vector<std::string> hits;
  };
  std::vector<Ref> refs;
};

inline std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out)
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  return out;
}

// `n` with every YAML merge key (`<<: *anchor`, or a list of them) applied, as Compose reads
// it: the merged mappings' entries where the mapping does not set the key itself.
inline Node with_merges(const Node& n) {
  Node out = n;
  out.items.clear();
  if (n.is_seq()) {
    for (const Node& x : n.items) out.items.push_back(with_merges(x));
    return out;
  }
  if (!n.is_map()) return n;
  std::vector<const Node*> sources;
  for (std::size_t i = 0; i < n.size(); ++i) {
    if (n.key(i).is_scalar() && n.key(i).text == "<<") {
      if (n.value(i).is_map()) sources.push_back(&n.value(i));
      if (n.value(i).is_seq())
        for (const Node& m : n.value(i).items)
          if (m.is_map()) sources.push_back(&m);
      continue;
    }
    out.items.push_back(n.key(i));
    out.items.push_back(with_merges(n.value(i)));
  }
  for (const Node* src : sources) {
    Node m = with_merges(*src);
    for (std::size_t i = 0; i < m.size(); ++i)
      if (!out.get(m.key(i).text)) {
        out.items.push_back(m.key(i));
        out.items.push_back(m.value(i));
      }
  }
  return out;
}

// The key of `value` in the mapping `map` (`value` points into it).
inline const Node& key_of(const Node& map, const Node* value) {
  for (std::size_t i = 0; i < map.size(); ++i)
    if (&map.value(i) == value) return map.key(i);
  return *value;
}

inline Span join(const Node& a, const Node& b) {
  Span s = a.span;
  if (b.span.valid() && b.span.file == s.file) s.end = std::max(s.end, b.span.end);
  return s;
}

// A quoted literal's inside, for building strings that mix text and `${...}`.
inline std::string escaped(std::string_view text) {
  std::string q = quote(text);
  return q.substr(1, q.size() - 2);
}

inline bool host_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_' || c == '.';
}

// The service keys handled below; every other key is kept as a comment (W0050).
inline const std::set<std::string_view> kMapped = {
    "image",       "build",           "ports",
    "expose",      "environment",     "depends_on",
    "links",       "volumes",         "tmpfs",
    "healthcheck", "command",         "entrypoint",
    "deploy",      "scale",           "cpus",
    "mem_limit",   "mem_reservation", "restart",
    "user",        "read_only",       "cap_add",
    "cap_drop",    "networks",        "container_name",
    "hostname",    "working_dir",     "stop_grace_period",
    "platform"};

class Importer {
 public:
  Importer(const manifests::Document& doc, const base::SourceManager& sm, base::Sink& sink)
      : doc_(doc), sm_(sm), sink_(sink) {}
  std::vector<Stmt> run();
  // The Secrets the references name, and their keys.
  std::map<std::string, std::set<std::string>> secrets_made;
  std::size_t kept_count = 0;  // settings kept as comments (W0050)

 private:
  const manifests::Document& doc_;
  const base::SourceManager& sm_;
  base::Sink& sink_;
  std::vector<Svc> svcs_;
  std::deque<Node> merged_;  // services with their YAML merge keys (`<<: *common`) applied
  std::map<std::string, std::size_t> hosts_;  // a name that addresses a service -> its index
  // A literal secret -> the secret and key it became (equal literals share one).
  std::map<std::string, std::pair<std::string, std::string>> secret_refs_;
  std::vector<std::string> top_kept_;
  std::set<std::string> volume_owner_;  // named volumes already some stateful's storage
  const Node* volumes_ = nullptr;       // the top-level `volumes`
  bool networks_reported_ = false;

  void report(Code code, Span at, std::string message, std::string help) {
    sink_.report(base::make(code, at, std::move(message), std::move(help)));
  }
  std::string where(Span at) const {
    auto lc = sm_.file(at.file).line_col(at.begin);
    return fmt::format("line {}", lc.line);
  }
  // The YAML lines of `key: value`, as comment lines (a line that holds a credential is left
  // out: a kept comment never copies a secret).
  std::vector<std::string> yaml_lines(Span span);
  // `key: value` has no .stack form: kept as a comment, and W0050.
  void keep(std::vector<std::string>& into, const Node& key, const Node& value, std::string why,
            std::string help);
  // A scalar after Compose's variable substitution (W0053 for a variable the import cannot know).
  std::string text(const Node& n) { return text(n.text, n.span); }
  std::string text(std::string_view raw, Span at);

  void collect(std::size_t i);
  void add_host(std::string_view host, std::size_t i) { hosts_.emplace(lower(host), i); }
  void collect_ports(Svc& s, const Node& key, const Node& value, bool published);
  std::string port_name(const Svc& s, int container, std::string_view given) const;
  void collect_volumes(Svc& s, const Node& value);
  void collect_tmpfs(Svc& s, const Node& value);
  void add_volume(Svc& s, std::string_view base, Stmt body);
  void environment(Svc& s, const Node& key, const Node& value);
  void env_entry(Svc& s, const std::string& name, std::string_view raw, bool has_value, Span at);
  void secret_entry(Svc& s, const std::string& name, const std::string& literal, Span at,
                    const std::string& why);
  // `v` with the addresses of other services as references (`bare`: a name alone counts, as
  // the variable names a host).
  std::string referenced(Svc& self, std::string_view v, std::vector<std::string>& hits, bool bare);
  std::string reference(std::size_t target, int port);
  // A port for `t` when it declares none and its image is a well-known server (`redis` 6379).
  void default_port(Svc& t, std::string_view why);
  void depends_on(Svc& s, const Node& key, const Node& value);
  void need(Svc& s, const std::string& name) {
    if (name != s.name && std::find(s.needs.begin(), s.needs.end(), name) == s.needs.end())
      s.needs.push_back(name);
  }
  Stmt build(Svc& s);
  void image(Svc& s, Stmt& w);
  std::string probe(Svc& s, const Node& hc, std::string& startup);
  void resources(Svc& s, Stmt& w);
  std::optional<std::vector<std::string>> words(Svc& s, const Node& key, const Node& value);
  void security(Svc& s, Stmt& w);
  // W0057 when compose gives no `user`, W0058 no `read_only: true` (compose_security.cpp).
  void secure_defaults(Svc& s, bool user_given, bool read_only);
  void deploy_rest(Svc& s, const Node& deploy);
  void top_level();
  void break_cycles();
};

}  // namespace stackc::importer::compose_detail
