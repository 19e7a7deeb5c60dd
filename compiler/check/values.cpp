// Pass 1: every value against the type of its field: numbers and quantities with their
// bounds, ranges, choices, references to declarations, images, strings (credentials, the
// names in `${...}`), `secret(...)` and `env` values.

#include <algorithm>
#include <cctype>
#include <set>

#include <fmt/format.h>

#include "base/suggest.hpp"
#include "check/checker.hpp"
#include "check/credentials.hpp"
#include "check/images.hpp"
#include "check/ports.hpp"
#include "check/probes.hpp"
#include "check/versions.hpp"

namespace stackc::check {

void Checker::type_error(const Value& v, std::string_view key, std::string_view expected,
                         std::string help) {
  report(Code::E2003, v.span,
         fmt::format("`{}` expects {}, found {}", key, expected, kind_word(v.kind)),
         std::move(help));
}

bool Checker::quantity(const Quantity& q, const Value& v, std::string_view key) {
  if (q.ok) return true;
  std::string msg = q.message;
  if (!key.empty() && msg.rfind("expected ", 0) == 0)
    msg = fmt::format("`{}` expects {}", key, msg.substr(9));
  report(q.code, v.span, std::move(msg), q.help);
  return false;
}

void Checker::bounds(std::int64_t x, const Field& f, const Value& v) {
  if (f.min < f.max && (x < f.min || x > f.max))
    report(Code::E2017, v.span,
           fmt::format("`{}` is out of range for `{}`: it must be between {} and {}", v.raw, f.name,
                       f.min, f.max),
           fmt::format("choose a value from {} to {}", f.min, f.max));
}

void Checker::no_secret(const Value& v, const Field& f) {
  if (v.kind == ValueKind::Call && !v.path.empty() && v.path[0] == "secret") {
    report(Code::E2008, v.span,
           fmt::format("a secret cannot flow into `{}`, which is not secret-typed", f.name),
           "secrets go into `env` entries and secret fields such as `admin_password`, "
           "`bot_token`, `webhook`");
  }
  for (const auto& i : v.items) no_secret(i, f);
}

void Checker::check_range(const Value& v, const Field& f, Quantity (*conv)(const Value&),
                          const char* what) {
  if (v.kind == ValueKind::Range) {
    auto lo = conv(v.items[0]);
    auto hi = conv(v.items[1]);
    // Both bounds are reported (`180MB..300MB` is two mistakes).
    const bool lo_ok = quantity(lo, v.items[0], f.name);
    const bool hi_ok = quantity(hi, v.items[1], f.name);
    if (!lo_ok || !hi_ok) return;
    if (lo.value > hi.value)
      report(Code::E2011, v.span,
             fmt::format("the {} request `{}` is above its limit `{}`", what, v.items[0].raw,
                         v.items[1].raw),
             fmt::format("write `request..limit` with the request first: `{}..{}`", v.items[1].raw,
                         v.items[0].raw));
    if (lo.value <= 0)
      report(Code::E2017, v.items[0].span, fmt::format("the {} request must be above zero", what),
             "every container gets a request so the scheduler can place it");
    return;
  }
  if (v.kind != ValueKind::Number) {
    type_error(v, f.name,
               fmt::format("{} or `request..limit`",
                           type_name(f.type == Type::CpuRange ? Type::Cpu : Type::Bytes)),
               !quoted_number_help(v).empty() ? quoted_number_help(v)
               : f.type == Type::CpuRange     ? "write e.g. `cpu = 250m..500m`"
                                              : "write e.g. `memory = 256Mi..512Mi`");
    return;
  }
  auto q = conv(v);
  if (quantity(q, v, f.name) && q.value <= 0)
    report(Code::E2017, v.span, fmt::format("`{}` must be above zero", f.name),
           "give it a positive quantity");
}

bool Checker::has_secret(const Value& v) {
  if (v.kind == ValueKind::Call && !v.path.empty() && v.path[0] == "secret") return true;
  for (const auto& i : v.items)
    if (has_secret(i)) return true;
  return false;
}

void Checker::check_value(const Value& v, const Field& f, const Ctx& ctx) {
  if (f.type != Type::Secret && f.type != Type::EnvValue && has_secret(v)) {
    no_secret(v, f);
    return;
  }
  switch (f.type) {
    case Type::Int: {
      auto q = to_int(v);
      if (quantity(q, v, f.name)) bounds(q.value, f, v);
      break;
    }
    case Type::UserId: {
      if (v.kind == ValueKind::Path && v.path.size() == 1 && v.path[0] == "image") break;
      if (v.kind == ValueKind::Path) {
        type_error(v, f.name, "a number or `image`",
                   v.raw == "root" ? "to run as root, write `run_as_root = true` (the pods then "
                                     "run as the image's user)"
                                   : fmt::format("write `{} = image` for the image's own, or a "
                                                 "number such as `{} = 1000`",
                                                 f.name, f.name));
        break;
      }
      auto q = to_int(v);
      if (!quantity(q, v, f.name)) break;
      if (q.value == 0)
        report(Code::E2017, v.span, fmt::format("`{}` cannot be 0 (root)", f.name),
               "to run as root, write `run_as_root = true` instead (the pods then run as the "
               "image's user); otherwise choose an id from 1 to 2147483647");
      else
        bounds(q.value, f, v);
      break;
    }
    case Type::IntRange: {
      if (v.kind == ValueKind::Range) {
        auto lo = to_int(v.items[0]);
        auto hi = to_int(v.items[1]);
        if (!quantity(lo, v.items[0], f.name) || !quantity(hi, v.items[1], f.name)) break;
        bounds(lo.value, f, v.items[0]);
        bounds(hi.value, f, v.items[1]);
        if (lo.value > hi.value)
          report(Code::E2012, v.span,
                 fmt::format("the range `{}` has its minimum above its maximum", v.raw),
                 fmt::format("write `{}..{}`", hi.value, lo.value));
      } else {
        auto q = to_int(v);
        if (quantity(q, v, f.name)) bounds(q.value, f, v);
      }
      break;
    }
    case Type::Cpu: {
      auto q = to_millicores(v);
      if (quantity(q, v, f.name) && q.value <= 0)
        report(Code::E2017, v.span, fmt::format("`{}` must be above zero", f.name),
               "give it a positive quantity");
      break;
    }
    case Type::Bytes: {
      auto q = to_bytes(v);
      quantity(q, v, f.name);
      break;
    }
    case Type::CpuRange:
      check_range(v, f, to_millicores, "CPU");
      break;
    case Type::BytesRange:
      check_range(v, f, to_bytes, "memory");
      break;
    case Type::Duration:
      quantity(to_seconds(v), v, f.name);
      break;
    case Type::Percent: {
      auto q = to_percent(v);
      if (quantity(q, v, f.name)) bounds(q.value, f, v);
      break;
    }
    case Type::String:
      if (v.kind != ValueKind::String) {
        type_error(v, f.name, "a string",
                   v.kind == ValueKind::Path ? fmt::format("quote it: `\"{}\"`", v.raw)
                                             : "write it in quotes");
        break;
      }
      check_string(v, f.name);
      break;
    case Type::Image:
      check_image(v, f);
      break;
    case Type::Bool:
      if (v.kind != ValueKind::Bool)
        type_error(v, f.name, "`true` or `false`", "write `true` or `false`");
      break;
    case Type::Enum:
      if (v.kind != ValueKind::Path || v.path.size() != 1) {
        type_error(v, f.name, fmt::format("one of {}", fmt::join(split_choices(f.choices), ", ")),
                   fmt::format("write e.g. `{} = {}`", f.name, split_choices(f.choices).front()));
        break;
      }
      check_choice(v, f);
      break;
    case Type::EnumList:
      if (v.kind != ValueKind::List) {
        type_error(v, f.name, "a list",
                   fmt::format("write `{} = [{}]`", f.name, split_choices(f.choices).front()));
        break;
      }
      for (const auto& i : v.items) {
        if (i.kind != ValueKind::Path || i.path.size() != 1) {
          type_error(i, f.name, fmt::format("one of {}", fmt::join(split_choices(f.choices), ", ")),
                     "write a bare name");
          continue;
        }
        check_choice(i, f);
      }
      break;
    case Type::Ref:
      if (v.kind != ValueKind::Path || v.path.size() != 1) {
        type_error(v, f.name, fmt::format("the name of a {}", f.choices),
                   fmt::format("write `{} = NAME`", f.name));
        break;
      }
      check_ref(v, f.choices);
      break;
    case Type::RefList:
      if (v.kind != ValueKind::List) {
        type_error(v, f.name, "a list of names",
                   fmt::format("write `{} = [{}]`", f.name,
                               v.kind == ValueKind::Path ? std::string(v.raw) : "a, b"));
        break;
      }
      check_ref_list(v, f.choices, ctx);
      break;
    case Type::BackupSource:
      check_backup_source(v, f);
      break;
    case Type::StringList:
      if (v.kind != ValueKind::List) {
        type_error(v, f.name, "a list of strings", fmt::format("write `{} = [\"...\"]`", f.name));
        break;
      }
      for (const auto& i : v.items) {
        if (i.kind != ValueKind::String)
          type_error(i, f.name, "a string", "write it in quotes");
        else
          check_string(i, f.name);
      }
      break;
    case Type::Probe:
      check_probe(v, f.name, sink());
      break;
    case Type::Hook:
      check_hook(v, f.name, sink());
      break;
    case Type::Secret:
      if (v.kind == ValueKind::Call && !v.path.empty() && v.path[0] == "secret") {
        check_secret_call(v);
      } else {
        report(Code::E2003, v.span,
               fmt::format("`{}` is secret-typed: it takes `secret(...)`, not {}", f.name,
                           kind_word(v.kind)),
               fmt::format("keep the value in the secret backend and write `{} = "
                           "secret(\"NAME\", key = \"KEY\")`",
                           f.name));
      }
      break;
    case Type::EnvValue:
      check_env_value(f.name, v);
      break;
    case Type::Cron: {
      if (v.kind != ValueKind::String) {
        type_error(v, f.name, "a cron schedule in quotes", "write e.g. `schedule = \"0 2 * * *\"`");
        break;
      }
      auto e = cron_error(v.string_value());
      if (!e.empty())
        report(Code::E2010, v.span,
               fmt::format("`{}` is not a valid cron schedule: {}", v.string_value(), e),
               "a schedule is `minute hour day-of-month month day-of-week`, e.g. `\"0 2 * * *\"` "
               "for 02:00 every day");
      break;
    }
    case Type::Tagged: {
      std::string_view tag;
      if (v.kind == ValueKind::Path && v.path.size() == 1)
        tag = v.path[0];
      else if (v.kind == ValueKind::Object)
        tag = v.path.empty() ? std::string_view{} : v.path[0];
      else {
        type_error(v, f.name, fmt::format("one of {}", fmt::join(split_choices(f.choices), ", ")),
                   fmt::format("write e.g. `{} = {} {{ ... }}`", f.name,
                               split_choices(f.choices).front()));
        break;
      }
      if (!choice_allowed(f.choices, tag)) {
        auto hint = base::did_you_mean(tag, split_choices(f.choices));
        report(Code::E2003, v.span, fmt::format("`{}` is not a valid `{}`", tag, f.name),
               hint.empty()
                   ? fmt::format("choose one of {}", fmt::join(split_choices(f.choices), ", "))
                   : hint);
        break;
      }
      if (tag == f.block->name) {
        if (v.kind != ValueKind::Object) {
          report(Code::E2007, v.span,
                 fmt::format("`{}` needs its settings: `{} {{ ... }}`", tag, tag),
                 fmt::format("`{}` has: {}", tag, fmt::join(f.block->field_names(), ", ")));
          break;
        }
        validate_block(v.body(), *f.block, ctx);
        require_fields(v.body(), *f.block, v.span, tag);
      } else if (v.kind == ValueKind::Object) {
        report(Code::E2003, v.span, fmt::format("`{}` takes no settings", tag),
               fmt::format("write `{} = {}`", f.name, tag));
      }
      break;
    }
    case Type::Port:
      check_port_value(v, f.name, sink());
      break;
    case Type::Block:
    case Type::Map:
    case Type::Entry:
      break;
  }
}

void Checker::require_fields(ast::Seq<Stmt> body, const Kind& k, Span at, std::string_view what) {
  for (const auto& f : k.fields) {
    if (!f.required) continue;
    bool found =
        std::any_of(body.begin(), body.end(), [&](const Stmt& s) { return s.key == f.name; });
    if (!found)
      report(Code::E2007, at, fmt::format("`{}` has no `{}`", what, f.name),
             fmt::format("add `{} = ...` ({})", f.name, f.doc));
  }
}

void Checker::check_choice(const Value& v, const Field& f) {
  if (choice_allowed(f.choices, v.path[0])) return;
  auto hint = base::did_you_mean(v.path[0], split_choices(f.choices));
  report(Code::E2003, v.span, fmt::format("`{}` is not a valid `{}`", v.path[0], f.name),
         hint.empty() ? fmt::format("choose one of {}", fmt::join(split_choices(f.choices), ", "))
                      : hint);
}

std::optional<SymbolKind> Checker::table_for(std::string_view kind) {
  if (kind == "cluster") return SymbolKind::Cluster;
  if (kind == "workload") return SymbolKind::Workload;
  return std::nullopt;
}

void Checker::check_ref(const Value& v, std::string_view kind) {
  std::string_view name = v.path[0];
  if (kind == "receiver") {
    if (index_.find(SymbolKind::Receiver, name)) return;
    std::vector<std::string> names = index_.names(SymbolKind::Receiver);
    auto hint = base::did_you_mean(name, names);
    report(Code::E2005, v.span, fmt::format("unknown receiver `{}`", name),
           !hint.empty()   ? hint
           : names.empty() ? "declare it in `monitoring { alertmanager { receiver NAME { ... } } }`"
                           : fmt::format("the receivers are: {}", fmt::join(names, ", ")));
    return;
  }
  auto table = table_for(kind);
  if (!table || index_.find(*table, name)) return;
  if (kind == "workload" && report_version_reference(version_names_, name, v.span, sink())) return;
  auto names = index_.names(*table);
  auto hint = base::did_you_mean(name, names);
  report(Code::E2005, v.span, fmt::format("unknown {} `{}`", kind, name),
         !hint.empty()   ? hint
         : names.empty() ? fmt::format("declare a {} first", kind)
                         : fmt::format("the {}s are: {}", kind, fmt::join(names, ", ")));
}

void Checker::check_ref_list(const Value& v, std::string_view kind, const Ctx& ctx) {
  std::set<std::string> seen;
  for (const auto& i : v.items) {
    if (i.kind != ValueKind::Path || i.path.size() != 1) {
      type_error(i, kind == "receiver" ? "notify" : "needs", fmt::format("the name of a {}", kind),
                 "write a bare name");
      continue;
    }
    if (!seen.insert(std::string(i.path[0])).second) {
      report(Code::E2002, i.span, fmt::format("`{}` is listed twice", i.path[0]),
             "remove one of them");
      continue;
    }
    if (kind == "workload" && ctx.decl && ctx.decl->kind->workload && i.path[0] == ctx.decl->name) {
      report(Code::E2005, i.span, fmt::format("`{}` cannot need itself", i.path[0]),
             "remove it from `needs`");
      continue;
    }
    check_ref(i, kind);
  }
}

void Checker::check_backup_source(const Value& v, const Field& f) {
  if (v.kind == ValueKind::Path && v.path.size() == 1) {
    const Decl* dd = declared(SymbolKind::Workload, v.path[0]);
    if (!dd) {
      check_ref(v, "workload");
      return;
    }
    const Decl& d = *dd;
    if (d.kind->name != "stateful")
      report(Code::E2003, v.span,
             fmt::format("`{}` is a {} and holds no data to back up", v.path[0], d.kind->name),
             "back up a `stateful`, or `[manifests, configmaps, secrets]`",
             {{d.name_span, "declared here"}});
    return;
  }
  if (v.kind == ValueKind::List) {
    for (const auto& i : v.items) {
      if (i.kind != ValueKind::Path || i.path.size() != 1) {
        type_error(i, f.name, "manifests, configmaps or secrets", "write a bare name");
        continue;
      }
      check_choice(i, f);
    }
    return;
  }
  type_error(v, f.name, "a stateful's name or a list of resources",
             "write `of = postgres` or `of = [manifests, configmaps, secrets]`");
}

void Checker::check_image(const Value& v, const Field& f) {
  if (v.kind != ValueKind::String) {
    type_error(v, f.name, "an image in quotes",
               v.kind == ValueKind::Path ? fmt::format("write `image = \"{}\"`", v.raw)
                                         : "write `image = \"name:tag\"`");
    return;
  }
  std::string img = v.string_value();
  bool bad = img.empty();
  for (char c : img)
    if (c == ' ' || c == '\t' || c == '\n' ||
        (c >= 'A' && c <= 'Z' && img.find(':') == std::string::npos))
      bad = true;
  if (bad) {
    report(Code::E2003, v.span, fmt::format("`{}` is not a valid image reference", img),
           "an image is `name`, `name:tag`, or `registry/path/name:tag`, in lower case");
    return;
  }
  // The image rule (model/images.hpp): E2018, W0015, W0016 (check/images.hpp). An image with
  // an interpolation is taken as written.
  if (v.has_interpolation()) return;
  if (auto found = image_finding(img)) report(found->code, v.span, found->message, found->help);
}

void Checker::check_string(const Value& v, std::string_view key) {
  for (const auto& p : v.parts()) {
    if (!p.interpolation) {
      if (auto f = find_credential(p.text))
        report(Code::E2009, v.span, fmt::format("`{}` holds {}", key, f.what),
               "keep credentials in the secret backend and use `secret(\"NAME\", key = \"KEY\")` "
               "in `env`");
      continue;
    }
    check_interpolation(p);
  }
}

void Checker::check_interpolation(const ast::StringPart& p) {
  std::vector<std::string> parts;
  std::string cur;
  for (char c : p.text) {
    if (c == '.') {
      parts.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  parts.push_back(cur);
  static const std::vector<std::string> stack_attrs = {"name", "registry", "version", "owner"};
  static const std::vector<std::string> env_attrs = {"name", "namespace", "domain", "branch",
                                                     "cluster"};
  static const std::vector<std::string> wl_attrs = {"host", "port", "address", "port.NAME"};
  auto unknown = [&](std::string what, const std::vector<std::string>& names,
                     std::string_view word) {
    auto hint = base::did_you_mean(word, names);
    report(Code::E2005, p.span, fmt::format("`${{{}}}` refers to {}", p.text, what),
           hint.empty() ? fmt::format("known here: {}", fmt::join(names, ", ")) : hint);
  };
  // `${W.port.NAME}`: a named port of a workload (the name is checked with the model).
  if (parts.size() == 3 && parts[1] == "port" && index_.find(SymbolKind::Workload, parts[0]))
    return;
  if (parts.size() >= 2 && report_version_reference(version_names_, parts[0], p.span, sink()))
    return;
  if (parts.size() != 2) {
    unknown("nothing known at compile time", {"stack.version", "env.name", "env.namespace"},
            p.text);
    return;
  }
  if (parts[0] == "stack") {
    if (std::find(stack_attrs.begin(), stack_attrs.end(), parts[1]) == stack_attrs.end())
      unknown(fmt::format("an unknown field `{}` of the stack", parts[1]), stack_attrs, parts[1]);
    return;
  }
  if (parts[0] == "env") {
    if (std::find(env_attrs.begin(), env_attrs.end(), parts[1]) == env_attrs.end())
      unknown(fmt::format("an unknown field `{}` of the environment", parts[1]), env_attrs,
              parts[1]);
    return;
  }
  if (index_.find(SymbolKind::Workload, parts[0])) {
    if (std::find(wl_attrs.begin(), wl_attrs.end(), parts[1]) == wl_attrs.end())
      unknown(fmt::format("an unknown field `{}` of `{}`", parts[1], parts[0]), wl_attrs, parts[1]);
    return;
  }
  std::vector<std::string> roots = {"stack", "env"};
  for (auto& n : index_.names(SymbolKind::Workload)) roots.push_back(std::move(n));
  unknown(fmt::format("`{}`, which is not declared", parts[0]), roots, parts[0]);
}

void Checker::check_secret_call(const Value& v) {
  const Value* name = nullptr;
  const Value* key = nullptr;
  bool bad = false;
  for (const auto& a : v.items) {
    if (a.arg_name().empty()) {
      if (name) bad = true;
      name = &a;
    } else if (a.arg_name() == "key") {
      key = &a;
    } else {
      report(Code::E2003, a.arg_name_span(),
             fmt::format("`secret` has no argument `{}`", a.arg_name()),
             "write `secret(\"NAME\", key = \"KEY\")`");
      return;
    }
  }
  if (bad || !name || !key || name->kind != ValueKind::String || key->kind != ValueKind::String ||
      name->has_interpolation()) {
    report(Code::E2003, v.span,
           "`secret` takes the secret's name and a key: `secret(\"NAME\", key = \"KEY\")`",
           "for example `secret(\"postgres\", key = \"password\")`");
    return;
  }
  auto n = name->string_value();
  if (!is_dns_subdomain(n))
    report(Code::E2006, name->span, fmt::format("`{}` is not a valid secret name", n),
           fmt::format("secret names are DNS-1123 names: `{}`", dns_fix(n)));
  auto k = key->string_value();
  bool key_ok = !k.empty() && k.size() <= 253 && std::all_of(k.begin(), k.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!key_ok)
    report(Code::E2006, key->span, fmt::format("`{}` is not a valid secret key", k),
           "secret keys are letters, digits, `-`, `_` and `.`");
}

// E2009 for a literal that is a credential by its key's name (its shape is check_string's).
void Checker::credential_by_name(std::string_view key, const Value& v, std::string_view text) {
  auto f = find_credential_entry(key, text);
  if (f.by != CredentialFinding::By::Name) return;
  report(Code::E2009, v.span,
         fmt::format("`{}` looks like a credential ({}), but its value is written in the file", key,
                     f.what),
         fmt::format("keep it in the secret backend: `{} = secret(\"NAME\", key = \"KEY\")`", key));
}

void Checker::check_env_value(std::string_view key, const Value& v) {
  switch (v.kind) {
    case ValueKind::String:
      check_string(v, key);  // the shapes of credentials, in the literal parts
      if (!v.has_interpolation()) credential_by_name(key, v, v.string_value());
      break;
    case ValueKind::Number:
      credential_by_name(key, v, v.raw);
      break;
    case ValueKind::Bool:
      break;
    case ValueKind::Call:
      if (!v.path.empty() && v.path[0] == "secret" && v.path.size() == 1) {
        check_secret_call(v);
      } else {
        report(Code::E2003, v.span,
               fmt::format("`{}` cannot be computed by `{}(...)`", key,
                           v.path.empty() ? "" : std::string(v.path[0])),
               "an environment value is a string, a number, `secret(...)`, or a reference such "
               "as `postgres.host`");
      }
      break;
    case ValueKind::Path: {
      if (v.path.size() != 2) {
        report(Code::E2003, v.span, fmt::format("`{}` is not a value for `{}`", v.raw, key),
               v.path.size() == 1 ? fmt::format("quote text: `{} = \"{}\"`; a reference is "
                                                "`WORKLOAD.host` or `WORKLOAD.port`",
                                                key, v.raw)
                                  : "a reference is `WORKLOAD.host` or `WORKLOAD.port`");
        break;
      }
      if (!index_.find(SymbolKind::Workload, v.path[0])) {
        check_ref(v, "workload");
        break;
      }
      if (v.path[1] != "host" && v.path[1] != "port") {
        auto hint = base::did_you_mean(v.path[1], {"host", "port"});
        report(Code::E2005, v.span, fmt::format("`{}` has no field `{}`", v.path[0], v.path[1]),
               hint.empty() ? "a workload has `host` and `port`" : hint);
      }
      break;
    }
    default:
      report(Code::E2003, v.span,
             fmt::format("`{}` expects a string, a number, a secret or a reference, found {}", key,
                         kind_word(v.kind)),
             "write the value in quotes");
  }
}

}  // namespace stackc::check
