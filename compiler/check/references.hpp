// References to other workloads inside strings: `${W.host}`, `${W.port}`, `${W.port.NAME}` and
// `${W.address}` written in any string of a workload (env values, args, command, init and
// sidecar containers, ...) are dependency edges exactly like `needs` (targets.md §5.8).
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "check/tree.hpp"
#include "model/model.hpp"

namespace stackc::check {

// The fields a workload reference may read: host, port, address (`host:port`); `port.NAME` is
// port + a name.
bool workload_attr(std::string_view attr);

// Every interpolation in a workload's merged tree `n` whose root is another workload
// (`is_workload`, not `self`), in declaration order. `why` names the place: the keys and labels
// from the workload down to the string, "env PRODUCT_ADDR", "args", "init migrate env DB_URL".
std::vector<model::Reference> references(const MNode& n, std::string_view self,
                                         const std::function<bool(std::string_view)>& is_workload);

}  // namespace stackc::check
