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
#include <vector>

#include "emit/output.hpp"
#include "emit/yaml.hpp"
#include "model/model.hpp"

namespace stackc::emit::monitoring {

struct ConfigFile {
  std::string key;  // the ConfigMap key, e.g. "prometheus.yml"
  std::string
      path;  // where it is written under monitoring/<env>/, e.g. "prometheus/prometheus.yml"
  std::string text;
};

struct ConfigMap {
  std::string name;      // the ConfigMap, e.g. "prometheus-config"
  std::string workload;  // the workload that mounts it, e.g. "prometheus"
  std::vector<ConfigFile> files;
};

// Every configuration file of the environment's monitoring stack, grouped by ConfigMap; empty
// without `monitoring`. `source` names the .stack file in the headers.
std::vector<ConfigMap> config_maps(const model::Model& m, const model::Environment& e,
                                   const std::string& source);

// The rule groups of prometheus/rules.yml (and of the PrometheusRule).
Doc rule_groups(const model::Model& m, const model::Environment& e);

// monitoring/<env>/...: the files of config_maps and
// operator/{prometheusrule,servicemonitors}.yaml.
void generate(const model::Model& m, const std::vector<std::string>& envs,
              const std::string& source, Output& out);

}  // namespace stackc::emit::monitoring
