#include "emit/backup/backup.hpp"

#include <fmt/format.h>

#include <algorithm>

#include "check/system.hpp"
#include "check/units.hpp"

namespace stackc::emit::backup {
namespace {

const Doc* find(const std::vector<kubernetes::Object>& objs, const std::string& kind,
                const std::string& name) {
  for (const auto& o : objs)
    if (o.doc["kind"] == kind && o.doc["metadata"]["name"] == name) return &o.doc;
  return nullptr;
}

const model::Workload* workload(const model::Environment& e, const std::string& name) {
  for (const auto& w : e.workloads)
    if (w.name == name) return &w;
  return nullptr;
}

// The restore script of a pg_dump backup: the newest dump, or the one named in DUMP.
std::string pg_restore_script(const std::string& name) {
  return fmt::format(
      "f=\"${{DUMP:-$(ls -1t /backups/{0}-*.sql.gz | head -n 1)}}\"\n"
      "case \"$f\" in /backups/*) ;; *) f=\"/backups/$f\" ;; esac\n"
      "test -f \"$f\"\n"
      "gzip -t \"$f\"\n"
      "echo \"restoring $f into $PGDATABASE on $PGHOST\"\n"
      "gunzip -c \"$f\" | psql --set ON_ERROR_STOP=1 --single-transaction --quiet\n"
      "echo \"restored $f\"\n",
      name);
}

}  // namespace

void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, Output& out) {
  if (lowered.empty()) return;
  // One runbook per backup, with a section per environment that has it (a backup of a stateful
  // left out of an environment is not there, check/presence.hpp), in declaration order.
  std::vector<std::string> names;
  for (const auto& l : lowered)
    for (const auto& b : l.env->backups)
      if (std::find(names.begin(), names.end(), b.name) == names.end()) names.push_back(b.name);
  for (const std::string& name : names) {
    std::string md = "<!-- " + header(source, "").substr(1, header(source, "").find('\n') - 1) +
                     " -->\n# Restoring `" + name + "`\n\n";
    for (const auto& [env, objects, configs, text] : lowered) {
      const auto& e = *env;
      auto it = std::find_if(e.backups.begin(), e.backups.end(),
                             [&](const model::Backup& b) { return b.name == name; });
      if (it == e.backups.end()) continue;
      const auto& b = *it;
      md += fmt::format("## {} (namespace `{}`)\n\n", e.name, e.ns);
      if (b.of_resources) {
        std::string schedule = m.stack.name + "-" + e.name + "-" + b.name;
        md += fmt::format(
            "Velero backs up {} of `{}` on `{}` (schedule `{}`) and keeps each backup {}.\n\n"
            "```sh\n"
            "velero backup get --selector velero.io/schedule-name={}\n"
            "velero restore create {}-$(date -u +%Y%m%d%H%M%S) --from-schedule {} --wait\n"
            "velero restore get\n"
            "```\n\n"
            "`--from-schedule` restores the newest backup; name an older one with "
            "`--from-backup NAME` (from `velero backup get`), and see what was restored with "
            "`velero restore describe NAME --details`. Velero creates the namespace if it is "
            "gone; objects that exist are kept, not overwritten (its default).\n\n",
            b.of.size() == 3 ? "the manifests, ConfigMaps and Secrets" : "the listed resources",
            e.ns, b.schedule, schedule, check::format_duration(b.retain), schedule, schedule,
            schedule);
        continue;
      }
      const model::Workload* db = b.of.empty() ? nullptr : workload(e, b.of.front().name);
      const model::Workload* job = workload(e, b.job);
      if (!db || !job) continue;
      std::int64_t secs = check::restore_seconds(db->storage);
      md += fmt::format(
          "`{}` dumps `{}` ({}) on `{}` to the volume `{}` ({}), keeps dumps {} and verifies "
          "each one. The dumps stay in the cluster, on that volume: copy them elsewhere (or back "
          "the volume up with your storage's snapshots) to survive the loss of the cluster.\n",
          b.job, db->name, db->backup_method, b.schedule, b.job, check::format_bytes(b.storage),
          check::format_duration(b.retain));
      if (b.restore_within)
        md += fmt::format(
            "Restore objective: {}. A full restore of the {} volume at {}/s takes about {}.\n",
            check::format_duration(b.restore_within), check::format_bytes(db->storage),
            check::format_bytes(check::kRestoreBytesPerSecond), check::format_duration(secs));
      md += "\n";
      if (db->backup_method == "pg_dump") {
        md += fmt::format(
            "1. List the dumps (newest first):\n\n"
            "   ```sh\n"
            "   kubectl -n {ns} create job {job}-ls --from=cronjob/{job} --dry-run=client -o json "
            "\\\n"
            "     | jq '.spec.template.spec.containers[0].args = [\"ls -lt /backups\"]' \\\n"
            "     | kubectl apply -f - && kubectl -n {ns} wait --for=condition=complete "
            "--timeout=5m job/{job}-ls && kubectl -n {ns} logs --timeout=5m job/{job}-ls && "
            "kubectl -n {ns} delete job "
            "{job}-ls\n"
            "   ```\n\n"
            "2. Stop the writers (every workload that needs `{db}`) so that nothing writes "
            "during the restore:\n\n"
            "   ```sh\n{stop}   ```\n\n"
            "3. Restore the newest dump (or set `DUMP` in the Job to a file name from step 1) "
            "and wait for it:\n\n"
            "   ```sh\n"
            "   kubectl apply -f backup/{env}/restore-{name}.yaml\n"
            "   kubectl -n {ns} wait --for=condition=complete --timeout={timeout}s "
            "job/restore-{name}\n"
            "   kubectl -n {ns} logs job/restore-{name}\n"
            "   kubectl -n {ns} delete job restore-{name}\n"
            "   ```\n\n"
            "4. Start the writers again:\n\n"
            "   ```sh\n{start}   ```\n\n",
            fmt::arg("ns", e.ns), fmt::arg("job", b.job), fmt::arg("db", db->name),
            fmt::arg("env", e.name), fmt::arg("name", b.name),
            fmt::arg("timeout", std::max<std::int64_t>(b.restore_within, 3600)),
            fmt::arg("stop",
                     [&] {
                       std::string s;
                       for (const auto& w : e.workloads)
                         for (const auto& d : w.needs)
                           if (d.name == db->name && w.role.empty() &&
                               w.kind != model::Workload::Kind::Job &&
                               w.kind != model::Workload::Kind::Cron)
                             s += fmt::format("   kubectl -n {} scale {} {} --replicas=0\n", e.ns,
                                              w.kind == model::Workload::Kind::Stateful
                                                  ? "statefulset"
                                                  : "deployment",
                                              w.name);
                       return s.empty() ? std::string("   # nothing needs it\n") : s;
                     }()),
            fmt::arg("start", [&] {
              std::string s;
              for (const auto& w : e.workloads)
                for (const auto& d : w.needs)
                  if (d.name == db->name && w.role.empty() &&
                      w.kind != model::Workload::Kind::Job && w.kind != model::Workload::Kind::Cron)
                    s += fmt::format(
                        "   kubectl -n {} scale {} {} --replicas={}\n", e.ns,
                        w.kind == model::Workload::Kind::Stateful ? "statefulset" : "deployment",
                        w.name, w.replicas_min);
              return s.empty() ? std::string("   # nothing to start\n") : s;
            }()));
      } else {
        md += fmt::format(
            "Redis loads its data at start-up, so a restore replaces the files and restarts the "
            "pods (stackc generates no restore Job for `{method}`). With `--appendonly yes` (the "
            "stdlib's) Redis reads the append-only files, not `dump.rdb`: move them away first. "
            "The dump is of `{db}-0` only; in Redis Cluster mode that is one shard.\n\n"
            "```sh\n"
            "kubectl -n {ns} scale statefulset {db} --replicas=0\n"
            "# copy the chosen /backups/{name}-*.rdb.gz from the volume {job}, gunzip it, place "
            "it as {data}/dump.rdb on the volume data-{db}-0, and move {data}/appendonlydir "
            "aside\n"
            "kubectl -n {ns} scale statefulset {db} --replicas={replicas}\n"
            "kubectl -n {ns} exec {db}-0 -- redis-cli CONFIG SET appendonly yes  # rebuilds "
            "the append-only files from the loaded data\n"
            "```\n\n",
            fmt::arg("method", db->backup_method), fmt::arg("ns", e.ns), fmt::arg("db", db->name),
            fmt::arg("name", b.name), fmt::arg("job", b.job), fmt::arg("data", db->data_path),
            fmt::arg("replicas", db->replicas_min));
      }
      // The restore Job: the backup's pod with the restore script.
      if (db->backup_method != "pg_dump" || !kubernetes::selected(envs, e.name)) continue;
      const Doc* cron = find(objects, "CronJob", b.job);
      if (!cron) continue;
      Doc jobdoc;
      jobdoc["apiVersion"] = "batch/v1";
      jobdoc["kind"] = "Job";
      jobdoc["metadata"] = (*cron)["metadata"];
      jobdoc["metadata"]["name"] = "restore-" + b.name;
      jobdoc["metadata"].erase("annotations");
      jobdoc["spec"] = (*cron)["spec"]["jobTemplate"]["spec"];
      jobdoc["spec"]["backoffLimit"] = 0;
      if (b.restore_within) jobdoc["spec"]["activeDeadlineSeconds"] = b.restore_within;
      Doc& c = jobdoc["spec"]["template"]["spec"]["containers"][0];
      c["args"] = Doc::array({pg_restore_script(b.name)});
      Doc dump;
      dump["name"] = "DUMP";
      dump["value"] = "";
      c["env"].push_back(dump);
      out.add(fmt::format("backup/{}/restore-{}.yaml", e.name, b.name),
              header(source) + "# Restores the newest dump of `" + b.name +
                  "` (or the file named in DUMP). Apply by hand: see docs/restore-" + b.name +
                  ".md.\n" + to_yaml(jobdoc));
    }
    out.add("docs/restore-" + name + ".md", md);
  }
}

}  // namespace stackc::emit::backup
