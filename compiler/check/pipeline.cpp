#include "check/pipeline.hpp"

#include <fmt/format.h>

#include "model/model.hpp"

namespace stackc::check {
namespace {

using ast::Stmt;
using ast::Value;
using ast::ValueKind;
using base::Code;
using base::Span;

// E2028 at each `${{` of a command. In the source it is written `\${{` (`${` alone starts an
// interpolation); the span covers those four characters. A `${{` written otherwise (`\u{24}{{`)
// is reported at the whole string.
void expressions(const Stmt& s, const Value& v, std::vector<base::Diagnostic>& out) {
  if (v.kind != ValueKind::String || v.string_value().find("${{") == std::string::npos) return;
  auto diag = [&](Span at) {
    out.push_back(base::make(
        Code::E2028, at,
        fmt::format("the `{}` command of `pipeline` contains a GitHub expression `${{{{ ... }}}}`",
                    s.key),
        "GitHub would paste its value into the script before bash reads it (script injection); "
        "read the value from the environment instead: `$GITHUB_HEAD_REF`, `$GITHUB_SHA`, ..., or "
        "`jq -r .pull_request.title \"$GITHUB_EVENT_PATH\"` (see `stackc explain E2028`)"));
  };
  bool found = false;
  for (auto at = v.raw.find("\\${{"); at != std::string_view::npos;
       at = v.raw.find("\\${{", at + 4)) {
    found = true;
    diag(Span{v.span.file, v.span.begin + static_cast<std::uint32_t>(at),
              v.span.begin + static_cast<std::uint32_t>(at + 4)});
  }
  if (!found) diag(v.span);
}

}  // namespace

bool is_sha256_digest(std::string_view s) {
  if (s.size() != 7 + 64 || s.substr(0, 7) != "sha256:") return false;
  for (char c : s.substr(7))
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  return true;
}

std::vector<base::Diagnostic> check_pipeline(const Stmt& decl, Span name_span) {
  std::vector<base::Diagnostic> out;
  const Value* digest = nullptr;
  for (const auto& s : decl.body) {
    if (!s.has_value()) continue;
    if (s.key == "test" || s.key == "build") expressions(s, s.val(), out);
    if (s.key == "stackc_digest") digest = &s.val();
  }
  const std::string image(model::kStackcImage);
  if (!digest) {
    out.push_back(base::make(
        Code::E2007, name_span, "`pipeline` has no `stackc_digest`",
        fmt::format("pin the stackc image the workflow runs, `stackc_digest = \"sha256:...\"` "
                    "(`docker buildx imagetools inspect {}` prints it), or choose the tag alone "
                    "with `stackc_digest = \"unpinned\"`",
                    image)));
  } else if (digest->kind == ValueKind::String && !digest->has_interpolation()) {
    auto text = digest->string_value();
    if (text != "unpinned" && !is_sha256_digest(text))
      out.push_back(base::make(
          Code::E2003, digest->span,
          fmt::format("`stackc_digest` takes `\"sha256:\"` and 64 lower-case hexadecimal digits, "
                      "or `\"unpinned\"`; `{}` is neither",
                      text),
          fmt::format("`docker buildx imagetools inspect {}` prints the digest", image)));
  } else if (digest->kind == ValueKind::String) {
    out.push_back(base::make(Code::E2003, digest->span,
                             "`stackc_digest` is written out: it cannot have an interpolation",
                             "write `stackc_digest = \"sha256:...\"`"));
  }
  return out;
}

}  // namespace stackc::check
