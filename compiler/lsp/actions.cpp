// textDocument/codeAction (the quick fix of every diagnostic with a "did you mean") and
// textDocument/formatting (the formatter behind `stackc fmt`).
#include <fmt/format.h>

#include "base/fix.hpp"
#include "lsp/diagnostics.hpp"
#include "lsp/features.hpp"
#include "syntax/format.hpp"

namespace stackc::lsp {

namespace {

bool overlaps(const Range& a, const Range& b) {
  auto before = [](const Position& x, const Position& y) {
    return x.line < y.line || (x.line == y.line && x.character < y.character);
  };
  return !before(a.end, b.start) && !before(b.end, a.start);
}

Range range_param(const json& params) {
  if (!params.contains("range") || !params["range"].is_object())
    throw RpcError(rpc::kInvalidParams, "the params need `range`");
  auto pos = [](const json& p) {
    if (!p.is_object() || !p.contains("line") || !p["line"].is_number_unsigned() ||
        !p.contains("character") || !p["character"].is_number_unsigned())
      throw RpcError(rpc::kInvalidParams, "a position has a `line` and a `character`");
    return Position{static_cast<std::uint32_t>(
                        std::min<std::uint64_t>(p["line"].get<std::uint64_t>(), UINT32_MAX)),
                    static_cast<std::uint32_t>(
                        std::min<std::uint64_t>(p["character"].get<std::uint64_t>(), UINT32_MAX))};
  };
  const auto& r = params["range"];
  if (!r.contains("start") || !r.contains("end"))
    throw RpcError(rpc::kInvalidParams, "a range has a `start` and an `end`");
  return {pos(r["start"]), pos(r["end"])};
}

}  // namespace

json code_actions(const Workspace& ws, const json& params, const std::string& docs_base) {
  std::string uri = uri_param(params);
  Range want = range_param(params);
  json out = json::array();
  const Unit* u = ws.unit_for(uri);
  if (!u) return out;
  auto file = u->file_of(uri);
  if (!file) return out;
  for (const auto& d : u->diagnostics) {
    if (!d.span.valid() || d.span.file != *file) continue;
    Range r = u->line_index(*file).range(d.span.begin, d.span.end);
    if (!overlaps(r, want)) continue;
    auto fix = base::fix_of(u->sm, d);
    if (!fix) continue;
    std::string old(u->sm.text(fix->span));
    json edit = {{"range", range_json(u->line_index(*file).range(fix->span.begin, fix->span.end))},
                 {"newText", fix->text}};
    out.push_back({{"title", fmt::format("Replace `{}` with `{}`", old, fix->text)},
                   {"kind", "quickfix"},
                   {"isPreferred", true},
                   {"diagnostics", json::array({to_lsp(*u, d, docs_base)})},
                   {"edit", {{"changes", {{uri, json::array({edit})}}}}}});
    if (out.size() >= 100) break;
  }
  return out;
}

json formatting(const Workspace& ws, const json& params) {
  std::string uri = uri_param(params);
  const Unit* u = ws.unit_for(uri);
  if (!u) return nullptr;
  auto file = u->file_of(uri);
  if (!file) return nullptr;
  const ast::File* tree = u->tree(*file);
  if (!tree || !tree->ok) return nullptr;  // a file with syntax errors is not formatted
  std::string formatted = syntax::format(u->sm, *tree);
  std::string_view text = u->sm.file(*file).text();
  if (formatted == text) return json::array();
  const LineIndex& lines = u->line_index(*file);
  return json::array(
      {{{"range", range_json(lines.range(0, static_cast<std::uint32_t>(text.size())))},
        {"newText", formatted}}});
}

}  // namespace stackc::lsp
