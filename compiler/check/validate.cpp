// Pass 1: every declaration validated against the schema, on its own (in two halves at once
// when there are many): names, templates named in `from`, blocks, `when`, fields and their
// shapes, labels, annotations and `env` entries. The values themselves are values.cpp's.

#include <algorithm>
#include <cctype>
#include <map>
#include <unordered_map>

#include <fmt/format.h>

#include "base/suggest.hpp"
#include "base/text.hpp"
#include "check/checker.hpp"
#include "check/gitops.hpp"
#include "check/hardening.hpp"
#include "check/nodes.hpp"
#include "check/objects.hpp"
#include "check/pipeline.hpp"
#include "check/ports.hpp"
#include "check/security.hpp"
#include "check/templates.hpp"
#include "check/versions.hpp"

namespace stackc::check {

void Checker::validate_all() {
  bool has_stack = singleton("stack") != nullptr;
  if (!has_stack)
    report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack has no `stack` declaration",
           "add `stack NAME { registry = \"ghcr.io/ORG\"  version = \"1.0.0\" }`");
  if (!index_.first(SymbolKind::Cluster))
    report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack declares no `cluster`",
           "add `cluster NAME { nodes = 3  node { cpu = 4  memory = 16Gi } }`");
  if (!index_.first(SymbolKind::Environment))
    report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack declares no `environment`",
           "add `environment NAME { cluster = CLUSTER }`");
  // Receivers first: alerts refer to them.
  if (const Decl* md = singleton("monitoring")) collect_receivers(md->stmt->body);
  // Every template named in a `from` is used (W0001), whether or not it fits.
  for (const auto& d : decls_)
    for (const auto& f : d.stmt->from)
      if (const Symbol* t = index_.find(SymbolKind::Template, f.text))
        decls_[static_cast<std::size_t>(t->decl)].used = true;
  check_template_graph();
  {
    std::vector<DeclaredWorkload> ws;
    for (const auto& d : decls_)
      if (d.kind->workload) ws.push_back({d.name, d.name_span, d.stmt});
    version_names_ = version_names(ws, sink_);
  }
  // Each declaration is validated on its own, reading the checker's state only: in two halves
  // at once when there are many.
  in_halves(decls_.size(), [&](std::size_t i) {
    const Decl& d = decls_[i];
    if (d.kind->named && d.kind->name != "template" && d.kind->name != "alert" &&
        d.kind->name != "record") {
      if (!is_dns_label(d.name)) {
        report(Code::E2006, d.name_span,
               fmt::format("`{}` is not a valid {} name: names must be DNS-1123 labels", d.name,
                           d.kind->name),
               fmt::format("use lower-case letters, digits and `-`, at most 63 characters: `{}`",
                           dns_fix(d.name)));
      } else if (d.kind->workload && (d.name == "namespace" || d.name == "secrets")) {
        // The generated files of a workload are named after it, beside the environment's
        // `namespace` and `secrets` files (kubernetes/ENV/, kustomize/base/).
        report(Code::E2006, d.name_span,
               fmt::format("`{}` is reserved: stackc names the environment's {} file `{}.yaml`, "
                           "and a workload's files after the workload",
                           d.name, d.name == "namespace" ? "Namespace" : "secrets", d.name),
               fmt::format("name the {} something else, e.g. `{}-{}`", d.kind->name, d.name,
                           d.kind->name));
      }
    }
    if ((d.kind->name == "alert") && !base::is_metric_name(d.name))
      report(Code::E2006, d.name_span, fmt::format("`{}` is not a valid alert name", d.name),
             "alert names are letters, digits and `_`, e.g. `HighErrorRate`");
    if ((d.kind->name == "record") && !base::is_metric_name(d.name))
      report(Code::E2006, d.name_span, fmt::format("`{}` is not a valid metric name", d.name),
             "recorded metric names are letters, digits, `_` and `:`; write a name with `:` in "
             "quotes: `record \"job:requests:rate5m\"`");
    const Kind* k = d.kind->name == "template" ? d.for_kind : d.kind;
    for (const auto& f : d.stmt->from) check_template_ref(f, k);
    Ctx ctx{&d};
    validate_block(d.stmt->body, *k, ctx);
    if (k->field("version")) check_versions(*d.stmt, d.kind->name == "template", sink());
    if (k->workload) check_objects(*d.stmt, !versions_of(*d.stmt).empty(), sink());
    if (d.kind->name == "pipeline")
      for (auto& x : check_pipeline(*d.stmt, d.name_span))
        (t_sink != nullptr ? *t_sink : sink_).report(std::move(x));
    if (d.kind->name == "stack")
      for (auto& x : check_gitops(*d.stmt))
        (t_sink != nullptr ? *t_sink : sink_).report(std::move(x));
  });
}

