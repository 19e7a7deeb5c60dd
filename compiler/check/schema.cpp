#include "check/schema.hpp"

#include <algorithm>

namespace stackc::check {
namespace {

using T = Type;

struct Tables {
  Kind port, controller, build;
  Kind node, reserve, autoscale, ingress, health, env, labels, annotations, metrics, volume,
      disruption, security, node_selector, exporter, init, sidecar, prometheus, grafana, loki,
      receiver, alertmanager, vault, base_images, gitops, version, object;
  Kind stack, cluster, environment, secrets, service, worker, stateful, job, cron, monitoring,
      alert, record, dashboard, backup, pipeline, template_, import_;
  std::vector<const Kind*> top;
  std::vector<const Kind*> all;

  Tables() {
    node = {
        "node",
        "The size of one node of a cluster.",
        {{"cpu", T::Cpu, "CPU cores of one node: `8` or `8000m`.", {}, nullptr, false, true},
         {"memory", T::Bytes, "Memory of one node: `16Gi`.", {}, nullptr, false, true},
         {"disk", T::Bytes, "Local disk of one node: `100Gi`.", {}, nullptr, false, false, "0"}}};
    reserve = {"reserve",
               "What each node keeps for the system and Kubernetes itself.",
               {{"cpu", T::Cpu, "CPU reserved per node.", {}, nullptr, false, false, "0"},
                {"memory", T::Bytes, "Memory reserved per node.", {}, nullptr, false, false, "0"}}};
    autoscale = {"autoscale",
                 "Targets of the HorizontalPodAutoscaler (used when `replicas` is a range).",
                 {{"cpu",
                   T::Percent,
                   "Target average CPU utilisation: `70%`.",
                   {},
                   nullptr,
                   false,
                   false,
                   {},
                   1,
                   100},
                  {"memory",
                   T::Percent,
                   "Target average memory utilisation: `80%`.",
                   {},
                   nullptr,
                   false,
                   false,
                   {},
                   1,
                   100}}};
    ingress = {
        "ingress",
        "Routes outside traffic to the service through the ingress controller.",
        {{"host", T::String, "Host name: `api.example.com` (none: every host; TLS needs one).", {}},
         {"path", T::String, "Path prefix.", {}, nullptr, false, false, "\"/\""},
         {"port", T::String, "Name of the port to route to (default: the first port).", {}},
         {"tls",
          T::Bool,
          "Serve TLS with a certificate from cert-manager.",
          {},
          nullptr,
          false,
          false,
          "true"},
         {"tls_secret", T::String, "Use this existing TLS secret instead of cert-manager.", {}},
         {"class",
          T::String,
          "Ingress class: `nginx`, `traefik`, `haproxy`, `gce`, `alb`, "
          "`azure-application-gateway`, or one the cluster declares (`ingress CLASS { }`).",
          {},
          nullptr,
          false,
          false,
          "\"nginx\""}}};
    port = {
        "port",
        "A named port with its settings: `port dns { number = 53  protocol = udp }`.",
        {{"number",
          T::Port,
          "The Service port, or `SERVICE -> CONTAINER`: `80 -> 8080`.",
          {},
          nullptr,
          false,
          true,
          {},
          1,
          65535},
         {"protocol", T::Enum, "Transport protocol.", "tcp|udp|sctp", nullptr, false, false, "tcp"},
         {"app_protocol",
          T::String,
          "Application protocol (appProtocol): `http`, `grpc`, `h2c`, `ws`, or a "
          "`domain/name`.",
          {}},
         {"node_port",
          T::Int,
          "The node port (with `expose = node_port` or `load_balancer`).",
          {},
          nullptr,
          false,
          false,
          {},
          30000,
          32767}}};
    controller = {
        "controller",
        "An ingress controller of the cluster, by class: where the NetworkPolicy admits its "
        "traffic from (one of `namespace`/`pods`, `cidrs`, `anywhere`).",
        {{"namespace", T::String, "Namespace of the controller's pods (none: any namespace).", {}},
         {"pods",
          T::Map,
          "Labels of the controller's pods (none: all pods of the namespace).",
          {},
          &labels,
          false,
          false,
          {},
          0,
          0,
          true},
         {"cidrs", T::StringList, "Networks the traffic comes from: `[\"130.211.0.0/22\"]`.", {}},
         {"anywhere",
          T::Bool,
          "Traffic comes from anywhere (a load balancer's changing addresses).",
          {},
          nullptr,
          false,
          false,
          "false"}}};
    health = {"health",
              "Health probes of the main container: `http(\"/path\", port = NAME, headers = "
              "[\"Name: value\"])`, `tcp(PORT)`, `grpc(PORT, service = \"NAME\")` or "
              "`exec([\"cmd\", \"arg\"])`, each with optional timing `delay = 30s, period = 10s, "
              "timeout = 5s, failures = 3, successes = 1` (unset: no delay, 10s, 5s, 3, 1).",
              {{"liveness", T::Probe, "Restart the container when this fails."},
               {"readiness", T::Probe, "Send traffic only when this succeeds."},
               {"startup", T::Probe, "Hold the other probes until this succeeds once."}}};
    env = {"env",
           "Environment variables: `NAME = \"text\"`, `secret(...)`, or `dep.host` / `dep.port`.",
           {}};
    labels = {"labels",
              "Labels: `team = \"web\"` (plain strings, never secrets). On `stack`, put on every "
              "object; on a workload, on its pods (`labels \"example.com\" { tier = \"web\" }` "
              "for `example.com/tier`); in `object KIND`, on that object.",
              {}};
    node_selector = {"node_selector",
                     "Labels a node must have to run the workload's pods: `node_selector "
                     "\"kubernetes.io\" { os = \"linux\" }` for `kubernetes.io/os: linux`.",
                     {}};
    annotations = {"annotations",
                   "Annotations of a workload's pods: `annotations \"prometheus.io\" { scrape = "
                   "\"true\" }` for `prometheus.io/scrape`, or unprefixed `NAME = \"text\"`.",
                   {}};
    // `object KIND { ... }` in a workload: the labels and annotations of one of its own objects
    // (check/objects.cpp; language.md §5.12).
    object = {"object",
              "Labels and annotations of one of the workload's own objects, by kind: `object "
              "service { annotations \"prometheus.io\" { scrape = \"true\" } }`; `controller` "
              "(its Deployments, StatefulSet, Job or CronJob), `service` (its Services), "
              "`service_account` (the ServiceAccount it runs as).",
              {{"labels",
                T::Map,
                "Labels of the object (`labels \"example.com\" { tier = \"web\" }` for "
                "`example.com/tier`).",
                {},
                &labels,
                false,
                false,
                {},
                0,
                0,
                true},
               {"annotations",
                T::Map,
                "Annotations of the object.",
                {},
                &annotations,
                false,
                false,
                {},
                0,
                0,
                true}}};
    metrics = {
        "metrics",
        "Metrics the workload exports on its `metrics` port: `counter NAME`, `gauge NAME`, "
        "`histogram NAME`, `summary NAME`.",
        {{"counter", T::Entry, "A monotonically increasing counter.", {}, nullptr, true},
         {"gauge", T::Entry, "A value that goes up and down.", {}, nullptr, true},
         {"histogram", T::Entry, "A histogram (p50/p95/p99 in dashboards).", {}, nullptr, true},
         {"summary", T::Entry, "A summary.", {}, nullptr, true},
         {"path", T::String, "Scrape path.", {}, nullptr, false, false, "\"/metrics\""},
         {"port", T::String, "Name of the port to scrape (default: the first port).", {}}}};
    volume = {"volume",
              "An extra volume: `volume cache { size = 1Gi  mount = \"/cache\" }`.",
              {{"size",
                T::Bytes,
                "Size of the volume (required when persistent; of an emptyDir, its size limit).",
                {},
                nullptr,
                false,
                false,
                "no limit"},
               {"mount", T::String, "Mount path in the container.", {}, nullptr, false, true},
               {"medium", T::Enum,
                "Where an emptyDir lives: on the node's disk, or in memory (tmpfs, counted as the "
                "container's memory).",
                "disk|memory", nullptr, false, false, "disk"},
               {"persistent",
                T::Bool,
                "A persistent volume claim (true) or an emptyDir (false).",
                {},
                nullptr,
                false,
                false,
                "false"}}};
    disruption = {"disruption",
                  "The PodDisruptionBudget.",
                  {{"min_available",
                    T::Int,
                    "Pods that must stay up during voluntary disruptions.",
                    {},
                    nullptr,
                    false,
                    false,
                    {},
                    0,
                    100000},
                   {"max_unavailable",
                    T::Int,
                    "Pods that may be down during voluntary disruptions.",
                    {},
                    nullptr,
                    false,
                    false,
                    {},
                    0,
                    100000}}};
    security = {
        "security",
        "Named exceptions to the secure defaults (non-root, read-only root filesystem, no "
        "privilege escalation, no capabilities).",
        {{"run_as_user",
          T::UserId,
          "User id to run as, or `image` for the image's `USER` (which the kubelet still checks "
          "is not root, unless `run_as_root`).",
          {},
          nullptr,
          false,
          false,
          "65532",
          1,
          2147483647},
         {"run_as_group",
          T::UserId,
          "Group id to run as, or `image` for the image's group.",
          {},
          nullptr,
          false,
          false,
          "65532",
          1,
          2147483647},
         {"run_as_root",
          T::Bool,
          "Let the pods run as root: `runAsNonRoot: false`, and the image's user and group unless "
          "`run_as_group` says otherwise (lowers the namespace's Pod Security level to "
          "`baseline`).",
          {},
          nullptr,
          false,
          false,
          "false"},
         {"capabilities",
          T::StringList,
          "Linux capabilities added to the containers (ALL is still dropped): "
          "`[\"NET_BIND_SERVICE\"]`; any other lowers the namespace's Pod Security level.",
          {}},
         {"fs_group",
          T::Int,
          "Group that owns mounted volumes.",
          {},
          nullptr,
          false,
          false,
          {},
          1,
          2147483647},
         {"writable_root",
          T::Bool,
          "Allow writes to the root filesystem.",
          {},
          nullptr,
          false,
          false,
          "false"},
         {"service_account_token",
          T::Bool,
          "Mount the service account token.",
          {},
          nullptr,
          false,
          false,
          "false"},
         {"writable_paths", T::StringList, "Extra emptyDir mounts that stay writable.", {}}}};
    exporter = {"exporter",
                "A metrics exporter sidecar (from the stdlib templates).",
                {{"image", T::Image, "Exporter image with a pinned tag.", {}, nullptr, false, true},
                 {"port",
                  T::Int,
                  "Port the exporter serves metrics on.",
                  {},
                  nullptr,
                  false,
                  true,
                  {},
                  1,
                  65535},
                 {"path", T::String, "Scrape path.", {}, nullptr, false, false, "\"/metrics\""},
                 {"prefix",
                  T::String,
                  "Prefix of every metric name it serves: `pg_` (alerts may use those).",
                  {}},
                 {"env", T::Map, "Environment of the exporter.", {}, &env},
                 {"cpu",
                  T::CpuRange,
                  "CPU request..limit of the exporter.",
                  {},
                  nullptr,
                  false,
                  false,
                  "50m..100m"},
                 {"memory",
                  T::BytesRange,
                  "Memory request..limit of the exporter.",
                  {},
                  nullptr,
                  false,
                  false,
                  "32Mi..64Mi"}}};
    prometheus = {
        "prometheus",
        "The Prometheus server.",
        {{"retention", T::Duration, "How long samples are kept.", {}, nullptr, false, false, "15d"},
         {"storage", T::Bytes, "Size of its data volume.", {}, nullptr, false, false, "10Gi"},
         {"scrape_interval",
          T::Duration,
          "How often targets are scraped.",
          {},
          nullptr,
          false,
          false,
          "30s"},
         {"cpu", T::CpuRange, "CPU request..limit.", {}, nullptr, false, false, "250m..1000m"},
         {"memory",
          T::BytesRange,
          "Memory request..limit.",
          {},
          nullptr,
          false,
          false,
          "512Mi..2Gi"}},
        false,
        false,
        true};
    grafana = {
        "grafana",
        "The Grafana server and its dashboards.",
        {{"admin_password", T::Secret,
          "The admin password: `secret(\"grafana\", key = \"admin-password\")`."},
         {"storage", T::Bytes, "Size of its data volume.", {}, nullptr, false, false, "1Gi"},
         {"cpu", T::CpuRange, "CPU request..limit.", {}, nullptr, false, false, "100m..500m"},
         {"memory",
          T::BytesRange,
          "Memory request..limit.",
          {},
          nullptr,
          false,
          false,
          "128Mi..512Mi"}},
        false,
        false,
        true};
    loki = {
        "loki",
        "Loki and the log collector.",
        {{"retention", T::Duration, "How long logs are kept.", {}, nullptr, false, false, "30d"},
         {"storage", T::Bytes, "Size of its data volume.", {}, nullptr, false, false, "10Gi"},
         {"cpu", T::CpuRange, "CPU request..limit.", {}, nullptr, false, false, "100m..500m"},
         {"memory",
          T::BytesRange,
          "Memory request..limit.",
          {},
          nullptr,
          false,
          false,
          "256Mi..1Gi"}},
        false,
        false,
        true};
    receiver = {"receiver",
                "Where alerts go: a Telegram chat, a Slack channel, a webhook or e-mail.",
                {{"bot_token", T::Secret, "Telegram bot token."},
                 {"chat_id", T::String, "Telegram chat id."},
                 {"webhook", T::Secret, "Slack or generic webhook URL."},
                 {"channel", T::String, "Slack channel."},
                 {"email", T::String, "E-mail address."},
                 {"smarthost",
                  T::String,
                  "SMTP relay for e-mail, `HOST:PORT`: `smtp.example.com:587`.",
                  {}},
                 {"from", T::String, "Sender address of e-mail alerts.", {}},
                 {"severity", T::EnumList, "Severities routed here (default: all).",
                  "critical|warning|info"}}};
    alertmanager = {
        "alertmanager",
        "Alertmanager and its receivers.",
        {{"receiver",
          T::Block,
          "A receiver: `receiver slack { webhook = secret(...) channel = \"#alerts\" }`.",
          {},
          &receiver,
          true},
         {"group_wait",
          T::Duration,
          "How long to wait to group alerts.",
          {},
          nullptr,
          false,
          false,
          "30s"},
         {"repeat_interval",
          T::Duration,
          "How often a firing alert is sent again.",
          {},
          nullptr,
          false,
          false,
          "4h"}},
        false,
        false,
        true};
    vault = {"vault",
             "HashiCorp Vault as the secret backend (through the External Secrets Operator).",
             {{"address",
               T::String,
               "Vault address: `https://vault.example.com`.",
               {},
               nullptr,
               false,
               true},
              {"path", T::String, "KV mount and prefix: `kv/app`.", {}, nullptr, false, true},
              {"role",
               T::String,
               "Kubernetes auth role.",
               {},
               nullptr,
               false,
               false,
               "the stack's name"},
              {"version", T::Enum, "KV engine version.", "v1|v2", nullptr, false, false, "v2"}}};
    build = {"build",
             "How a workload's own image is built (language.md §5.16): the folder and the "
             "Dockerfile the workflow builds it from, and the stage it stops at. Paths are "
             "relative to the .stack file and stay inside its folder.",
             {{"context",
               T::String,
               "The build context, a folder: `services/api` (default: the image's name).",
               {}},
              {"dockerfile",
               T::String,
               "The Dockerfile, relative to the context.",
               {},
               nullptr,
               false,
               false,
               "\"Dockerfile\""},
              {"target", T::String, "The stage to build, `--target` (default: the last).", {}}}};
    base_images = {"base_images",
                   "Updates of base images and actions (Dependabot).",
                   {{"update", T::Enum, "How often to look for updates.", "daily|weekly|monthly",
                     nullptr, false, false, "weekly"}}};

    gitops = {
        "gitops",
        "Where Argo CD and Flux find the generated folder: the `argocd` and `flux` targets write "
        "an Argo CD Application, and a Flux GitRepository and Kustomization, per environment.",
        {{"repository",
          T::String,
          "URL of the Git repository that holds the generated folder: "
          "`https://github.com/org/repo`, or `ssh://git@host/org/repo.git`.",
          {},
          nullptr,
          false,
          true},
         {"revision",
          T::String,
          "Branch Argo CD and Flux follow, for the environments without a `branch` of their own.",
          {},
          nullptr,
          false,
          false,
          "main"},
         {"path",
          T::String,
          "The generated folder inside the repository, as `stackc build` writes it.",
          {},
          nullptr,
          false,
          false,
          "out/STACK"},
         {"deploy", T::Enum,
          "What is deployed: the plain manifests (`kubernetes/ENV`), the Helm chart with "
          "`values-ENV.yaml`, or the Kustomize overlay (`kustomize/overlays/ENV`). Flux deploys "
          "the overlay for `kustomize` and the plain manifests otherwise.",
          "manifests|helm|kustomize", nullptr, false, false, "manifests"},
         {"server",
          T::String,
          "The Kubernetes API server Argo CD deploys to.",
          {},
          nullptr,
          false,
          false,
          "https://kubernetes.default.svc"},
         {"project",
          T::String,
          "The Argo CD project of the Applications.",
          {},
          nullptr,
          false,
          false,
          "default"},
         {"interval",
          T::Duration,
          "How often Flux fetches the repository and reconciles.",
          {},
          nullptr,
          false,
          false,
          "5m"}}};

    // ---- top level ----
    stack = {
        "stack",
        "The project: its registry, version, owner and labels. Exactly one per stack.",
        {{"registry",
          T::String,
          "Container registry the stack's own images (bare names such as `api`) are pushed "
          "to: `ghcr.io/org` or `cr.yandex/ID`; required when there is one.",
          {},
          nullptr,
          false,
          false},
         {"version",
          T::String,
          "Version of the stack: the tag of its own images (and their version label); "
          "required when there is one.",
          {},
          nullptr,
          false,
          false},
         {"owner", T::String, "Team or person that owns the stack."},
         {"labels", T::Map, "Labels put on every object.", {}, &labels},
         {"gitops", T::Block, "Where Argo CD and Flux find the generated folder.", {}, &gitops}},
        true,
        false,
        false,
        true};
    cluster = {"cluster",
               "A cluster the stack runs on, with its capacity.",
               {{"provider", T::Enum, "Where the cluster runs.",
                 "minikube|kind|yandex|eks|gke|aks|generic", nullptr, false, false, "generic"},
                {"nodes",
                 T::IntRange,
                 "Node count: `3`, or `3..6` with a cluster autoscaler.",
                 {},
                 nullptr,
                 false,
                 true,
                 {},
                 1,
                 100000},
                {"node", T::Block, "The size of one node.", {}, &node, false, true},
                {"reserve", T::Block, "What each node keeps for the system.", {}, &reserve},
                {"storage_class", T::String, "Storage class for volumes.", {}},
                {"ingress",
                 T::Block,
                 "An ingress controller it runs: `ingress traefik { namespace = \"traefik\" }`.",
                 {},
                 &controller,
                 true},
                {"zones",
                 T::Int,
                 "Availability zones the nodes spread over.",
                 {},
                 nullptr,
                 false,
                 false,
                 "1",
                 1,
                 64}},
               true};
    environment = {
        "environment",
        "A place the stack is deployed: one set of outputs each.",
        {{"cluster", T::Ref, "The cluster it runs on.", "cluster", nullptr, false, true},
         {"namespace", T::String, "Kubernetes namespace.", {}, nullptr, false, false, "STACK-ENV"},
         {"branch", T::String, "Git branch that deploys here.", {}},
         {"approval", T::Enum, "Deploys wait for a person (`manual`) or not.", "manual|auto",
          nullptr, false, false, "auto"},
         {"domain", T::String, "Base domain of its ingresses.", {}},
         {"pod_security", T::Enum,
          "The most permissive Pod Security level its namespace may be enforced at; unset: "
          "`baseline` when a workload needs it (with a warning), never `privileged`.",
          "restricted|baseline|privileged"}},
        true};
    secrets = {
        "secrets",
        "Where secrets live: `backend = vault { ... }` or `backend = kubernetes`.",
        {{"backend", T::Tagged, "The secret backend.", "vault|kubernetes", &vault, false, true},
         {"refresh",
          T::Duration,
          "How often external secrets are refreshed.",
          {},
          nullptr,
          false,
          false,
          "1h"}},
        false,
        false,
        false,
        true};
    auto container = [](std::string_view resource_default) {
      return std::vector<Field>{
          {"image", T::Image, "Image, as the workload's `image`.", {}, nullptr, false, true},
          {"command", T::StringList, "Container entrypoint.", {}},
          {"args", T::StringList, "Container arguments.", {}},
          {"working_dir", T::String, "Working directory (an absolute path).", {}},
          {"env", T::Map, "Environment variables, as the workload's `env`.", {}, nullptr},
          {"cpu",
           T::CpuRange,
           "CPU request..limit.",
           {},
           nullptr,
           false,
           false,
           resource_default == "main" ? "the main container's" : "50m..100m"},
          {"memory",
           T::BytesRange,
           "Memory request..limit.",
           {},
           nullptr,
           false,
           false,
           resource_default == "main" ? "the main container's" : "32Mi..64Mi"}};
    };
    init = {"init",
            "An init container: `init migrate { image = \"api\"  command = [\"migrate\"] }`. "
            "Runs to completion before the main container starts; the init and sidecar "
            "containers run in declaration order, with the main container's mounts and the "
            "restricted security context.",
            container("main")};
    sidecar = {"sidecar",
               "A native sidecar (an init container with `restartPolicy: Always`): starts before "
               "the main container, in declaration order with the `init` containers, and runs "
               "beside it for the pod's life; the main container's mounts and the restricted "
               "security context.",
               container("sidecar")};
    for (auto* k : {&init, &sidecar})
      for (auto& f : k->fields)
        if (f.name == "env") f.block = &env;
    std::vector<Field> wl = {
        {"image",
         T::Image,
         "Image: `name` (pushed to the stack's registry, tagged with its version) or "
         "`registry/name:tag`.",
         {},
         nullptr,
         false,
         true},
        {"replicas",
         T::IntRange,
         "Pod count: `3`, or `3..10` to autoscale.",
         {},
         nullptr,
         false,
         false,
         "1",
         0,
         100000},
        {"enabled",
         T::Bool,
         "Whether the workload exists in the environment: `when dev { enabled = false }` leaves "
         "it out there entirely.",
         {},
         nullptr,
         false,
         false,
         "true"},
        {"port",
         T::Port,
         "A named port: `port http = 8080`, `port http = 80 -> 8080` (Service port -> container "
         "port), or `port dns { number = 53  protocol = udp }`.",
         {},
         &port,
         true,
         false,
         {},
         1,
         65535},
        {"cpu",
         T::CpuRange,
         "CPU request..limit: `500m..1000m`, or one value for both.",
         {},
         nullptr,
         false,
         true},
        {"memory",
         T::BytesRange,
         "Memory request..limit: `512Mi..1Gi`, or one value for both.",
         {},
         nullptr,
         false,
         true},
        {"autoscale", T::Block, "Autoscaling targets.", {}, &autoscale},
        {"ingress", T::Block, "Outside traffic.", {}, &ingress},
        {"expose", T::Enum,
         "How the Service is reached: inside the cluster, through a cloud load balancer, or on "
         "every node's port.",
         "cluster|load_balancer|node_port", nullptr, false, false, "cluster"},
        {"source_ranges",
         T::StringList,
         "Networks allowed in when exposed: `[\"203.0.113.0/24\"]` (loadBalancerSourceRanges).",
         {}},
        {"health", T::Block, "Probes.", {}, &health},
        {"env", T::Map, "Environment variables.", {}, &env},
        {"needs", T::RefList, "Workloads this one depends on.", "workload"},
        {"egress",
         T::StringList,
         "Traffic allowed beyond dependencies and DNS: `[\"0.0.0.0/0:443\"]` (CIDR:PORT).",
         {}},
        {"metrics", T::Block, "Exported metrics.", {}, &metrics},
        {"volume", T::Block, "An extra volume.", {}, &volume, true},
        {"spread", T::Enum, "Spread pods over nodes, zones, or not at all.", "nodes|zones|none",
         nullptr, false, false, "none"},
        {"disruption", T::Block, "The PodDisruptionBudget.", {}, &disruption},
        {"security", T::Block, "Exceptions to the secure defaults.", {}, &security},
        {"command", T::StringList, "Container entrypoint.", {}},
        {"args", T::StringList, "Container arguments.", {}},
        {"working_dir",
         T::String,
         "Working directory of the main container (an absolute path).",
         {}},
        {"init", T::Block, "An init container: `init NAME { image = ... }`.", {}, &init, true},
        {"sidecar",
         T::Block,
         "A native sidecar container: `sidecar NAME { image = ... }`.",
         {},
         &sidecar,
         true},
        {"grace",
         T::Duration,
         "How long the pods get to stop after SIGTERM (terminationGracePeriodSeconds).",
         {},
         nullptr,
         false,
         false,
         "30s",
         0,
         86400 * 7},
        {"pre_stop",
         T::Hook,
         "What the main container runs before SIGTERM: `sleep(5s)` or `exec([\"cmd\", \"arg\"])`.",
         {}},
        {"labels", T::Map, "Labels of the pods.", {}, &labels, false, false, {}, 0, 0, true},
        {"annotations",
         T::Map,
         "Annotations of the pods.",
         {},
         &annotations,
         false,
         false,
         {},
         0,
         0,
         true},
        {"node_selector",
         T::Map,
         "Labels a node must have to run the pods (nodeSelector).",
         {},
         &node_selector,
         false,
         false,
         {},
         0,
         0,
         true},
        {"object", T::Block,
         "Labels and annotations of one of the workload's own objects: `object service { labels "
         "{ app = \"web\" } }`.",
         "controller|service|service_account", &object, true},
        {"service_account",
         T::String,
         "A ServiceAccount shared by the workloads that name it (made once, by the first); "
         "default: the workload's own, named after it.",
         {}},
        {"exporter", T::Block, "Metrics exporter sidecar.", {}, &exporter},
        {"build",
         T::Block,
         "Where the workflow builds its own image: `build { context = \"services/api\" }`; "
         "`stackc check` checks the Dockerfile against the pod.",
         {},
         &build}};
    auto with = [](std::vector<Field> base, std::vector<Field> extra) {
      base.insert(base.end(), extra.begin(), extra.end());
      return base;
    };
    // `version NAME { ... }` in a service or worker: the workload's fields, none required (a
    // version overrides what the workload sets); those that shape the Service and what its
    // dependents see are rejected inside it by check/versions.cpp (E2031).
    version = {"version",
               "One version of a service or worker (`version v2 { image = \"reviews:v2\" }`): "
               "its own Deployment `NAME-VERSION`, behind the one Service; its fields override "
               "the workload's.",
               wl};
    for (auto& f : version.fields) {
      f.required = false;
      if (f.name == "port" || f.name == "ingress" || f.name == "metrics" || f.name == "exporter")
        f.doc = "Not in a version: every version has the workload's (E2031).";
    }
    version.fields.push_back({"version",
                              T::Block,
                              "Not in a version: versions are side by side (E2030).",
                              {},
                              &version,
                              true});
    version.when = true;
    Field version_field{
        "version",
        T::Block,
        "A version: `version v2 { image = \"reviews:v2\" }`, one Deployment `NAME-VERSION` "
        "each, behind one Service.",
        {},
        &version,
        true};
    wl.push_back(version_field);
    service = {
        "service",
        "A stateless workload with ports: Deployment, Service, Ingress, HPA, PDB, NetworkPolicy.",
        wl,
        true,
        true,
        true,
        false,
        true};
    worker = {"worker", "A stateless workload without ports: Deployment, HPA, PDB, NetworkPolicy.",
              wl,       true,
              true,     true,
              false,    true};
    wl.pop_back();  // `version` is for services and workers only
    stateful = {"stateful",
                "A workload with stable identity and a data volume: StatefulSet, headless Service, "
                "volume claims.",
                with(wl, {{"storage",
                           T::Bytes,
                           "Size of the data volume of each replica.",
                           {},
                           nullptr,
                           false,
                           true},
                          {"data_path",
                           T::String,
                           "Where the data volume is mounted.",
                           {},
                           nullptr,
                           false,
                           false,
                           "\"/data\""},
                          {"backup_method", T::Enum, "How `backup` dumps it.",
                           "pg_dump|redis-rdb|none", nullptr, false, false, "none"}}),
                true,
                true,
                true,
                false,
                true};
    job = {"job",
           "Runs to completion once per deploy: Job.",
           with(wl, {{"retries",
                      T::Int,
                      "Retries before the job fails.",
                      {},
                      nullptr,
                      false,
                      false,
                      "3",
                      0,
                      100},
                     {"timeout", T::Duration, "Deadline of one run.", {}}}),
           true,
           true,
           true,
           false,
           true};
    cron = {
        "cron",
        "Runs to completion on a schedule: CronJob.",
        with(wl, {{"schedule", T::Cron, "Cron schedule: `0 2 * * *`.", {}, nullptr, false, true},
                  {"retries",
                   T::Int,
                   "Retries before a run fails.",
                   {},
                   nullptr,
                   false,
                   false,
                   "3",
                   0,
                   100},
                  {"timeout", T::Duration, "Deadline of one run.", {}}}),
        true,
        true,
        true,
        false,
        true};
    monitoring = {"monitoring",
                  "The monitoring stack: Prometheus, Grafana, Loki, Alertmanager.",
                  {{"prometheus", T::Block, "Prometheus.", {}, &prometheus},
                   {"grafana", T::Block, "Grafana.", {}, &grafana},
                   {"loki", T::Block, "Loki.", {}, &loki},
                   {"alertmanager", T::Block, "Alertmanager.", {}, &alertmanager}},
                  false,
                  false,
                  true,
                  true};
    alert = {"alert",
             "A Prometheus alerting rule.",
             {{"expr", T::String, "PromQL expression.", {}, nullptr, false, true},
              {"for",
               T::Duration,
               "How long it must hold before firing.",
               {},
               nullptr,
               false,
               false,
               "0s"},
              {"severity", T::Enum, "Severity label.", "critical|warning|info", nullptr, false,
               false, "warning"},
              {"summary", T::String, "One-line summary.", {}, nullptr, false, true},
              {"description", T::String, "Longer description.", {}},
              {"runbook", T::String, "Runbook URL.", {}},
              {"notify", T::RefList, "Receivers to notify.", "receiver"}},
             true,
             false,
             true};
    record = {"record",
              "A Prometheus recording rule; the name is the recorded metric.",
              {{"expr", T::String, "PromQL expression.", {}, nullptr, false, true}},
              true,
              false,
              true};
    dashboard = {"dashboard",
                 "A Grafana dashboard of chosen metrics.",
                 {{"title", T::String, "Title.", {}},
                  {"metrics", T::StringList, "Metric names to chart.", {}}},
                 true};
    backup = {
        "backup",
        "A scheduled backup with retention and a restore procedure.",
        {{"of", T::BackupSource,
          "What to back up: a stateful's name, or `[manifests, configmaps, secrets]`.",
          "manifests|configmaps|secrets", nullptr, false, true},
         {"schedule", T::Cron, "Cron schedule.", {}, nullptr, false, true},
         {"retain", T::Duration, "How long backups are kept.", {}, nullptr, false, true},
         {"storage", T::Bytes, "Size of the backup volume.", {}, nullptr, false, false, "10Gi"},
         {"restore_within", T::Duration, "Restore time objective.", {}}},
        true,
        false,
        true};
    pipeline = {"pipeline",
                "CI/CD: tests, image builds, scans, deploys.",
                {{"test", T::String, "Command that runs the tests.", {}},
                 {"build", T::String, "Command that builds, if not only Dockerfiles.", {}},
                 {"stackc_digest",
                  T::String,
                  "Required: the digest that pins the stackc image of the `check` job, "
                  "`\"sha256:...\"`, or `\"unpinned\"` for its tag alone.",
                  {}},
                 {"scan", T::EnumList, "Image scanners.", "trivy|grype"},
                 {"base_images", T::Block, "Base image updates.", {}, &base_images}},
                false,
                false,
                false,
                true};
    template_ = {
        "template",
        "Reusable defaults: `template NAME for KIND { ... }`, applied with `KIND NAME from NAME`.",
        {}};
    import_ = {
        "import", "Loads a module: `import \"std/postgres\"` or `import \"./common.stack\"`.", {}};

    top = {&import_, &stack,     &cluster, &environment, &secrets,    &service,
           &worker,  &stateful,  &job,     &cron,        &monitoring, &alert,
           &record,  &dashboard, &backup,  &pipeline,    &template_};
    all = top;
    for (const Kind* k :
         {&port,        &controller, &node,          &reserve,     &autoscale,    &ingress,
          &health,      &env,        &labels,        &annotations, &metrics,      &volume,
          &disruption,  &security,   &node_selector, &exporter,    &init,         &sidecar,
          &prometheus,  &grafana,    &loki,          &receiver,    &alertmanager, &vault,
          &base_images, &gitops,     &version,       &build,       &object}) {
      all.push_back(k);
    }
    for (const Kind* k : all) {
      auto* mk = const_cast<Kind*>(k);  // the table is being built; afterwards it is immutable
      for (const auto& f : mk->fields) mk->index.emplace(f.name, &f);
    }
  }
};

const Tables& tables() {
  static const Tables t;
  return t;
}

}  // namespace

const Field* Kind::field(std::string_view key) const {
  auto it = index.find(key);
  return it == index.end() ? nullptr : it->second;
}

std::vector<std::string> Kind::field_names() const {
  std::vector<std::string> out;
  for (const auto& f : fields) out.emplace_back(f.name);
  return out;
}

std::span<const Kind* const> top_kinds() {
  return tables().top;
}

const Kind* top_kind(std::string_view name) {
  for (const Kind* k : tables().top)
    if (k->name == name) return k;
  return nullptr;
}

std::vector<std::string> top_kind_names() {
  std::vector<std::string> out;
  for (const Kind* k : tables().top) out.emplace_back(k->name);
  return out;
}

const Kind* any_kind(std::string_view name) {
  for (const Kind* k : tables().all)
    if (k->name == name) return k;
  return nullptr;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Int:
      return "integer";
    case Type::IntRange:
      return "integer or range";
    case Type::Cpu:
      return "CPU quantity";
    case Type::CpuRange:
      return "CPU quantity or request..limit";
    case Type::Bytes:
      return "byte quantity";
    case Type::BytesRange:
      return "byte quantity or request..limit";
    case Type::Duration:
      return "duration";
    case Type::Percent:
      return "percentage";
    case Type::String:
      return "string";
    case Type::Bool:
      return "boolean";
    case Type::Enum:
      return "one of a set of names";
    case Type::EnumList:
      return "list of names";
    case Type::Ref:
      return "reference";
    case Type::RefList:
      return "list of references";
    case Type::Probe:
      return "probe";
    case Type::Hook:
      return "lifecycle hook";
    case Type::UserId:
      return "user id or `image`";
    case Type::EnvValue:
      return "environment value";
    case Type::Secret:
      return "secret";
    case Type::Cron:
      return "cron schedule";
    case Type::StringList:
      return "list of strings";
    case Type::Image:
      return "image";
    case Type::BackupSource:
      return "backup source";
    case Type::Block:
      return "block";
    case Type::Tagged:
      return "tagged block";
    case Type::Entry:
      return "entry";
    case Type::Port:
      return "port";
    case Type::Map:
      return "map";
  }
  return "value";
}

std::vector<std::string> split_choices(std::string_view choices) {
  std::vector<std::string> out;
  while (!choices.empty()) {
    auto bar = choices.find('|');
    out.emplace_back(choices.substr(0, bar));
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return out;
}

bool choice_allowed(std::string_view choices, std::string_view word) {
  for (const auto& c : split_choices(choices))
    if (c == word) return true;
  return false;
}

}  // namespace stackc::check
