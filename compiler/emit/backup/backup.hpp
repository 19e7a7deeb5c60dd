// Restores of the stack's backups: for every database backup, a restore Job per environment
// (backup/<env>/restore-<name>.yaml, applied by hand, never by the deploy) built from the same
// pod as the backup's CronJob, and a runbook (docs/restore-<name>.md) with the exact commands;
// for backups of configuration and secrets, the Velero restore commands.
#pragma once

#include <string>
#include <vector>

#include "emit/kubernetes/kubernetes.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::backup {

void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, Output& out);

}  // namespace stackc::emit::backup
