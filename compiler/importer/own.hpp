// stackc's own objects read back as the blocks they were built from (specs/import.md §2.1):
// the ingress controllers a cluster declares, the `backup` blocks, the `monitoring` block with
// its alerts and records, and the `metrics` of the workloads Prometheus scrapes. Each is
// recognised by stackc's exact labels and names (`app.kubernetes.io/managed-by: stackc`, the
// names targets.md §11 gives), never by an image alone.
#pragma once

#include <map>
#include <set>
#include <string>
#include <vector>

#include "importer/kubernetes.hpp"

namespace stackc::importer {

struct Own {
  // Objects the blocks stand for: not imported as workloads or kept as comments.
  std::set<const manifests::Document*> consumed;
  // Statements added to an imported workload (its `metrics` block, `backup_method`...), by name.
  std::map<std::string, std::vector<Stmt>> additions;
  // Comments added above an imported workload, by name.
  std::map<std::string, std::vector<std::string>> notes;
  // The declaration order of the long-running workloads (the rows of stackc's overview
  // dashboard), which the manifests' order does not keep: the dashboards follow it.
  std::vector<std::string> order;
};

// `ingress CLASS { ... }` of the cluster for each class of the input's Ingresses that stackc does
// not know, from the peers stackc's own NetworkPolicy of the backend workload admits on the
// routed port (targets.md §5.6).
std::vector<Stmt> ingress_controllers(const std::vector<const manifests::Document*>& docs);

// The `backup` blocks of stackc's own backups: its Velero Schedules and its dump CronJobs (with
// their claims). Their objects go to `own.consumed`, `backup_method` to the database's additions.
std::vector<Stmt> backups(Context& c, const std::vector<const manifests::Document*>& docs,
                          Own& own);

// The `monitoring` block of stackc's own monitoring stack (monitoring.cpp), then the `alert`
// and `record` declarations of its rules; each scraped workload's `metrics` (from its Grafana
// dashboard) and the prefix of a stdlib exporter go to `own.additions`. Without the stack, the
// workloads stackc's NetworkPolicies let Prometheus scrape are reported (W0045).
std::vector<Stmt> monitoring(Context& c, const std::vector<const manifests::Document*>& docs,
                             const std::string& stack, Own& own);

}  // namespace stackc::importer
