#include "lsp/diagnostics.hpp"

#include <fmt/format.h>

#include "base/fix.hpp"
#include "lsp/workspace.hpp"

namespace stackc::lsp {

namespace {

json range_json(const Range& r) {
  return {{"start", {{"line", r.start.line}, {"character", r.start.character}}},
          {"end", {{"line", r.end.line}, {"character", r.end.character}}}};
}

}  // namespace

json to_lsp(const Unit& u, const base::Diagnostic& d, const std::string& docs_base) {
  const auto& info = base::info(d.code);
  json out;
  bool here = d.span.valid() && d.span.file < u.uris.size() && !u.uris[d.span.file].empty();
  Range r = here ? u.line_index(d.span.file).range(d.span.begin, d.span.end) : Range{};
  out["range"] = range_json(r);
  out["severity"] = d.severity() == base::Severity::Error ? 1 : 2;
  out["code"] = std::string(info.id);
  out["codeDescription"] = {{"href", docs_base + std::string(info.id) + ".md"}};
  out["source"] = "stackc";
  std::string message = d.message;
  json related = json::array();
  for (const auto& n : d.notes) {
    bool located = n.span.valid() && n.span.file < u.uris.size() && !u.uris[n.span.file].empty();
    if (located) {
      related.push_back(
          {{"location",
            {{"uri", u.uris[n.span.file]},
             {"range", range_json(u.line_index(n.span.file).range(n.span.begin, n.span.end))}}},
           {"message", n.message}});
    } else {
      message += "\nnote: " + n.message;
    }
  }
  if (!d.help.empty()) message += "\nhelp: " + d.help;
  out["message"] = message;
  if (!related.empty()) out["relatedInformation"] = std::move(related);
  if (here) {
    if (auto fix = base::fix_of(u.sm, d))
      out["data"] = {
          {"fix",
           {{"range",
             range_json(u.line_index(fix->span.file).range(fix->span.begin, fix->span.end))},
            {"newText", fix->text}}}};
  }
  return out;
}

json to_lsp_named(const Unit& u, const base::Diagnostic& d, const load::Loader::Named& named,
                  const std::string& docs_base) {
  base::Diagnostic shown = d;
  shown.span = named.at;
  std::uint32_t line = d.span.valid() ? u.sm.file(d.span.file).line_col(d.span.begin).line : 1;
  shown.message = fmt::format("in `{}`, line {}: {}", named.path, line, d.message);
  if (d.span.valid()) shown.notes.insert(shown.notes.begin(), {d.span, "here, in the file"});
  json out = to_lsp(u, shown, docs_base);
  out.erase("data");
  return out;
}

}  // namespace stackc::lsp
