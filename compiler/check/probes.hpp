// The call-shaped values of a workload's containers: `health` probes (`http(...)`, `tcp(...)`,
// `grpc(...)`, `exec(...)` with their timing) and lifecycle hooks (`pre_stop = sleep(5s)`). Each
// has a check, which reports to a sink, and a lowering into the model of a value that passed it.
#pragma once

#include <string_view>

#include "base/diagnostics.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// `field` is the probe's key: `liveness`, `readiness` or `startup`.
void check_probe(const ast::Value& v, std::string_view field, base::Sink& sink);
model::Probe probe_of(const ast::Value& v);

void check_hook(const ast::Value& v, std::string_view field, base::Sink& sink);
model::Hook hook_of(const ast::Value& v);

}  // namespace stackc::check
