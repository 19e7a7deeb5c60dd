// The checked model: what every later stage (graph, emit) reads. It is built only by check::Check
// and is immutable afterwards. Quantities are in base units: CPU in millicores, sizes in bytes,
// durations in seconds. Each environment holds its own resolved copy of everything that `when`
// can change. Spans point back at the .stack source for diagnostics of later stages.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.hpp"
#include "model/boxed.hpp"

namespace stackc::model {

using base::Span;

struct Stack {
  std::string name;
  std::string registry;
  std::string version;
  std::string owner;
  std::vector<std::pair<std::string, std::string>> labels;
  Span span;
};

// Who may reach a workload from outside its namespace, as a NetworkPolicy peer: the pods of an
// ingress controller, networks, or anywhere (targets.md §5.6).
struct Peer {
  enum class Kind { None, Pods, Networks, Anywhere } kind = Kind::None;
  std::string ns;                                         // Pods: empty for any namespace
  std::vector<std::pair<std::string, std::string>> pods;  // Pods: labels; empty for all pods
  std::vector<std::string> cidrs;                         // Networks
};

// An ingress controller a cluster runs (`cluster { ingress CLASS { ... } }`).
struct IngressController {
  std::string ingress_class;
  Peer peer;
  Span span;
};

struct Cluster {
  std::string name;
  std::string provider;
  std::int64_t nodes_min = 1, nodes_max = 1;
  std::int64_t node_cpu = 0;     // millicores
  std::int64_t node_memory = 0;  // bytes
  std::int64_t node_disk = 0;    // bytes
  std::int64_t reserve_cpu = 0;
  std::int64_t reserve_memory = 0;
  std::string storage_class;
  std::int64_t zones = 1;
  std::vector<IngressController> ingress;  // `ingress CLASS { ... }`
  Span span;
};

struct Resource {
  std::int64_t request = 0;
  std::int64_t limit = 0;
  Span span;
};

struct Probe {
  enum class Kind { Http, Tcp, Grpc, Exec } kind = Kind::Http;
  std::string path;                  // Http
  std::string port_name;             // Http/Tcp/Grpc by name
  std::int64_t port = 0;             // Http/Tcp/Grpc by number (0: the first port)
  std::vector<std::string> command;  // Exec: the program and its arguments
  std::string service;               // Grpc: the service name sent in the health check
  std::vector<std::pair<std::string, std::string>> headers;  // Http: name, value
  // Timing in seconds and thresholds; unset: Kubernetes' values as stackc writes them (no delay,
  // period 10, timeout 5, failures 3, successes 1).
  std::optional<std::int64_t> delay, period, timeout, failures, successes;
  Span span;
};

// A container lifecycle hook (`pre_stop`): a command, or a sleep of `seconds`.
struct Hook {
  enum class Kind { Exec, Sleep } kind = Kind::Exec;
  std::vector<std::string> command;
  std::int64_t seconds = 0;
  Span span;
};

// A named port (`port http = 80 -> 8080`, or `port dns { number = 53  protocol = udp }`):
// `number` is the Service's port, the one clients use; `target` the container's (the same unless
// written with `->`). Everything inside the pod (containerPort, probes, scraping, NetworkPolicy
// ports) uses `target`; everything through the Service (`${W.port}`, `W_PORT`, the Ingress
// backend) uses `number`.
struct Port {
  std::string name;
  std::int64_t number = 0;
  Span span;
  std::int64_t target = 0;       // 0: the same as `number`
  std::string protocol = "TCP";  // TCP | UDP | SCTP
  std::string app_protocol;      // Kubernetes appProtocol; empty: none
  std::int64_t node_port = 0;    // a pinned node port (30000..32767); 0: Kubernetes picks
  Span node_port_span;

