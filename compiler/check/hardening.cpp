#include "check/hardening.hpp"

#include <vector>

namespace stackc::check {
namespace {

// `/a//b/./c/../d/` -> `/a/b/d`; a relative path is left as written.
std::string normalise(std::string_view p) {
  if (p.empty() || p.front() != '/') return std::string(p);
  std::vector<std::string_view> parts;
  std::size_t i = 0;
  while (i < p.size()) {
    while (i < p.size() && p[i] == '/') ++i;
    std::size_t start = i;
    while (i < p.size() && p[i] != '/') ++i;
    auto part = p.substr(start, i - start);
    if (part.empty() || part == ".") continue;
    if (part == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.push_back(part);
  }
  std::string out;
  for (auto part : parts) {
    out += '/';
    out += part;
  }
  return out.empty() ? "/" : out;
}

bool under(std::string_view p, std::string_view root) {
  return p == root ||
         (p.size() > root.size() && p.substr(0, root.size()) == root && p[root.size()] == '/');
}

}  // namespace

SystemPath system_path(std::string_view mount) {
  std::string p = normalise(mount);
  if (p.empty() || p.front() != '/') return {};
  if (p == "/")
    return {"/",
            "the whole root filesystem of the container: the image's programs, libraries "
            "and configuration"};
  struct Tree {
    std::string_view root, what;
  };
  static constexpr Tree trees[] = {
      {"/proc",
       "the kernel's view of the processes (container runtimes refuse or mask mounts "
       "there)"},
      {"/sys", "the kernel's devices, drivers and cgroups"},
      {"/dev", "the container's devices (`/dev/null`, `/dev/shm`, the terminal)"},
  };
  for (const auto& t : trees)
    if (under(p, t.root)) return {std::string(t.root), std::string(t.what)};
  static constexpr Tree exact[] = {
      {"/etc", "the image's configuration (users, CA certificates, name resolution)"},
      {"/usr", "the image's programs and libraries"},
      {"/bin", "the image's programs"},
      {"/sbin", "the image's system programs"},
      {"/lib", "the image's libraries"},
      {"/lib64", "the image's libraries"},
      {"/boot", "the image's boot files"},
  };
  for (const auto& t : exact)
    if (p == t.root) return {std::string(t.root), std::string(t.what)};
  static constexpr std::string_view sockets[] = {"/var/run/docker.sock",
                                                 "/run/docker.sock",
                                                 "/var/run/containerd/containerd.sock",
                                                 "/run/containerd/containerd.sock",
                                                 "/var/run/crio/crio.sock",
                                                 "/run/crio/crio.sock"};
  for (auto s : sockets)
    if (p == s) return {std::string(s), "a container runtime's socket", true};
  return {};
}

std::string security_exception(const ast::Stmt& s) {
  if (!s.has_value()) return {};
  const auto& v = s.val();
  if (s.key == "writable_root" && v.kind == ast::ValueKind::Bool && v.boolean)
    return "a writable root filesystem";
  if (s.key == "service_account_token" && v.kind == ast::ValueKind::Bool && v.boolean)
    return "the service account's token mounted in the pod";
  if (s.key == "writable_paths" && v.kind == ast::ValueKind::List && !v.items.empty())
    return "writable paths";
  if (s.key == "run_as_root" && v.kind == ast::ValueKind::Bool && v.boolean)
    return "running as root";
  if (s.key == "capabilities" && v.kind == ast::ValueKind::List && !v.items.empty())
    return "added Linux capabilities";
  return {};
}

}  // namespace stackc::check
