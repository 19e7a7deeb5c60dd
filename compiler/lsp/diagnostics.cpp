#include "lsp/diagnostics.hpp"

#include "base/suggest.hpp"
#include "lsp/workspace.hpp"

namespace stackc::lsp {

namespace {

json range_json(const Range& r) {
  return {{"start", {{"line", r.start.line}, {"character", r.start.character}}},
          {"end", {{"line", r.end.line}, {"character", r.end.character}}}};
}

// The X of "did you mean `X`?" in the help or the message.
std::optional<std::string> suggestion(const base::Diagnostic& d) {
  for (const std::string* s : {&d.help, &d.message}) {
    constexpr std::string_view lead = "did you mean `";
    auto at = s->find(lead);
    if (at == std::string::npos) continue;
    at += lead.size();
    auto end = s->find('`', at);
    if (end == std::string::npos || end == at) continue;
    return s->substr(at, end - at);
  }
  return std::nullopt;
}

bool word_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-' || c == '.' || c == '/' || c == ':';
}

}  // namespace

std::optional<Fix> fix_of(const base::SourceManager& sm, const base::Diagnostic& d) {
  auto want = suggestion(d);
  if (!want || !d.span.valid() || d.span.file >= sm.size()) return std::nullopt;
  std::string_view text = sm.file(d.span.file).text();
  if (d.span.end > text.size() || d.span.begin >= d.span.end || d.span.end - d.span.begin > 4096)
    return std::nullopt;
  std::string_view in = text.substr(d.span.begin, d.span.end - d.span.begin);
  std::optional<Fix> best;
  std::size_t best_distance = want->size() / 2 + 3;
  for (std::size_t i = 0; i < in.size();) {
    if (!word_char(in[i])) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < in.size() && word_char(in[j])) ++j;
    std::string_view word = in.substr(i, j - i);
    std::size_t dist = base::edit_distance(word, *want, best_distance);
    if (dist > 0 && dist < best_distance) {
      best_distance = dist;
      best = Fix{{d.span.file, d.span.begin + static_cast<std::uint32_t>(i),
                  d.span.begin + static_cast<std::uint32_t>(j)},
                 *want};
    }
    i = j;
  }
  return best;
}

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
    if (auto fix = fix_of(u.sm, d))
      out["data"] = {
          {"fix",
           {{"range",
             range_json(u.line_index(fix->span.file).range(fix->span.begin, fix->span.end))},
            {"newText", fix->text}}}};
  }
  return out;
}

}  // namespace stackc::lsp
