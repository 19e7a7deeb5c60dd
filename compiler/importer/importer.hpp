// `stackc import`: existing manifests -> one idiomatic, formatted .stack file (specs/import.md).
// The driver reads the files; this entry maps them per environment, adds what the language
// requires and the input lacks (the stack, a cluster sized to fit, the environments), and writes
// the variants of several environments as one common part and `when ENV { }` blocks.
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "importer/stack_text.hpp"
#include "manifests/yaml.hpp"

namespace stackc::importer {

// The input of one environment.
struct Source {
  std::string env;                              // the --env name; empty without --env
  std::vector<std::string> paths;               // what was given, for the header comment
  std::vector<manifests::Document> kubernetes;  // Kubernetes objects, in input order
  // Workload declarations made by other importers (docker-compose), added as they are.
  std::vector<Stmt> workloads;
  // The name a compose project gives itself (`name:`, else its folder's), for the stack's name.
  std::string project;
  // The Secrets its workloads read that the input gives no object for (`name (keys: a, b)`).
  std::vector<std::string> secret_notes;
  // Settings another importer kept as comments, for the summary.
  std::size_t fields_kept = 0;
};

struct Summary {
  std::size_t objects = 0, workloads = 0, objects_kept = 0, fields_kept = 0;
};

// The .stack text of `sources` (at least one). Diagnostics go to `sink`: W0040 for what is kept
// as a comment, W0041 for literal secrets, W0042 for what was assumed, W0043 for
// NetworkPolicies, E5010 for a workload without containers, E5011 when there is nothing to
// import. `summary`, when given, receives the figures the command prints at the end.
std::string import(const std::vector<Source>& sources, const base::SourceManager& sm,
                   base::Sink& sink, Summary* summary = nullptr);

}  // namespace stackc::importer
