// Parts of a workload's pod template that need nothing of the lowering's state: probes with their
// timing, lifecycle hooks, and the digest that rolls pods when what they read changes.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "emit/yaml.hpp"
#include "model/model.hpp"

namespace stackc::emit::kubernetes {

// A `health` probe; `port` is the port it checks (a name or a number), unused by `exec`. Unset
// timing is written as stackc always has: period 10s, timeout 5s, 3 failures; no delay, and
// Kubernetes' 1 success.
Doc probe_doc(const model::Probe& p, const Doc& port);

// A lifecycle handler (`pre_stop`): `{sleep: {seconds}}` or `{exec: {command}}`.
Doc hook_doc(const model::Hook& h);

// FNV-1a over bytes: the value of the `stackc.dev/config-digest` annotation.
class Digest {
 public:
  void add(std::string_view bytes) {
    for (unsigned char c : bytes) h_ = (h_ ^ c) * 1099511628211ULL;
  }
  // A field of a record: its bytes and a separator, so ("ab", "c") and ("a", "bc") differ.
  void field(std::string_view bytes) {
    add(bytes);
    add(std::string_view("\0", 1));
  }
  std::string hex() const;

 private:
  std::uint64_t h_ = 1469598103934665603ULL;
};

}  // namespace stackc::emit::kubernetes
