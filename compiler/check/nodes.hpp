// `node_selector "PREFIX" { NAME = "value" }`: the labels a node must have to run a workload's
// pods (its `nodeSelector`). The shapes of names and values are the labels' (E2006, check.cpp);
// here, the well-known node labels:
// - W0034: a deprecated one (`beta.kubernetes.io/os`, `beta.kubernetes.io/arch`,
//   `failure-domain.beta.kubernetes.io/zone` and `/region`, `beta.kubernetes.io/instance-type`),
//   with the label that replaced it;
// - E2038: a value that no node has for `kubernetes.io/os` (`linux`, `windows`) or
//   `kubernetes.io/arch` (Go's architecture names: `amd64`, `arm64`, ...), deprecated or not:
//   no node would run the pods.
#pragma once

#include "base/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

void check_node_selector(const ast::Stmt& node_selector, base::Sink& sink);

}  // namespace stackc::check
