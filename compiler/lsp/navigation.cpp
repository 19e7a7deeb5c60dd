// textDocument/definition, references, prepareRename and rename, on the unit's symbol index.
#include <fmt/format.h>

#include <regex>

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
  return k == SymbolKind::Workload || k == SymbolKind::Template;
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
  if (!s || !renameable(s->kind))
    throw RpcError(rpc::kRequestFailed, "only a workload or a template can be renamed");
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
  if (!s || !renameable(s->kind))
    throw RpcError(rpc::kRequestFailed, "only a workload or a template can be renamed");
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
  if (s->kind == SymbolKind::Workload && !check::is_dns_label(name))
    throw RpcError(
        rpc::kRequestFailed,
        fmt::format("`{}` cannot name a workload: its Kubernetes objects need a DNS label (lower "
                    "case letters, digits and `-`, at most 63, starting and ending with a letter "
                    "or digit){}",
                    name,
                    check::dns_fix(name).empty() ? "" : "; try `" + check::dns_fix(name) + "`"));
  if (name == s->name) return json{{"changes", json::object()}};
  for (const auto& other : u.index.symbols())
    if (other.kind == s->kind && other.name == name)
      throw RpcError(
          rpc::kRequestFailed,
          fmt::format("`{}` is taken: {} `{}` is declared at {}:{}", name, other.word, name,
                      u.sm.file(other.name_span.file).path(),
                      u.sm.file(other.name_span.file).line_col(other.name_span.begin).line));
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
