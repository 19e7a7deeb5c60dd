// Ports and exposure (specs/language.md §5.2 `port`, `expose`, `ingress`; targets.md §5.5, §5.6):
//
//  - a port: `port http = 8080`, `port http = 80 -> 8080` (the Service's port, then the
//    container's), or the settings form `port dns { number = 53  protocol = udp }` with
//    `protocol`, `app_protocol` and `node_port`;
//  - `expose = cluster | load_balancer | node_port` and `source_ranges` of a workload;
//  - the ingress controllers: the classes stackc knows, and those a cluster declares with
//    `ingress CLASS { namespace pods | cidrs | anywhere }`, each with the NetworkPolicy peer its
//    traffic comes from.
//
// Each has a check, which reports to a sink, and a reading into the model of what passed it.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "check/tree.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// An IPv4 or IPv6 network with its prefix length: `10.0.0.0/8`, `2001:db8::/32`.
bool is_cidr(const std::string& s);

// The value of `port NAME = ...` or of `number = ...` in its block: a port 1..65535, or
// `SERVICE -> CONTAINER` of two (E2003 for another shape, E2017 out of range).
void check_port_value(const ast::Value& v, std::string_view key, base::Sink& sink);

// `app_protocol = "..."`: a Kubernetes appProtocol (a qualified name; `h2c`, `ws` and `wss`
// stand for `kubernetes.io/h2c` ...); E2003 otherwise.
void check_app_protocol(const ast::Value& v, base::Sink& sink);
// What `app_protocol` lowers to.
std::string app_protocol_of(const std::string& text);

// A merged `port NAME` slot as a model port (either shape); nullopt when it holds none.
std::optional<model::Port> port_of(const MNode& slot);

// The controllers a cluster declares (`ingress CLASS { ... }`), E2048 for a block that does not
// say where their traffic comes from, or says it twice, or names a network that is not one.
std::vector<model::IngressController> ingress_controllers(const MNode& cluster, base::Sink& sink);

// The peer of an ingress class stackc knows (targets.md §5.6), or nullopt.
std::optional<model::Peer> known_ingress_class(std::string_view ingress_class);
// The known classes, in the order of the table in targets.md §5.6.
std::vector<std::string> known_ingress_classes();

// A workload's `expose` and `source_ranges`, and its ingress's controller in `cluster` (null when
// the environment names no known cluster): E2045 (node ports, exposure without a Service), E2046
// (source ranges), E2047 (TLS without host), E2049 (a UDP/SCTP port where TCP is needed), W0020
// (an unknown ingress class), W0021 (a probe by number on a Service port). `n` is the
// workload's merged tree; the ports are already read.
void read_exposure(const MNode& n, const model::Cluster* cluster, model::Workload& w,
                   base::Sink& sink);

// Node ports pinned twice in one cluster (by any environments on it): E2045.
void check_node_ports(const model::Model& m, base::Sink& sink);

}  // namespace stackc::check