void Checker::collect_receivers(ast::Seq<Stmt> body) {
  for (const auto& s : body) {
    if (s.key == "when") {
      collect_receivers(s.body);
    } else if (s.key == "alertmanager") {
      for (const auto& r : s.body) {
        auto declare = [&](const Stmt& x) {
          if (x.key == "receiver" && x.labels.size() == 1)
            index_.declare({SymbolKind::Receiver,
                            std::string(x.labels[0].text),
                            {},
                            x.key,
                            name_span(x.labels[0]),
                            x.span,
                            &x});
        };
        declare(r);
        if (r.key == "when")
          for (const auto& r2 : r.body) declare(r2);
      }
    }
  }
}

// Cycles (E2021) and chains too long (E2026) in the graph of templates, and the order they are
// resolved in.
void Checker::check_template_graph() {
  std::vector<TemplateNode> nodes;
  for (std::size_t i = 0; i < decls_.size(); ++i) {
    if (decls_[i].kind->name != "template") continue;
    template_index_[i] = template_decls_.size();
    template_decls_.push_back(i);
  }
  for (std::size_t i : template_decls_) {
    const Decl& t = decls_[i];
    TemplateNode n{t.name, t.name_span, {}};
    for (const auto& f : t.stmt->from)
      if (const Symbol* ts = index_.find(SymbolKind::Template, f.text))
        n.from.push_back({template_index_.at(static_cast<std::size_t>(ts->decl)), f.span});
    nodes.push_back(std::move(n));
  }
  template_order_ = check_templates(nodes, sink_);
}

void Checker::check_template_ref(const ast::Label& f, const Kind* k) {
  const Decl* td = declared(SymbolKind::Template, f.text);
  if (!td && import_failed_) return;
  if (!td) {
    auto hint = base::did_you_mean(f.text, index_.names(SymbolKind::Template));
    report(Code::E2005, f.span, fmt::format("unknown template `{}`", f.text),
           hint.empty() ? "declare it with `template NAME for KIND { ... }`, or import the "
                          "module that has it (e.g. `import \"std/postgres\"`)"
                        : hint);
    return;
  }
  const Decl& t = *td;
  if (t.for_kind != k) {
    report(
        Code::E2013, f.span,
        fmt::format("template `{}` is for a {}, not for a {}", f.text, t.for_kind->name, k->name),
        fmt::format("declare this as a `{}`, or use a template written for `{}`", t.for_kind->name,
                    k->name),
        {{t.name_span, "the template is declared here"}});
  }
}

