// `object KIND { labels ... annotations ... }` in a workload: the labels and annotations of one of
// its own objects (specs/language.md §5.12) — `controller` (its Deployments, StatefulSet, Job or
// CronJob), `service` (its Services) and `service_account` (the ServiceAccount it makes).
//
// The checks here: the kind (E2070), the labels stackc sets on those objects itself (E2043),
// what cannot differ between versions (E2031), `object service` on a workload without a Service
// (E2071), and a shared ServiceAccount given two values for one key (E2072). Reading the blocks
// into the model is Checker::object_meta (objects.cpp).
#pragma once

#include <string_view>

#include "base/diagnostics.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// The kinds of `object KIND`.
bool is_object_kind(std::string_view kind);

// Pass 1, one workload declaration or template: every `object` block (in `when` and `version`
// too) names a kind, sets no label or annotation stackc sets on that object, and, inside a
// version, only the version's own object (`controller`).
void check_objects(const ast::Stmt& decl, bool versioned, base::Sink& sink);

// Pass 2, one environment (its present workloads): `object service` where the workload has a
// Service (E2071), and one value per key on a shared ServiceAccount (E2072). Then each workload's
// `account_meta` becomes its ServiceAccount's: the keys of every workload that runs as it, in
// declaration order (the first value of a key kept), so that whichever makes it carries them.
void settle_objects(model::Environment& e, base::Sink& sink);

}  // namespace stackc::check
