#include "emit/terraform/terraform.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "check/units.hpp"

namespace stackc::emit::terraform {
namespace {

constexpr std::int64_t kGiB = 1LL << 30;
constexpr std::int64_t kYandexMinDiskGb = 64;  // the provider's documented minimal boot disk
// Yandex Cloud's zones in ru-central1, in the order a cluster of `zones` zones takes them.
constexpr const char* kYandexZones[] = {"ru-central1-a", "ru-central1-b", "ru-central1-d"};
// Pinned add-on manifests for kind (minikube ships its own add-ons).
constexpr const char* kIngressNginxKind =
    "https://raw.githubusercontent.com/kubernetes/ingress-nginx/controller-v1.12.1/deploy/"
    "static/provider/kind/deploy.yaml";
constexpr const char* kMetricsServer =
    "https://github.com/kubernetes-sigs/metrics-server/releases/download/v0.7.2/"
    "components.yaml";

// A Terraform identifier of a stack name (`-` is allowed; a leading digit is not).
std::string ident(const std::string& name) {
  std::string s;
  for (char c : name) s += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s.front()))) s = "c_" + s;
  return s;
}

void report(base::Sink& sink, const model::Cluster& c, const std::string& what,
            const std::string& help) {
  sink.report(base::make(base::Code::E4021, c.span,
                         fmt::format("cluster `{}` (provider = {}): {}", c.name, c.provider, what),
                         help));
}

// The node size and count the provider can create, or an error.
bool check_size(const model::Cluster& c, base::Sink& sink) {
  bool ok = true;
  if (c.node_cpu % 1000 != 0) {
    report(sink, c,
           fmt::format("a node of {} CPUs cannot be made: {} takes whole cores",
                       check::format_cpu(c.node_cpu), c.provider),
           fmt::format("give `node {{ cpu = {} }}` (whole cores)", (c.node_cpu + 999) / 1000));
    ok = false;
  }
  if (c.node_memory % kGiB != 0) {
    report(sink, c,
           fmt::format("a node of {} memory cannot be made: {} takes whole GiB",
                       check::format_bytes(c.node_memory), c.provider),
           fmt::format("give `node {{ memory = {}Gi }}`", (c.node_memory + kGiB - 1) / kGiB));
    ok = false;
  }
  if (c.node_disk % kGiB != 0) {
    report(sink, c,
           fmt::format("a node disk of {} cannot be made: {} takes whole GiB",
                       check::format_bytes(c.node_disk), c.provider),
           fmt::format("give `node {{ disk = {}Gi }}`", (c.node_disk + kGiB - 1) / kGiB));
    ok = false;
  }
  if (c.provider == "yandex" && c.node_disk > 0 && c.node_disk < kYandexMinDiskGb * kGiB) {
    report(sink, c,
           fmt::format("a node disk of {} is under the {} GiB a Yandex Managed Kubernetes node "
                       "boots from",
                       check::format_bytes(c.node_disk), kYandexMinDiskGb),
           fmt::format("give `node {{ disk = {}Gi }}` or more", kYandexMinDiskGb));
    ok = false;
  }
  if (c.provider == "yandex" && c.nodes_max > c.nodes_min && c.zones > 1) {
    report(sink, c,
           fmt::format("nodes = {}..{} over {} zones: Yandex autoscales a node group in one zone "
                       "only",
                       c.nodes_min, c.nodes_max, c.zones),
           "give a fixed node count (`nodes = N`) to spread over zones, or `zones = 1`");
    ok = false;
  }
  if (c.provider == "yandex" && c.zones > 3) {
    report(sink, c, fmt::format("{} zones: Yandex Cloud's region ru-central1 has 3", c.zones),
           "give `zones` 1, 2 or 3");
    ok = false;
  }
  if ((c.provider == "minikube" || c.provider == "kind") && c.nodes_max > c.nodes_min) {
    report(sink, c,
           fmt::format("nodes = {}..{}: {} has no cluster autoscaler", c.nodes_min, c.nodes_max,
                       c.provider),
           fmt::format("give a fixed node count: `nodes = {}`", c.nodes_min));
    ok = false;
  }
  return ok;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"' || c == '\\') out += '\\';
    // `${` and `%{` start templates in HCL strings; `$${` and `%%{` are literal.
    if ((c == '$' || c == '%') && i + 1 < s.size() && s[i + 1] == '{') out += c;
    out += c;
  }
  return out + "\"";
}

