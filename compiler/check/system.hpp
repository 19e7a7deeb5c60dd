// What the checker adds to a model once every declaration is resolved: the workloads stackc runs
// for the stack itself, and the checks that need the whole model.
//
//  - The monitoring stack (with `monitoring { }`): Prometheus, and Alertmanager, Grafana, Loki and
//    a log collector (Grafana Alloy) for the blocks written. They are ordinary workloads of the
//    model (role set), so the graph, the capacity checks, the network policies and every target
//    treat them like the stack's own.
//  - One CronJob workload per backup of a stateful (`backup NAME { of = db }`), named
//    `backup-NAME`, that dumps the database with the method its template names.
//  - Checks: backups of statefuls without a dump method (E2022), restores that cannot finish
//    within `restore_within` (W0004), alert and record expressions that are not PromQL (E2023),
//    metrics used by alerts, records and dashboards that nothing exports (E2024), and names of
//    declared workloads that these workloads take (E2002).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "model/model.hpp"

namespace stackc::check {

// Restore throughput the W0004 estimate assumes: a plain SQL dump replayed by psql, single
// connection, on the nodes of a small cluster. Conservative on purpose.
constexpr std::int64_t kRestoreBytesPerSecond = 50LL << 20;

// Seconds a full restore of `bytes` takes at that throughput, rounded up.
constexpr std::int64_t restore_seconds(std::int64_t bytes) {
  return (bytes + kRestoreBytesPerSecond - 1) / kRestoreBytesPerSecond;
}

// Pinned images of the workloads stackc adds.
struct SystemImages {
  static constexpr const char* prometheus = "quay.io/prometheus/prometheus:v2.55.1";
  static constexpr const char* alertmanager = "quay.io/prometheus/alertmanager:v0.27.0";
  static constexpr const char* grafana = "docker.io/grafana/grafana:11.3.1";
  static constexpr const char* loki = "docker.io/grafana/loki:3.3.2";
  static constexpr const char* alloy = "docker.io/grafana/alloy:v1.5.1";
};

// Metric names every Prometheus in the stack has without anyone declaring them: Prometheus' own
// series (`up`, `ALERTS`, ...) and the kubelet's cAdvisor and volume metrics it scrapes.
const std::vector<std::string>& standard_metrics();

void complete(const base::SourceManager& sm, model::Model& m, base::Sink& sink);

}  // namespace stackc::check
