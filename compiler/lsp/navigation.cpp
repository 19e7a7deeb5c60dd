// textDocument/definition, references, prepareRename and rename, on the unit's symbol index.
#include <fmt/format.h>

#include <map>
#include <regex>
#include <string_view>

#include "check/names.hpp"
#include "lsp/features.hpp"

namespace stackc::lsp {

namespace {

// The declaration the name under the cursor declares or names, if any.
const Symbol* target(const Place& p, const Reference** via = nullptr) {
  const Index& ix = p.unit->index;
  if (const Reference* r = ix.reference_at(p.file, p.offset)) {
    if (via) *via = r;
    return ix.find(r->kind, r->name, r->container);
  }
  return ix.symbol_at(p.file, p.offset);
}

bool renameable(SymbolKind k) {
  return k == SymbolKind::Workload || k == SymbolKind::Template || k == SymbolKind::Version;
}

constexpr const char* kNotRenameable = "only a workload, a template or a version can be renamed";

// A workload of the unit as it would be after renaming `s` to `name`: a declared workload, or
// one that a version makes (`reviews-v1`, language.md §5.15), with the symbol behind it.
struct Made {
  std::string name;
  const Symbol* by;
};

std::vector<Made> workloads_after(const Index& ix, const Symbol& s, const std::string& name) {
  std::map<std::string_view, std::vector<const Symbol*>> versions;  // by workload
  for (const auto& v : ix.symbols())
    if (v.kind == SymbolKind::Version) versions[v.container].push_back(&v);
  std::vector<Made> out;
  for (const auto& w : ix.symbols()) {
    if (w.kind != SymbolKind::Workload) continue;
    const std::string& wn = &w == &s ? name : w.name;
    out.push_back({wn, &w});
    if (auto it = versions.find(w.name); it != versions.end())
      for (const Symbol* v : it->second) out.push_back({wn + "-" + (v == &s ? name : v->name), v});
  }
  return out;
}

// Why renaming `s` to `name` would break the stack's workload names (E2032, E2033), or empty:
// every name the rename changes (the workload's, its versions' workloads) must be new and at
// most 63 characters.
std::string workload_name_clash(const Unit& u, const Symbol& s, const std::string& name) {
  auto made = workloads_after(u.index, s, name);
  std::multimap<std::string_view, const Symbol*> by_name;
  for (const auto& m : made) by_name.emplace(m.name, m.by);
  auto at = [&](const Symbol& x) {
    const auto& f = u.sm.file(x.name_span.file);
    return fmt::format("{}:{}", f.path(), f.line_col(x.name_span.begin).line);
  };
  for (const auto& m : made) {
    bool changed = m.by == &s || (s.kind == SymbolKind::Workload &&
                                  m.by->kind == SymbolKind::Version && m.by->container == s.name);
    if (!changed) continue;
    if (m.by->kind == SymbolKind::Version && m.name.size() > 63)
      return fmt::format(
          "version `{}` would make the workload `{}`, {} characters long: a "
          "Kubernetes name has at most 63 (E2033)",
          m.by == &s ? name : m.by->name, m.name, m.name.size());
    auto [first, last] = by_name.equal_range(m.name);
    for (auto it = first; it != last; ++it) {
      if (it->second == m.by) continue;
      const Symbol& o = *it->second;
      if (o.kind == SymbolKind::Version)
        return fmt::format("`{}` is taken: version `{}` of `{}` makes the workload `{}` at {}",
                           m.name, o.name, o.container, m.name, at(o));
      return fmt::format("`{}` is taken: {} `{}` is declared at {}", m.name, o.word, o.name, at(o));
    }
  }
  return {};
}

}  // namespace

json definition(const Workspace& ws, const json& params) {
  Place p = locate(ws, params);
  if (!p.unit) return nullptr;
  const Unit& u = *p.unit;
  const Reference* r = nullptr;
  const Symbol* s = target(p, &r);
  if (s) return location_json(u, s->name_span);
  if (!r) return nullptr;
  if (r->kind == SymbolKind::Import) {
    // The imported file: the one of the unit whose path ends with the import's path.
    std::string tail = r->name.substr(r->name.find('/') + 1);
    for (std::size_t i = 0; i < u.uris.size(); ++i) {
      const std::string& path = u.sm.file(static_cast<base::FileId>(i)).path();
      if (i != r->span.file && !u.uris[i].empty() && path.size() >= tail.size() &&
          path.compare(path.size() - tail.size(), tail.size(), tail) == 0)
        return {{"uri", u.uris[i]}, {"range", range_json({})}};
    }
    return nullptr;
  }
  if (r->kind == SymbolKind::Secret)
    for (const auto& sym : u.index.symbols())
      if (sym.kind == SymbolKind::Singleton && sym.name == "secrets")
        return location_json(u, sym.name_span);
  return nullptr;
}

json references(const Workspace& ws, const json& params) {
  Place p = locate(ws, params);
  if (!p.unit) return nullptr;
  const Unit& u = *p.unit;
  const Reference* r = nullptr;
  const Symbol* s = target(p, &r);
  bool with_decl = params.contains("context") && params["context"].is_object() &&
                   params["context"].value("includeDeclaration", false);
  json out = json::array();
  auto add = [&](base::Span span) {
    json l = location_json(u, span);
    if (!l.is_null()) out.push_back(std::move(l));
  };
  if (s) {
    if (with_decl) add(s->name_span);
    for (const Reference* x : u.index.references_to(*s)) add(x->span);
  } else if (r) {  // a secret, or a name with no declaration: every use of it
    for (const auto& x : u.index.references())
      if (x.kind == r->kind && x.name == r->name) add(x.span);
  }
  return out;
}

json prepare_rename(const Workspace& ws, const json& params) {
  Place p = locate(ws, params);
  if (!p.unit) return nullptr;
  const Reference* r = nullptr;
  const Symbol* s = target(p, &r);
  if (!s || !renameable(s->kind)) throw RpcError(rpc::kRequestFailed, kNotRenameable);
  if (p.unit->stdlib(s->name_span.file))
    throw RpcError(rpc::kRequestFailed,
                   fmt::format("`{}` is declared in the embedded stdlib", s->name));
  base::Span at = r ? r->span : s->name_span;
  return {{"range", range_json(p.unit->line_index(at.file).range(at.begin, at.end))},
          {"placeholder", s->name}};
}

json rename(const Workspace& ws, const json& params) {
  Place p = locate(ws, params);
  if (!p.unit) return nullptr;
  const Unit& u = *p.unit;
  if (!params.contains("newName") || !params["newName"].is_string())
    throw RpcError(rpc::kInvalidParams, "the params need `newName`");
  const std::string name = params["newName"].get<std::string>();
  const Symbol* s = target(p);
  if (!s || !renameable(s->kind)) throw RpcError(rpc::kRequestFailed, kNotRenameable);
  if (u.stdlib(s->name_span.file))
    throw RpcError(
        rpc::kRequestFailed,
        fmt::format("`{}` is declared in the embedded stdlib and cannot be renamed", s->name));
  static const std::regex ident("[A-Za-z_][A-Za-z0-9_-]*");
  if (name.size() > 253 || !std::regex_match(name, ident))
    throw RpcError(rpc::kRequestFailed,
                   fmt::format("`{}` is not a name: a name is a letter or `_` followed by letters, "
                               "digits, `_` and `-`",
                               name));
  if (s->kind != SymbolKind::Template && !check::is_dns_label(name))
    throw RpcError(
        rpc::kRequestFailed,
        fmt::format("`{}` cannot name a {}: its Kubernetes objects need a DNS label (lower "
                    "case letters, digits and `-`, at most 63, starting and ending with a letter "
                    "or digit){}",
                    name, s->kind == SymbolKind::Version ? "version" : "workload",
                    check::dns_fix(name).empty() ? "" : "; try `" + check::dns_fix(name) + "`"));
  if (name == s->name) return json{{"changes", json::object()}};
  if (s->kind == SymbolKind::Template) {
    for (const auto& other : u.index.symbols())
      if (other.kind == s->kind && other.name == name)
        throw RpcError(
            rpc::kRequestFailed,
            fmt::format("`{}` is taken: {} `{}` is declared at {}:{}", name, other.word, name,
                        u.sm.file(other.name_span.file).path(),
                        u.sm.file(other.name_span.file).line_col(other.name_span.begin).line));
  } else if (auto why = workload_name_clash(u, *s, name); !why.empty()) {
    throw RpcError(rpc::kRequestFailed, why);
  }
  std::map<std::string, json> changes;
  auto edit = [&](base::Span span) {
    if (u.stdlib(span.file))
      throw RpcError(
          rpc::kRequestFailed,
          fmt::format("`{}` is named in the embedded stdlib, which cannot change", s->name));
    auto& list = changes[u.uris[span.file]];
    if (list.is_null()) list = json::array();
    list.push_back({{"range", range_json(u.line_index(span.file).range(span.begin, span.end))},
                    {"newText", name}});
  };
  edit(s->name_span);
  for (const Reference* r : u.index.references_to(*s)) edit(r->span);
  json out = json::object();
  for (auto& [uri, list] : changes) out[uri] = std::move(list);
  return {{"changes", std::move(out)}};
}

}  // namespace stackc::lsp