void Checker::validate_block(ast::Seq<Stmt> body, const Kind& kind, const Ctx& ctx) {
  // Each slot (key and labels) set so far, for E2002: hashed, so a block of n statements costs
  // n look-ups, not n * n comparisons.
  std::unordered_map<std::string, const Stmt*> seen;
  std::map<std::string, Span> when_seen;
  bool is_map = kind.fields.empty() && (kind.name == "env" || kind.name == "labels" ||
                                        kind.name == "annotations" || kind.name == "node_selector");
  for (const auto& s : body) {
    if (!s.from.empty()) {
      report(Code::E2020, s.from.front().span, "`from` is only allowed on a top-level declaration",
             "move the template to the declaration: `service NAME from TEMPLATE { ... }`");
    }
    if (s.key == "when" && !is_map) {
      validate_when(s, kind, ctx, when_seen);
      continue;
    }
    if (auto [it, fresh] = seen.emplace(slot_key(s), &s); !fresh) {
      report(Code::E2002, s.key_span, fmt::format("`{}` is set twice in this block", shown(s)),
             "remove one of them; to change a value per environment use `when ENV { ... }`",
             {{it->second->key_span, "first set here"}});
    }
    if (is_map) {
      if (kind.name == "labels" || kind.name == "node_selector")
        validate_label_entry(s);
      else if (kind.name == "annotations")
        validate_annotation_entry(s);
      else
        validate_map_entry(s);
      continue;
    }
    const Field* f = kind.field(s.key);
    if (!f && s.key == "version" && kind.workload) {
      report(Code::E2030, s.key_span, fmt::format("a `{}` cannot have versions", kind.name),
             "versions are for `service` and `worker`: several Deployments behind one name; "
             "declare one workload per version instead");
      continue;
    }
    if (!f) {
      auto hint = base::did_you_mean(s.key, kind.field_names());
      if (hint.empty() && !kind.fields.empty())
        hint = fmt::format("`{}` has: {}", kind.name, fmt::join(kind.field_names(), ", "));
      report(Code::E2001, s.key_span, fmt::format("unknown key `{}` in `{}`", s.key, kind.name),
             hint);
      continue;
    }
    validate_field(s, *f, kind, ctx);
  }
}

void Checker::validate_when(const Stmt& s, const Kind& kind, const Ctx& ctx,
                            std::map<std::string, Span>& seen) {
  if (!kind.when) {
    report(Code::E2020, s.key_span, fmt::format("`when` is not allowed in `{}`", kind.name),
           "environments override workloads, monitoring, alerts and backups; declare "
           "per-environment values there");
    return;
  }
  if (ctx.in_when) {
    report(Code::E2020, s.key_span, "`when` cannot be nested in another `when`",
           "write each environment's overrides in one `when ENV { ... }` block");
    return;
  }
  if (s.labels.size() != 1 || s.labels[0].is_string || !s.has_block || s.has_value()) {
    report(Code::E2003, s.span, "`when` is written `when ENV { ... }`",
           "for example `when dev { replicas = 1 }`");
    return;
  }
  const auto& env = s.labels[0];
  if (!index_.find(SymbolKind::Environment, env.text)) {
    auto envs = index_.names(SymbolKind::Environment);
    auto hint = base::did_you_mean(env.text, envs);
    report(Code::E2005, env.span, fmt::format("unknown environment `{}`", env.text),
           hint.empty() ? fmt::format("the environments are: {}", fmt::join(envs, ", ")) : hint);
  }
  if (auto [it, fresh] = seen.emplace(env.text, env.span); !fresh)
    report(Code::E2002, env.span, fmt::format("`when {}` appears twice in this block", env.text),
           "merge the two blocks into one", {{it->second, "first here"}});
  Ctx inner = ctx;
  inner.in_when = true;
  validate_block(s.body, kind, inner);
}

