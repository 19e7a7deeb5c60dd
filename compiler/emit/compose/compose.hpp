// The `compose` target (specs/targets.md §14): each environment as a Docker Compose project
// (Compose Specification, Docker Compose 2.20+), to run the stack on one machine without a
// cluster. compose/<env>/ holds
// - compose.yaml: every workload as a Compose service (a stateful of N replicas as N services
//   `NAME-0`.. with a volume each and the network alias NAME, as its StatefulSet's pods; the
//   versions of a workload each a service with the alias of their group), with image,
//   entrypoint/command, environment, the secrets, ports published on 127.0.0.1 only for what
//   has an ingress or is exposed outside the cluster, named volumes for stateful storage, a
//   healthcheck from the readiness probe (else the liveness probe), `depends_on` from the
//   dependency graph (service_healthy when the dependency has a healthcheck), the pod's
//   security settings and resource limits. Jobs and crons are `restart: "no"` services under the
//   profiles `jobs` and `cron`; the monitoring stack and the exporters run under the profile
//   `monitoring`, with the configuration files of monitoring/<env>/;
// - .env.example: every secret the project reads, one `NAME=` line each, never a value (copied
//   to .env, which stackc never reports as a file it did not generate, and .gitignore keeps out
//   of Git);
// - prometheus.yml (with monitoring): Prometheus' configuration with the Compose services as
//   static targets in place of the Kubernetes discovery.
// What Compose cannot express is an error (E4020).
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "emit/kubernetes/kubernetes.hpp"
#include "emit/output.hpp"
#include "model/model.hpp"

namespace stackc::emit::compose {

// The variable of `.env` that holds secret `name`'s `key` (`POSTGRES_PASSWORD` for
// secret("postgres", key = "password")): upper case, every other character than a letter or a
// digit `_`.
std::string secret_variable(const std::string& name, const std::string& key);

// A Docker memory size: `512m`, `2g`, or bytes with `b`.
std::string memory(std::int64_t bytes);
// A number of CPUs from millicores: `0.5`, `2`, `0.25`.
std::string cpus(std::int64_t millicores);

struct Project {
  std::string compose;      // compose.yaml without its header
  std::string env_example;  // .env.example without its header
  std::string prometheus;   // prometheus.yml without its header; empty without Prometheus
};

// The project of environment `e`; `configs` are the configuration files its monitoring workloads
// mount (Lowered::configs), empty without monitoring. Reports E4020 into `sink`.
Project project(const model::Model& m, const model::Environment& e,
                const std::vector<monitoring::ConfigMap>& configs, base::Sink& sink);

// compose/<env>/{compose.yaml,.env.example,prometheus.yml} of every selected environment.
void generate(const model::Model& m, const std::vector<kubernetes::Lowered>& lowered,
              const std::vector<std::string>& envs, const std::string& source, base::Sink& sink,
              Output& out);

}  // namespace stackc::emit::compose
