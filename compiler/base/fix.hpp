// The machine-applicable fix of a diagnostic: what a "did you mean `X`?" proposes, as a
// replacement of one word of the diagnostic's span, or a quoted number unquoted.
// `--diagnostics=json` prints it as `fix`, SARIF as `fixes`, and the language server offers it as a
// quick fix.
#pragma once

#include <optional>
#include <string>

#include "base/diagnostics.hpp"
#include "base/source.hpp"

namespace stackc::base {

struct Fix {
  Span span;         // the word replaced
  std::string text;  // what replaces it
};

// The fix of a diagnostic whose help or message says "did you mean `X`?": the word within its
// span (at most 4 KiB) closest to X by edit distance, replaced by X. None when there is no such
// suggestion, or no word of the span is near X. And for "remove the quotes: write `X`" on a
// span that is `"X"`: X.
std::optional<Fix> fix_of(const SourceManager& sm, const Diagnostic& d);

}  // namespace stackc::base
