// The `terraform` target (specs/targets.md §15): the clusters themselves, with the sizes the
// capacity checks proved the stack fits (graph/capacity.hpp: `node { }` less nothing, `nodes`).
// terraform/<cluster>/ holds
// - for `provider = yandex`: a Terraform root module for Yandex Managed Kubernetes: versions.tf
//   (the provider pinned), variables.tf (folder, zone, network range), main.tf (VPC network and
//   subnet, the cluster's and the nodes' service accounts with their folder roles, the cluster
//   with its Kubernetes version pinned and Calico for the NetworkPolicies, one node group:
//   `fixed_scale` of `nodes`, or `auto_scale` from its range; cores, memory and boot disk from
//   `node { }`, spread over `zones` zones), outputs.tf (the cluster's id, endpoint, CA and a
//   kubeconfig that takes its token from `yc`) and README.md;
// - for `provider = minikube` and `kind`: start.sh, which creates the cluster with exactly the
//   declared node count, CPUs, memory and disk (kind: checks that the Docker host has them) and
//   the addons the stack needs (an ingress controller when an environment on it has an ingress,
//   metrics-server when one has an autoscaled workload), and README.md.
// Other providers write nothing. A node size or count the provider cannot create is E4021.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::terraform {

// The Kubernetes minor version the generated clusters run: the version the conformance checks
// validate the manifests against (specs/targets.md §2.1).
inline constexpr const char* kKubernetesVersion = "1.32";
inline constexpr const char* kKubernetesPatch = "v1.32.2";  // minikube and kind pin a patch
// The yandex provider the module was written against (its documented schema).
inline constexpr const char* kYandexProvider = ">= 0.129, < 1.0";

// What a cluster of the stack needs from its add-ons, over the environments that run on it.
struct Needs {
  bool ingress = false;         // some workload has an `ingress`
  bool metrics_server = false;  // some workload is autoscaled (an HPA)
};
Needs needs(const model::Model& m, const model::Cluster& c);

// The node group's sizes as the module writes them.
struct NodeGroup {
  std::int64_t cores = 0, memory_gb = 0, disk_gb = 0;
  std::int64_t min = 0, max = 0;  // fixed_scale when equal
};
NodeGroup node_group(const model::Cluster& c);

// The files of one cluster (paths relative to terraform/<cluster>/); empty for a provider
// without a target. Reports E4021 into `sink`.
std::vector<std::pair<std::string, std::string>> files(const model::Model& m,
                                                       const model::Cluster& c,
                                                       const std::string& source, base::Sink& sink);

// terraform/<cluster>/... for every cluster of the stack (a cluster belongs to no one
// environment: --env does not choose among them).
void generate(const model::Model& m, const std::string& source, base::Sink& sink, Output& out);

}  // namespace stackc::emit::terraform