std::string versions_tf() {
  return fmt::format(
      "terraform {{\n"
      "  required_version = \">= 1.5\"\n"
      "  required_providers {{\n"
      "    yandex = {{\n"
      "      source  = \"yandex-cloud/yandex\"\n"
      "      version = \"{}\"\n"
      "    }}\n"
      "  }}\n"
      "}}\n\n"
      "provider \"yandex\" {{\n"
      "  folder_id = var.folder_id\n"
      "  zone      = var.zones[0]\n"
      "}}\n",
      kYandexProvider);
}

std::string variables_tf(const model::Cluster& c) {
  std::vector<std::string> zones;
  for (std::int64_t i = 0; i < c.zones; ++i) zones.push_back(quoted(kYandexZones[i]));
  return fmt::format(
      "variable \"folder_id\" {{\n"
      "  description = \"The Yandex Cloud folder the cluster is created in.\"\n"
      "  type        = string\n"
      "}}\n\n"
      "variable \"zones\" {{\n"
      "  description = \"The availability zones of the nodes: {} (`zones` of cluster {}).\"\n"
      "  type        = list(string)\n"
      "  default     = [{}]\n"
      "  validation {{\n"
      "    condition     = length(var.zones) == {}\n"
      "    error_message = \"Cluster {} spreads its nodes over {} zone(s), as its capacity plan "
      "assumes.\"\n"
      "  }}\n"
      "}}\n\n"
      "variable \"subnet_cidrs\" {{\n"
      "  description = \"The nodes' subnet in each zone.\"\n"
      "  type        = list(string)\n"
      "  default     = [\"10.10.0.0/16\", \"10.11.0.0/16\", \"10.12.0.0/16\"]\n"
      "}}\n",
      c.zones, c.name, fmt::join(zones, ", "), c.zones, c.name, c.zones);
}

