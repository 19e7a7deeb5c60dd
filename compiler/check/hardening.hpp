// Two warnings about a workload's hardening:
// - W0005: a volume mounted over a system path. A `volume`'s `mount`, a `security.writable_paths`
//   entry and a stateful's `data_path` each put an empty directory or a volume claim at that path
//   in the container, hiding what the image has there;
// - W0006: an exception to the secure defaults (`security { ... }`) that a workload gets from a
//   template of another file, so that the file that declares the workload never says it.
#pragma once

#include <string>
#include <string_view>

#include "syntax/ast.hpp"

namespace stackc::check {

struct SystemPath {
  std::string path;     // the system path that is hidden: `/proc`, `/etc`, `/var/run/docker.sock`
  std::string what;     // what it is, for "hides `/etc`, the image's configuration (...)"
  bool socket = false;  // a container runtime's socket: the author expected a host path
  explicit operator bool() const { return !path.empty(); }
};

// The system path a mount at `mount` hides, if any. Warned about: `/` itself; `/proc`, `/sys`
// and `/dev` and everything under them; `/etc`, `/usr`, `/bin`, `/sbin`, `/lib`, `/lib64` and
// `/boot` themselves (their subpaths, such as `/etc/nginx/conf.d`, are ordinary mounts); and
// the container runtime sockets `/var/run/docker.sock`, `/run/docker.sock`,
// `/var/run/containerd/containerd.sock`, `/run/containerd/containerd.sock` and
// `/var/run/crio/crio.sock`, `/run/crio/crio.sock`. The path is normalised first (`//`,
// `/./`, `/../`, a trailing `/`).
SystemPath system_path(std::string_view mount);

// What the statement of a `security` block gives up, or empty when it weakens nothing:
// `writable_root = true` ("a writable root filesystem"), `service_account_token = true` ("the
// service account's token mounted in the pod"), a non-empty `writable_paths` ("writable
// paths"), `run_as_root = true` ("running as root") and a non-empty `capabilities` ("added Linux
// capabilities"). `run_as_user`, `run_as_group` and `fs_group` are not exceptions: they are never
// 0 (E2017), and `image` leaves the kubelet's check that the image's user is not root.
std::string security_exception(const ast::Stmt& s);

}  // namespace stackc::check
