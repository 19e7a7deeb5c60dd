// textDocument/hover: a key's field (doc, type, default, unit), a kind, and what a name or a
// reference resolves to, with a workload's resolved values in every environment.
#include <fmt/format.h>

#include "check/units.hpp"
#include "lsp/features.hpp"
#include "lsp/tree.hpp"
#include "stdlib/stdlib.hpp"

namespace stackc::lsp {

std::string field_doc(const check::Field& f) {
  std::string type(check::type_name(f.type));
  if (!f.choices.empty() && f.type != check::Type::Ref && f.type != check::Type::RefList)
    type += fmt::format(": {}", fmt::join(check::split_choices(f.choices), " | "));
  if ((f.type == check::Type::Ref || f.type == check::Type::RefList) && !f.choices.empty())
    type += fmt::format(" to a {}", f.choices);
  std::string o =
      fmt::format("**`{}`**{} — {}\n\n{}", f.name, f.labelled ? " NAME" : "", type, f.doc);
  if (!f.default_text.empty()) o += fmt::format("\n\nDefault: `{}`", f.default_text);
  if (f.required) o += "\n\nRequired.";
  if (f.min < f.max) o += fmt::format("\n\nFrom {} to {}.", f.min, f.max);
  if (auto u = unit_help(f.type); !u.empty()) o += fmt::format("\n\nUnits — {}.", u);
  return o;
}

namespace {

std::string kind_doc(const check::Kind& k) {
  std::string o = fmt::format("**`{}`** — {}", k.name, k.doc);
  if (!k.fields.empty()) {
    std::vector<std::string> names;
    for (const auto& f : k.fields) names.push_back(fmt::format("`{}`", f.name));
    o += fmt::format("\n\nFields: {}.", fmt::join(names, ", "));
  }
  return o;
}

std::string where(const Unit& u, base::Span s) {
  if (!s.valid() || s.file >= u.sm.size()) return {};
  const auto& f = u.sm.file(s.file);
  auto lc = f.line_col(s.begin);
  return fmt::format("{}:{}", f.path(), lc.line);
}

std::string range_text(std::int64_t lo, std::int64_t hi, std::string (*fmt_one)(std::int64_t)) {
  return lo == hi ? fmt_one(lo) : fmt_one(lo) + ".." + fmt_one(hi);
}
std::string plain(std::int64_t v) {
  return std::to_string(v);
}

std::string workload_values(const model::Model& m, const std::string& name) {
  std::string o = "\n\n| environment | replicas | cpu | memory |\n|---|---|---|---|\n";
  bool any = false;
  for (const auto& env : m.environments) {
    bool absent = std::find(env.absent.begin(), env.absent.end(), name) != env.absent.end();
    for (const auto& w : env.workloads) {
      if (w.name != name && w.group != name) continue;
      o += fmt::format("| {}{} | {} | {} | {} |\n", env.name,
                       w.version.empty() ? "" : " (" + w.version + ")",
                       range_text(w.replicas_min, w.replicas_max, plain),
                       range_text(w.cpu.request, w.cpu.limit, check::format_cpu),
                       range_text(w.memory.request, w.memory.limit, check::format_bytes));
      any = true;
    }
    if (absent) {
      o += fmt::format("| {} | left out (`enabled = false`) | | |\n", env.name);
      any = true;
    }
  }
  return any ? o : std::string();
}

std::string source_excerpt(const Unit& u, base::Span s, std::size_t max_lines) {
  if (!s.valid() || s.file >= u.sm.size()) return {};
  std::string_view text = u.sm.text(s);
  std::string out;
  std::size_t lines = 0;
  for (std::size_t i = 0; i < text.size() && lines < max_lines; ++i) {
    out += text[i];
    if (text[i] == '\n') ++lines;
  }
  if (out.size() < text.size()) out += lines >= max_lines ? "  ...\n" : "";
  return "\n\n```stack\n" + out + (out.empty() || out.back() == '\n' ? "" : "\n") + "```";
}

std::string symbol_doc(const Workspace& ws, const Unit& u, const Symbol& s) {
  const model::Model* m = u.model ? &*u.model : ws.last_model(u.root_uri);
  std::string o = fmt::format("**{} `{}`**", s.word, s.name);
  if (!s.container.empty()) o += fmt::format(" of `{}`", s.container);
  if (auto w = where(u, s.name_span); !w.empty()) o += fmt::format(" — {}", w);
  switch (s.kind) {
    case SymbolKind::Workload:
      if (s.stmt && !s.stmt->from.empty()) {
        std::vector<std::string> from;
        for (const auto& f : s.stmt->from) from.push_back(fmt::format("`{}`", f.text));
        o += fmt::format("\n\nFrom template {}.", fmt::join(from, ", "));
      }
      if (m) o += workload_values(*m, s.name);
      break;
    case SymbolKind::Environment:
      if (m)
        if (const auto* e = m->environment(s.name))
          o += fmt::format("\n\nCluster `{}`, namespace `{}`{}, {} workloads.", e->cluster, e->ns,
                           e->branch.empty() ? "" : fmt::format(", branch `{}`", e->branch),
                           e->workloads.size());
      break;
    case SymbolKind::Cluster:
      if (m)
        for (const auto& c : m->clusters)
          if (c.name == s.name)
            o += fmt::format("\n\nProvider `{}`, {} node{} of {} CPU, {} memory.", c.provider,
                             range_text(c.nodes_min, c.nodes_max, plain),
                             c.nodes_max == 1 ? "" : "s", check::format_cpu(c.node_cpu),
                             check::format_bytes(c.node_memory));
      break;
    default:
      if (s.stmt) o += source_excerpt(u, s.stmt->span, 12);
      break;
  }
  if (s.kind == SymbolKind::Template && s.stmt) o += source_excerpt(u, s.stmt->span, 12);
  auto refs = u.index.references_to(s);
  if (!refs.empty())
    o += fmt::format("\n\nReferenced {} time{}.", refs.size(), refs.size() == 1 ? "" : "s");
  return o;
}

std::string reference_doc(const Workspace& ws, const Unit& u, const Reference& r) {
  if (r.kind == SymbolKind::Import) {
    if (r.name.rfind("std/", 0) == 0) {
      auto text = stdlib::find(r.name);
      if (!text) return fmt::format("**import `{}`**: the stdlib has no such module", r.name);
      std::string_view t = *text;
      std::string head;
      for (std::size_t at = 0; at < t.size() && t[at] == '#';) {
        auto eol = t.find('\n', at);
        head += std::string(t.substr(at + 1, eol - at - 1)) + "\n";
        if (eol == std::string_view::npos) break;
        at = eol + 1;
      }
      return fmt::format("**import `{}`** — the embedded stdlib module `{}.stack`\n\n{}", r.name,
                         r.name, head);
    }
    for (std::size_t i = 0; i < u.sm.size(); ++i) {
      const std::string& p = u.sm.file(static_cast<base::FileId>(i)).path();
      std::string tail = r.name.substr(r.name.find('/') + 1);
      if (i != r.span.file && p.size() >= tail.size() &&
          p.compare(p.size() - tail.size(), tail.size(), tail) == 0)
        return fmt::format("**import `{}`** — `{}`", r.name, p);
    }
    return fmt::format("**import `{}`** — not loaded (see the diagnostics)", r.name);
  }
  if (r.kind == SymbolKind::Secret) {
    std::string o = fmt::format("**secret `{}`**", r.name);
    const model::Model* m = u.model ? &*u.model : ws.last_model(u.root_uri);
    if (m && m->secrets.backend == "vault")
      o += fmt::format(
          " — read from Vault at `{}`, path `{}/{}` (an ExternalSecret per environment)",
          m->secrets.address, m->secrets.path, r.name);
    else if (m)
      o += fmt::format(" — the Kubernetes Secret `{}` in each environment's namespace", r.name);
    std::size_t uses = 0;
    for (const auto& x : u.index.references())
      if (x.kind == SymbolKind::Secret && x.name == r.name) ++uses;
    o += fmt::format("\n\nUsed {} time{} in the stack.", uses, uses == 1 ? "" : "s");
    return o;
  }
  const Symbol* s = u.index.find(r.kind, r.name, r.container);
  if (!s) return fmt::format("**{} `{}`** — not declared in this stack", kind_name(r.kind), r.name);
  return fmt::format("`{}` ({}) resolves to:\n\n{}", r.name, r.via, symbol_doc(ws, u, *s));
}

}  // namespace

json hover(const Workspace& ws, const json& params) {
  Place p = locate(ws, params);
  if (!p.unit) return nullptr;
  const Unit& u = *p.unit;
  std::string text;
  base::Span span;
  if (const Reference* r = u.index.reference_at(p.file, p.offset)) {
    text = reference_doc(ws, u, *r);
    span = r->span;
  } else if (const Symbol* s = u.index.symbol_at(p.file, p.offset)) {
    text = symbol_doc(ws, u, *s);
    span = s->name_span;
  } else if (const ast::File* f = u.tree(p.file)) {
    auto frames = frames_at(*f, p.offset);
    for (auto it = frames.rbegin(); it != frames.rend(); ++it) {
      const ast::Stmt& s = *it->stmt;
      if (!(s.key_span.begin <= p.offset && p.offset <= s.key_span.end)) continue;
      span = s.key_span;
      if (it->field) {
        text = field_doc(*it->field);
      } else if (s.key == "when") {
        text =
            "**`when ENV { ... }`** — the fields inside apply only in environment ENV, over "
            "the ones outside.";
      } else if (!it->parent) {
        if (const check::Kind* k = check::top_kind(s.key)) text = kind_doc(*k);
      }
      break;
    }
  }
  if (text.empty()) return nullptr;
  json out = {{"contents", {{"kind", "markdown"}, {"value", text}}}};
  if (span.valid()) out["range"] = range_json(u.line_index(span.file).range(span.begin, span.end));
  return out;
}

}  // namespace stackc::lsp
