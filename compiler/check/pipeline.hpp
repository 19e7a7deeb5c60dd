// Checks of the `pipeline` declaration that its schema cannot express (specs/github.md):
// - E2028: a GitHub expression `${{ ... }}` in the `test` or `build` command, which the workflow
//   runs as a script (`run:`): GitHub would paste the expression's value into the script before
//   the shell reads it, so text from a pull request (its title, its branch name) becomes code;
// - `stackc_digest`: the digest that pins the stackc image the workflow's `check` job runs, or
//   the explicit choice `"unpinned"` (E2007 when missing, E2003 when malformed).
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// The diagnostics of the `pipeline` declaration `decl` (its name span is where a missing field
// is reported).
std::vector<base::Diagnostic> check_pipeline(const ast::Stmt& decl, base::Span name_span);

// `sha256:` and 64 lower-case hexadecimal digits.
bool is_sha256_digest(std::string_view s);

}  // namespace stackc::check
