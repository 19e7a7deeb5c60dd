#include "check/security.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <set>

#include "base/suggest.hpp"
#include "check/names.hpp"
#include "check/units.hpp"

namespace stackc::check {
namespace {

using ast::Value;
using ast::ValueKind;
using base::Code;
using base::Span;

// The Linux capabilities (include/uapi/linux/capability.h, 0..40), without `CAP_`.
constexpr std::array<std::string_view, 41> kCapabilities = {"CHOWN",
                                                            "DAC_OVERRIDE",
                                                            "DAC_READ_SEARCH",
                                                            "FOWNER",
                                                            "FSETID",
                                                            "KILL",
                                                            "SETGID",
                                                            "SETUID",
                                                            "SETPCAP",
                                                            "LINUX_IMMUTABLE",
                                                            "NET_BIND_SERVICE",
                                                            "NET_BROADCAST",
                                                            "NET_ADMIN",
                                                            "NET_RAW",
                                                            "IPC_LOCK",
                                                            "IPC_OWNER",
                                                            "SYS_MODULE",
                                                            "SYS_RAWIO",
                                                            "SYS_CHROOT",
                                                            "SYS_PTRACE",
                                                            "SYS_PACCT",
                                                            "SYS_ADMIN",
                                                            "SYS_BOOT",
                                                            "SYS_NICE",
                                                            "SYS_RESOURCE",
                                                            "SYS_TIME",
                                                            "SYS_TTY_CONFIG",
                                                            "MKNOD",
                                                            "LEASE",
                                                            "AUDIT_WRITE",
                                                            "AUDIT_CONTROL",
                                                            "SETFCAP",
                                                            "MAC_OVERRIDE",
                                                            "MAC_ADMIN",
                                                            "SYSLOG",
                                                            "WAKE_ALARM",
                                                            "BLOCK_SUSPEND",
                                                            "AUDIT_READ",
                                                            "PERFMON",
                                                            "BPF",
                                                            "CHECKPOINT_RESTORE"};

// What the Pod Security Standard "baseline" admits in `capabilities.add` (Kubernetes v1.32,
// "Capabilities": the container runtimes' default set without NET_RAW).
constexpr std::array<std::string_view, 13> kBaseline = {
    "AUDIT_WRITE",      "CHOWN",   "DAC_OVERRIDE", "FOWNER",  "FSETID", "KILL",      "MKNOD",
    "NET_BIND_SERVICE", "SETFCAP", "SETGID",       "SETPCAP", "SETUID", "SYS_CHROOT"};

std::vector<std::string> capability_names() {
  return {kCapabilities.begin(), kCapabilities.end()};
}

std::string upper(std::string_view s) {
  std::string out(s);
  for (auto& c : out)
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  return out;
}

std::string environments(const std::vector<std::string>& names) {
  return fmt::format("{} {}", names.size() == 1 ? "environment" : "environments", listed(names));
}

// One exception of a workload to "restricted", with the level that admits it.
struct Exception {
  std::string what;   // "runs as root (`run_as_root = true`)", "adds the capability `CHOWN`"
  std::string field;  // what to remove: "run_as_root = true", "CHOWN"
  Span span;
  PodSecurity level;
};

std::vector<Exception> exceptions(const model::Workload& w) {
  std::vector<Exception> out;
  if (w.security.run_as_root)
    out.push_back({"runs as root (`run_as_root = true`)", "run_as_root = true",
                   w.security.run_as_root_span, PodSecurity::Baseline});
  for (const auto& c : w.security.capabilities)
    if (auto level = capability_level(c.name); level != PodSecurity::Restricted)
      out.push_back({fmt::format("adds the capability `{}`", c.name), c.name, c.span, level});
  return out;
}

// "runs as root (...) and adds the capabilities `CHOWN`, `SETGID` and `SETUID`".
std::string described(const std::vector<const Exception*>& list) {
  std::vector<std::string> parts, caps;
  for (const auto* x : list) {
    if (x->field == "run_as_root = true")
      parts.push_back(x->what);
    else
      caps.push_back(x->field);
  }
  if (caps.size() == 1) parts.push_back(fmt::format("adds the capability `{}`", caps.front()));
  if (caps.size() > 1) parts.push_back(fmt::format("adds the capabilities {}", listed(caps)));
  std::string out;
  for (std::size_t i = 0; i < parts.size(); ++i) out += (i ? " and " : "") + parts[i];
  return out;
}

// Reports grouped over the environments, in the order first met: one per workload and set of
// exceptions (W0033), one per exception and level (E2037).
struct Group {
  std::string key;
  std::vector<std::string> envs;
  std::vector<base::Note> notes;  // the environments' `pod_security`, where set
  const model::Workload* w = nullptr;
  std::vector<Exception> what;
  PodSecurity ceiling = PodSecurity::Baseline;
  bool said = false;  // the ceiling is the environment's `pod_security`
};

struct Groups {
  std::vector<Group> list;
  std::map<std::string, std::size_t> index;
  Group& at(const std::string& key) {
    auto [it, fresh] = index.emplace(key, list.size());
    if (fresh) list.push_back({key});
    return list[it->second];
  }
};

std::string span_key(const Span& s) {
  return fmt::format("{}:{}:{}", s.file, s.begin, s.end);
}

}  // namespace

std::string_view pod_security_name(PodSecurity level) {
  switch (level) {
    case PodSecurity::Restricted:
      return "restricted";
    case PodSecurity::Baseline:
      return "baseline";
    case PodSecurity::Privileged:
      return "privileged";
  }
  return "restricted";
}

std::optional<PodSecurity> pod_security_of(std::string_view name) {
  for (auto level : {PodSecurity::Restricted, PodSecurity::Baseline, PodSecurity::Privileged})
    if (name == pod_security_name(level)) return level;
  return std::nullopt;
}

std::string capability_name(std::string_view written) {
  std::string_view name = written;
  if (name.substr(0, 4) == "CAP_") name.remove_prefix(4);
  for (auto c : kCapabilities)
    if (c == name) return std::string(c);
  return {};
}

PodSecurity capability_level(std::string_view name) {
  if (name == "NET_BIND_SERVICE") return PodSecurity::Restricted;
  for (auto c : kBaseline)
    if (c == name) return PodSecurity::Baseline;
  return PodSecurity::Privileged;
}

PodSecurity workload_level(const model::Workload& w) {
  PodSecurity level = w.security.run_as_root ? PodSecurity::Baseline : PodSecurity::Restricted;
  for (const auto& c : w.security.capabilities) level = std::max(level, capability_level(c.name));
  return level;
}

PodSecurity namespace_level(const model::Environment& e) {
  PodSecurity level = PodSecurity::Restricted;
  for (const auto& w : e.workloads) level = std::max(level, workload_level(w));
  return level;
}

void check_capabilities(const Value& list, base::Sink& sink) {
  if (list.kind != ValueKind::List) return;
  std::map<std::string, Span> seen;
  for (const auto& item : list.items) {
    if (item.kind != ValueKind::String) continue;  // the type check reports it
    if (item.has_interpolation()) {
      sink.report(base::make(Code::E2035, item.span,
                             "a capability is a name, not a string with `${...}`",
                             "write the name: `\"NET_BIND_SERVICE\"`"));
      continue;
    }
    const std::string written = item.string_value();
    std::string name = capability_name(written);
    if (name.empty()) {
      const std::string up = upper(written);
      if (up == "ALL" || up == "CAP_ALL") {
        sink.report(base::make(
            Code::E2035, item.span, "`ALL` would give the containers every capability",
            "name the capabilities the program needs, such as `[\"NET_BIND_SERVICE\"]` to bind a "
            "port below 1024; stackc always drops ALL first"));
        continue;
      }
      std::string help;
      if (std::string fixed = capability_name(up); !fixed.empty())
        help = fmt::format("capability names are upper-case: write `\"{}\"`", fixed);
      else if (auto near =
                   base::closest(up.substr(0, 4) == "CAP_" ? up.substr(4) : up, capability_names()))
        help = fmt::format("did you mean `{}`?", *near);
      else
        help =
            "name one of the Linux capabilities (capabilities(7)), such as `NET_BIND_SERVICE`, "
            "`CHOWN`, `SETUID`, `SETGID`";
      sink.report(base::make(Code::E2035, item.span,
                             fmt::format("`{}` is not a Linux capability", written),
                             std::move(help)));
      continue;
    }
    if (auto [it, fresh] = seen.emplace(name, item.span); !fresh) {
      auto d = base::make(Code::E2035, item.span,
                          fmt::format("the capability `{}` is listed twice", name),
                          "remove one of them");
      d.notes.push_back({it->second, "first listed here"});
      sink.report(std::move(d));
    }
  }
}

void read_security(const MNode& security, model::Security& out, base::Sink& sink) {
  out.span = security.stmt->span;
  const Value* root = security.value("run_as_root");
  out.run_as_root = root && root->kind == ValueKind::Bool && root->boolean;
  if (out.run_as_root) out.run_as_root_span = root->span;
  // 0 stands for the image's own: `image`, or unset beside `run_as_root = true`. A number the
  // bounds check refuses (E2017) keeps the default.
  auto id = [&](const Value* v) -> std::int64_t {
    const std::int64_t unset = out.run_as_root ? 0 : 65532;
    if (!v) return unset;
    if (v->kind == ValueKind::Path && v->path.size() == 1 && v->path[0] == "image") return 0;
    auto q = to_int(*v);
    return q.ok && q.value >= 1 && q.value <= 2147483647 ? q.value : unset;
  };
  const Value* user = security.value("run_as_user");
  out.run_as_user = id(user);
  out.run_as_group = id(security.value("run_as_group"));
  if (out.run_as_root && out.run_as_user != 0) {
    auto d = base::make(
        Code::E2036, user->span,
        fmt::format("`run_as_user = {}` runs the pods as user {}, never as root", user->raw,
                    out.run_as_user),
        "write `run_as_user = image` (or remove it, unless a template sets it) to run as the "
        "image's user, root for most database images; or remove `run_as_root = true`: a user "
        "id above 0 needs no root");
    d.notes.push_back({root->span, "`run_as_root` is set here"});
    sink.report(std::move(d));
  }
  out.capabilities.clear();
  if (const Value* caps = security.value("capabilities"); caps && caps->kind == ValueKind::List) {
    std::set<std::string> seen;
    for (const auto& item : caps->items) {
      if (item.kind != ValueKind::String || item.has_interpolation()) continue;
      std::string name = capability_name(item.string_value());
      if (!name.empty() && seen.insert(name).second)
        out.capabilities.push_back({std::move(name), item.span});
    }
  }
}

void check_pod_security(const model::Model& m, base::Sink& sink) {
  Groups lowered, refused;
  for (const auto& e : m.environments) {
    const auto said = pod_security_of(e.pod_security);
    const PodSecurity ceiling = said.value_or(PodSecurity::Baseline);
    for (const auto& w : e.workloads) {
      // W0035: NET_BIND_SERVICE is for a port below 1024; other ports need no capability.
      for (const auto& c : w.security.capabilities) {
        if (c.name != "NET_BIND_SERVICE") continue;
        std::vector<std::string> ports;
        bool low = false;
        for (const auto& p : w.ports) {
          low = low || p.number < 1024;
          ports.push_back(std::to_string(p.number));
        }
        if (low) continue;
        sink.report(base::make(
            Code::W0035, c.span,
            ports.empty()
                ? fmt::format("`{}` adds `NET_BIND_SERVICE`, which binds ports below 1024, but "
                              "declares no port",
                              w.name)
                : fmt::format("`{}` adds `NET_BIND_SERVICE`, which binds ports below 1024, but "
                              "its {} {}",
                              w.name, ports.size() == 1 ? "port is" : "ports are", listed(ports)),
            "remove it: any user binds a port from 1024 up; if the program binds a lower port, "
            "declare it (`port http = 80`), as the Service and the NetworkPolicy need it too"));
      }
      std::vector<Exception> list = exceptions(w);
      std::vector<Exception> warned;
      for (const auto& x : list) {
        if (x.level > ceiling) {
          Group& g =
              refused.at(fmt::format("{}|{}|{}|{}", span_key(x.span), pod_security_name(x.level),
                                     pod_security_name(ceiling), said.has_value()));
          g.w = &w;
          if (g.what.empty()) g.what.push_back(x);
          g.ceiling = ceiling;
          g.said = said.has_value();
          g.envs.push_back(e.name);
          if (said)
            g.notes.push_back(
                {e.pod_security_span,
                 fmt::format("environment `{}` allows at most `{}` here", e.name, e.pod_security)});
        } else if (!said) {
          warned.push_back(x);
        }
      }
      if (warned.empty()) continue;
      std::string key = w.name;
      for (const auto& x : warned) key += "|" + span_key(x.span);
      Group& g = lowered.at(key);
      g.w = &w;
      if (g.what.empty()) g.what = warned;
      g.envs.push_back(e.name);
    }
  }
  for (const auto& g : lowered.list) {
    std::vector<const Exception*> xs;
    for (const auto& x : g.what) xs.push_back(&x);
    // At `run_as_root`, with a note at the capabilities; else at the capabilities (one list).
    Span root, caps;
    std::size_t ncaps = 0;
    for (const auto& x : g.what) {
      if (x.field == "run_as_root = true") {
        root = x.span;
        continue;
      }
      ++ncaps;
      if (!caps.valid()) {
        caps = x.span;
      } else if (caps.file == x.span.file) {
        caps.begin = std::min(caps.begin, x.span.begin);
        caps.end = std::max(caps.end, x.span.end);
      }
    }
    auto d = base::make(
        Code::W0033, root.valid() ? root : caps,
        fmt::format("`{}` {}, which the Pod Security level `restricted` forbids: the namespace of "
                    "{} is enforced at `baseline`",
                    g.w->name, described(xs), environments(g.envs)),
        fmt::format("stackc labels the namespace `pod-security.kubernetes.io/enforce: baseline` "
                    "and keeps `warn` and `audit` at `restricted`, so the cluster still reports "
                    "these pods; write `pod_security = baseline` in the environment to say it "
                    "is intended, or remove what `{}` does not need",
                    g.w->name));
    if (root.valid() && caps.valid())
      d.notes.push_back({caps, ncaps == 1 ? "the capability" : "the capabilities"});
    sink.report(std::move(d));
  }
  for (const auto& g : refused.list) {
    const Exception& x = g.what.front();
    const bool plural = g.envs.size() > 1;
    std::string msg =
        fmt::format("`{}` {}, which only the Pod Security level `{}` admits, but {} {} {}",
                    g.w->name, x.what, pod_security_name(x.level), environments(g.envs),
                    g.said ? (plural ? "allow" : "allows") : (plural ? "do" : "does"),
                    g.said ? fmt::format("at most `{}`", pod_security_name(g.ceiling))
                           : "not say `pod_security = privileged`");
    std::string help =
        x.level == PodSecurity::Privileged
            ? fmt::format(
                  "`privileged` lifts every restriction on the namespace's pods; if `{}` "
                  "truly needs `{}`, write `pod_security = privileged` in the "
                  "environment, otherwise remove it",
                  g.w->name, x.field)
            : fmt::format("write `pod_security = {}` in the environment, or remove `{}`",
                          pod_security_name(x.level), x.field);
    auto d = base::make(Code::E2037, x.span, std::move(msg), std::move(help));
    d.notes = g.notes;
    sink.report(std::move(d));
  }
}

}  // namespace stackc::check
