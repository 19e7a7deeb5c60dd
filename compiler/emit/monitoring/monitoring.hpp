// The configuration of the monitoring stack of one environment, generated from the same model
// as its workloads: prometheus.yml (scrape jobs for exactly the workloads that export metrics),
// the alerting and recording rules (the stack's own and the standard ones for every workload),
// alertmanager.yml (routes by severity and `notify` to the declared receivers, credentials read
// from mounted secret files), Loki's configuration and the log collector's (Grafana Alloy). The
// Kubernetes lowering mounts these texts from ConfigMaps; `generate` also writes them to
// monitoring/<env>/ with the Prometheus Operator objects (PrometheusRule, ServiceMonitor) for
// clusters that run the operator instead.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "emit/output.hpp"
#include "emit/yaml.hpp"
#include "model/model.hpp"

namespace stackc::emit::monitoring {

// One configuration file: its ConfigMap key, where it is written under monitoring/<env>/ (e.g.
// "prometheus/prometheus.yml"), its text, and its path under the mount when that is not the
// key (Grafana's provisioning folders).
struct ConfigFile {
  std::string key;
  std::string path;
  std::string text;
  std::string item;
};

// The data of a ConfigMap must stay under 1 MiB (etcd's limit, with room for the object);
// rules and dashboards are spread over several ConfigMaps to stay under it.
constexpr std::size_t kConfigMapMax = 1000000;

struct ConfigMap {
  std::string name;      // the ConfigMap, e.g. "prometheus-config"
  std::string workload;  // the workload that mounts it, e.g. "prometheus"
  std::string mount;     // where the workload mounts it, read-only
  std::vector<ConfigFile> files;
  std::size_t size() const {
    std::size_t n = 0;
    for (const auto& f : files) n += f.key.size() + f.text.size();
    return n;
  }
};

// Every configuration file of the environment's monitoring stack, grouped by ConfigMap; empty
// without `monitoring`. `source` names the .stack file in the headers.
std::vector<ConfigMap> config_maps(const model::Model& m, const model::Environment& e,
                                   const std::string& source);

// The rule groups of prometheus/rules.yml (and of the PrometheusRule).
Doc rule_groups(const model::Model& m, const model::Environment& e);

// The configuration files made already (by the lowering, which mounts them), by environment.
using ConfigMapsOf = std::unordered_map<const model::Environment*, const std::vector<ConfigMap>*>;

// monitoring/<env>/...: the files of config_maps, as the lowering made them (`made` has every
// environment), and operator/{prometheusrule,servicemonitors}.yaml.
void generate(const model::Model& m, const std::vector<std::string>& envs,
              const std::string& source, const ConfigMapsOf& made, Output& out);

}  // namespace stackc::emit::monitoring
