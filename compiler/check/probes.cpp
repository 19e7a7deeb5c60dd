#include "check/probes.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "base/suggest.hpp"
#include "check/units.hpp"

namespace stackc::check {
namespace {

using ast::Value;
using ast::ValueKind;
using base::Code;

constexpr std::string_view kTiming[] = {"delay", "period", "timeout", "failures", "successes"};

void report(base::Sink& sink, Code c, base::Span at, std::string msg, std::string help) {
  sink.report(base::make(c, at, std::move(msg), std::move(help)));
}

// A quantity that converted, else its error reported.
bool converted(const Quantity& q, const Value& v, std::string_view key, base::Sink& sink) {
  if (q.ok) return true;
  std::string msg = q.message;
  if (msg.rfind("expected ", 0) == 0) msg = fmt::format("`{}` expects {}", key, msg.substr(9));
  report(sink, q.code, v.span, std::move(msg), q.help);
  return false;
}

// A port: a number 1..65535, or the name of a declared port (as a name or a string; whether it
// is declared is checked with the workload's ports).
void check_port(const Value& v, base::Sink& sink) {
  if (v.kind == ValueKind::Number) {
    auto q = to_int(v);
    if (converted(q, v, "port", sink) && (q.value < 1 || q.value > 65535))
      report(sink, Code::E2017, v.span, fmt::format("port {} is out of range", q.value),
             "ports are 1 to 65535");
  } else if (!(v.kind == ValueKind::String && !v.string_value().empty()) &&
             !(v.kind == ValueKind::Path && v.path.size() == 1)) {
    report(sink, Code::E2003, v.span,
           fmt::format("a probe's port is a port name or number, not {}",
                       v.kind == ValueKind::List ? "a list" : "this"),
           "write `port = http` or `port = 8080`");
  }
}

// The strings of `exec(["cmd", "arg"])` or `exec("cmd", "arg")`; false when it is neither.
bool exec_strings(const std::vector<const Value*>& pos, std::vector<std::string>* out) {
  if (pos.size() == 1 && pos[0]->kind == ValueKind::List) {
    if (pos[0]->items.empty()) return false;
    for (const auto& i : pos[0]->items) {
      if (i.kind != ValueKind::String) return false;
      if (out) out->push_back(i.string_value());
    }
    return true;
  }
  if (pos.empty()) return false;
  for (const auto* p : pos) {
    if (p->kind != ValueKind::String) return false;
    if (out) out->push_back(p->string_value());
  }
  return true;
}

bool is_header_name(std::string_view s) {
  static constexpr std::string_view extra = "!#$%&'*+-.^_`|~";
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || extra.find(c) != std::string_view::npos;
  });
}

// "Name: value" -> (Name, value); the name is empty when the text is not a header.
std::pair<std::string, std::string> split_header(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos) return {};
  std::string name = text.substr(0, colon);
  if (!is_header_name(name)) return {};
  std::string value = text.substr(colon + 1);
  value.erase(0, value.find_first_not_of(" \t"));
  value.erase(value.find_last_not_of(" \t") + 1);
  return {name, value};
}

std::vector<std::string> args_of(std::string_view kind) {
  std::vector<std::string> out;
  if (kind == "http") out = {"port", "headers"};
  if (kind == "tcp") out = {"port"};
  if (kind == "grpc") out = {"port", "service"};
  for (auto t : kTiming) out.emplace_back(t);
  return out;
}

}  // namespace