void Checker::validate_field(const Stmt& s, const Field& f, const Kind& kind, const Ctx& ctx) {
  // Shape: labels, value or block.
  if (f.labelled && (s.labels.size() != 1 || s.labels[0].is_string)) {
    report(Code::E2003, s.labels.size() > 1 ? s.labels[1].span : s.key_span,
           fmt::format("`{}` takes one name", s.key),
           f.type == Type::Entry   ? fmt::format("write `{} NAME`", s.key)
           : f.type == Type::Block ? fmt::format("write `{} NAME {{ ... }}`", s.key)
                                   : fmt::format("write `{} NAME = value`", s.key));
    return;
  }
  if (f.prefix && s.labels.size() == 1 && s.labels[0].is_string) {
    validate_prefix(s);
  } else if (f.prefix && !s.labels.empty()) {
    report(Code::E2003, s.labels[0].span,
           fmt::format("`{}` takes at most one prefix, in quotes", s.key),
           fmt::format("write `{} \"example.com\" {{ NAME = \"text\" }}` for `example.com/NAME`",
                       s.key));
    return;
  } else if (!f.labelled && !s.labels.empty()) {
    report(Code::E2003, s.labels[0].span, fmt::format("`{}` takes no name", s.key),
           fmt::format("write `{} = ...`", s.key));
    return;
  }
  if (f.labelled && s.key == "port") {
    const auto& n = s.labels[0].text;
    bool has_letter = std::any_of(n.begin(), n.end(), [](char c) { return c >= 'a' && c <= 'z'; });
    if (!is_dns_label(n, 15) || !has_letter)
      report(Code::E2006, s.labels[0].span, fmt::format("`{}` is not a valid port name", n),
             "port names are at most 15 lower-case letters, digits and `-`, with at least one "
             "letter");
  }
  if (f.type == Type::Port && f.block && s.has_block) {  // `port NAME { number = ... }`
    validate_block(s.body, *f.block, ctx);
    require_fields(s.body, *f.block, s.body_span, shown(s));
    return;
  }
  bool wants_block = f.type == Type::Block || f.type == Type::Map;
  if (f.type == Type::Entry) {
    if (s.has_value() || s.has_block)
      report(Code::E2003, s.has_value() ? s.val().span : s.body_span,
             fmt::format("`{} {}` is an entry and takes no value", s.key, s.labels[0].text),
             fmt::format("write `{} {}` alone on its line", s.key, s.labels[0].text));
    if (kind.name == "metrics" && !base::is_metric_name(s.labels[0].text))
      report(Code::E2006, s.labels[0].span,
             fmt::format("`{}` is not a valid Prometheus metric name", s.labels[0].text),
             "metric names are letters, digits, `_` and `:`");
    return;
  }
  if (wants_block) {
    if (!s.has_block || s.has_value()) {
      report(Code::E2003, s.has_value() ? s.val().span : s.key_span,
             fmt::format("`{}` is a block", s.key),
             fmt::format("write `{}{}{} {{ ... }}`", s.key, f.labelled ? " " : "",
                         f.labelled ? s.labels[0].text : ""));
      return;
    }
    if (f.labelled && s.key == "volume" && !is_dns_label(s.labels[0].text))
      report(Code::E2006, s.labels[0].span,
             fmt::format("`{}` is not a valid volume name", s.labels[0].text),
             fmt::format("use a DNS-1123 label: `{}`", dns_fix(s.labels[0].text)));
    validate_block(s.body, *f.block, ctx);
    if (s.key == "node_selector") check_node_selector(s, sink());
    return;
  }
  if (s.has_block || !s.has_value()) {
    report(Code::E2003, s.has_block ? s.body_span : s.key_span,
           fmt::format("`{}` needs a value", shown(s)),
           f.default_text.empty()
               ? fmt::format("write `{} = ...` ({})", shown(s), type_name(f.type))
               : fmt::format("write `{} = {}`", shown(s), f.default_text));
    return;
  }
  check_value(s.val(), f, ctx);
  if (s.key == "app_protocol") check_app_protocol(s.val(), sink());
  if (kind.name == "security" && s.key == "capabilities") check_capabilities(s.val(), sink());
  if (s.key == "mount" || s.key == "writable_paths" || s.key == "data_path")
    warn_system_path(s.val());
}

// W0005: a mount that hides a system path (check/hardening.hpp).
void Checker::warn_system_path(const Value& v) {
  if (v.kind == ValueKind::List) {
    for (const auto& i : v.items) warn_system_path(i);
    return;
  }
  if (v.kind != ValueKind::String || v.has_interpolation()) return;
  auto mount = v.string_value();
  auto hidden = system_path(mount);
  if (!hidden) return;
  std::string where = mount == hidden.path ? fmt::format("`{}`", mount)
                                           : fmt::format("`{}` (under `{}`)", mount, hidden.path);
  if (hidden.socket)
    report(Code::W0005, v.span,
           fmt::format("a volume mounted at {} puts an empty volume where {} is expected", where,
                       hidden.what),
           "stackc volumes are empty directories or volume claims, never the host's paths: this "
           "gives no access to the host's container runtime (which would be root on the node); "
           "remove the mount");
  else
    report(Code::W0005, v.span, fmt::format("a volume mounted at {} hides {}", where, hidden.what),
           "mount it at a path of its own, such as `/data` or `/var/lib/APP`");
}