  std::int64_t container() const { return target ? target : number; }
};

struct SecretRef {
  std::string name;
  std::string key;
  Span span;
};

struct EnvVar {
  enum class Kind { Literal, Secret, Ref } kind = Kind::Literal;
  std::string name;
  std::string value;       // Literal: the text (interpolations resolved)
  SecretRef secret;        // Secret
  std::string ref_target;  // Ref: workload name
  std::string ref_attr;    // Ref: host | port
  Span span;
};

struct Metric {
  enum class Kind { Counter, Gauge, Histogram, Summary } kind = Kind::Counter;
  std::string name;
  Span span;
};

struct Volume {
  std::string name;
  std::int64_t size = 0;  // 0: no size limit (emptyDir only)
  std::string mount;
  bool persistent = false;
  bool memory = false;  // `medium = memory`: an emptyDir in RAM (tmpfs)
  Span span;
};

struct Dependency {
  std::string name;
  Span span;
};

// A reference to another workload inside a string (`"${catalog.host}:${catalog.port}"`): a
// dependency edge like `needs` (targets.md §5.8).
struct Reference {
  std::string target;  // the workload referred to
  std::string attr;    // host | port | address | port.NAME
  std::string why;     // where: "env PRODUCT_ADDR", "args", "init migrate command"
  Span span;           // the `${...}`
};

struct Ingress {
  std::string host;  // empty: every host
  std::string path = "/";
  std::string port;
  bool tls = true;
  std::string tls_secret;
  std::string ingress_class = "nginx";
  // The controller's pods or networks the NetworkPolicy admits, from the cluster's `ingress`
  // blocks or the known classes (check/ports.hpp); Kind::None for an unknown class (W0020).
  Peer controller;
  Span span;
};

struct Autoscale {
  std::int64_t cpu_percent = 0;  // 0: not set
  std::int64_t memory_percent = 0;
  Span span;
};

// A Linux capability added to the containers (`security.capabilities`), without `CAP_`.
struct Capability {
  std::string name;
  Span span;
};

struct Security {
  std::int64_t run_as_user = 65532;   // 0: the image's user (`run_as_user = image`, or root)
  std::int64_t run_as_group = 65532;  // 0: the image's group
  std::int64_t fs_group = 0;
  bool writable_root = false;
  bool service_account_token = false;
  bool run_as_root = false;  // runAsNonRoot: false
  Span run_as_root_span;     // the `true` of `run_as_root = true`
  std::vector<std::string> writable_paths;
  std::vector<Capability> capabilities;  // in the order written, each once
  Span span;
};

struct Exporter {
  std::string image;
  Span image_span;
  std::int64_t port = 0;
  std::string path = "/metrics";
  std::string prefix;  // of the metric names it serves
  std::vector<EnvVar> env;
  Resource cpu, memory;
  Span span;
};

// A volume mounted from a ConfigMap, a Secret or a claim (the workloads stackc adds use them for
// credentials and backup volumes; their configuration files are the emitters' and mounted there).
struct Mount {
  std::string name;  // volume name
  std::string path;  // mount path
  enum class From { ConfigMap, Secret, Claim } from = From::ConfigMap;
  std::string source;                                      // ConfigMap, Secret or claim name
  std::vector<std::pair<std::string, std::string>> items;  // key -> relative path; empty: all
  bool read_only = true;
};

// Traffic a workload may send beyond its dependencies and DNS: `egress = ["0.0.0.0/0:443"]`.
struct Egress {
  std::string cidr;
  std::int64_t port = 0;
  Span span;
};

// An init container or a native sidecar (`init NAME { }`, `sidecar NAME { }`): runs in the pod
// before the main container (an init) or beside it for the pod's life (a sidecar, an init
// container with restartPolicy Always), in declaration order.
struct Container {
  std::string name;
  bool sidecar = false;
  std::string image;
  Span image_span;
  std::vector<std::string> command, args;
  std::string working_dir;
  std::vector<EnvVar> env;
  Resource cpu, memory;
  Span span;
};

// `build { context = "services/api"  dockerfile = "Dockerfile"  target = "runtime" }`: how the
// workflow builds a workload's own image (language.md §5.16). The paths as written (relative to
// the .stack file that writes them) and from the project root, which check/dockerfiles.cpp fills.
struct Build {
  std::string context, dockerfile = "Dockerfile", target;  // context empty: the image's name
  std::string context_path, dockerfile_path;  // from the project root: `services/api/Dockerfile`
  Span span, context_span, dockerfile_span, target_span;
};

struct Workload {
  enum class Kind { Service, Worker, Stateful, Job, Cron } kind = Kind::Service;
  std::string name;
  // Empty for declared workloads; for those stackc adds: "prometheus", "alertmanager",
  // "grafana", "loki", "log-collector" (the monitoring stack) or "backup".
  std::string role;
  // A version of a versioned service or worker (`version v1 { ... }` in `service reviews`): the
  // workload is named `reviews-v1`, `group` is `reviews` (the Service in front of every version,
  // and what dependents name) and `version` is `v1`. Empty for a workload without versions.
  std::string group, version;
  Span version_span;        // the version's name in its `version NAME { }`
  bool group_head = false;  // the group's first version: its lowering makes the shared objects
  std::vector<std::string> templates;
  std::string image;  // as written; registry and tag are added by the emitters (images.hpp)
  Span image_span;    // where `image` is written; invalid for the workloads stackc adds
  std::int64_t replicas_min = 1, replicas_max = 1;
  Span replicas_span;
  // `enabled = false` in this environment: set only while the checker resolves the environment;
  // such a workload is then removed from it (check/presence.hpp), so the model never holds one.
  bool enabled = true;
  Span enabled_span;  // the `enabled = false` statement
  std::vector<Port> ports;
  Resource cpu, memory;
  std::optional<Autoscale> autoscale;
  Boxed<Ingress> ingress;  // few workloads have one: on the heap (model/boxed.hpp)
  // How the Service is reached: "cluster" (ClusterIP), "load_balancer" or "node_port".
  std::string expose = "cluster";
  std::vector<std::string> source_ranges;  // CIDRs allowed in when exposed
  Span expose_span;
  std::optional<Probe> liveness, readiness, startup;
  std::vector<EnvVar> env;
  std::vector<Dependency> needs;
  std::vector<Reference> refs;      // references to other workloads in strings
  std::vector<Dependency> scrapes;  // Prometheus: the workloads it scrapes
  std::vector<Egress> egress;
  std::vector<Mount> mounts;
  std::vector<Metric> metrics;
  std::string metrics_path = "/metrics";
  std::string metrics_port;
  std::vector<Volume> volumes;
  std::string spread = "none";
  Span spread_span;  // where `spread` is written; invalid when it is the default
  std::optional<std::int64_t> min_available, max_unavailable;
  Security security;
  std::vector<std::string> command, args;
  std::string working_dir;
  std::vector<Container> init;        // init containers and sidecars, in declaration order
  std::optional<std::int64_t> grace;  // terminationGracePeriodSeconds
  Boxed<Hook> pre_stop;
  std::vector<std::pair<std::string, std::string>> pod_labels, pod_annotations;
  // `object KIND { labels ... annotations ... }`: the labels and annotations of the workload's
  // own objects, as written (language.md §5.12): its controller (Deployment, StatefulSet, Job or
  // CronJob), its Services, and the ServiceAccount it makes.
  struct ObjectMeta {
    std::vector<std::pair<std::string, std::string>> labels, annotations;
    Span span;  // the `object KIND` statement's kind; invalid when not written
    bool empty() const { return labels.empty() && annotations.empty(); }
  };
  ObjectMeta controller_meta, service_meta, account_meta;
  std::string service_account;  // a shared ServiceAccount; empty: the workload's own
  std::vector<std::pair<std::string, std::string>> node_selector;  // label -> value, as written
  Boxed<Exporter> exporter;
  Boxed<Build> build;  // `build { }`: where its own image is built from
  // stateful
  std::int64_t storage = 0;
  std::string data_path = "/data";
  std::string backup_method = "none";
  // job / cron
  std::string schedule;
  std::int64_t retries = 3;
  std::int64_t timeout = 0;
  Span span;       // the declaration's name
  Span decl_span;  // the whole declaration

