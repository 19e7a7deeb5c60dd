#include "base/diagnostics.hpp"

#include <algorithm>
#include <array>
#include <string>
#include <tuple>

namespace stackc::base {
namespace {

constexpr std::array kCodes = {
#define STACKC_DIAG(code, sev, slug, title) CodeInfo{Code::code, #code, Severity::sev, slug, title},
#include "base/diagnostic_kinds.def"
#undef STACKC_DIAG
};

}  // namespace

const CodeInfo& info(Code code) {
  return kCodes[static_cast<std::size_t>(code)];
}

std::span<const CodeInfo> all_codes() {
  return kCodes;
}

std::optional<Code> parse_code(std::string_view id) {
  for (const auto& c : kCodes) {
    if (c.id.size() != id.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < id.size(); ++i) {
      char a = id[i];
      if (a >= 'a' && a <= 'z') a = static_cast<char>(a - 'a' + 'A');
      if (a != c.id[i]) same = false;
    }
    if (same) return c.code;
  }
  return std::nullopt;
}

void Collector::report(Diagnostic d) {
  std::string key = std::to_string(static_cast<int>(d.code)) + ':' + std::to_string(d.span.file) +
                    ':' + std::to_string(d.span.begin) + ':' + std::to_string(d.span.end) + ':' +
                    d.message;
  if (!seen_.insert(std::move(key)).second) return;
  if (d.severity() == Severity::Error) {
    ++errors_;
  } else {
    ++warnings_;
  }
  diags_.push_back(std::move(d));
}

std::vector<Diagnostic> Collector::sorted() const {
  std::vector<Diagnostic> out = diags_;
  std::stable_sort(out.begin(), out.end(), [](const Diagnostic& a, const Diagnostic& b) {
    return std::tie(a.span.file, a.span.begin, a.code, a.message) <
           std::tie(b.span.file, b.span.begin, b.code, b.message);
  });
  return out;
}

Diagnostic make(Code code, Span span, std::string message, std::string help) {
  return Diagnostic{code, span, std::move(message), {}, std::move(help)};
}

}  // namespace stackc::base
