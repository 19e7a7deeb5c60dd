// docker-compose.yml (the Compose Specification) -> .stack workloads, for `stackc import`.
//
// Each Compose service becomes one workload: a `stateful` when it keeps data in a named volume,
// a `job` when it runs once (`restart: "no"` or `on-failure` and no port, or a service waits for
// it with `service_completed_successfully`), a `service` when it has a port, else a `worker`.
// Ports, environment (with the values that address another service turned into references),
// depends_on, healthchecks, resources, command, user, capabilities and volumes carry over;
// whatever has no .stack form is kept above the workload as a comment with the original YAML
// and reported (W0050); literal secrets become `secret(...)` references and are never copied
// (W0051); values .stack requires and Compose does not give are chosen and reported (W0052).
// specs/import.md (the Compose section) lists every field.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "importer/stack_text.hpp"
#include "manifests/yaml.hpp"

namespace stackc::importer {

// The workload statements of a compose file read by manifests::parse(..., objects = false), in
// the order of its services. Top-level sections with no .stack form (networks, secrets, configs,
// include) are kept as comments above the first workload. A file that is not a compose file
// (no `services` mapping) is E5030 and gives nothing.
// `secrets`, when given, receives the Secrets the `secret(...)` references name, as
// `name (keys: a, b)`, for the wrapper's list of Secrets to create; `kept` is increased by the
// settings kept as comments (W0050).
std::vector<Stmt> from_compose(const manifests::Document& doc, const base::SourceManager& sm,
                               base::Sink& sink, std::vector<std::string>* secrets = nullptr,
                               std::size_t* kept = nullptr);

// A docker-compose file: by its name (`compose.yaml`, `docker-compose.yml`, and their
// `docker-compose.NAME.yml` overrides), or a `services:` at the start of a line where no line
// starts with `kind:` (a Kubernetes object says its kind at the top level). The dispatcher of
// `stackc import` reads such a file with from_compose.
bool looks_like_compose(std::string_view path, std::string_view text);

// The project name a compose file gives itself (`name:`), as a DNS label, or empty.
std::string compose_project_name(const manifests::Document& doc);

}  // namespace stackc::importer
