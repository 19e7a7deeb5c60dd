#include "emit/kubernetes/pod.hpp"

#include <fmt/format.h>

namespace stackc::emit::kubernetes {

Doc probe_doc(const model::Probe& p, const Doc& port) {
  Doc d;
  switch (p.kind) {
    case model::Probe::Kind::Http:
      d["httpGet"]["path"] = p.path;
      d["httpGet"]["port"] = port;
      if (!p.headers.empty()) {
        Doc headers = Doc::array();
        for (const auto& [name, value] : p.headers) {
          Doc h;
          h["name"] = name;
          h["value"] = value;
          headers.push_back(std::move(h));
        }
        d["httpGet"]["httpHeaders"] = std::move(headers);
      }
      break;
    case model::Probe::Kind::Tcp:
      d["tcpSocket"]["port"] = port;
      break;
    case model::Probe::Kind::Grpc:
      d["grpc"]["port"] = port;
      if (!p.service.empty()) d["grpc"]["service"] = p.service;
      break;
    case model::Probe::Kind::Exec:
      d["exec"]["command"] = p.command;
      break;
  }
  if (p.delay) d["initialDelaySeconds"] = *p.delay;
  d["periodSeconds"] = p.period.value_or(10);
  d["timeoutSeconds"] = p.timeout.value_or(5);
  if (p.successes) d["successThreshold"] = *p.successes;
  d["failureThreshold"] = p.failures.value_or(3);
  return d;
}

Doc hook_doc(const model::Hook& h) {
  Doc d;
  if (h.kind == model::Hook::Kind::Sleep)
    d["sleep"]["seconds"] = h.seconds;
  else
    d["exec"]["command"] = h.command;
  return d;
}

std::string Digest::hex() const {
  return fmt::format("{:016x}", h_);
}

}  // namespace stackc::emit::kubernetes
