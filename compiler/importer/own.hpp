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
};

// `ingress CLASS { ... }` of the cluster for each class of the input's Ingresses that stackc does
// not know, from the peers stackc's own NetworkPolicy of the backend workload admits on the
// routed port (targets.md §5.6).
std::vector<Stmt> ingress_controllers(const std::vector<const manifests::Document*>& docs);

// The `backup` blocks of stackc's own backups: its Velero Schedules and its dump CronJobs (with
// their claims). Their objects go to `own.consumed`, `backup_method` to the database's additions.
std::vector<Stmt> backups(Context& c, const std::vector<const manifests::Document*>& docs,
                          Own& own);

}  // namespace stackc::importer
