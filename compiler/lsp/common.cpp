// The helpers every request shares (features.hpp): params, positions and locations.
#include "lsp/features.hpp"

namespace stackc::lsp {

std::string uri_param(const json& params) {
  if (!params.is_object() || !params.contains("textDocument") ||
      !params["textDocument"].is_object() || !params["textDocument"].contains("uri") ||
      !params["textDocument"]["uri"].is_string())
    throw RpcError(rpc::kInvalidParams, "the params need `textDocument.uri`");
  return params["textDocument"]["uri"].get<std::string>();
}

Position position_param(const json& params) {
  if (!params.contains("position") || !params["position"].is_object())
    throw RpcError(rpc::kInvalidParams, "the params need `position`");
  const auto& p = params["position"];
  if (!p.contains("line") || !p["line"].is_number_unsigned() || !p.contains("character") ||
      !p["character"].is_number_unsigned())
    throw RpcError(rpc::kInvalidParams, "`position` has a `line` and a `character` (unsigned)");
  auto clamp = [](const json& v) {
    return static_cast<std::uint32_t>(std::min<std::uint64_t>(v.get<std::uint64_t>(), UINT32_MAX));
  };
  return {clamp(p["line"]), clamp(p["character"])};
}

json range_json(const Range& r) {
  return {{"start", {{"line", r.start.line}, {"character", r.start.character}}},
          {"end", {{"line", r.end.line}, {"character", r.end.character}}}};
}

json location_json(const Unit& u, base::Span span) {
  if (!span.valid() || span.file >= u.uris.size() || u.uris[span.file].empty()) return nullptr;
  return {{"uri", u.uris[span.file]},
          {"range", range_json(u.line_index(span.file).range(span.begin, span.end))}};
}

Place locate(const Workspace& ws, const json& params) {
  std::string uri = uri_param(params);
  Position pos = position_param(params);
  Place p;
  p.unit = ws.unit_for(uri);
  if (!p.unit) return {};
  auto file = p.unit->file_of(uri);
  if (!file) return {};
  p.file = *file;
  p.offset = p.unit->line_index(*file).offset(pos);
  return p;
}

}  // namespace stackc::lsp