std::string main_tf(const model::Model& m, const model::Cluster& c, const NodeGroup& g) {
  const std::string id = ident(c.name);
  const std::string name = m.stack.name + "-" + c.name;
  std::string s;
  s += fmt::format(
      "resource \"yandex_vpc_network\" \"{0}\" {{\n"
      "  name      = {1}\n"
      "  folder_id = var.folder_id\n"
      "}}\n\n"
      "resource \"yandex_vpc_subnet\" \"{0}\" {{\n"
      "  count          = length(var.zones)\n"
      "  name           = \"{2}-${{var.zones[count.index]}}\"\n"
      "  folder_id      = var.folder_id\n"
      "  zone           = var.zones[count.index]\n"
      "  network_id     = yandex_vpc_network.{0}.id\n"
      "  v4_cidr_blocks = [var.subnet_cidrs[count.index]]\n"
      "}}\n\n",
      id, quoted(name), name);
  // The cluster's account manages its cloud resources; the nodes' pulls images.
  s += fmt::format(
      "# Manages the cloud resources of Kubernetes cluster {2}.\n"
      "resource \"yandex_iam_service_account\" \"{0}_cluster\" {{\n"
      "  name      = {1}\n"
      "  folder_id = var.folder_id\n"
      "}}\n\n"
      "# The nodes of Kubernetes cluster {2}: pull the images.\n"
      "resource \"yandex_iam_service_account\" \"{0}_nodes\" {{\n"
      "  name      = {3}\n"
      "  folder_id = var.folder_id\n"
      "}}\n\n",
      id, quoted(name + "-cluster"), name, quoted(name + "-nodes"));
  struct Role {
    const char* res;
    const char* role;
    const char* account;
  };
  const Role roles[] = {{"cluster_agent", "k8s.clusters.agent", "cluster"},
                        {"cluster_vpc", "vpc.publicAdmin", "cluster"},
                        {"cluster_lb", "load-balancer.admin", "cluster"},
                        {"nodes_puller", "container-registry.images.puller", "nodes"}};
  std::vector<std::string> depends;
  for (const auto& r : roles) {
    s += fmt::format(
        "resource \"yandex_resourcemanager_folder_iam_member\" \"{0}_{1}\" {{\n"
        "  folder_id = var.folder_id\n"
        "  role      = \"{2}\"\n"
        "  member    = \"serviceAccount:${{yandex_iam_service_account.{0}_{3}.id}}\"\n"
        "}}\n\n",
        id, r.res, r.role, r.account);
    depends.push_back(fmt::format("yandex_resourcemanager_folder_iam_member.{}_{}", id, r.res));
  }
  std::string deps;
  for (const auto& d : depends) deps += "    " + d + ",\n";
  s += fmt::format(
      "resource \"yandex_kubernetes_cluster\" \"{0}\" {{\n"
      "  name                    = {1}\n"
      "  folder_id               = var.folder_id\n"
      "  network_id              = yandex_vpc_network.{0}.id\n"
      "  service_account_id      = yandex_iam_service_account.{0}_cluster.id\n"
      "  node_service_account_id = yandex_iam_service_account.{0}_nodes.id\n"
      "  release_channel         = \"STABLE\"\n"
      "  # The stack's NetworkPolicies are enforced by Calico.\n"
      "  network_policy_provider = \"CALICO\"\n\n"
      "  master {{\n"
      "    version   = \"{2}\"\n"
      "    public_ip = true\n"
      "    zonal {{\n"
      "      zone      = yandex_vpc_subnet.{0}[0].zone\n"
      "      subnet_id = yandex_vpc_subnet.{0}[0].id\n"
      "    }}\n"
      "    maintenance_policy {{\n"
      "      auto_upgrade = false\n"
      "    }}\n"
      "  }}\n\n"
      "  # Without the roles the cluster cannot be deleted cleanly.\n"
      "  depends_on = [\n{3}  ]\n"
      "}}\n\n",
      id, quoted(name), kKubernetesVersion, deps);
  std::string scale;
  if (g.min == g.max)
    scale = fmt::format("    fixed_scale {{\n      size = {}\n    }}\n", g.min);
  else
    scale = fmt::format(
        "    auto_scale {{\n      min     = {}\n      max     = {}\n      initial = {}\n    }}\n",
        g.min, g.max, g.min);
  s += fmt::format(
      "# `nodes` and `node {{ }}` of cluster {1}: the sizes `stackc plan` checked the stack "
      "against.\n"
      "resource \"yandex_kubernetes_node_group\" \"{0}\" {{\n"
      "  cluster_id = yandex_kubernetes_cluster.{0}.id\n"
      "  name       = {2}\n"
      "  version    = \"{3}\"\n\n"
      "  instance_template {{\n"
      "    platform_id = \"standard-v3\"\n\n"
      "    resources {{\n"
      "      cores  = {4}\n"
      "      memory = {5}\n"
      "    }}\n\n"
      "    boot_disk {{\n"
      "      type = \"network-ssd\"\n"
      "      size = {6}\n"
      "    }}\n\n"
      "    network_interface {{\n"
      "      nat        = true\n"
      "      subnet_ids = yandex_vpc_subnet.{0}[*].id\n"
      "    }}\n\n"
      "    container_runtime {{\n"
      "      type = \"containerd\"\n"
      "    }}\n\n"
      "    scheduling_policy {{\n"
      "      preemptible = false\n"
      "    }}\n"
      "  }}\n\n"
      "  scale_policy {{\n{7}  }}\n\n"
      "  allocation_policy {{\n"
      "    dynamic \"location\" {{\n"
      "      for_each = var.zones\n"
      "      content {{\n"
      "        zone = location.value\n"
      "      }}\n"
      "    }}\n"
      "  }}\n\n"
      "  maintenance_policy {{\n"
      "    auto_upgrade = false\n"
      "    auto_repair  = true\n"
      "  }}\n"
      "}}\n",
      id, c.name, quoted(name), kKubernetesVersion, g.cores, g.memory_gb, g.disk_gb, scale);
  return s;
}