  bool autoscaled() const { return replicas_max > replicas_min; }
  // The name its pods are labelled with (`app.kubernetes.io/name`) and its main container's:
  // the workload's own, or for a version the versioned workload's (`reviews` for `reviews-v1`).
  const std::string& app() const { return group.empty() ? name : group; }
  // A version's pods by name, as a regular expression (fully anchored, as PromQL and LogQL
  // match): its Deployment's pods are named `reviews-v1-HASH-SUFFIX`. Empty without a version.
  std::string version_pods() const {
    return group.empty() ? std::string() : name + "-[a-z0-9]+-[a-z0-9]+";
  }
};

struct Receiver {
  std::string name;
  std::string type;  // telegram | slack | webhook | email
  SecretRef bot_token, webhook;
  std::string chat_id, channel, email;
  std::string smarthost, from;  // e-mail: the SMTP relay and the sender
  std::vector<std::string> severities;
  Span span;
};

struct Monitoring {
  bool present = false;
  struct Prometheus {
    bool present = false;
    std::int64_t retention = 15 * 86400, storage = 10LL << 30, scrape_interval = 30;
    Resource cpu{250, 1000, {}}, memory{512LL << 20, 2LL << 30, {}};  // the schema's defaults
    Span span;
  } prometheus;
  struct Grafana {
    bool present = false;
    std::optional<SecretRef> admin_password;
    std::int64_t storage = 1LL << 30;
    Resource cpu{100, 500, {}}, memory{128LL << 20, 512LL << 20, {}};
    Span span;
  } grafana;
  struct Loki {
    bool present = false;
    std::int64_t retention = 30 * 86400, storage = 10LL << 30;
    Resource cpu{100, 500, {}}, memory{256LL << 20, 1LL << 30, {}};
    Span span;
  } loki;
  struct Alertmanager {
    bool present = false;
    std::vector<Receiver> receivers;
    std::int64_t group_wait = 30, repeat_interval = 4 * 3600;
    Span span;
  } alertmanager;
  Span span;
};

struct Alert {
  std::string name;
  std::string expr;
  Span expr_span;
  std::int64_t for_seconds = 0;
  std::string severity = "warning";
  std::string summary, description, runbook;
  std::vector<Dependency> notify;
  Span span;
};

struct Record {
  std::string name;
  std::string expr;
  Span expr_span;
  Span span;
};

struct Dashboard {
  std::string name, title;
  std::vector<std::string> metrics;
  Span span;
};

struct Backup {
  std::string name;
  std::vector<Dependency> of;  // a stateful, or manifests/configmaps/secrets
  bool of_resources = false;   // true for [manifests, configmaps, secrets]
  std::string schedule;
  std::int64_t retain = 0;
  std::int64_t storage = 10LL << 30;
  std::int64_t restore_within = 0;
  std::string job;  // the CronJob workload that runs it (a stateful's backup), or empty
  Span span;
};

struct Environment {
  std::string name;
  std::string cluster;
  std::string ns;
  std::string branch;
  bool manual_approval = false;
  std::string domain;
  // `pod_security`: the most permissive Pod Security level its namespace may be enforced at
  // (`restricted`, `baseline`, `privileged`); empty: not said (check/security.hpp).
  std::string pod_security;
  Span pod_security_span;
  Span span;
  std::vector<Workload> workloads;  // in declaration order
  std::vector<std::string> absent;  // workloads left out here (`enabled = false`), in order
  Monitoring monitoring;
  std::vector<Alert> alerts;
  std::vector<Record> records;
  std::vector<Backup> backups;
};

struct Secrets {
  std::string backend = "kubernetes";  // vault | kubernetes
  std::string address, path, role, version = "v2";
  std::int64_t refresh = 3600;
  Span span;
};

// The stackc image the generated workflow's `check` job runs: this stackc's release
// (specs/github.md §5). The stack pins it with `pipeline.stackc_digest`.
inline constexpr std::string_view kStackcImage = "ghcr.io/stackc/stackc:0.1.0";

struct Pipeline {
  bool present = false;
  std::string test, build;
  std::string stackc_digest;  // "sha256:..."; empty: unpinned, as `stackc_digest = "unpinned"` says
  std::vector<std::string> scan;
  std::string base_image_update;
  Span span;
};

// Where Argo CD and Flux find the generated folder (`stack { gitops { ... } }`), for the
// `argocd` and `flux` targets (specs/targets.md §13).
struct GitOps {
  bool present = false;
  std::string repository;            // https://, http:// or ssh:// URL of the Git repository
  std::string revision = "main";     // for environments without a `branch`
  std::string path;                  // the generated folder inside it; default out/<stack>
  std::string deploy = "manifests";  // manifests | helm | kustomize
  std::string server = "https://kubernetes.default.svc";
  std::string project = "default";  // the Argo CD project
  std::int64_t interval = 300;      // seconds: Flux's reconciliation interval
  Span span;
};

struct Model {
  Stack stack;
  GitOps gitops;
  std::vector<Cluster> clusters;
  std::vector<Environment> environments;  // in declaration order
  Secrets secrets;
  Pipeline pipeline;
  std::vector<Dashboard> dashboards;
  std::vector<std::string> files;  // every source file, the root first

