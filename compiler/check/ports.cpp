#include "check/ports.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <cctype>
#include <map>

#include "base/suggest.hpp"
#include "check/names.hpp"
#include "check/units.hpp"

namespace stackc::check {
namespace {

using ast::Value;
using ast::ValueKind;
using base::Code;

void report(base::Sink& sink, Code c, base::Span at, std::string msg, std::string help,
            std::vector<base::Note> notes = {}) {
  auto d = base::make(c, at, std::move(msg), std::move(help));
  d.notes = std::move(notes);
  sink.report(std::move(d));
}

std::string text_of(const Value* v) {
  return v && v->kind == ValueKind::String ? v->string_value() : std::string();
}

std::int64_t int_of(const Value& v) {
  auto q = to_int(v);
  return q.ok ? q.value : 0;
}

// Kubernetes' qualified name: `[prefix/]name`, the name at most 63 letters, digits, `-`, `_`,
// `.`, alphanumeric at both ends, the prefix a DNS subdomain.
bool qualified_name(std::string_view s) {
  auto slash = s.find('/');
  std::string_view name = slash == std::string_view::npos ? s : s.substr(slash + 1);
  if (slash != std::string_view::npos && !is_dns_subdomain(s.substr(0, slash))) return false;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (name.empty() || name.size() > 63 || !alnum(name.front()) || !alnum(name.back())) return false;
  return std::all_of(name.begin(), name.end(),
                     [&](char c) { return alnum(c) || c == '-' || c == '_' || c == '.'; });
}

// The one port a use of the workload's ports names: by name, by number (the container's), or
// the first.
const model::Port* port_used(const model::Workload& w, const std::string& name,
                             std::int64_t number) {
  for (const auto& p : w.ports)
    if ((!name.empty() && p.name == name) || (name.empty() && number && p.container() == number))
      return &p;
  if (name.empty() && !number && !w.ports.empty()) return &w.ports.front();
  return nullptr;
}

// E2049: a port that is not TCP where TCP is needed.
void need_tcp(const model::Workload& w, const model::Port* p, const char* what, base::Span at,
              base::Sink& sink) {
  if (!p || p->protocol == "TCP") return;
  report(sink, Code::E2049, at,
         fmt::format("{} of `{}` uses the port `{}`, which is {}: it needs TCP", what, w.name,
                     p->name, p->protocol),
         fmt::format("use a TCP port of `{}` (`port = NAME`), or declare one: `port http = 8080`",
                     w.name),
         {{p->span, fmt::format("`{}` is declared {} here", p->name, p->protocol)}});
}

// The help for a network that is not one: a single address is a network of one address.
std::string one_address(const std::string& t) {
  if (t.find('/') == std::string::npos) {
    std::string one = t + (t.find(':') != std::string::npos ? "/128" : "/32");
    if (is_cidr(one)) return fmt::format("a single address is the network `{}`", one);
  }
  return "for example `\"203.0.113.0/24\"` or `\"2001:db8::/32\"`";
}

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

bool is_cidr(const std::string& s) {
  auto slash = s.find('/');
  if (slash == std::string::npos) return false;
  std::string addr = s.substr(0, slash), bits = s.substr(slash + 1);
  if (bits.empty() || bits.size() > 3 ||
      !std::all_of(bits.begin(), bits.end(), [](char c) { return c >= '0' && c <= '9'; }))
    return false;
  int b = std::stoi(bits);
  if (addr.find(':') != std::string::npos) {  // IPv6: hex groups and colons, at most one `::`
    if (b > 128 || addr.size() > 39) return false;
    return std::all_of(
               addr.begin(), addr.end(),
               [](char c) { return std::isxdigit(static_cast<unsigned char>(c)) || c == ':'; }) &&
           addr.find(":::") == std::string::npos;
  }
  if (b > 32) return false;
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    auto dot = addr.find('.', start);
    std::string part =
        addr.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
    if (part.empty() || part.size() > 3 ||
        !std::all_of(part.begin(), part.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(part) > 255)
      return false;
    ++parts;
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

void check_port_value(const Value& v, std::string_view key, base::Sink& sink) {
  auto one = [&](const Value& x) {
    auto q = to_int(x);
    if (!q.ok) {
      std::string msg = q.message;
      if (msg.rfind("expected ", 0) == 0) msg = fmt::format("`{}` expects {}", key, msg.substr(9));
      std::string help = quoted_number_help(x);
      report(sink, q.code, x.span, std::move(msg), help.empty() ? q.help : help);
      return;
    }
    if (q.value < 1 || q.value > 65535)
      report(
          sink, Code::E2017, x.span,
          fmt::format("`{}` is out of range for `{}`: it must be between 1 and 65535", x.raw, key),
          "choose a value from 1 to 65535");
  };
  if (v.kind == ValueKind::Number) {
    one(v);
  } else if (v.kind == ValueKind::Arrow) {
    one(v.items[0]);
    one(v.items[1]);
  } else {
    std::string help = quoted_number_help(v);
    report(sink, Code::E2003, v.span,
           fmt::format("`{}` expects a port number or `SERVICE -> CONTAINER`, found {}", key,
                       v.kind == ValueKind::String  ? "a string"
                       : v.kind == ValueKind::Range ? "a range"
                       : v.kind == ValueKind::List  ? "a list"
                                                    : "this"),
           !help.empty() ? help
                         : "write `8080`, or `80 -> 8080` for Service port 80 to container "
                           "port 8080");
  }
}

void check_app_protocol(const Value& v, base::Sink& sink) {
  if (v.kind != ValueKind::String || v.has_interpolation()) return;  // the type check's
  auto s = v.string_value();
  if (qualified_name(s)) return;
  std::string help =
      "write a name such as `http`, `grpc`, `h2c` (HTTP/2 without TLS), `ws`, or "
      "a prefixed one such as `example.com/proto`";
  report(sink, Code::E2003, v.span, fmt::format("`{}` is not an application protocol", s),
         std::move(help));
}

std::string app_protocol_of(const std::string& text) {
  if (text == "h2c" || text == "ws" || text == "wss") return "kubernetes.io/" + text;
  return text;
}

std::optional<model::Port> port_of(const MNode& slot) {
  const ast::Stmt* s = slot.stmt;
  if (!s || s->key != "port" || s->labels.size() != 1) return std::nullopt;
  model::Port p;
  p.name = s->labels[0].text;
  p.span = s->span;
  const Value* v = s->has_value() ? &s->val() : slot.value("number");
  if (!v) return std::nullopt;
  if (v->kind == ValueKind::Arrow) {
    p.number = int_of(v->items[0]);
    p.target = int_of(v->items[1]);
    if (p.target == p.number) p.target = 0;
  } else {
    p.number = int_of(*v);
  }
  if (s->has_block) {
    if (auto* x = slot.value("protocol")) p.protocol = upper(std::string(x->raw));
    if (auto* x = slot.value("app_protocol")) p.app_protocol = app_protocol_of(text_of(x));
    if (auto* x = slot.value("node_port")) {
      p.node_port = int_of(*x);
      p.node_port_span = x->span;
    }
  }
  return p;
}

std::optional<model::Peer> known_ingress_class(std::string_view c) {
  model::Peer p;
  if (c == "nginx") {
    p.kind = model::Peer::Kind::Pods;
    p.ns = "ingress-nginx";
  } else if (c == "traefik") {
    p.kind = model::Peer::Kind::Pods;
    p.pods = {{"app.kubernetes.io/name", "traefik"}};
  } else if (c == "haproxy") {
    p.kind = model::Peer::Kind::Pods;
    p.pods = {{"app.kubernetes.io/name", "kubernetes-ingress"}};
  } else if (c == "gce") {
    // Google's front ends and health checkers (container-native load balancing).
    p.kind = model::Peer::Kind::Networks;
    p.cidrs = {"130.211.0.0/22", "35.191.0.0/16"};
  } else if (c == "alb" || c == "azure-application-gateway") {
    // A load balancer inside the VPC whose addresses change: from anywhere.
    p.kind = model::Peer::Kind::Anywhere;
  } else {
    return std::nullopt;
  }
  return p;
}

std::vector<std::string> known_ingress_classes() {
  return {"nginx", "traefik", "haproxy", "gce", "alb", "azure-application-gateway"};
}

std::vector<model::IngressController> ingress_controllers(const MNode& cluster, base::Sink& sink) {
  std::vector<model::IngressController> out;
  for (const auto& kid : cluster.kids) {
    const ast::Stmt* s = kid.stmt;
    if (!s || s->key != "ingress" || s->labels.size() != 1 || !s->has_block) continue;
    model::IngressController c;
    c.ingress_class = s->labels[0].text;
    c.span = s->labels[0].span;
    if (!is_dns_label(c.ingress_class))
      report(sink, Code::E2006, c.span,
             fmt::format("`{}` is not a valid ingress class name", c.ingress_class),
             "class names are lower-case letters, digits and `-`, at most 63 characters");
    const Value* ns = kid.value("namespace");
    const MNode* pods = kid.child("pods");
    if (!pods)  // `pods "app.kubernetes.io" { name = "x" }` has a label
      for (const auto& k : kid.kids)
        if (k.stmt && k.stmt->key == "pods") pods = &k;
    const Value* cidrs = kid.value("cidrs");
    const Value* anywhere = kid.value("anywhere");
    bool any = anywhere && anywhere->boolean;
    int forms = (ns || pods ? 1 : 0) + (cidrs ? 1 : 0) + (any ? 1 : 0);
    if (forms != 1) {
      report(sink, Code::E2048, c.span,
             forms == 0 ? fmt::format("`ingress {}` does not say where its traffic comes from",
                                      c.ingress_class)
                        : fmt::format("`ingress {}` says more than once where its traffic comes "
                                      "from",
                                      c.ingress_class),
             "give exactly one: the controller's pods (`namespace = \"NS\"` and/or `pods { ... "
             "}`), its networks (`cidrs = [\"CIDR\", ...]`), or `anywhere = true`");
    }
    if (any) {
      c.peer.kind = model::Peer::Kind::Anywhere;
    } else if (cidrs) {
      c.peer.kind = model::Peer::Kind::Networks;
      for (const auto& i : cidrs->items) {
        if (i.kind != ValueKind::String) continue;  // the type check's
        auto t = i.string_value();
        if (!is_cidr(t))
          report(sink, Code::E2048, i.span,
                 fmt::format("`{}` is not a network: write an address and its prefix length", t),
                 one_address(t));
        else
          c.peer.cidrs.push_back(t);
      }
      if (c.peer.cidrs.empty() && cidrs->items.empty())
        report(sink, Code::E2048, cidrs->span,
               fmt::format("`ingress {}` lists no network", c.ingress_class),
               "name the networks its traffic comes from, or write `anywhere = true`");
    } else if (ns || pods) {
      c.peer.kind = model::Peer::Kind::Pods;
      c.peer.ns = text_of(ns);
      if (ns && !is_dns_label(c.peer.ns))
        report(sink, Code::E2006, ns->span, fmt::format("`{}` is not a valid namespace", c.peer.ns),
               "namespaces are DNS-1123 labels: lower-case letters, digits and `-`");
      if (pods) {
        std::string prefix =
            pods->stmt->labels.empty() ? "" : std::string(pods->stmt->labels[0].text) + "/";
        for (const auto& e : pods->kids)
          if (e.stmt && e.stmt->has_value())
            c.peer.pods.emplace_back(prefix + std::string(e.stmt->key), text_of(&e.stmt->val()));
      }
    }
    out.push_back(std::move(c));
  }
  return out;
}

void read_exposure(const MNode& n, const model::Cluster* cluster, model::Workload& w,
                   base::Sink& sink) {
  const Value* expose = n.value("expose");
  if (expose) {
    w.expose = std::string(expose->raw);
    w.expose_span = expose->span;
  }
  bool exposed = w.expose != "cluster";
  if (const Value* sr = n.value("source_ranges")) {
    for (const auto& i : sr->items) {
      if (i.kind != ValueKind::String) continue;  // the type check's
      auto t = i.string_value();
      if (is_cidr(t))
        w.source_ranges.push_back(t);
      else
        report(sink, Code::E2046, i.span,
               fmt::format("`{}` is not a network: write an address and its prefix length", t),
               one_address(t));
    }
    if (!exposed && !sr->items.empty())  // `source_ranges = []` (in a `when`) says none
      report(sink, Code::E2046, sr->span,
             fmt::format("`source_ranges` limits who reaches `{}` from outside, but `{}` is not "
                         "exposed outside the cluster",
                         w.name, w.name),
             "add `expose = load_balancer` (or `node_port`), or remove `source_ranges`");
  }
  bool job = w.kind == model::Workload::Kind::Job || w.kind == model::Workload::Kind::Cron;
  if (exposed && (job || w.ports.empty()))
    report(sink, Code::E2045, w.expose_span,
           fmt::format(
               "`{}` has no Service to expose: {}", w.name,
               job ? fmt::format("a {} runs to completion and gets none", model::kind_name(w.kind))
                   : "it declares no port"),
           job ? std::string("remove `expose`") : "declare the port it serves: `port http = 8080`");
  for (const auto& p : w.ports)
    if (p.node_port && !exposed)
      report(sink, Code::E2045, p.node_port_span,
             fmt::format("the port `{}` of `{}` pins node port {}, but `{}` is not exposed on "
                         "the nodes",
                         p.name, w.name, p.node_port, w.name),
             "add `expose = node_port` (or `load_balancer`, which also opens node ports), or "
             "remove `node_port`");
  // The ports that must be TCP: the ingress's, the probes', the metrics'.
  for (const auto* probe : {&w.liveness, &w.readiness, &w.startup})
    if (*probe && (*probe)->kind != model::Probe::Kind::Exec)
      need_tcp(w, port_used(w, (*probe)->port_name, (*probe)->port), "a probe", (*probe)->span,
               sink);
  // W0021: a probe by number on a Service port the container does not listen on (the kubelet
  // dials the pod, not the Service).
  for (const auto* probe : {&w.liveness, &w.readiness, &w.startup}) {
    if (!*probe || !(*probe)->port_name.empty() || !(*probe)->port) continue;
    const std::int64_t n = (*probe)->port;
    if (std::any_of(w.ports.begin(), w.ports.end(),
                    [&](const model::Port& p) { return p.container() == n; }) ||
        (w.exporter && w.exporter->port == n))
      continue;
    for (const auto& p : w.ports)
      if (p.number == n) {
        report(sink, Code::W0021, (*probe)->span,
               fmt::format("the probe dials port {} of the container, but the port `{}` of `{}` "
                           "is {} only on the Service: the container listens on {}",
                           n, p.name, w.name, n, p.container()),
               fmt::format("name the port (`{}`: a name is always the container's port), or "
                           "write the container's number, {}",
                           p.name, p.container()),
               {{p.span, fmt::format("`{}` is declared here", p.name)}});
        break;
      }
  }
  if (!w.metrics.empty()) {
    const MNode* mt = n.child("metrics");
    need_tcp(w, port_used(w, w.metrics_port, 0), "the metrics scrape",
             mt && mt->value("port") ? mt->value("port")->span
             : mt                    ? mt->stmt->key_span
                                     : w.span,
             sink);
  }
  if (!w.ingress) return;
  auto& in = *w.ingress;
  const MNode* i = n.child("ingress");
  need_tcp(w, port_used(w, in.port, 0), "the ingress",
           i && i->value("port") ? i->value("port")->span : in.span, sink);
  if (in.tls && in.host.empty())
    report(sink, Code::E2047, i && i->value("tls") ? i->value("tls")->span : in.span,
           fmt::format("the ingress of `{}` serves TLS but names no host", w.name),
           "a certificate is for a host: add `host = \"app.example.com\"`, or write `tls = false` "
           "to serve plain HTTP on every host");
  const Value* cls = i ? i->value("class") : nullptr;
  if (cluster)
    for (const auto& c : cluster->ingress)
      if (c.ingress_class == in.ingress_class) {
        in.controller = c.peer;
        return;
      }
  if (auto known = known_ingress_class(in.ingress_class)) {
    in.controller = *known;
    return;
  }
  std::vector<std::string> names = known_ingress_classes();
  if (cluster)
    for (const auto& c : cluster->ingress) names.push_back(c.ingress_class);
  std::string hint = base::did_you_mean(in.ingress_class, names);
  report(sink, Code::W0020, cls ? cls->span : in.span,
         fmt::format("stackc does not know the ingress class `{}`{}: the NetworkPolicy of `{}` "
                     "admits no ingress controller, so the controller's traffic will be dropped",
                     in.ingress_class,
                     cluster ? fmt::format(" and cluster `{}` does not declare it", cluster->name)
                             : std::string(),
                     w.name),
         !hint.empty() ? hint
                       : fmt::format("declare where its traffic comes from in the cluster: "
                                     "`ingress {} {{ namespace = \"NS\" }}` (or `cidrs = [...]`, "
                                     "`anywhere = true`)",
                                     in.ingress_class));
}

void check_node_ports(const model::Model& m, base::Sink& sink) {
  struct Taken {
    const model::Environment* env;
    const model::Workload* w;
    const model::Port* p;
  };
  std::map<std::pair<std::string, std::int64_t>, Taken> taken;
  for (const auto& e : m.environments)
    for (const auto& w : e.workloads) {
      // The versions of a workload share its one Service, made by the first.
      if (w.expose == "cluster" || (!w.group.empty() && !w.group_head)) continue;
      for (const auto& p : w.ports) {
        if (!p.node_port) continue;
        auto [it, fresh] = taken.emplace(std::pair{e.cluster, p.node_port}, Taken{&e, &w, &p});
        if (fresh) continue;
        const Taken& t = it->second;
        std::string first =
            fmt::format("`{}` (port `{}`) in environment `{}`", t.w->name, t.p->name, t.env->name);
        report(sink, Code::E2045, p.node_port_span,
               t.w->name == w.name && t.p->name == p.name
                   ? fmt::format("node port {} of `{}` is pinned in environments `{}` and `{}`, "
                                 "which share cluster `{}`: a node port is the cluster's",
                                 p.node_port, w.name, t.env->name, e.name, e.cluster)
                   : fmt::format("node port {} is pinned twice in cluster `{}`: by {} and by `{}` "
                                 "(port `{}`) in environment `{}`",
                                 p.node_port, e.cluster, first, w.name, p.name, e.name),
               "give each its own number, or pin it in one environment only (`when ENV { port "
               "NAME { ... } }`) and let Kubernetes choose in the others",
               {{t.p->node_port_span, "first pinned here"}});
      }
    }
}

}  // namespace stackc::check
