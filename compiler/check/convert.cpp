// Pass 2: checked values read into the model, silently (pass 1 reported what was wrong):
// quantities and resources, strings with `${...}` substituted, a workload's ports and its
// references to other workloads, secrets, `env` entries, probes, lists and dependencies.

#include <fmt/format.h>

#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "check/ports.hpp"
#include "check/probes.hpp"
#include "check/references.hpp"

namespace stackc::check {

// Silent converters (values were checked in pass 1).
std::int64_t Checker::q_or(Quantity q, std::int64_t def) {
  return q.ok ? q.value : def;
}

std::string Checker::str(const Value* v) {
  return v && v->kind == ValueKind::String ? v->string_value() : std::string();
}

model::Resource Checker::resource(const Value* v, bool cpu, model::Resource def) {
  if (!v) return def;
  model::Resource r;
  r.span = v->span;
  auto conv = cpu ? to_millicores : to_bytes;
  if (v->kind == ValueKind::Range) {
    r.request = q_or(conv(v->items[0]), 0);
    r.limit = q_or(conv(v->items[1]), 0);
  } else {
    r.request = r.limit = q_or(conv(*v), 0);
  }
  return r;
}

std::string Checker::interpolate(const Value& v, const model::Model& m,
                                 const model::Environment& e) {
  std::string out;
  for (const auto& p : v.parts()) {
    if (!p.interpolation) {
      out += p.text;
      continue;
    }
    auto dot = p.text.find('.');
    std::string a(p.text.substr(0, dot)),
        b(dot == std::string::npos ? std::string_view() : p.text.substr(dot + 1));
    if (a == "stack") {
      out += b == "name"       ? m.stack.name
             : b == "registry" ? m.stack.registry
             : b == "version"  ? m.stack.version
                               : m.stack.owner;
    } else if (a == "env") {
      out += b == "name"        ? e.name
             : b == "namespace" ? e.ns
             : b == "domain"    ? e.domain
             : b == "branch"    ? e.branch
                                : e.cluster;
    } else if (b == "host") {
      out += a;
    } else if (b == "port" || b == "address" || b.rfind("port.", 0) == 0) {
      // The first port, or the one named; `address` is `host:port`.
      std::string_view name = b.rfind("port.", 0) == 0 ? std::string_view(b).substr(5) : "";
      std::string port;
      for (const auto& [pn, num] : ports_of(a, e))
        if (name.empty() || pn == name) {
          port = std::to_string(num);
          break;
        }
      out += b == "address" ? (port.empty() ? a : a + ":" + port) : port;
    }
  }
  return out;
}

// The ports a workload declares in an environment (template ports first): name, number.
std::vector<std::pair<std::string, std::int64_t>> Checker::ports_of(const std::string& workload,
                                                                    const model::Environment& e) {
  std::vector<std::pair<std::string, std::int64_t>> out;
  const Decl* d = declared(SymbolKind::Workload, workload);
  if (!d) return out;
  MNode n = resolve(*d, e.name);
  for (const auto& kid : n.kids)
    if (auto p = port_of(kid)) out.emplace_back(p->name, p->number);  // the Service's port
  return out;
}

// References to other workloads in the strings of `n` (references.hpp); a named port must be
// declared by the workload referred to in this environment.
std::vector<model::Reference> Checker::workload_refs(const MNode& n, const std::string& self,
                                                     const model::Environment& e) {
  auto refs = references(
      n, self, [&](std::string_view w) { return index_.find(SymbolKind::Workload, w) != nullptr; });
  for (const auto& r : refs) {
    if (r.attr.rfind("port.", 0) != 0) continue;
    const std::string name = r.attr.substr(5);
    std::vector<std::string> names;
    bool found = false;
    for (const auto& [pn, num] : ports_of(r.target, e)) {
      found = found || pn == name;
      names.push_back(pn);
    }
    if (found) continue;
    std::string hint = base::did_you_mean(name, names);
    report(Code::E2005, r.span,
           fmt::format("`${{{}.{}}}` names the port `{}`, but `{}` declares no port of that name",
                       r.target, r.attr, name, r.target),
           !hint.empty() ? hint
           : names.empty()
               ? fmt::format("`{}` declares no port", r.target)
               : fmt::format("the ports of `{}` are: {}", r.target, fmt::join(names, ", ")));
  }
  return refs;
}

std::string Checker::interp_or(const Value* v, const model::Model& m, const model::Environment& e) {
  return v && v->kind == ValueKind::String ? interpolate(*v, m, e) : std::string();
}

model::SecretRef Checker::secret_ref(const Value& v) {
  model::SecretRef s;
  s.span = v.span;
  for (const auto& a : v.items) {
    if (a.arg_name().empty())
      s.name = a.string_value();
    else if (a.arg_name() == "key")
      s.key = a.string_value();
  }
  return s;
}

std::vector<model::EnvVar> Checker::env_vars(const MNode* n, const model::Model& m,
                                             const model::Environment& e) {
  std::vector<model::EnvVar> out;
  if (!n) return out;
  for (const auto& kid : n->kids) {
    if (!kid.stmt || !kid.stmt->has_value()) continue;
    const Value& v = kid.stmt->val();
    model::EnvVar ev;
    ev.name = std::string(kid.stmt->key);
    ev.span = kid.stmt->span;
    if (v.kind == ValueKind::Call) {
      ev.kind = model::EnvVar::Kind::Secret;
      ev.secret = secret_ref(v);
    } else if (v.kind == ValueKind::Path && v.path.size() == 2) {
      ev.kind = model::EnvVar::Kind::Ref;
      ev.ref_target = std::string(v.path[0]);
      ev.ref_attr = std::string(v.path[1]);
    } else if (v.kind == ValueKind::String) {
      ev.value = interpolate(v, m, e);
    } else {
      ev.value = std::string(v.raw);
    }
    out.push_back(std::move(ev));
  }
  return out;
}

std::optional<model::Probe> Checker::probe(const Value* v) {
  if (!v || v->kind != ValueKind::Call) return std::nullopt;
  return probe_of(*v);
}

std::vector<std::string> Checker::strings(const Value* v) {
  std::vector<std::string> out;
  if (v && v->kind == ValueKind::List)
    for (const auto& i : v->items)
      out.push_back(i.kind == ValueKind::String ? i.string_value() : std::string(i.raw));
  return out;
}

// A list of strings with their interpolations substituted (`command`, `args`).
std::vector<std::string> Checker::strings(const Value* v, const model::Model& m,
                                          const model::Environment& e) {
  std::vector<std::string> out;
  if (v && v->kind == ValueKind::List)
    for (const auto& i : v->items)
      out.push_back(i.kind == ValueKind::String ? interpolate(i, m, e) : std::string(i.raw));
  return out;
}

std::vector<model::Dependency> Checker::deps(const Value* v) {
  std::vector<model::Dependency> out;
  if (v && v->kind == ValueKind::List)
    for (const auto& i : v->items) out.push_back({std::string(i.raw), i.span});
  else if (v && v->kind == ValueKind::Path)
    out.push_back({std::string(v->raw), v->span});
  return out;
}

}  // namespace stackc::check
