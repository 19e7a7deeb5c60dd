// Checks of `stack { gitops { ... } }` that its schema cannot express (specs/targets.md §13):
// - E2050: a `repository` that is not an `https://`, `http://` or `ssh://` URL with a host and a
//   path (the scp form `git@host:org/repo` is refused: Flux's GitRepository takes URLs only), a
//   `server` that is not an `https://` URL with a host, a `path` that is absolute, has an empty,
//   `.` or `..` component, or a `revision` that is not a plain branch name;
// - E2003: any of them written with an interpolation (they are written out);
// - E2017: an `interval` of zero.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// The diagnostics of every `gitops` block in the body of the `stack` declaration `decl`.
std::vector<base::Diagnostic> check_gitops(const ast::Stmt& decl);

// Empty when `url` is a repository URL Argo CD and Flux both take, else what is wrong with it.
std::string repository_url_problem(std::string_view url);
// Empty when `url` is an `https://` URL with a host, else what is wrong with it.
std::string server_url_problem(std::string_view url);
// Empty when `path` is a relative path of plain components, else what is wrong with it.
std::string folder_path_problem(std::string_view path);
// Empty when `rev` can name a Git branch, else what is wrong with it.
std::string revision_problem(std::string_view rev);

}  // namespace stackc::check