  const Cluster* cluster(const std::string& name) const;
  const Environment* environment(const std::string& name) const;
};

// Marks the first version of each versioned workload among the environment's workloads as the
// one whose lowering makes what the versions share (Workload::group_head), the others not. To be
// called again by whatever removes workloads from an environment.
void mark_version_heads(Environment& e);

// The workload's env and the connection settings of its needs: `DB_HOST` and `DB_PORT` for
// `needs = [db]` when `serves(name)` (the dependency has ports), unless the workload sets them
// itself. What every target that runs the workload gives its containers.
std::vector<EnvVar> env_with_connections(const Workload& w,
                                         const std::function<bool(const std::string&)>& serves);

// Kubernetes' dependent environment variables: the names among `names` (a container's env
// entries) that the text refers to as `$(NAME)` (`$$` is an escaped `$`), each once, in order of
// first use. Another name is no reference: Kubernetes leaves `$(OTHER)` as it is.
std::vector<std::string> env_references(const std::string& text,
                                        const std::set<std::string, std::less<>>& names);
std::set<std::string, std::less<>> env_names(const std::vector<EnvVar>& env);
// The names the entries' `$(NAME)` references can reach: env_names, or none when no literal
// value holds `$(` (most containers: nothing can refer then, and no set is made).
std::set<std::string, std::less<>> reference_names(const std::vector<EnvVar>& env);
// Reads an env value as Kubernetes expands it: `text` gets the literal pieces in order (`$$`
// as one `$`; a `$(OTHER)` of no entry, or an unclosed `$(`, as written) and `ref` each
// `$(NAME)` of an entry in `names`; when `ref` returns false the reference goes to `text` as
// written (one that cannot expand).
void read_references(std::string_view s, const std::set<std::string, std::less<>>& names,
                     const std::function<void(std::string_view)>& text,
                     const std::function<bool(std::string_view)>& ref);

// The entries in the order a container must list them for its `$(NAME)` references to expand
// (Kubernetes expands only names defined before): each entry after those it refers to,
// otherwise in the given order. Entries of a cycle keep their order (and stay unexpanded).
std::vector<EnvVar> in_expansion_order(const std::vector<EnvVar>& env);

// "service", "worker", "stateful", "job" or "cron": the .stack keyword of a workload kind.
const char* kind_name(Workload::Kind k);

// The model as JSON (for --dump-model and tests): deterministic, quantities in base units.
std::string to_json(const Model& m);

}  // namespace stackc::model