void check_probe(const Value& v, std::string_view field, base::Sink& sink) {
  if (v.kind != ValueKind::Call || v.path.size() != 1) {
    report(sink, Code::E2003, v.span,
           fmt::format("`{}` expects a probe, found {}", field,
                       v.kind == ValueKind::String ? "a string" : "another value"),
           "write `http(\"/healthz\")`, `tcp(5432)`, `grpc(9555)` or `exec([\"cmd\"])`");
    return;
  }
  const std::string kind(v.path[0]);
  if (kind != "http" && kind != "tcp" && kind != "grpc" && kind != "exec") {
    auto hint = base::did_you_mean(kind, {"http", "tcp", "grpc", "exec"});
    report(sink, Code::E2003, v.span, fmt::format("`{}` is not a probe", kind),
           hint.empty() ? "the probes are http(...), tcp(...), grpc(...) and exec(...)" : hint);
    return;
  }
  const auto allowed = args_of(kind);
  std::vector<const Value*> pos;
  std::set<std::string_view> named;
  bool port_named = false;
  for (const auto& a : v.items) {
    if (a.arg_name().empty()) {
      pos.push_back(&a);
      continue;
    }
    const std::string name(a.arg_name());
    if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
      auto hint = base::did_you_mean(name, allowed);
      report(sink, Code::E2003, a.arg_name_span(),
             fmt::format("`{}` probes have no argument `{}`", kind, name),
             !hint.empty() ? hint
                           : fmt::format("the named arguments of `{}` are: {}", kind,
                                         fmt::join(allowed, ", ")));
      continue;
    }
    if (!named.insert(a.arg_name()).second) {
      report(sink, Code::E2002, a.arg_name_span(), fmt::format("`{}` is given twice", name),
             "remove one of them");
      continue;
    }
    if (name == "port") {
      port_named = true;
      check_port(a, sink);
    } else if (name == "service") {
      if (a.kind != ValueKind::String || a.string_value().empty())
        report(sink, Code::E2003, a.span, "`service` is the gRPC service name, a string",
               "write `service = \"grpc.health.v1.Health\"`, or leave it out to ask the server");
    } else if (name == "headers") {
      bool ok = a.kind == ValueKind::List;
      if (ok)
        for (const auto& h : a.items) {
          if (h.kind == ValueKind::String && !split_header(h.string_value()).first.empty())
            continue;
          report(
              sink, Code::E2003, h.span,
              h.kind == ValueKind::String
                  ? fmt::format("`{}` is not an HTTP header: write `Name: value`", h.string_value())
                  : "a header is a string `\"Name: value\"`",
              "for example `headers = [\"Host: shop.example.com\"]`");
        }
      else
        report(sink, Code::E2003, a.span, "`headers` is a list of `\"Name: value\"` strings",
               "for example `headers = [\"Host: shop.example.com\"]`");
    } else if (name == "delay" || name == "period" || name == "timeout") {
      auto q = to_seconds(a);
      if (converted(q, a, name, sink) && (q.value < 0 || (name != "delay" && q.value < 1)))
        report(sink, Code::E2017, a.span,
               fmt::format("`{}` must be {}", name, name == "delay" ? "0s or more" : "1s or more"),
               name == "delay" ? "leave it out for no delay" : "Kubernetes counts whole seconds");
    } else {  // failures, successes
      auto q = to_int(a);
      if (converted(q, a, name, sink)) {
        if (q.value < 1 || q.value > 1000000)
          report(sink, Code::E2017, a.span,
                 fmt::format("`{}` is out of range for `{}`: it must be between 1 and 1000000",
                             a.raw, name),
                 "a threshold counts probes in a row, at least one");
        else if (name == "successes" && q.value != 1 && field != "readiness")
          report(sink, Code::E2040, a.span,
                 fmt::format("a {} probe must succeed once: Kubernetes rejects `successes = {}`",
                             field, q.value),
                 "leave `successes` out here; it is for `readiness` probes");
      }
    }
  }
  if (kind == "http") {
    if (pos.size() != 1 || pos[0]->kind != ValueKind::String || pos[0]->string_value().empty() ||
        pos[0]->string_value()[0] != '/')
      report(sink, Code::E2003, v.span, "`http` takes a path that starts with `/`",
             "write `http(\"/healthz\")`");
  } else if (kind == "tcp" || kind == "grpc") {
    const std::size_t max = port_named ? 0 : 1;
    if (pos.size() > max || (kind == "tcp" && pos.size() + port_named == 0))
      report(sink, Code::E2003, v.span,
             fmt::format("`{}` takes {}one port, a number or a name", kind,
                         kind == "grpc" ? "at most " : ""),
             kind == "tcp" ? "write `tcp(5432)` or `tcp(postgres)`"
                           : "write `grpc(9555)`, or `grpc()` for the first port");
    else if (!pos.empty())
      check_port(*pos[0], sink);
  } else if (!exec_strings(pos, nullptr)) {
    report(sink, Code::E2003, v.span, "`exec` takes the command and its arguments as strings",
           "write `exec([\"pg_isready\", \"-U\", \"app\"])`");
  }
}

