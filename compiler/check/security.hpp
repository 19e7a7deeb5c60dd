// The security facts a workload states beyond stackc's defaults, and the Pod Security level they
// need (targets.md §5.4):
// - `security.capabilities`: Linux capabilities added to the containers (ALL is still dropped);
//   names are checked (E2035) and written without `CAP_`;
// - `security.run_as_user = image`, `run_as_group = image`: no `runAsUser`/`runAsGroup`, the
//   image's own; `run_as_root = true`: `runAsNonRoot: false` (E2036 beside a user id);
// - the level of each workload (`restricted` unless it runs as root or adds a capability other
//   than NET_BIND_SERVICE; `baseline` for the capabilities the baseline level admits; else
//   `privileged`), and of each environment's namespace: the lowest that admits all its
//   workloads, lowered from `restricted` with a warning (W0033) unless the environment's
//   `pod_security` says so, and never beyond it or, unsaid, beyond `baseline` (E2037).
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "base/diagnostics.hpp"
#include "check/tree.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// The Pod Security Standard levels, from the strictest.
enum class PodSecurity { Restricted, Baseline, Privileged };

std::string_view pod_security_name(PodSecurity level);
// `restricted`, `baseline` or `privileged`; nullopt for anything else (an empty string too).
std::optional<PodSecurity> pod_security_of(std::string_view name);

// A capability name as the Pod Security admission compares it: `NET_BIND_SERVICE` for
// `NET_BIND_SERVICE` or `CAP_NET_BIND_SERVICE`; empty when it is not one of the Linux
// capabilities (`ALL` is none, nor a lower-case spelling).
std::string capability_name(std::string_view written);

// The lowest level that admits the capability (a name capability_name returns).
PodSecurity capability_level(std::string_view name);

// The lowest level that admits the workload's pods.
PodSecurity workload_level(const model::Workload& w);

// The level the environment's namespace is enforced at: the lowest that admits every workload,
// within its `pod_security` (what E2037 leaves is admitted).
PodSecurity namespace_level(const model::Environment& e);

// E2035: the names of a `capabilities` list (its strings; other items are the type check's).
void check_capabilities(const ast::Value& list, base::Sink& sink);

// The merged `security` block of a workload, read into `out`; E2036.
void read_security(const MNode& security, model::Security& out, base::Sink& sink);

// W0033 and E2037 over every environment of the model.
void check_pod_security(const model::Model& m, base::Sink& sink);

}  // namespace stackc::check