std::string outputs_tf(const model::Cluster& c) {
  const std::string id = ident(c.name);
  return fmt::format(
      "output \"cluster_id\" {{\n"
      "  value = yandex_kubernetes_cluster.{0}.id\n"
      "}}\n\n"
      "output \"endpoint\" {{\n"
      "  value = yandex_kubernetes_cluster.{0}.master[0].external_v4_endpoint\n"
      "}}\n\n"
      "output \"cluster_ca_certificate\" {{\n"
      "  value = yandex_kubernetes_cluster.{0}.master[0].cluster_ca_certificate\n"
      "}}\n\n"
      "# terraform output -raw kubeconfig > kubeconfig-{1}; the token comes from `yc` (logged "
      "in).\n"
      "output \"kubeconfig\" {{\n"
      "  value = <<-EOT\n"
      "    apiVersion: v1\n"
      "    kind: Config\n"
      "    clusters:\n"
      "    - name: {1}\n"
      "      cluster:\n"
      "        server: ${{yandex_kubernetes_cluster.{0}.master[0].external_v4_endpoint}}\n"
      "        certificate-authority-data: "
      "${{base64encode(yandex_kubernetes_cluster.{0}.master[0].cluster_ca_certificate)}}\n"
      "    users:\n"
      "    - name: yc\n"
      "      user:\n"
      "        exec:\n"
      "          apiVersion: client.authentication.k8s.io/v1beta1\n"
      "          command: yc\n"
      "          args: [\"k8s\", \"create-token\"]\n"
      "          interactiveMode: Never\n"
      "    contexts:\n"
      "    - name: {1}\n"
      "      context:\n"
      "        cluster: {1}\n"
      "        user: yc\n"
      "    current-context: {1}\n"
      "  EOT\n"
      "}}\n",
      id, c.name);
}

std::vector<std::string> environments_on(const model::Model& m, const model::Cluster& c) {
  std::vector<std::string> out;
  for (const auto& e : m.environments)
    if (e.cluster == c.name) out.push_back(e.name);
  return out;
}

std::string yandex_readme(const model::Model& m, const model::Cluster& c, const NodeGroup& g) {
  auto envs = environments_on(m, c);
  return fmt::format(
      "# Cluster `{0}`: Yandex Managed Kubernetes\n\n"
      "From the `cluster {0}` block of stack `{1}`. Environments on it: {2}.\n\n"
      "| | |\n|---|---|\n"
      "| Kubernetes | {3} (pinned; upgrades are not automatic) |\n"
      "| nodes | {4} |\n"
      "| one node | {5} cores, {6} GB memory, {7} GB SSD boot disk (platform standard-v3) |\n"
      "| zones | {8} |\n"
      "| NetworkPolicy | Calico |\n\n"
      "These are the sizes `stackc plan` checks the environments against: change `nodes` or "
      "`node {{ }}` in the stack, not here.\n\n"
      "```sh\n"
      "yc init                                   # a profile with rights on the folder\n"
      "export YC_TOKEN=$(yc iam create-token)\n"
      "terraform init\n"
      "terraform apply -var folder_id=FOLDER_ID  # about 15 minutes\n"
      "terraform output -raw kubeconfig > kubeconfig-{0}\n"
      "KUBECONFIG=kubeconfig-{0} kubectl get nodes\n"
      "```\n\n"
      "The cluster has no ingress controller nor External Secrets Operator yet: install "
      "ingress-nginx and the operator (with the stack's secret store) before the first deploy.\n",
      c.name, m.stack.name,
      envs.empty() ? "none" : "`" + fmt::format("{}", fmt::join(envs, "`, `")) + "`",
      kKubernetesVersion,
      g.min == g.max ? fmt::format("{} (fixed)", g.min)
                     : fmt::format("{} to {} (autoscaled, starting at {})", g.min, g.max, g.min),
      g.cores, g.memory_gb, g.disk_gb, c.zones);
}

std::string gib_flag(std::int64_t bytes) {
  return fmt::format("{}g", bytes / kGiB);
}

