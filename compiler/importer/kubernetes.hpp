// Kubernetes objects -> .stack workloads: the mapping behind `stackc import` (specs/import.md).
// One call per environment: the objects of that environment's input are joined (a Deployment
// with the Service, HPA, PDB and Ingress that select it) into one workload declaration each;
// what has no .stack form is kept as comments (W0040), literal secrets are never copied (W0041).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "importer/stack_text.hpp"
#include "manifests/yaml.hpp"

namespace stackc::importer {

// One imported workload: its declaration and what sizing the cluster needs of it.
struct Workload {
  std::string kind;  // service, worker, stateful, job, cron
  std::string name;
  Stmt decl;                   // `KIND NAME { ... }`, with its comments
  std::int64_t cpu_m = 0;      // the CPU one pod requests (millicores), all containers
  std::int64_t memory_b = 0;   // the memory one pod requests (bytes)
  std::int64_t pods = 1;       // the most replicas
  std::int64_t storage_b = 0;  // claims per replica
  bool spread_nodes = false;   // replicas must be on distinct nodes
};

// What one environment's objects become.
struct Imported {
  std::vector<Workload> workloads;
  std::string ns;                         // the namespace found (the most used), or empty
  std::string pod_security;               // the level the workloads need: "", baseline, privileged
  std::string storage_class;              // of the claims, when they agree
  std::vector<std::string> secret_notes;  // the Secrets to create: `name (keys a, b)`
  std::vector<Stmt> kept;                 // top-level comments: objects without a .stack form
  std::size_t objects = 0;                // objects read
  std::size_t objects_kept = 0;           // objects kept whole as comments
  std::size_t fields_kept = 0;            // fields kept as comments (each place once)
  std::set<std::pair<base::FileId, std::uint32_t>> kept_at;
  // A Vault SecretStore of External Secrets: `backend = vault { ... }` (empty address: none).
  std::string vault_address, vault_path, vault_role, vault_version;
  std::string vault_prefix;  // the ExternalSecrets' key prefix (`personage` of `personage/db`)
  std::string refresh;       // the ExternalSecrets' refreshInterval, as the language writes it
  // stackc's own labels when the input is stackc's output: `part-of` (the stack) and
  // `instance` (`<stack>-<env>`), the most used values.
  std::string part_of, instance;
  // stackc's own objects read back as blocks (own.hpp): `backup`, `monitoring`, `alert`,
  // `record`; and the `ingress CLASS { }` controllers of the cluster.
  std::vector<Stmt> blocks, controllers;
};

// Maps the objects of one environment. Never throws; bad input is reported and kept as
// comments.
Imported from_kubernetes(const std::vector<const manifests::Document*>& docs,
                         const base::SourceManager& sm, base::Sink& sink);

// --- shared by the files of the Kubernetes mapping ---
bool as_int(const manifests::Node* n, std::int64_t& out);
bool one_of(std::string_view s, std::initializer_list<std::string_view> set);
// The node at `keys` below `n` (`path(&doc.root, {"spec", "template"})`), or null.
const manifests::Node* path(const manifests::Node* n, std::initializer_list<const char*> keys);
// Whether stackc made the object (`app.kubernetes.io/managed-by: stackc`).
bool made_by_stackc(const manifests::Document& d);

// A Service of the input, as the inference of references sees it.
struct Target {
  std::string workload;  // the workload it selects
  struct Port {
    std::string name;         // the .stack port name
    std::int64_t number = 0;  // the Service's port
  };
  std::vector<Port> ports;  // in the order the workload declares them
};

struct Context {
  const base::SourceManager& sm;
  base::Sink& sink;
  std::string ns;
  std::map<std::string, Target> services;  // by Service name
  std::map<std::string, const manifests::Document*> configmaps, secrets;
  std::set<std::string> used_configmaps, used_secrets;
  std::map<std::string, std::set<std::string>> secret_keys;  // referenced: name -> keys
  Imported* out = nullptr;
};

// Reports `key: value` of `what` (at the key) as having no .stack form and returns the comment
// lines that keep it (W0040).
std::vector<std::string> keep(Context& c, const manifests::Node& key, const manifests::Node& value,
                              const std::string& what);

// A container that is a metrics exporter: named `*exporter`, with one port (stackc's own is
// named `exporter`, its port `metrics`).
bool is_exporter(const manifests::Node& container);
// A Go duration (`1h30m`) in seconds, 0 when it is none; seconds as the language writes them.
std::int64_t go_seconds(const manifests::Node* n);
std::string duration_text(std::int64_t seconds);
// The lines of `text` for a comment: indented by two, without the indentation they share.
std::vector<std::string> quoted_lines(std::string_view text);

// CPU in millicores and bytes from Kubernetes quantities; false when not a quantity.
bool cpu_millis(std::string_view q, std::int64_t& out);
bool byte_count(std::string_view q, std::int64_t& out);
// As the language writes them: `500m`, `2`; `512Mi`, `1G`, `1000`.
std::string cpu_text(std::int64_t millis);
std::string bytes_text(std::int64_t bytes);

// A port of the workload: the Service's number and the container's.
struct PortSpec {
  std::string name;            // the .stack name
  std::string container_name;  // the container port's name in the input, if any
  std::string service_name;    // the Service port's name in the input, if any
  std::int64_t service = 0, container = 0;
  std::string protocol;  // tcp, udp, sctp
  std::string app_protocol;
  std::int64_t node_port = 0;
};

// The pod template of a workload -> fields of `decl` (containers, volumes, security, ...).
// `claims` are the StatefulSet's volumeClaimTemplates (null otherwise); `ports` the workload's
// ports (probes refer to them).
struct PodResult {
  std::int64_t cpu_m = 0, memory_b = 0;
  bool root = false;           // needs Pod Security baseline
  bool privileged = false;     // needs privileged
  std::int64_t storage_b = 0;  // the claims of one replica
  std::string storage_class;
};
PodResult pod_fields(Context& c, const std::string& workload, const manifests::Node& pod_template,
                     const manifests::Node* claims, const std::vector<PortSpec>& ports, Stmt& decl,
                     std::vector<std::string>& comments);

// The entries of the label or annotation map `m` (but those in `skip`) -> `FIELD { NAME = ... }`
// blocks of `decl`, one per prefix (`FIELD "PREFIX" { ... }`); a name that is no identifier is
// kept as a comment (W0040).
void labels_blocks(const manifests::Node* m, const char* field,
                   std::initializer_list<std::string_view> skip, Context& c, Stmt& decl,
                   const std::string& what, std::vector<std::string>& comments);
// The labels and annotations of a workload's own object (its controller, Service or
// ServiceAccount, `kind` as `object KIND` names it) that stackc does not write itself ->
// `object KIND { labels ... annotations ... }` in `decl` (objects.cpp). `versioned`: the object
// is a version's Deployment, whose `version` label is stackc's.
void object_fields(Context& c, const manifests::Node& metadata, std::string_view kind,
                   bool versioned, const std::string& what, Stmt& decl,
                   std::vector<std::string>& comments);
// The main container of a pod spec: the one named after the workload, else the first.
const manifests::Node* main_container(const manifests::Node& pod_spec, const std::string& workload);

// The references to imported Services in `text` (an env value, an argument of `what`): `out` is
// the .stack string literal with `${w.address}`... in their place, and one comment line per
// inference goes to `notes`. `self` is not referred to. Returns false when nothing was found.
bool infer(const Context& c, const std::string& self, std::string_view var, std::string_view text,
           std::string& out, std::vector<std::string>& notes);

// A variable made for a credential of `command`/`args`: `$(var)` in the argument, the Secret of
// the workload's `key` in the container's env (`value` is only compared, never written).
struct ArgSecret {
  std::string var, key, value;
};
// The text of an item of `command`/`args` (`what`) of the container `ctr` with each literal
// credential (E2009's rules) replaced by `$(VAR)`: the variables go to `vars`, each reported as
// W0041 (arg_credentials.cpp). Returns the text as it is when it holds none.
std::string hide_arg_credentials(Context& c, const std::string& workload,
                                 const manifests::Node& ctr, const manifests::Node& item,
                                 std::string_view what, std::vector<ArgSecret>& vars,
                                 std::vector<std::string>& notes);

// A workload of the input behind a Service (the first that selects it).
struct Served {
  std::string workload;                // the .stack name (a versioned workload's group)
  const manifests::Document* service;  // the Service
};
// W0048 for each that no other workload calls and nothing outside reaches (callers.cpp).
void warn_uncalled(Imported& out, const std::vector<Served>& served, base::Sink& sink);

}  // namespace stackc::importer