model::Probe probe_of(const Value& v) {
  model::Probe p;
  p.span = v.span;
  const auto k = v.path[0];
  p.kind = k == "http"   ? model::Probe::Kind::Http
           : k == "tcp"  ? model::Probe::Kind::Tcp
           : k == "grpc" ? model::Probe::Kind::Grpc
                         : model::Probe::Kind::Exec;
  std::vector<const Value*> pos;
  auto port = [&](const Value& a) {
    if (a.kind == ValueKind::Number)
      p.port = to_int(a).value;
    else if (a.kind == ValueKind::Path)
      p.port_name = std::string(a.raw);
    else
      p.port_name = a.string_value();
  };
  auto seconds = [](const Value& a) { return to_seconds(a).value; };
  for (const auto& a : v.items) {
    if (a.arg_name().empty())
      pos.push_back(&a);
    else if (a.arg_name() == "port")
      port(a);
    else if (a.arg_name() == "service")
      p.service = a.string_value();
    else if (a.arg_name() == "headers")
      for (const auto& h : a.items) p.headers.push_back(split_header(h.string_value()));
    else if (a.arg_name() == "delay")
      p.delay = seconds(a);
    else if (a.arg_name() == "period")
      p.period = seconds(a);
    else if (a.arg_name() == "timeout")
      p.timeout = seconds(a);
    else if (a.arg_name() == "failures")
      p.failures = to_int(a).value;
    else if (a.arg_name() == "successes")
      p.successes = to_int(a).value;
  }
  switch (p.kind) {
    case model::Probe::Kind::Http:
      if (!pos.empty()) p.path = pos[0]->string_value();
      break;
    case model::Probe::Kind::Tcp:
    case model::Probe::Kind::Grpc:
      if (!pos.empty()) port(*pos[0]);
      break;
    case model::Probe::Kind::Exec:
      exec_strings(pos, &p.command);
      break;
  }
  return p;
}

void check_hook(const Value& v, std::string_view field, base::Sink& sink) {
  const std::string_view kind =
      v.kind == ValueKind::Call && v.path.size() == 1 ? v.path[0] : std::string_view{};
  if (kind != "sleep" && kind != "exec") {
    auto hint = kind.empty() ? std::string() : base::did_you_mean(kind, {"sleep", "exec"});
    report(sink, Code::E2003, v.span,
           kind.empty() ? fmt::format("`{}` expects `sleep(...)` or `exec(...)`", field)
                        : fmt::format("`{}` is not a lifecycle hook", kind),
           !hint.empty() ? hint : "write `sleep(5s)` or `exec([\"nginx\", \"-s\", \"quit\"])`");
    return;
  }
  std::vector<const Value*> pos;
  for (const auto& a : v.items) {
    if (a.arg_name().empty()) {
      pos.push_back(&a);
      continue;
    }
    report(sink, Code::E2003, a.arg_name_span(),
           fmt::format("`{}` has no argument `{}`", kind, a.arg_name()),
           kind == "sleep" ? "write `sleep(5s)`" : "write `exec([\"cmd\", \"arg\"])`");
    return;
  }
  if (kind == "exec") {
    if (!exec_strings(pos, nullptr))
      report(sink, Code::E2003, v.span, "`exec` takes the command and its arguments as strings",
             "write `exec([\"nginx\", \"-s\", \"quit\"])`");
    return;
  }
  if (pos.size() != 1) {
    report(sink, Code::E2003, v.span, "`sleep` takes one duration", "write `sleep(5s)`");
    return;
  }
  auto q = to_seconds(*pos[0]);
  if (converted(q, *pos[0], "sleep", sink) && q.value < 1)
    report(sink, Code::E2017, pos[0]->span, "`sleep` must be 1s or more",
           "leave `pre_stop` out for no pause");
}

model::Hook hook_of(const Value& v) {
  model::Hook h;
  h.span = v.span;
  std::vector<const Value*> pos;
  for (const auto& a : v.items)
    if (a.arg_name().empty()) pos.push_back(&a);
  if (v.path[0] == "sleep") {
    h.kind = model::Hook::Kind::Sleep;
    h.seconds = to_seconds(*pos[0]).value;
  } else {
    exec_strings(pos, &h.command);
  }
  return h;
}

}  // namespace stackc::check