std::string start_sh(const model::Model& m, const model::Cluster& c, const Needs& n,
                     const std::string& source) {
  const std::int64_t cpus = c.node_cpu / 1000;
  const std::string profile = m.stack.name + "-" + c.name;
  std::string s = "#!/bin/sh\n" + header(source);
  if (c.provider == "minikube") {
    s += fmt::format(
        "# Starts cluster `{0}` on minikube: {1} node(s) of {2} CPUs, {3} memory{4}, Kubernetes "
        "{5},\n# Calico for the NetworkPolicies{6}.\n"
        "set -eu\n"
        "minikube start --profile={7} --nodes={1} --cpus={2} --memory={8}{9} \\\n"
        "  --kubernetes-version={5} --cni=calico\n",
        c.name, c.nodes_min, cpus, check::format_bytes(c.node_memory),
        c.node_disk ? ", " + check::format_bytes(c.node_disk) + " disk" : std::string(),
        kKubernetesPatch,
        n.ingress || n.metrics_server ? std::string(", and the add-ons the stack needs")
                                      : std::string(),
        profile, gib_flag(c.node_memory),
        c.node_disk ? " --disk-size=" + gib_flag(c.node_disk) : std::string());
    if (n.ingress)
      s += fmt::format("minikube addons enable ingress --profile={}         # an ingress\n",
                       profile);
    if (n.metrics_server)
      s += fmt::format(
          "minikube addons enable metrics-server --profile={}  # the HorizontalPodAutoscalers\n",
          profile);
    s += fmt::format("kubectl config use-context {}\n", profile);
    return s;
  }
  // kind: nodes are containers that share the Docker host: it must hold them all.
  const std::int64_t workers = c.nodes_min > 1 ? c.nodes_min : 0;
  s += fmt::format(
      "# Starts cluster `{0}` on kind: {1} node(s) that run pods, Kubernetes {2}{3}.\n"
      "# kind cannot size a node: its nodes share the Docker host, which must have {1} x {4} "
      "CPUs\n# and {1} x {5} memory{6} (checked below).\n"
      "set -eu\n"
      "need_cpus={7}\n"
      "need_memory={8}\n"
      "have_cpus=$(docker info --format '{{{{.NCPU}}}}')\n"
      "have_memory=$(docker info --format '{{{{.MemTotal}}}}')\n"
      "if [ \"$have_cpus\" -lt \"$need_cpus\" ] || [ \"$have_memory\" -lt \"$need_memory\" ]; "
      "then\n"
      "  echo \"cluster {0} needs $need_cpus CPUs and $need_memory bytes of memory; Docker has "
      "$have_cpus and $have_memory\" >&2\n"
      "  exit 1\n"
      "fi\n",
      c.name, c.nodes_min, kKubernetesPatch,
      n.ingress || n.metrics_server ? ", and the add-ons the stack needs" : "", cpus,
      check::format_bytes(c.node_memory),
      c.node_disk ? fmt::format(" ({} disk each)", check::format_bytes(c.node_disk)) : "",
      cpus * c.nodes_min, c.node_memory * c.nodes_min);
  if (c.node_disk)
    s += fmt::format(
        "need_disk_kb={}\n"
        "have_disk_kb=$(df -Pk \"$(docker info --format '{{{{.DockerRootDir}}}}')\" | awk 'NR==2 "
        "{{print $4}}')\n"
        "if [ \"$have_disk_kb\" -lt \"$need_disk_kb\" ]; then\n"
        "  echo \"cluster {} needs $need_disk_kb KiB of free disk for Docker; it has "
        "$have_disk_kb\" >&2\n"
        "  exit 1\n"
        "fi\n",
        c.node_disk / 1024 * c.nodes_min, c.name);
  s += fmt::format("cat > /tmp/kind-{}.yaml <<'EOF'\n", profile);
  s += "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n";
  if (n.ingress)
    s += "  labels:\n    ingress-ready: \"true\"\n  extraPortMappings:\n"
         "  - containerPort: 80\n    hostPort: 80\n  - containerPort: 443\n    hostPort: 443\n";
  for (std::int64_t i = 0; i < workers; ++i) s += "- role: worker\n";
  s += "EOF\n";
  s += fmt::format(
      "kind create cluster --name={0} --image=kindest/node:{1} --config=/tmp/kind-{0}.yaml\n",
      profile, kKubernetesPatch);
  if (n.ingress)
    s += fmt::format(
        "kubectl apply -f {}\n"
        "kubectl wait --namespace ingress-nginx --for=condition=ready pod "
        "--selector=app.kubernetes.io/component=controller --timeout=180s\n",
        kIngressNginxKind);
  if (n.metrics_server)
    s += fmt::format(
        "kubectl apply -f {}\n"
        "# kind's kubelets serve self-signed certificates\n"
        "kubectl -n kube-system patch deployment metrics-server --type=json -p "
        "'[{{\"op\":\"add\",\"path\":\"/spec/template/spec/containers/0/args/-\","
        "\"value\":\"--kubelet-insecure-tls\"}}]'\n",
        kMetricsServer);
  return s;
}

