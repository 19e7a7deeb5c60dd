// The small languages inside a docker-compose file, read the way Docker Compose reads them:
// variable substitution (`${VAR:-default}`, `$$`), durations (`1m30s`), byte sizes (`512m`),
// CPU counts (`0.5`), the short port syntax (`127.0.0.1:8080-8081:80-81/udp`) and the word
// splitting of a command given as one string. Each is a pure function, for compose.cpp and its
// tests; none of them reports: the caller knows where the text came from.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::importer::compose {

// A scalar after Compose's variable substitution, which `docker compose up` does with the
// shell's environment and the `.env` file, neither of which the import sees. `$$` is a `$`;
// `${VAR:-default}` and `${VAR-default}` become their default; every other variable
// (`${VAR}`, `$VAR`, `${VAR:?error}`, `${VAR:+alt}`) is kept as written, and listed.
struct Substituted {
  std::string text;
  std::vector<std::string> unresolved;  // variable names kept as written
  std::vector<std::string> defaulted;   // variable names replaced by their default
};
Substituted substitute(std::string_view s);

// A Go duration as Compose writes them (`30s`, `1m30s`, `1.5s`, `250ms`, `2h`): microseconds,
// or nullopt when it is not one. A bare `0` is zero.
std::optional<std::int64_t> duration_us(std::string_view s);
// Whole seconds, rounded up (a probe counts whole seconds): `250ms` is 1.
std::int64_t ceil_seconds(std::int64_t us);
// A .stack duration: `90s`, `2m`, `1h`.
std::string duration_text(std::int64_t seconds);

// A byte size as Compose reads it (`512m`, `1.5gb`, `2048`, binary units b/k/m/g with an
// optional `b`): bytes, or nullopt.
std::optional<std::int64_t> bytes(std::string_view s);
// A .stack byte quantity: `512Mi`, `1536Mi`, `2Gi`, `4096` (bytes).
std::string bytes_text(std::int64_t b);

// A CPU count (`0.5`, `2`, `1.25`): millicores rounded up, or nullopt (also for 0 or below).
std::optional<std::int64_t> millicores(std::string_view s);
// A .stack CPU quantity: `500m`, `2`.
std::string cpu_text(std::int64_t millicores);

// One entry of the short port syntax `[[IP:][HOST[-HOST]]:]CONTAINER[-CONTAINER][/PROTOCOL]`.
struct PortSpec {
  std::string host_ip;           // empty when not given
  int host_lo = 0, host_hi = 0;  // 0: not published (or a port the engine picks)
  int container_lo = 0, container_hi = 0;
  std::string protocol = "tcp";
};
std::optional<PortSpec> parse_port(std::string_view s);

// A command given as one string, split into words as Compose does (shell quoting rules:
// '...' and "..." quote, a backslash escapes, no expansion). nullopt for an unclosed quote.
std::optional<std::vector<std::string>> split_words(std::string_view s);

// A Compose service name as a workload name (a DNS label): lower-case, `_` and `.` become `-`,
// other characters are dropped; empty when nothing of a name is left or it is over 63.
std::string workload_name(std::string_view compose_name);

// The port a well-known server image listens on (`redis:7` -> 6379, `bitnami/postgresql` ->
// 5432), by the last part of its name; 0 when it is not one of them.
int image_default_port(std::string_view image);

// The port name a well-known container port gets (`5432` -> `postgres`), or empty.
std::string_view known_port_name(int port);

}  // namespace stackc::importer::compose
