#include "base/fix.hpp"

#include "base/suggest.hpp"

namespace stackc::base {

namespace {

// The X of "did you mean `X`?" in the help or the message.
std::optional<std::string> suggestion(const Diagnostic& d) {
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

std::optional<Fix> fix_of(const SourceManager& sm, const Diagnostic& d) {
  // "remove the quotes: write `X`" on a span that is exactly "X": the span becomes X.
  constexpr std::string_view unquote = "remove the quotes: write `";
  if (d.help.rfind(unquote, 0) == 0 && d.help.back() == '`' && d.span.valid() &&
      d.span.file < sm.size()) {
    std::string x = d.help.substr(unquote.size(), d.help.size() - unquote.size() - 1);
    if (sm.text(d.span) == "\"" + x + "\"") return Fix{d.span, x};
  }
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
    std::size_t dist = edit_distance(word, *want, best_distance);
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

}  // namespace stackc::base