std::string local_readme(const model::Model& m, const model::Cluster& c, const Needs& n) {
  auto envs = environments_on(m, c);
  return fmt::format(
      "# Cluster `{0}`: {1}\n\n"
      "From the `cluster {0}` block of stack `{2}`. Environments on it: {3}.\n\n"
      "```sh\nsh terraform/{0}/start.sh\n```\n\n"
      "starts it with {4} node(s) of {5} CPUs and {6} memory{7} (the sizes `stackc plan` checks "
      "against), Kubernetes {8}{9}{10}.\n",
      c.name, c.provider, m.stack.name,
      envs.empty() ? "none" : "`" + fmt::format("{}", fmt::join(envs, "`, `")) + "`", c.nodes_min,
      c.node_cpu / 1000, check::format_bytes(c.node_memory),
      c.node_disk ? ", " + check::format_bytes(c.node_disk) + " disk" : std::string(),
      kKubernetesPatch, n.ingress ? ", an ingress controller (ingress-nginx)" : "",
      n.metrics_server ? ", metrics-server (for the HorizontalPodAutoscalers)" : "");
}

}  // namespace

Needs needs(const model::Model& m, const model::Cluster& c) {
  Needs n;
  for (const auto& e : m.environments) {
    if (e.cluster != c.name) continue;
    for (const auto& w : e.workloads) {
      n.ingress |= w.ingress.has_value();
      n.metrics_server |= w.autoscaled();
    }
  }
  return n;
}

NodeGroup node_group(const model::Cluster& c) {
  NodeGroup g;
  g.cores = c.node_cpu / 1000;
  g.memory_gb = c.node_memory / kGiB;
  g.disk_gb = c.node_disk ? c.node_disk / kGiB : kYandexMinDiskGb;
  g.min = c.nodes_min;
  g.max = c.nodes_max;
  return g;
}

std::vector<std::pair<std::string, std::string>> files(const model::Model& m,
                                                       const model::Cluster& c,
                                                       const std::string& source,
                                                       base::Sink& sink) {
  std::vector<std::pair<std::string, std::string>> out;
  if (c.provider != "yandex" && c.provider != "minikube" && c.provider != "kind") return out;
  if (!check_size(c, sink)) return out;
  const std::string head = header(source);
  // Markdown starts with the header as a comment, as docs/ does.
  const std::string md_head = "<!-- " + head.substr(2, head.find('\n') - 2) + " -->\n";
  if (c.provider == "yandex") {
    NodeGroup g = node_group(c);
    out.emplace_back("versions.tf", head + versions_tf());
    out.emplace_back("variables.tf", head + variables_tf(c));
    out.emplace_back("main.tf", head + main_tf(m, c, g));
    out.emplace_back("outputs.tf", head + outputs_tf(c));
    out.emplace_back("README.md", md_head + yandex_readme(m, c, g));
    return out;
  }
  Needs n = needs(m, c);
  out.emplace_back("start.sh", start_sh(m, c, n, source));
  out.emplace_back("README.md", md_head + local_readme(m, c, n));
  return out;
}

void generate(const model::Model& m, const std::string& source, base::Sink& sink, Output& out) {
  for (const auto& c : m.clusters)
    for (auto& [path, text] : files(m, c, source, sink))
      out.add("terraform/" + c.name + "/" + path, std::move(text));
}

}  // namespace stackc::emit::terraform