// `labels "example.com" { ... }`, `annotations "prometheus.io" { ... }`: the prefix of the keys.
void Checker::validate_prefix(const Stmt& s) {
  const auto& p = s.labels[0];
  if (!is_dns_subdomain(p.text)) {
    report(Code::E2006, p.span, fmt::format("`{}` is not a valid {} prefix", p.text, s.key),
           "a prefix is a DNS subdomain: lower-case labels joined by dots, e.g. "
           "`\"example.com\"`");
    return;
  }
  if (s.key != "labels" || p.text != "app.kubernetes.io") return;
  for (const auto& e : s.body)
    for (std::string_view own :
         {"name", "instance", "version", "component", "part-of", "managed-by"})
      if (e.key == own)
        report(Code::E2043, e.key_span,
               fmt::format("`app.kubernetes.io/{}` is a label stackc sets on every object of a "
                           "workload, its pods included",
                           own),
               own == "name" || own == "instance"
                   ? "it selects the workload's pods; remove it"
                   : "remove it; stackc writes it from the stack and the workload");
}

// A label or annotation name (after its prefix): at most 63 characters, alphanumeric at both
// ends.
void Checker::label_key(const Stmt& s, std::string_view what) {
  auto k = s.key;
  auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
  if (k.size() <= 63 && alnum(k.front()) && alnum(k.back())) return;
  report(Code::E2006, s.key_span, fmt::format("`{}` is not a valid {} name", k, what),
         "names are at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a "
         "letter or digit");
}

void Checker::validate_annotation_entry(const Stmt& s) {
  label_key(s, "annotation");
  if (!s.labels.empty() || s.has_block || !s.has_value() ||
      (s.val().kind != ValueKind::String && s.val().kind != ValueKind::Number &&
       s.val().kind != ValueKind::Bool)) {
    report(Code::E2003, s.has_value() ? s.val().span : s.span,
           fmt::format("the annotation `{}` takes a string", s.key),
           fmt::format("write `{} = \"text\"`; annotations are public text, never secrets", s.key));
    return;
  }
  if (s.val().kind == ValueKind::String) check_string(s.val(), s.key);
}

void Checker::validate_label_entry(const Stmt& s) {
  label_key(s, "label");
  if (!s.labels.empty() || s.has_block || !s.has_value() || s.val().kind != ValueKind::String ||
      s.val().has_interpolation()) {
    report(Code::E2003, s.has_value() ? s.val().span : s.span,
           fmt::format("the label `{}` takes a plain string", s.key),
           fmt::format("write `{} = \"value\"`; labels are public text, never secrets", s.key));
    return;
  }
  auto v = s.val().string_value();
  bool ok =
      v.size() <= 63 && std::all_of(v.begin(), v.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
      });
  if (!ok)
    report(Code::E2006, s.val().span, fmt::format("`{}` is not a valid label value", v),
           "label values are at most 63 letters, digits, `-`, `_` and `.`");
  check_string(s.val(), s.key);
  credential_by_name(s.key, s.val(), v);
}

void Checker::validate_map_entry(const Stmt& s) {
  if (!s.labels.empty() || s.has_block || !s.has_value()) {
    report(Code::E2003, s.span, fmt::format("`{}` needs a value: `{} = \"...\"`", s.key, s.key),
           "an environment entry is `NAME = \"text\"`, `NAME = secret(...)` or `NAME = dep.host`");
    return;
  }
  check_env_value(s.key, s.val());
}

}  // namespace stackc::check
