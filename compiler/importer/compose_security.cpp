// stackc's secure defaults against how compose ran a service: with no `user`, compose ran the
// image's user (root for many images, whose entrypoint starts as root to prepare a folder and
// then steps down: postgres, mysql, redis...), where stackc runs user 65532 (W0057); with no
// `read_only: true`, a writable root filesystem, where stackc mounts it read-only with a
// writable `/tmp` (W0058). The import keeps stackc's defaults and says how to get the image's.
// specs/import-compose.md.
#include <fmt/format.h>

#include <algorithm>
#include <string>

#include "importer/compose_importer.hpp"

namespace stackc::importer::compose_detail {
namespace {

// The repository of an image without registry, `library/` and tag: `postgres` of
// `docker.io/library/postgres:16.4`.
std::string repository(std::string_view image) {
  image = image.substr(0, image.find('@'));
  auto slash = image.rfind('/');
  auto colon = image.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash))
    image = image.substr(0, colon);
  if (slash != std::string_view::npos) {
    std::string_view head = image.substr(0, slash);
    if (head == "library" || head == "docker.io/library") image = image.substr(slash + 1);
  }
  return std::string(image);
}

// Official images whose entrypoint starts as root, what it does as root, and the user it then
// runs the server as (0: it stays root).
struct RootEntry {
  std::string_view image, does;
  int uid;
};
constexpr RootEntry kStartsAsRoot[] = {
    {"postgres", "takes the data folder, then runs as `postgres`", 999},
    {"mysql", "takes the data folder, then runs as `mysql`", 999},
    {"mariadb", "takes the data folder, then runs as `mysql`", 999},
    {"mongo", "takes the data folder, then runs as `mongodb`", 999},
    {"redis", "takes the data folder, then runs as `redis`", 999},
    {"rabbitmq", "takes its folders, then runs as `rabbitmq`", 999},
    {"nginx", "binds port 80 and writes `/var/cache/nginx`", 0},
    {"httpd", "binds port 80", 0},
    {"wordpress", "runs Apache, which binds port 80", 0},
};

}  // namespace

void Importer::secure_defaults(Svc& s, bool user_given, bool read_only) {
  const Node& n = *s.node;
  std::string image(n.str("image"));
  std::string repo = repository(image);
  const RootEntry* known = nullptr;
  for (const auto& e : kStartsAsRoot)
    if (repo == e.image) known = &e;
  std::string help =
      "if it fails to start (permission denied), run it as the image's user: `security { "
      "run_as_user = image  run_as_group = image }` (a numeric USER that is not root), or as "
      "root for an entrypoint that starts as root: `security { run_as_root = true }` (Pod "
      "Security `baseline`)";
  if (known && known->uid)
    help = fmt::format(
        "run it as the user it steps down to, owning its volume: `security {{ run_as_user = {0}  "
        "run_as_group = {0}  fs_group = {0} }}`; or let the entrypoint start as root: "
        "`security {{ run_as_root = true }}` (Pod Security `baseline`)",
        known->uid);
  else if (known)
    help =
        "let it run as root: `security { run_as_root = true  capabilities = "
        "[\"NET_BIND_SERVICE\"] }` (Pod Security `baseline`), or use an unprivileged variant "
        "of the image that listens on a port above 1024";
  if (!user_given)
    report(Code::W0057, s.key->span,
           fmt::format("compose gives `{}` no `user`: compose ran it as the image's user{}; "
                       "stackc runs it as user 65532, group 65532, which the image may not allow",
                       s.compose_name,
                       known ? fmt::format(", and `{}` starts as root (it {})", repo, known->does)
                             : " (root, unless the image sets USER)"),
           help);
  if (!read_only)
    report(Code::W0058, s.key->span,
           fmt::format("compose gives `{}` no `read_only: true`: it ran with a writable root "
                       "filesystem; stackc mounts it read-only (`/tmp` and the volumes stay "
                       "writable)",
                       s.compose_name),
           "if it writes elsewhere (a pid file, a cache: `/var/run/postgresql` for postgres), "
           "list those folders: `security { writable_paths = [\"/var/run/app\"] }`, or allow "
           "every write with `security { writable_root = true }`");
}

}  // namespace stackc::importer::compose_detail
