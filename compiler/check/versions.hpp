// Versioned workloads: a `service` (or `worker`) with `version NAME { ... }` blocks runs one
// Deployment per version, `SERVICE-VERSION`, behind one Service named SERVICE (Istio's Bookinfo:
// `reviews` in front of `reviews-v1`, `reviews-v2`, `reviews-v3`). Each version's fields are the
// workload's with the version's block merged over them (specs/language.md, "Versions").
//
// The checks here: where `version` may be written (E2030), the fields that cannot differ between
// versions (E2031), version names (E2006, E2002), the names of the versions' workloads against
// every other workload's (E2032) and the length limit (E2033), a reference to a version's
// workload instead of its service (E2034), a pod label `version` (E2043) and a version that sets
// nothing (W0030).
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// The fields of a service that the Service, the Ingress and the scrape configuration are made
// of, the same for every version: rejected inside `version` (E2031).
bool shared_by_versions(std::string_view field);

// The `version` statements of a declaration's body (those with one plain name), in order.
std::vector<const ast::Stmt*> versions_of(const ast::Stmt& decl);

// Pass 1, one declaration (a workload or, with `is_template`, a template): `version` blocks
// where they may be, their names, what they set, and the `version` pod label.
void check_versions(const ast::Stmt& decl, bool is_template, base::Sink& sink);

// A workload a version makes: `reviews-v1` is version `v1` of `reviews`.
struct VersionName {
  std::string service, version;
  base::Span span;  // the version's name
};

// A declared workload: its name and the span of the name.
struct DeclaredWorkload {
  std::string_view name;
  base::Span span;
  const ast::Stmt* stmt;
};

// The workloads the versions make, by name; reports those longer than Kubernetes allows (E2033)
// and those named like another workload, declared or made by a version (E2032).
std::map<std::string, VersionName, std::less<>> version_names(
    const std::vector<DeclaredWorkload>& workloads, base::Sink& sink);

// E2034 at `at` when `name` is a version's workload (`needs = [reviews-v1]`): true when reported.
bool report_version_reference(const std::map<std::string, VersionName, std::less<>>& names,
                              std::string_view name, base::Span at, base::Sink& sink);

}  // namespace stackc::check
