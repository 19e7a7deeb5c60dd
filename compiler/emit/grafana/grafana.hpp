// Grafana's provisioning and dashboards for one environment (specs/grafana.md): a Prometheus and
// a Loki datasource with fixed uids, a file provider for /etc/grafana/dashboards, and dashboards
// as deterministic JSON — one per workload that declares metrics, an overview of the stack, and
// one per `dashboard` block. Every PromQL query is filtered by the environment's namespace.
#pragma once

#include <string>
#include <vector>

#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::grafana {

// The uids of the provisioned datasources; every panel and query refers to them by uid.
inline constexpr const char* kPrometheusUid = "prometheus";
inline constexpr const char* kLokiUid = "loki";

// In-cluster addresses of the servers (Services in the environment's namespace).
inline constexpr const char* kPrometheusUrl = "http://prometheus:9090";
inline constexpr const char* kLokiUrl = "http://loki:3100";

// Where the Grafana pod mounts the dashboards folder (the file provider reads it).
inline constexpr const char* kDashboardsPath = "/etc/grafana/dashboards";

// Grafana's files for one environment, paths relative to the Grafana folder:
//   provisioning/datasources/datasources.yaml  (the Prometheus and Loki datasources)
//   provisioning/dashboards/dashboards.yaml    (a file provider reading kDashboardsPath)
//   dashboards/<uid>.json                      (workload dashboards, the overview, `dashboard`s)
// In that order: the two provisioning files, the overview, the workload dashboards in
// declaration order, then the `dashboard` blocks in declaration order.
std::vector<File> files(const model::Model& m, const model::Environment& e);

// A Grafana dashboard uid from a readable base: the base itself when it is at most 40 characters
// of [a-z0-9_-]; otherwise the base lower-cased, other characters turned into '-', cut to 31
// characters, then '-' and 8 hex digits of a hash of the whole base (so still unique).
std::string dashboard_uid(const std::string& base);

}  // namespace stackc::emit::grafana
