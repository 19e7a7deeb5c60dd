#include "check/gitops.hpp"

#include <fmt/format.h>

#include "check/units.hpp"

namespace stackc::check {
namespace {

using ast::Stmt;
using ast::Value;
using ast::ValueKind;
using base::Code;

bool bad_char(char c) {
  return static_cast<unsigned char>(c) <= ' ' || c == 0x7f || c == '"' || c == '\\' || c == '<' ||
         c == '>' || c == '`' || c == '{' || c == '}' || c == '|' || c == '^';
}

// The host of `rest` (what follows `scheme://`), without user and port; empty when none.
std::string_view host_of(std::string_view rest) {
  std::string_view authority = rest.substr(0, rest.find('/'));
  if (auto at = authority.rfind('@'); at != std::string_view::npos)
    authority = authority.substr(at + 1);
  if (auto colon = authority.find(':'); colon != std::string_view::npos)
    authority = authority.substr(0, colon);
  return authority;
}

bool valid_host(std::string_view host) {
  if (host.empty() || host.front() == '.' || host.back() == '.' || host.front() == '-')
    return false;
  for (char c : host)
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
          c == '-'))
      return false;
  return true;
}

std::string url_problem(std::string_view url, bool need_path, std::string_view schemes) {
  for (char c : url)
    if (bad_char(c)) return "a URL has no spaces, quotes or control characters";
  auto sep = url.find("://");
  if (sep == std::string_view::npos) return fmt::format("it is not a URL ({}://HOST/...)", schemes);
  std::string_view scheme = url.substr(0, sep), rest = url.substr(sep + 3);
  bool known = false;
  for (std::string_view s = schemes; !s.empty();) {
    auto bar = s.find('|');
    if (s.substr(0, bar) == scheme) known = true;
    if (bar == std::string_view::npos) break;
    s.remove_prefix(bar + 1);
  }
  if (!known) return fmt::format("the scheme `{}` is not {}", scheme, schemes);
  if (!valid_host(host_of(rest))) return "it has no valid host name";
  if (need_path) {
    auto slash = rest.find('/');
    if (slash == std::string_view::npos || slash + 1 >= rest.size())
      return "it names no repository after the host";
  }
  return {};
}

// Where a check failed: the value's diagnostic, or none when `v` is no literal string (the
// schema has reported a wrong type).
void check_string(const Value& v, std::string_view key, std::string (*problem)(std::string_view),
                  std::string_view help, std::vector<base::Diagnostic>& out) {
  if (v.kind != ValueKind::String) return;
  if (v.has_interpolation()) {
    out.push_back(base::make(Code::E2003, v.span,
                             fmt::format("`gitops.{}` is written out: it cannot have an "
                                         "interpolation",
                                         key),
                             std::string(help)));
    return;
  }
  std::string text = v.string_value();
  if (auto p = problem(text); !p.empty())
    out.push_back(base::make(Code::E2050, v.span,
                             fmt::format("`{}` is not a usable `gitops.{}`: {}", text, key, p),
                             std::string(help)));
}

}  // namespace

std::string repository_url_problem(std::string_view url) {
  if (url.find("://") == std::string_view::npos && url.find('@') != std::string_view::npos &&
      url.find(':') != std::string_view::npos)
    return "the scp form `user@host:path` is not a URL (Flux takes URLs only)";
  return url_problem(url, true, "https|http|ssh");
}

std::string server_url_problem(std::string_view url) {
  return url_problem(url, false, "https");
}

std::string folder_path_problem(std::string_view path) {
  if (path.empty()) return "it is empty";
  if (path.front() == '/') return "it is absolute; it is a folder inside the repository";
  for (char c : path)
    if (static_cast<unsigned char>(c) < ' ' || c == 0x7f || c == '\\')
      return "it has a control character or a backslash";
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    std::string_view part = path.substr(
        start, slash == std::string_view::npos ? std::string_view::npos : slash - start);
    if (part.empty() || part == "." || part == "..")
      return "it has an empty, `.` or `..` component";
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return {};
}

std::string revision_problem(std::string_view rev) {
  if (rev.empty()) return "it is empty";
  for (char c : rev)
    if (bad_char(c) || c == '~' || c == ':' || c == '?' || c == '*' || c == '[')
      return "a branch name has no spaces, control characters or `~^:?*[\\`";
  if (rev.front() == '-' || rev.front() == '/' || rev.back() == '/' || rev.back() == '.' ||
      rev.find("..") != std::string_view::npos || rev.find("//") != std::string_view::npos)
    return "it is not a valid branch name";
  return {};
}

std::vector<base::Diagnostic> check_gitops(const Stmt& decl) {
  std::vector<base::Diagnostic> out;
  for (const auto& g : decl.body) {
    if (g.key != "gitops") continue;
    for (const auto& s : g.body) {
      if (!s.has_value()) continue;
      const Value& v = s.val();
      if (s.key == "repository")
        check_string(v, s.key, repository_url_problem,
                     "write the URL Argo CD and Flux clone, e.g. "
                     "`repository = \"https://github.com/org/repo\"` or "
                     "`\"ssh://git@github.com/org/repo.git\"`",
                     out);
      if (s.key == "server")
        check_string(
            v, s.key, server_url_problem,
            "write the API server's URL, e.g. `server = \"https://kubernetes.default.svc\"` "
            "(the cluster Argo CD runs in)",
            out);
      if (s.key == "path")
        check_string(v, s.key, folder_path_problem,
                     "write the folder relative to the repository's root, e.g. "
                     "`path = \"out/shop\"`",
                     out);
      if (s.key == "revision")
        check_string(v, s.key, revision_problem, "write a branch name, e.g. `revision = \"main\"`",
                     out);
      if (s.key == "interval" && v.kind != ValueKind::String) {
        auto q = to_seconds(v);
        if (q.ok && q.value <= 0)
          out.push_back(base::make(Code::E2017, v.span, "`interval` must be above zero",
                                   "Flux needs a reconciliation interval, e.g. `interval = 5m`"));
      }
    }
  }
  return out;
}

}  // namespace stackc::check
