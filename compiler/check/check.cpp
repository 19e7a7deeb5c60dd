#include "check/check.hpp"
#include "base/text.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <map>
#include <set>
#include <thread>
#include <unordered_map>

#include "base/suggest.hpp"
#include "check/credentials.hpp"
#include "check/gitops.hpp"
#include "check/hardening.hpp"
#include "check/images.hpp"
#include "check/nodes.hpp"
#include "check/pipeline.hpp"
#include "check/ports.hpp"
#include "check/presence.hpp"
#include "check/probes.hpp"
#include "check/references.hpp"
#include "check/schema.hpp"
#include "check/security.hpp"
#include "check/system.hpp"
#include "check/templates.hpp"
#include "check/tree.hpp"
#include "check/units.hpp"
#include "check/versions.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {
namespace {

// Where the checker's report() goes on a helper thread (see Checker::in_halves).
thread_local base::Sink* t_sink = nullptr;
// From this many declarations, a loop over them is split across two threads.
constexpr std::size_t kParallelFrom = 256;

using ast::Stmt;
using ast::Value;
using ast::ValueKind;
// Names to their index: looked up by the views the syntax tree holds.
using Names = std::map<std::string, std::size_t, std::less<>>;
using base::Code;
using base::Span;

// ---- names ---------------------------------------------------------------------------------

bool is_dns_label(std::string_view s, std::size_t max = 63) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    if (!is_dns_label(
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string dns_fix(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else
      out += '-';
  }
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  return out;
}

std::string shown(const Stmt& s) {
  std::string k(s.key);
  for (const auto& l : s.labels) {
    k += ' ';
    k += l.text;
  }
  return k;
}

std::string_view kind_word(ValueKind k) {
  switch (k) {
    case ValueKind::String:
      return "a string";
    case ValueKind::Number:
      return "a number";
    case ValueKind::Bool:
      return "a boolean";
    case ValueKind::Path:
      return "a name";
    case ValueKind::List:
      return "a list";
    case ValueKind::Call:
      return "a call";
    case ValueKind::Range:
      return "a range";
    case ValueKind::Arrow:
      return "a port mapping";
    case ValueKind::Object:
      return "a block";
  }
  return "a value";
}

// ---- the checker ---------------------------------------------------------------------------

struct Decl {
  const Stmt* stmt = nullptr;
  const Kind* kind = nullptr;
  std::string name;
  Span name_span;
  const Kind* for_kind = nullptr;  // templates
  bool stdlib = false;
  bool used = false;
};

class Checker {
 public:
  Checker(const base::SourceManager& sm, Loader& loader, base::Sink& sink)
      : sm_(sm), loader_(loader), sink_(sink) {}

  Result run(ast::File root) {
    Result r;
    files_.push_back(std::move(root));
    load_imports(0);
    collect();
    if (sink_.error_count() == 0 || true) validate_all();
    if (sink_.error_count() == 0) {
      model::Model m = build();
      if (sink_.error_count() == 0) check_node_ports(m, sink_);
      if (sink_.error_count() == 0) complete(sm_, m, sink_);
      warn_unused();
      if (sink_.error_count() == 0) r.model = std::move(m);
    } else {
      warn_unused();
    }
    r.files = std::move(files_);
    return r;
  }

 private:
  const base::SourceManager& sm_;
  Loader& loader_;
  base::Sink& sink_;
  std::vector<ast::File> files_;
  std::map<base::FileId, std::size_t> file_index_;
  std::vector<Decl> decls_;  // in order
  Names workloads_, clusters_, envs_, templates_, alerts_, records_, dashboards_, backups_;
  Names singletons_;
  std::map<std::string, Span, std::less<>> receivers_;
  // The templates: their declarations, the index of each declaration among them, an order with
  // each after the templates it names (check_templates), and per environment each resolved.
  std::vector<std::size_t> template_decls_;
  std::map<std::size_t, std::size_t> template_index_;
  std::vector<std::size_t> template_order_;
  std::map<std::string, std::vector<MNode>, std::less<>> resolved_;
  // The workloads the `version` blocks make (`reviews-v1`), by name (versions.hpp).
  std::map<std::string, VersionName, std::less<>> version_names_;
  bool import_failed_ = false;  // then unknown templates are not reported again  // statement order
                                // of files (ids) for declarations

  base::Sink& sink() { return t_sink != nullptr ? *t_sink : sink_; }

  void report(Code c, Span s, std::string msg, std::string help = {},
              std::vector<base::Note> notes = {}) {
    auto d = base::make(c, s, std::move(msg), std::move(help));
    d.notes = std::move(notes);
    (t_sink != nullptr ? *t_sink : sink_).report(std::move(d));
  }

  // Runs f(i) for every i below n; with kParallelFrom or more, the second half on another thread
  // whose diagnostics are held and then reported after the first half's, as one pass would
  // report them (f must only read the checker's state, and write its own i's result).
  template <class F>
  void in_halves(std::size_t n, F f) {
    if (n < kParallelFrom) {
      for (std::size_t i = 0; i < n; ++i) f(i);
      return;
    }
    base::Collector held;
    std::thread second([&] {
      t_sink = &held;
      for (std::size_t i = n / 2; i < n; ++i) f(i);
      t_sink = nullptr;
    });
    for (std::size_t i = 0; i < n / 2; ++i) f(i);
    second.join();
    for (const auto& d : held.all()) sink_.report(d);
  }

  // ---- imports --------------------------------------------------------------------------------
  void load_imports(std::size_t index) {
    std::vector<base::FileId> stack{files_[index].id};
    file_index_[files_[index].id] = index;
    visit_imports(index, stack);
  }

  void visit_imports(std::size_t index, std::vector<base::FileId>& stack) {
    // Copy the statements' import specs first: files_ may grow.
    std::vector<const Stmt*> imports;
    for (const auto& s : files_[index].statements)
      if (s.key == "import") imports.push_back(&s);
    base::FileId self = files_[index].id;
    for (const Stmt* s : imports) {
      if (s->labels.size() != 1 || !s->labels[0].is_string || s->has_value() || s->has_block) {
        report(Code::E2003, s->span, "`import` takes one string: the module to load",
               "write `import \"std/postgres\"` or `import \"./common.stack\"`");
        continue;
      }
      const auto& spec = s->labels[0];
      auto res = loader_.load(spec.text, self);
      if (!res.file) {
        import_failed_ = true;
        report(res.code, spec.span, res.message, res.help);
        continue;
      }
      base::FileId id = *res.file;
      auto on_stack = std::find(stack.begin(), stack.end(), id);
      if (id == self) {
        report(Code::E2016, spec.span, fmt::format("`{}` imports itself", sm_.file(id).path()),
               "remove this import");
        continue;
      }
      if (on_stack != stack.end()) {
        std::string chain;
        for (auto it = on_stack; it != stack.end(); ++it) chain += sm_.file(*it).path() + " -> ";
        chain += sm_.file(id).path();
        report(Code::E2016, spec.span, fmt::format("import cycle: {}", chain),
               "move what both files need into a third file that both import");
        continue;
      }
      if (file_index_.count(id)) continue;  // already loaded (a diamond, not a cycle)
      ast::File f = syntax::parse(sm_, id, sink_);
      files_.push_back(std::move(f));
      std::size_t idx = files_.size() - 1;
      file_index_[id] = idx;
      stack.push_back(id);
      visit_imports(idx, stack);
      stack.pop_back();
    }
  }

  // ---- declarations ---------------------------------------------------------------------------
  void collect() {
    // Imported files first (in load order, last loaded first would reorder): root last keeps the
    // user's declarations after the stdlib's templates. Order: imports in load order, then root.
    for (std::size_t i = 1; i < files_.size(); ++i) collect_file(files_[i]);
    collect_file(files_[0]);
  }

  void collect_file(const ast::File& f) {
    bool stdlib = loader_.is_stdlib(f.id);
    for (const auto& s : f.statements) {
      if (s.key == "import") continue;
      const Kind* k = top_kind(s.key);
      if (!k) {
        if (s.key == "when") {
          report(Code::E2020, s.key_span, "`when` is not allowed at the top level",
                 "put `when ENV { ... }` inside the declaration whose fields it overrides");
          continue;
        }
        report(Code::E2001, s.key_span, fmt::format("unknown kind `{}`", s.key),
               base::did_you_mean(s.key, top_kind_names()).empty()
                   ? "the kinds are: " + fmt::format("{}", fmt::join(top_kind_names(), ", "))
                   : base::did_you_mean(s.key, top_kind_names()));
        continue;
      }
      Decl d;
      d.stmt = &s;
      d.kind = k;
      d.stdlib = stdlib;
      if (k->name == "template") {
        if (s.labels.size() != 3 || s.labels[1].text != "for" || s.labels[0].is_string ||
            s.labels[2].is_string || !s.has_block) {
          report(Code::E2003, s.span, "a template is written `template NAME for KIND { ... }`",
                 "for example `template web for service { replicas = 2 }`");
          continue;
        }
        d.name = s.labels[0].text;
        d.name_span = s.labels[0].span;
        d.for_kind = top_kind(s.labels[2].text);
        if (!d.for_kind || !d.for_kind->templated) {
          std::vector<std::string> names;
          for (const Kind* t : top_kinds())
            if (t->templated) names.emplace_back(t->name);
          report(Code::E2005, s.labels[2].span,
                 fmt::format("`{}` is not a kind that templates apply to", s.labels[2].text),
                 base::did_you_mean(s.labels[2].text, names).empty()
                     ? fmt::format("templates are for {}", fmt::join(names, ", "))
                     : base::did_you_mean(s.labels[2].text, names));
          continue;
        }
        add_named(templates_, d, "template");
        continue;
      }
      if (k->named) {
        if (s.labels.size() != 1 || (s.labels[0].is_string && k->name != "record")) {
          report(Code::E2003, s.labels.empty() ? s.key_span : s.labels[1 % s.labels.size()].span,
                 fmt::format("`{}` takes one name: `{} NAME {{ ... }}`", k->name, k->name),
                 fmt::format("for example `{} api {{ ... }}`", k->name));
          continue;
        }
        d.name = s.labels[0].text;
        d.name_span = s.labels[0].span;
      } else {
        if (!s.labels.empty()) {
          report(Code::E2003, s.labels[0].span, fmt::format("`{}` takes no name", k->name),
                 fmt::format("write `{} {{ ... }}`", k->name));
          continue;
        }
        d.name = std::string(k->name);
        d.name_span = s.key_span;
      }
      if (!s.has_block) {
        report(Code::E2003, s.span, fmt::format("`{}` needs a block: `{{ ... }}`", k->name),
               fmt::format("write `{} {}{{ ... }}`", k->name, k->named ? d.name + " " : ""));
        continue;
      }
      if (!s.from.empty() && !k->templated) {
        report(Code::E2020, s.from.front().span,
               fmt::format("`{}` does not take templates", k->name),
               "only workloads (service, worker, stateful, job, cron) use `from`");
      }
      if (k->singleton && k->name != "stack") {
        add_named(singletons_, d, std::string(k->name));
      } else if (k->workload) {
        add_named(workloads_, d, "workload");
      } else if (k->name == "stack") {
        add_named(singletons_, d, "stack");
      } else if (k->name == "cluster") {
        add_named(clusters_, d, "cluster");
      } else if (k->name == "environment") {
        add_named(envs_, d, "environment");
      } else if (k->name == "alert") {
        add_named(alerts_, d, "alert");
      } else if (k->name == "record") {
        add_named(records_, d, "record");
      } else if (k->name == "dashboard") {
        add_named(dashboards_, d, "dashboard");
      } else if (k->name == "backup") {
        add_named(backups_, d, "backup");
      }
    }
  }

  void add_named(Names& table, Decl d, const std::string& what) {
    std::string key = what == "stack" ? "stack" : d.name;
    auto it = table.find(key);
    if (it != table.end()) {
      const Decl& first = decls_[it->second];
      std::string msg = first.kind->singleton
                            ? fmt::format("`{}` is declared twice; a stack has one", d.kind->name)
                            : fmt::format("{} `{}` is declared twice", what, d.name);
      report(Code::E2002, d.name_span, msg,
             first.kind->singleton ? "merge the two blocks into one" : "rename one of them",
             {{first.name_span, "first declared here"}});
      return;
    }
    decls_.push_back(std::move(d));
    table[key] = decls_.size() - 1;
  }

  std::vector<std::string> names_of(const Names& t) const {
    std::vector<std::string> out;
    for (const auto& [k, v] : t) out.push_back(k);
    return out;
  }

  // ---- pass 1: validation of every statement against the schema ---------------------------
  struct Ctx {
    const Decl* decl;
    bool in_when = false;
  };

  void validate_all() {
    bool has_stack = singletons_.count("stack");
    if (!has_stack)
      report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack has no `stack` declaration",
             "add `stack NAME { registry = \"ghcr.io/ORG\"  version = \"1.0.0\" }`");
    if (clusters_.empty())
      report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack declares no `cluster`",
             "add `cluster NAME { nodes = 3  node { cpu = 4  memory = 16Gi } }`");
    if (envs_.empty())
      report(Code::E2019, Span{files_[0].id, 0, 0}, "the stack declares no `environment`",
             "add `environment NAME { cluster = CLUSTER }`");
    // Receivers first: alerts refer to them.
    if (auto it = singletons_.find("monitoring"); it != singletons_.end()) {
      collect_receivers(decls_[it->second].stmt->body);
    }
    // Every template named in a `from` is used (W0001), whether or not it fits.
    for (const auto& d : decls_)
      for (const auto& f : d.stmt->from)
        if (auto it = templates_.find(f.text); it != templates_.end())
          decls_[it->second].used = true;
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
      if (d.kind->name == "pipeline")
        for (auto& x : check_pipeline(*d.stmt, d.name_span))
          (t_sink != nullptr ? *t_sink : sink_).report(std::move(x));
      if (d.kind->name == "stack")
        for (auto& x : check_gitops(*d.stmt))
          (t_sink != nullptr ? *t_sink : sink_).report(std::move(x));
    });
  }

  void collect_receivers(ast::Seq<Stmt> body) {
    for (const auto& s : body) {
      if (s.key == "when") {
        collect_receivers(s.body);
      } else if (s.key == "alertmanager") {
        for (const auto& r : s.body) {
          if (r.key == "receiver" && r.labels.size() == 1 && !receivers_.count(r.labels[0].text))
            receivers_[std::string(r.labels[0].text)] = r.labels[0].span;
          if (r.key == "when")
            for (const auto& r2 : r.body)
              if (r2.key == "receiver" && r2.labels.size() == 1 &&
                  !receivers_.count(r2.labels[0].text))
                receivers_[std::string(r2.labels[0].text)] = r2.labels[0].span;
        }
      }
    }
  }

  // Cycles (E2021) and chains too long (E2026) in the graph of templates, and the order they are
  // resolved in.
  void check_template_graph() {
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
        if (auto it = templates_.find(f.text); it != templates_.end())
          n.from.push_back({template_index_.at(it->second), f.span});
      nodes.push_back(std::move(n));
    }
    template_order_ = check_templates(nodes, sink_);
  }

  void check_template_ref(const ast::Label& f, const Kind* k) {
    auto it = templates_.find(f.text);
    if (it == templates_.end() && import_failed_) return;
    if (it == templates_.end()) {
      auto hint = base::did_you_mean(f.text, names_of(templates_));
      report(Code::E2005, f.span, fmt::format("unknown template `{}`", f.text),
             hint.empty() ? "declare it with `template NAME for KIND { ... }`, or import the "
                            "module that has it (e.g. `import \"std/postgres\"`)"
                          : hint);
      return;
    }
    const Decl& t = decls_[it->second];
    if (t.for_kind != k) {
      report(
          Code::E2013, f.span,
          fmt::format("template `{}` is for a {}, not for a {}", f.text, t.for_kind->name, k->name),
          fmt::format("declare this as a `{}`, or use a template written for `{}`",
                      t.for_kind->name, k->name),
          {{t.name_span, "the template is declared here"}});
    }
  }

  void validate_block(ast::Seq<Stmt> body, const Kind& kind, const Ctx& ctx) {
    // Each slot (key and labels) set so far, for E2002: hashed, so a block of n statements costs
    // n look-ups, not n * n comparisons.
    std::unordered_map<std::string, const Stmt*> seen;
    std::map<std::string, Span> when_seen;
    bool is_map =
        kind.fields.empty() && (kind.name == "env" || kind.name == "labels" ||
                                kind.name == "annotations" || kind.name == "node_selector");
    for (const auto& s : body) {
      if (!s.from.empty()) {
        report(Code::E2020, s.from.front().span,
               "`from` is only allowed on a top-level declaration",
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

  void validate_when(const Stmt& s, const Kind& kind, const Ctx& ctx,
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
    if (!envs_.count(env.text)) {
      auto hint = base::did_you_mean(env.text, names_of(envs_));
      report(Code::E2005, env.span, fmt::format("unknown environment `{}`", env.text),
             hint.empty()
                 ? fmt::format("the environments are: {}", fmt::join(names_of(envs_), ", "))
                 : hint);
    }
    if (auto [it, fresh] = seen.emplace(env.text, env.span); !fresh)
      report(Code::E2002, env.span, fmt::format("`when {}` appears twice in this block", env.text),
             "merge the two blocks into one", {{it->second, "first here"}});
    Ctx inner = ctx;
    inner.in_when = true;
    validate_block(s.body, kind, inner);
  }

  void validate_field(const Stmt& s, const Field& f, const Kind& kind, const Ctx& ctx) {
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
      bool has_letter =
          std::any_of(n.begin(), n.end(), [](char c) { return c >= 'a' && c <= 'z'; });
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
  void warn_system_path(const Value& v) {
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
      report(Code::W0005, v.span,
             fmt::format("a volume mounted at {} hides {}", where, hidden.what),
             "mount it at a path of its own, such as `/data` or `/var/lib/APP`");
  }

  // `labels "example.com" { ... }`, `annotations "prometheus.io" { ... }`: the prefix of the keys.
  void validate_prefix(const Stmt& s) {
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
                 fmt::format("`app.kubernetes.io/{}` is a label stackc sets on every pod", own),
                 own == "name" || own == "instance"
                     ? "it selects the workload's pods; remove it"
                     : "remove it; stackc writes it from the stack and the workload");
  }

  // A label or annotation name (after its prefix): at most 63 characters, alphanumeric at both
  // ends.
  void label_key(const Stmt& s, std::string_view what) {
    auto k = s.key;
    auto alnum = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0; };
    if (k.size() <= 63 && alnum(k.front()) && alnum(k.back())) return;
    report(Code::E2006, s.key_span, fmt::format("`{}` is not a valid {} name", k, what),
           "names are at most 63 letters, digits, `-`, `_` and `.`, starting and ending with a "
           "letter or digit");
  }

  void validate_annotation_entry(const Stmt& s) {
    label_key(s, "annotation");
    if (!s.labels.empty() || s.has_block || !s.has_value() ||
        (s.val().kind != ValueKind::String && s.val().kind != ValueKind::Number &&
         s.val().kind != ValueKind::Bool)) {
      report(
          Code::E2003, s.has_value() ? s.val().span : s.span,
          fmt::format("the annotation `{}` takes a string", s.key),
          fmt::format("write `{} = \"text\"`; annotations are public text, never secrets", s.key));
      return;
    }
    if (s.val().kind == ValueKind::String) check_string(s.val(), s.key);
  }

  void validate_label_entry(const Stmt& s) {
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

  void validate_map_entry(const Stmt& s) {
    if (!s.labels.empty() || s.has_block || !s.has_value()) {
      report(
          Code::E2003, s.span, fmt::format("`{}` needs a value: `{} = \"...\"`", s.key, s.key),
          "an environment entry is `NAME = \"text\"`, `NAME = secret(...)` or `NAME = dep.host`");
      return;
    }
    check_env_value(s.key, s.val());
  }

  // ---- values -----------------------------------------------------------------------------
  void type_error(const Value& v, std::string_view key, std::string_view expected,
                  std::string help) {
    report(Code::E2003, v.span,
           fmt::format("`{}` expects {}, found {}", key, expected, kind_word(v.kind)),
           std::move(help));
  }

  bool quantity(const Quantity& q, const Value& v, std::string_view key = {}) {
    if (q.ok) return true;
    std::string msg = q.message;
    if (!key.empty() && msg.rfind("expected ", 0) == 0)
      msg = fmt::format("`{}` expects {}", key, msg.substr(9));
    report(q.code, v.span, std::move(msg), q.help);
    return false;
  }

  void bounds(std::int64_t x, const Field& f, const Value& v) {
    if (f.min < f.max && (x < f.min || x > f.max))
      report(Code::E2017, v.span,
             fmt::format("`{}` is out of range for `{}`: it must be between {} and {}", v.raw,
                         f.name, f.min, f.max),
             fmt::format("choose a value from {} to {}", f.min, f.max));
  }

  void no_secret(const Value& v, const Field& f) {
    if (v.kind == ValueKind::Call && !v.path.empty() && v.path[0] == "secret") {
      report(Code::E2008, v.span,
             fmt::format("a secret cannot flow into `{}`, which is not secret-typed", f.name),
             "secrets go into `env` entries and secret fields such as `admin_password`, "
             "`bot_token`, `webhook`");
    }
    for (const auto& i : v.items) no_secret(i, f);
  }

  void check_range(const Value& v, const Field& f, Quantity (*conv)(const Value&),
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
               fmt::format("write `request..limit` with the request first: `{}..{}`",
                           v.items[1].raw, v.items[0].raw));
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

  static bool has_secret(const Value& v) {
    if (v.kind == ValueKind::Call && !v.path.empty() && v.path[0] == "secret") return true;
    for (const auto& i : v.items)
      if (has_secret(i)) return true;
    return false;
  }

  void check_value(const Value& v, const Field& f, const Ctx& ctx) {
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
            type_error(i, f.name,
                       fmt::format("one of {}", fmt::join(split_choices(f.choices), ", ")),
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
          type_error(v, f.name, "a cron schedule in quotes",
                     "write e.g. `schedule = \"0 2 * * *\"`");
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
          validate_block(v.body, *f.block, ctx);
          require_fields(v.body, *f.block, v.span, tag);
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

  void require_fields(ast::Seq<Stmt> body, const Kind& k, Span at, std::string_view what) {
    for (const auto& f : k.fields) {
      if (!f.required) continue;
      bool found =
          std::any_of(body.begin(), body.end(), [&](const Stmt& s) { return s.key == f.name; });
      if (!found)
        report(Code::E2007, at, fmt::format("`{}` has no `{}`", what, f.name),
               fmt::format("add `{} = ...` ({})", f.name, f.doc));
    }
  }

  void check_choice(const Value& v, const Field& f) {
    if (choice_allowed(f.choices, v.path[0])) return;
    auto hint = base::did_you_mean(v.path[0], split_choices(f.choices));
    report(Code::E2003, v.span, fmt::format("`{}` is not a valid `{}`", v.path[0], f.name),
           hint.empty() ? fmt::format("choose one of {}", fmt::join(split_choices(f.choices), ", "))
                        : hint);
  }

  const Names* table_for(std::string_view kind) const {
    if (kind == "cluster") return &clusters_;
    if (kind == "workload") return &workloads_;
    return nullptr;
  }

  void check_ref(const Value& v, std::string_view kind) {
    std::string name(v.path[0]);
    if (kind == "receiver") {
      if (receivers_.count(name)) return;
      std::vector<std::string> names;
      for (const auto& [n, s] : receivers_) names.push_back(n);
      auto hint = base::did_you_mean(name, names);
      report(Code::E2005, v.span, fmt::format("unknown receiver `{}`", name),
             !hint.empty() ? hint
             : names.empty()
                 ? "declare it in `monitoring { alertmanager { receiver NAME { ... } } }`"
                 : fmt::format("the receivers are: {}", fmt::join(names, ", ")));
      return;
    }
    const auto* table = table_for(kind);
    if (!table || table->count(name)) return;
    if (kind == "workload" && report_version_reference(version_names_, name, v.span, sink()))
      return;
    auto hint = base::did_you_mean(name, names_of(*table));
    report(Code::E2005, v.span, fmt::format("unknown {} `{}`", kind, name),
           !hint.empty() ? hint
           : table->empty()
               ? fmt::format("declare a {} first", kind)
               : fmt::format("the {}s are: {}", kind, fmt::join(names_of(*table), ", ")));
  }

  void check_ref_list(const Value& v, std::string_view kind, const Ctx& ctx) {
    std::set<std::string> seen;
    for (const auto& i : v.items) {
      if (i.kind != ValueKind::Path || i.path.size() != 1) {
        type_error(i, kind == "receiver" ? "notify" : "needs",
                   fmt::format("the name of a {}", kind), "write a bare name");
        continue;
      }
      if (!seen.insert(std::string(i.path[0])).second) {
        report(Code::E2002, i.span, fmt::format("`{}` is listed twice", i.path[0]),
               "remove one of them");
        continue;
      }
      if (kind == "workload" && ctx.decl && ctx.decl->kind->workload &&
          i.path[0] == ctx.decl->name) {
        report(Code::E2005, i.span, fmt::format("`{}` cannot need itself", i.path[0]),
               "remove it from `needs`");
        continue;
      }
      check_ref(i, kind);
    }
  }

  void check_backup_source(const Value& v, const Field& f) {
    if (v.kind == ValueKind::Path && v.path.size() == 1) {
      auto it = workloads_.find(std::string(v.path[0]));
      if (it == workloads_.end()) {
        check_ref(v, "workload");
        return;
      }
      const Decl& d = decls_[it->second];
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

  void check_image(const Value& v, const Field& f) {
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

  void check_string(const Value& v, std::string_view key) {
    for (const auto& p : v.parts) {
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

  void check_interpolation(const ast::StringPart& p) {
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
    if (parts.size() == 3 && parts[1] == "port" && workloads_.count(parts[0])) return;
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
    if (workloads_.count(parts[0])) {
      if (std::find(wl_attrs.begin(), wl_attrs.end(), parts[1]) == wl_attrs.end())
        unknown(fmt::format("an unknown field `{}` of `{}`", parts[1], parts[0]), wl_attrs,
                parts[1]);
      return;
    }
    std::vector<std::string> roots = {"stack", "env"};
    for (const auto& [n, i] : workloads_) roots.push_back(n);
    unknown(fmt::format("`{}`, which is not declared", parts[0]), roots, parts[0]);
  }

  void check_secret_call(const Value& v) {
    const Value* name = nullptr;
    const Value* key = nullptr;
    bool bad = false;
    for (const auto& a : v.items) {
      if (a.arg_name.empty()) {
        if (name) bad = true;
        name = &a;
      } else if (a.arg_name == "key") {
        key = &a;
      } else {
        report(Code::E2003, a.arg_name_span,
               fmt::format("`secret` has no argument `{}`", a.arg_name),
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
  void credential_by_name(std::string_view key, const Value& v, std::string_view text) {
    auto f = find_credential_entry(key, text);
    if (f.by != CredentialFinding::By::Name) return;
    report(
        Code::E2009, v.span,
        fmt::format("`{}` looks like a credential ({}), but its value is written in the file", key,
                    f.what),
        fmt::format("keep it in the secret backend: `{} = secret(\"NAME\", key = \"KEY\")`", key));
  }

  void check_env_value(std::string_view key, const Value& v) {
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
        std::string target(v.path[0]);
        if (!workloads_.count(target)) {
          check_ref(v, "workload");
          break;
        }
        if (v.path[1] != "host" && v.path[1] != "port") {
          auto hint = base::did_you_mean(v.path[1], {"host", "port"});
          report(Code::E2005, v.span, fmt::format("`{}` has no field `{}`", target, v.path[1]),
                 hint.empty() ? "a workload has `host` and `port`" : hint);
        }
        break;
      }
      default:
        report(Code::E2003, v.span,
               fmt::format("`{}` expects a string, a number, a secret or a reference, found {}",
                           key, kind_word(v.kind)),
               "write the value in quotes");
    }
  }

  // ---- pass 2: per-environment resolution ---------------------------------------------------
  void merge(MNode& into, ast::Seq<Stmt> body, const Kind* kind, const std::string& env) {
    Slots slots(into, body.size());
    for (const auto& s : body) {
      if (s.key == "when") continue;
      const Field* f = kind ? kind->field(s.key) : nullptr;
      MNode& slot = slots.of(s);
      if (f && (f->type == Type::Block || f->type == Type::Map) && s.has_block) {
        slot.stmt = &s;
        merge(slot, s.body, f->block, env);
      } else if (f && f->type == Type::Port && f->block && s.has_block) {
        slot = MNode{&s, {}, true};  // a port is replaced whole, its settings with it
        merge(slot, s.body, f->block, env);
      } else {
        slot = MNode{&s, {}, true};
      }
    }
    for (const auto& s : body)
      if (s.key == "when" && s.labels.size() == 1 && s.labels[0].text == env)
        merge(into, s.body, kind, env);
  }

  // Every template resolved for one environment (by template_index_), each once: it is its
  // `from` templates (already resolved, in template_order_) overlaid in order, then its body.
  void prepare_templates(const std::string& env) {
    if (resolved_.count(env)) return;
    std::vector<MNode>& r = resolved_[env];
    r.resize(template_decls_.size());
    for (std::size_t i : template_order_) {
      const Decl& t = decls_[template_decls_[i]];
      apply_templates(r[i], t, t.for_kind, r);
      merge(r[i], t.stmt->body, t.for_kind, env);
    }
  }

  void apply_templates(MNode& into, const Decl& d, const Kind* kind,
                       const std::vector<MNode>& resolved) const {
    for (const auto& f : d.stmt->from) {
      auto it = templates_.find(f.text);
      if (it == templates_.end()) continue;
      const Decl& t = decls_[it->second];
      if (t.for_kind != kind) continue;
      overlay(into, resolved[template_index_.at(it->second)]);
    }
  }

  // With `version`, one version of a versioned workload: its block (and its `when ENV`) merged
  // over the workload's fields as they are in the environment.
  MNode resolve(const Decl& d, const std::string& env, const Stmt* version = nullptr) {
    MNode root;
    root.stmt = d.stmt;
    if (!d.stmt->from.empty()) apply_templates(root, d, d.kind, resolved_.at(env));
    merge(root, d.stmt->body, d.kind, env);
    // The `version` blocks are not fields of the workload: each makes a workload of its own.
    if (d.kind->workload)
      std::erase_if(root.kids,
                    [](const MNode& k) { return k.stmt != nullptr && k.stmt->key == "version"; });
    if (version) merge(root, version->body, d.kind, env);
    return root;
  }

  // Silent converters (values were checked in pass 1).
  static std::int64_t q_or(Quantity q, std::int64_t def) { return q.ok ? q.value : def; }
  // `stack { gitops { ... } }` into the model (the checks are in check/gitops.cpp).
  void read_gitops(const MNode& g, const Decl& d, model::Model& m) {
    require_block(g, *top_kind("stack")->field("gitops")->block, "gitops");
    m.gitops.present = true;
    m.gitops.span = d.name_span;
    m.gitops.repository = str(g.value("repository"));
    if (auto* v = g.value("revision")) m.gitops.revision = str(v);
    m.gitops.path = g.value("path") ? str(g.value("path")) : "out/" + m.stack.name;
    while (m.gitops.path.size() > 1 && m.gitops.path.back() == '/') m.gitops.path.pop_back();
    if (auto* v = g.value("deploy")) m.gitops.deploy = std::string(v->raw);
    if (auto* v = g.value("server")) m.gitops.server = str(v);
    if (auto* v = g.value("project")) m.gitops.project = str(v);
    if (auto* v = g.value("interval")) m.gitops.interval = q_or(to_seconds(*v), 300);
  }

  static std::string str(const Value* v) {
    return v && v->kind == ValueKind::String ? v->string_value() : std::string();
  }

  model::Resource resource(const Value* v, bool cpu, model::Resource def = {}) {
    if (!v) return def;
    model::Resource r;
    r.span = v->span;
    auto conv = cpu ? to_millicores : to_bytes;
    if (v->kind == ValueKind::Range) {
      r.request = q_or(conv(v->items[0]), 0);
      r.limit = q_or(conv(v->items[1]), 0);
    } else {
      r.request = r.limit = q_or(conv(*v), 0);
    }
    return r;
  }

  std::string interpolate(const Value& v, const model::Model& m, const model::Environment& e) {
    std::string out;
    for (const auto& p : v.parts) {
      if (!p.interpolation) {
        out += p.text;
        continue;
      }
      auto dot = p.text.find('.');
      std::string a(p.text.substr(0, dot)),
          b(dot == std::string::npos ? std::string_view() : p.text.substr(dot + 1));
      if (a == "stack") {
        out += b == "name"       ? m.stack.name
               : b == "registry" ? m.stack.registry
               : b == "version"  ? m.stack.version
                                 : m.stack.owner;
      } else if (a == "env") {
        out += b == "name"        ? e.name
               : b == "namespace" ? e.ns
               : b == "domain"    ? e.domain
               : b == "branch"    ? e.branch
                                  : e.cluster;
      } else if (b == "host") {
        out += a;
      } else if (b == "port" || b == "address" || b.rfind("port.", 0) == 0) {
        // The first port, or the one named; `address` is `host:port`.
        std::string_view name = b.rfind("port.", 0) == 0 ? std::string_view(b).substr(5) : "";
        std::string port;
        for (const auto& [pn, num] : ports_of(a, e))
          if (name.empty() || pn == name) {
            port = std::to_string(num);
            break;
          }
        out += b == "address" ? (port.empty() ? a : a + ":" + port) : port;
      }
    }
    return out;
  }

  // The ports a workload declares in an environment (template ports first): name, number.
  std::vector<std::pair<std::string, std::int64_t>> ports_of(const std::string& workload,
                                                             const model::Environment& e) {
    std::vector<std::pair<std::string, std::int64_t>> out;
    auto it = workloads_.find(workload);
    if (it == workloads_.end()) return out;
    MNode n = resolve(decls_[it->second], e.name);
    for (const auto& kid : n.kids)
      if (auto p = port_of(kid)) out.emplace_back(p->name, p->number);  // the Service's port
    return out;
  }

  // References to other workloads in the strings of `n` (references.hpp); a named port must be
  // declared by the workload referred to in this environment.
  std::vector<model::Reference> workload_refs(const MNode& n, const std::string& self,
                                              const model::Environment& e) {
    auto refs = references(n, self, [&](std::string_view w) { return workloads_.count(w) > 0; });
    for (const auto& r : refs) {
      if (r.attr.rfind("port.", 0) != 0) continue;
      const std::string name = r.attr.substr(5);
      std::vector<std::string> names;
      bool found = false;
      for (const auto& [pn, num] : ports_of(r.target, e)) {
        found = found || pn == name;
        names.push_back(pn);
      }
      if (found) continue;
      std::string hint = base::did_you_mean(name, names);
      report(Code::E2005, r.span,
             fmt::format("`${{{}.{}}}` names the port `{}`, but `{}` declares no port of that name",
                         r.target, r.attr, name, r.target),
             !hint.empty() ? hint
             : names.empty()
                 ? fmt::format("`{}` declares no port", r.target)
                 : fmt::format("the ports of `{}` are: {}", r.target, fmt::join(names, ", ")));
    }
    return refs;
  }

  std::string interp_or(const Value* v, const model::Model& m, const model::Environment& e) {
    return v && v->kind == ValueKind::String ? interpolate(*v, m, e) : std::string();
  }

  model::SecretRef secret_ref(const Value& v) {
    model::SecretRef s;
    s.span = v.span;
    for (const auto& a : v.items) {
      if (a.arg_name.empty())
        s.name = a.string_value();
      else if (a.arg_name == "key")
        s.key = a.string_value();
    }
    return s;
  }

  std::vector<model::EnvVar> env_vars(const MNode* n, const model::Model& m,
                                      const model::Environment& e) {
    std::vector<model::EnvVar> out;
    if (!n) return out;
    for (const auto& kid : n->kids) {
      if (!kid.stmt || !kid.stmt->has_value()) continue;
      const Value& v = kid.stmt->val();
      model::EnvVar ev;
      ev.name = std::string(kid.stmt->key);
      ev.span = kid.stmt->span;
      if (v.kind == ValueKind::Call) {
        ev.kind = model::EnvVar::Kind::Secret;
        ev.secret = secret_ref(v);
      } else if (v.kind == ValueKind::Path && v.path.size() == 2) {
        ev.kind = model::EnvVar::Kind::Ref;
        ev.ref_target = std::string(v.path[0]);
        ev.ref_attr = std::string(v.path[1]);
      } else if (v.kind == ValueKind::String) {
        ev.value = interpolate(v, m, e);
      } else {
        ev.value = std::string(v.raw);
      }
      out.push_back(std::move(ev));
    }
    return out;
  }

  static std::optional<model::Probe> probe(const Value* v) {
    if (!v || v->kind != ValueKind::Call) return std::nullopt;
    return probe_of(*v);
  }

  std::vector<std::string> strings(const Value* v) {
    std::vector<std::string> out;
    if (v && v->kind == ValueKind::List)
      for (const auto& i : v->items)
        out.push_back(i.kind == ValueKind::String ? i.string_value() : std::string(i.raw));
    return out;
  }

  // A list of strings with their interpolations substituted (`command`, `args`).
  std::vector<std::string> strings(const Value* v, const model::Model& m,
                                   const model::Environment& e) {
    std::vector<std::string> out;
    if (v && v->kind == ValueKind::List)
      for (const auto& i : v->items)
        out.push_back(i.kind == ValueKind::String ? interpolate(i, m, e) : std::string(i.raw));
    return out;
  }

  std::vector<model::Dependency> deps(const Value* v) {
    std::vector<model::Dependency> out;
    if (v && v->kind == ValueKind::List)
      for (const auto& i : v->items) out.push_back({std::string(i.raw), i.span});
    else if (v && v->kind == ValueKind::Path)
      out.push_back({std::string(v->raw), v->span});
    return out;
  }

  // With `version`, one version of the workload (reported at the version's name).
  void require(const MNode& n, const Kind& k, const Decl& d, const Stmt* version = nullptr) {
    for (const auto& f : k.fields) {
      if (!f.required) continue;
      bool found = false;
      for (const auto& kid : n.kids)
        if (kid.stmt && kid.stmt->key == f.name) found = true;
      if (found) continue;
      if (version)
        report(Code::E2007, version->labels[0].span,
               fmt::format("version `{}` of {} `{}` has no `{}`", version->labels[0].text, k.name,
                           d.name, f.name),
               fmt::format("add `{} = ...` to `version {}`, or to `{}` for every version", f.name,
                           version->labels[0].text, d.name));
      else
        report(Code::E2007, d.name_span, fmt::format("{} `{}` has no `{}`", k.name, d.name, f.name),
               fmt::format("add `{} = ...`{}", f.name,
                           k.templated ? ", or apply a template that sets it" : ""));
    }
  }

  // Required fields of a nested block, after merging (a `when` may supply them).
  void require_block(const MNode& n, const Kind& k, std::string_view what) {
    for (const auto& f : k.fields) {
      if (!f.required) continue;
      bool found = std::any_of(n.kids.begin(), n.kids.end(), [&](const MNode& kid) {
        return kid.stmt && kid.stmt->key == f.name;
      });
      if (!found)
        report(Code::E2007, n.stmt->key_span, fmt::format("`{}` has no `{}`", what, f.name),
               fmt::format("add `{} = ...` inside `{}`", f.name, what));
    }
  }

  // W0006: an exception to the secure defaults that the workload gets from a template declared
  // in another file (not the stdlib's, whose exceptions are documented), reported at the `from`.
  void warn_imported_exceptions(const Decl& d, const MNode& security) {
    for (const auto& kid : security.kids) {
      if (!kid.stmt || kid.stmt->span.file == d.stmt->span.file) continue;
      std::string what = security_exception(*kid.stmt);
      if (what.empty()) continue;
      const Decl* t = nullptr;
      for (const auto& [name, i] : templates_) {
        const Span& at = decls_[i].stmt->span;
        if (at.file == kid.stmt->span.file && at.begin <= kid.stmt->span.begin &&
            kid.stmt->span.end <= at.end)
          t = &decls_[i];
      }
      if (!t || t->stdlib) continue;
      std::function<bool(std::string_view, int)> reaches = [&](std::string_view name, int depth) {
        auto it = templates_.find(name);
        if (name == t->name) return true;
        if (it == templates_.end() || depth > 32) return false;
        for (const auto& f : decls_[it->second].stmt->from)
          if (reaches(f.text, depth + 1)) return true;
        return false;
      };
      for (const auto& f : d.stmt->from) {
        if (!reaches(f.text, 0)) continue;
        report(
            Code::W0006, f.span,
            fmt::format("`{}` gets an exception to the secure defaults from template `{}` of "
                        "another file: {}",
                        d.name, t->name, what),
            fmt::format("an exception to the secure defaults belongs where the workload is "
                        "declared: if `{}` needs it, write `{}` in its own `security {{ ... }}`; "
                        "otherwise remove it from the template",
                        d.name, kid.stmt->key),
            {{kid.stmt->span, "the exception, in the template"}});
        break;
      }
    }
  }

  // One workload of a declaration, or of one of its versions (`version`; versions.hpp).
  model::Workload workload(const Decl& d, const model::Model& m, const model::Environment& e,
                           const Stmt* version = nullptr) {
    MNode n = resolve(d, e.name, version);
    require(n, *d.kind, d, version);
    for (const auto& kid : n.kids) {
      if (!kid.stmt || !kid.stmt->has_block) continue;
      const Field* f = d.kind->field(kid.stmt->key);
      if (f && f->block && f->type == Type::Block)
        require_block(kid, *f->block,
                      kid.stmt->labels.empty()
                          ? std::string(kid.stmt->key)
                          : fmt::format("{} {}", kid.stmt->key, kid.stmt->labels[0].text));
    }
    model::Workload w;
    const auto& k = d.kind->name;
    w.kind = k == "service"    ? model::Workload::Kind::Service
             : k == "worker"   ? model::Workload::Kind::Worker
             : k == "stateful" ? model::Workload::Kind::Stateful
             : k == "job"      ? model::Workload::Kind::Job
                               : model::Workload::Kind::Cron;
    w.name = d.name;
    w.span = d.name_span;
    w.decl_span = d.stmt->span;
    if (version) {
      w.group = d.name;
      w.version = version->labels[0].text;
      w.name = d.name + "-" + w.version;
      w.version_span = version->labels[0].span;
    }
    for (const auto& f : d.stmt->from) w.templates.emplace_back(f.text);
    w.image = interp_or(n.value("image"), m, e);
    if (auto* v = n.value("image")) w.image_span = v->span;
    w.refs = workload_refs(n, d.name, e);
    if (const MNode* en = n.child("enabled"); en && en->stmt && en->stmt->has_value()) {
      w.enabled = en->stmt->val().boolean;
      w.enabled_span = en->stmt->span;
    }
    if (const Value* r = n.value("replicas")) {
      w.replicas_span = r->span;
      if (r->kind == ValueKind::Range) {
        w.replicas_min = q_or(to_int(r->items[0]), 1);
        w.replicas_max = q_or(to_int(r->items[1]), 1);
      } else {
        w.replicas_min = w.replicas_max = q_or(to_int(*r), 1);
      }
    }
    for (const auto& kid : n.kids) {
      const Stmt* s = kid.stmt;
      if (!s) continue;
      if (auto p = port_of(kid)) w.ports.push_back(std::move(*p));
      if (s->key == "volume" && s->labels.size() == 1) {
        model::Volume vol;
        vol.name = s->labels[0].text;
        vol.size = kid.value("size") ? q_or(to_bytes(*kid.value("size")), 0) : 0;
        vol.mount = interp_or(kid.value("mount"), m, e);
        vol.persistent = kid.value("persistent") && kid.value("persistent")->boolean;
        vol.memory = kid.value("medium") && kid.value("medium")->raw == "memory";
        vol.span = s->span;
        if (vol.persistent && !kid.value("size"))
          report(Code::E2007, s->key_span,
                 fmt::format("the persistent volume `{}` has no `size`", vol.name),
                 "add `size = 1Gi`: a claim asks for a size");
        if (vol.persistent && vol.memory)
          report(Code::E2003, kid.value("medium")->span,
                 fmt::format("`{}` is persistent: it lives in a claim, not in memory", vol.name),
                 "remove `medium = memory`, or `persistent = true` for an emptyDir in memory");
        w.volumes.push_back(std::move(vol));
      }
    }
    w.cpu = resource(n.value("cpu"), true);
    w.memory = resource(n.value("memory"), false);
    if (const MNode* a = n.child("autoscale")) {
      model::Autoscale as;
      as.span = a->stmt->span;
      if (auto* v = a->value("cpu")) as.cpu_percent = q_or(to_percent(*v), 0);
      if (auto* v = a->value("memory")) as.memory_percent = q_or(to_percent(*v), 0);
      w.autoscale = as;
    }
    if (const MNode* i = n.child("ingress")) {
      model::Ingress in;
      in.span = i->stmt->span;
      in.host = interp_or(i->value("host"), m, e);
      if (auto* v = i->value("path")) in.path = interp_or(v, m, e);
      if (auto* v = i->value("port")) in.port = str(v);
      if (auto* v = i->value("tls")) in.tls = v->boolean;
      if (auto* v = i->value("tls_secret")) in.tls_secret = str(v);
      if (auto* v = i->value("class")) in.ingress_class = str(v);
      w.ingress = in;
    }
    if (const MNode* h = n.child("health")) {
      w.liveness = probe(h->value("liveness"));
      w.readiness = probe(h->value("readiness"));
      w.startup = probe(h->value("startup"));
    }
    w.env = env_vars(n.child("env"), m, e);
    w.needs = deps(n.value("needs"));
    if (const MNode* mt = n.child("metrics")) {
      for (const auto& kid : mt->kids) {
        const Stmt* s = kid.stmt;
        if (!s || s->labels.size() != 1) continue;
        model::Metric me;
        me.name = s->labels[0].text;
        me.span = s->span;
        me.kind = s->key == "counter"     ? model::Metric::Kind::Counter
                  : s->key == "gauge"     ? model::Metric::Kind::Gauge
                  : s->key == "histogram" ? model::Metric::Kind::Histogram
                                          : model::Metric::Kind::Summary;
        w.metrics.push_back(std::move(me));
      }
      if (auto* v = mt->value("path")) w.metrics_path = str(v);
      if (auto* v = mt->value("port")) w.metrics_port = str(v);
    }
    if (auto* v = n.value("spread")) {
      w.spread = std::string(v->raw);
      w.spread_span = v->span;
    } else if (w.kind == model::Workload::Kind::Stateful && w.replicas_max > 1)
      w.spread = "nodes";  // replicas of a database on one node are no replicas
    if (const MNode* dn = n.child("disruption")) {
      if (auto* v = dn->value("min_available")) w.min_available = q_or(to_int(*v), 0);
      if (auto* v = dn->value("max_unavailable")) w.max_unavailable = q_or(to_int(*v), 0);
    }
    if (const MNode* sc = n.child("security")) {
      read_security(*sc, w.security, sink());
      if (auto* v = sc->value("fs_group")) w.security.fs_group = q_or(to_int(*v), 0);
      if (auto* v = sc->value("writable_root")) w.security.writable_root = v->boolean;
      if (auto* v = sc->value("service_account_token"))
        w.security.service_account_token = v->boolean;
      w.security.writable_paths = strings(sc->value("writable_paths"));
      warn_imported_exceptions(d, *sc);
    }
    if (auto* v = n.value("egress")) egress(*v, w);
    w.command = strings(n.value("command"), m, e);
    w.args = strings(n.value("args"), m, e);
    if (const MNode* x = n.child("exporter")) {
      model::Exporter ex;
      ex.span = x->stmt->span;
      ex.image = interp_or(x->value("image"), m, e);
      if (auto* v = x->value("image")) ex.image_span = v->span;
      if (auto* v = x->value("port")) ex.port = q_or(to_int(*v), 0);
      if (auto* v = x->value("path")) ex.path = str(v);
      if (auto* v = x->value("prefix")) ex.prefix = str(v);
      ex.env = env_vars(x->child("env"), m, e);
      ex.cpu = resource(x->value("cpu"), true, {50, 100, {}});
      ex.memory = resource(x->value("memory"), false, {32LL << 20, 64LL << 20, {}});
      w.exporter = std::move(ex);
    }
    if (auto* v = n.value("storage")) w.storage = q_or(to_bytes(*v), 0);
    if (auto* v = n.value("data_path")) w.data_path = str(v);
    pod_details(n, d, m, e, w);
    if (auto* v = n.value("backup_method")) w.backup_method = std::string(v->raw);
    if (auto* v = n.value("schedule")) w.schedule = str(v);
    if (auto* v = n.value("retries")) w.retries = q_or(to_int(*v), 3);
    if (auto* v = n.value("timeout")) w.timeout = q_or(to_seconds(*v), 0);
    // Ports named by `ingress.port`, `metrics.port` and probes must be declared.
    auto port_ref = [&](const std::string& name, const Value* v, Span at, const char* what) {
      if (name.empty()) return;
      std::vector<std::string> names;
      for (const auto& p : w.ports) {
        if (p.name == name) return;
        names.push_back(p.name);
      }
      if (w.exporter && name == "metrics") return;  // the exporter's port
      std::string hint = base::did_you_mean(name, names);
      report(Code::E2005, v ? v->span : at,
             fmt::format("{} names the port `{}`, but `{}` declares no port of that name", what,
                         name, d.name),
             !hint.empty() ? hint
             : names.empty()
                 ? fmt::format("declare it: `port {} = 8080`", name)
                 : fmt::format("the ports of `{}` are: {}", d.name, fmt::join(names, ", ")));
    };
    if (w.ingress)
      port_ref(w.ingress->port, n.child("ingress")->value("port"), w.ingress->span, "`ingress`");
    if (const MNode* mt = n.child("metrics"))
      port_ref(w.metrics_port, mt->value("port"), mt->stmt->span, "`metrics`");
    for (const auto* probe : {&w.liveness, &w.readiness, &w.startup})
      if (*probe) port_ref((*probe)->port_name, nullptr, (*probe)->span, "the probe");
    read_exposure(n, m.cluster(e.cluster), w, sink());
    // Kind-specific shape checks.
    if (!w.metrics.empty() && w.ports.empty())
      report(Code::E2007, n.child("metrics") ? n.child("metrics")->stmt->span : d.name_span,
             fmt::format("`{}` declares metrics but no port to scrape them from", d.name),
             "add `port metrics = 9090` (and `metrics { port = \"metrics\" }` if it serves "
             "other ports too)");
    if (w.kind == model::Workload::Kind::Service && w.ports.empty())
      report(Code::E2007, d.name_span, fmt::format("service `{}` has no `port`", d.name),
             "add `port http = 8080`, or declare it as a `worker` if it serves nothing");
    return w;
  }

  // The pod beyond the main container: working directory, init and sidecar containers, grace
  // period and pre-stop hook, pod labels and annotations, a shared ServiceAccount, mount paths.
  void pod_details(const MNode& n, const Decl& d, const model::Model& m,
                   const model::Environment& e, model::Workload& w) {
    if (auto* v = n.value("working_dir")) w.working_dir = interp_or(v, m, e);
    std::map<std::string, Span> names{{w.name, d.name_span}};
    if (n.child("exporter")) names.emplace("exporter", n.child("exporter")->stmt->key_span);
    for (const auto& kid : n.kids) {
      const Stmt* s = kid.stmt;
      if (!s || (s->key != "init" && s->key != "sidecar") || s->labels.size() != 1) continue;
      model::Container c;
      c.name = s->labels[0].text;
      c.sidecar = s->key == "sidecar";
      c.span = s->labels[0].span;
      if (!is_dns_label(c.name))
        report(Code::E2006, c.span, fmt::format("`{}` is not a valid container name", c.name),
               fmt::format("use a DNS-1123 label: `{}`", dns_fix(c.name)));
      if (auto [it, fresh] = names.emplace(c.name, c.span); !fresh)
        report(Code::E2002, c.span,
               fmt::format("`{}` has two containers named `{}`", w.name, c.name),
               "give each init and sidecar container its own name (the main container is named "
               "after the workload, the exporter `exporter`)",
               {{it->second, "the other is here"}});
      c.image = interp_or(kid.value("image"), m, e);
      if (auto* v = kid.value("image")) c.image_span = v->span;
      c.command = strings(kid.value("command"), m, e);
      c.args = strings(kid.value("args"), m, e);
      if (auto* v = kid.value("working_dir")) c.working_dir = interp_or(v, m, e);
      c.env = env_vars(kid.child("env"), m, e);
      c.cpu = resource(kid.value("cpu"), true, c.sidecar ? model::Resource{50, 100, {}} : w.cpu);
      c.memory = resource(kid.value("memory"), false,
                          c.sidecar ? model::Resource{32LL << 20, 64LL << 20, {}} : w.memory);
      w.init.push_back(std::move(c));
    }
    for (const std::string* dir : {&w.working_dir}) {
      if (!dir->empty() && dir->front() != '/')
        report(Code::E2003, n.value("working_dir")->span,
               fmt::format("`working_dir` is `{}`, not an absolute path", *dir),
               fmt::format("write `working_dir = \"/{}\"`", *dir));
    }
    if (auto* v = n.value("grace")) w.grace = q_or(to_seconds(*v), 30);
    if (auto* v = n.value("pre_stop"); v && v->kind == ValueKind::Call) {
      w.pre_stop = hook_of(*v);
      const std::int64_t grace = w.grace.value_or(30);
      if (w.pre_stop->kind == model::Hook::Kind::Sleep && w.pre_stop->seconds > grace)
        report(Code::E2041, v->span,
               fmt::format("`pre_stop` sleeps {}s, but the pods get {}s to stop{}",
                           w.pre_stop->seconds, grace, w.grace ? "" : " (the default `grace`)"),
               fmt::format("Kubernetes rejects a longer sleep: set `grace = {}s` or more, or "
                           "sleep less",
                           w.pre_stop->seconds));
    }
    for (const auto& kid : n.kids) {
      const Stmt* s = kid.stmt;
      if (!s || (s->key != "labels" && s->key != "annotations" && s->key != "node_selector") ||
          !s->has_block)
        continue;
      auto& out = s->key == "labels"          ? w.pod_labels
                  : s->key == "node_selector" ? w.node_selector
                                              : w.pod_annotations;
      std::string prefix = s->labels.empty() ? "" : std::string(s->labels[0].text) + "/";
      for (const auto& entry : kid.kids) {
        if (!entry.stmt || !entry.stmt->has_value()) continue;
        const Value& v = entry.stmt->val();
        out.emplace_back(prefix + std::string(entry.stmt->key),
                         v.kind == ValueKind::String ? interpolate(v, m, e) : std::string(v.raw));
      }
    }
    if (auto* v = n.value("service_account")) {
      w.service_account = str(v);
      if (!is_dns_subdomain(w.service_account))
        report(Code::E2006, v->span,
               fmt::format("`{}` is not a valid ServiceAccount name", w.service_account),
               fmt::format("use a DNS-1123 name: `{}`", dns_fix(w.service_account)));
      else if (w.service_account != w.name && w.service_account != w.group &&
               workloads_.count(w.service_account))
        report(Code::E2042, v->span,
               fmt::format("`{}` is the ServiceAccount of the workload `{}`", w.service_account,
                           w.service_account),
               "every workload without `service_account` has its own, named after it; choose "
               "another name for the shared one",
               {{decls_[workloads_.find(w.service_account)->second].name_span,
                 "that workload is declared here"}});
    }
    // The versions of a workload share one ServiceAccount, named after it, unless they say.
    if (!w.group.empty() && w.service_account.empty()) w.service_account = w.group;
    // Two mounts at one path: the API server rejects the pod.
    for (const auto& vol : w.volumes) {
      // The names of stackc's own volumes: `tmp` (unless this volume is the one at /tmp),
      // `data` of a stateful, `writable-N`.
      const bool own = (vol.name == "tmp" && vol.mount != "/tmp") ||
                       (vol.name == "data" && w.kind == model::Workload::Kind::Stateful) ||
                       vol.name.rfind("writable-", 0) == 0;
      if (own)
        report(Code::E2002, vol.span,
               fmt::format("`{}` is the name of a volume stackc adds to the pod", vol.name),
               vol.name == "tmp" ? "name it otherwise, or mount it at `/tmp` to replace stackc's"
                                 : "name it otherwise");
    }
    std::map<std::string, const model::Volume*> paths;
    if (w.kind == model::Workload::Kind::Stateful) paths.emplace(w.data_path, nullptr);
    for (const auto& vol : w.volumes) {
      if (vol.mount.empty()) continue;
      Span at = vol.span;  // the `mount` value
      for (const auto& kid : n.kids)
        if (kid.stmt && kid.stmt->key == "volume" && kid.stmt->labels.size() == 1 &&
            kid.stmt->labels[0].text == vol.name && kid.value("mount"))
          at = kid.value("mount")->span;
      if (auto [it, fresh] = paths.emplace(vol.mount, &vol); !fresh)
        report(Code::E2044, at,
               fmt::format("`{}` is mounted at `{}`, where `{}` already mounts {}", vol.name,
                           vol.mount, w.name,
                           it->second ? fmt::format("`{}`", it->second->name)
                                      : std::string("its data volume (`data_path`)")),
               "mount it somewhere else",
               it->second ? std::vector<base::Note>{{it->second->span, "the other volume is here"}}
                          : std::vector<base::Note>{});
    }
  }

  // `egress = ["CIDR:PORT", ...]`: an IPv4 or IPv6 network and a port.
  void egress(const Value& list, model::Workload& w) {
    for (const auto& i : list.items) {
      if (i.kind != ValueKind::String) continue;  // reported by the type check
      std::string text = str(&i);
      auto colon = text.rfind(':');
      std::string cidr = colon == std::string::npos ? text : text.substr(0, colon);
      std::string port = colon == std::string::npos ? "" : text.substr(colon + 1);
      std::int64_t p = 0;
      bool port_ok =
          !port.empty() && port.size() <= 5 &&
          std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
      if (port_ok) p = std::stoll(port);
      if (!port_ok || p < 1 || p > 65535 || !is_cidr(cidr)) {
        report(Code::E2025, i.span,
               fmt::format("`{}` is not an egress rule: write a network and a port, `CIDR:PORT`",
                           text),
               "for example `\"10.0.0.0/8:5432\"`, or `\"0.0.0.0/0:443\"` for HTTPS anywhere");
        continue;
      }
      w.egress.push_back({cidr, p, i.span});
    }
  }

  model::Monitoring monitoring(const Decl& d, const std::string& env) {
    MNode n = resolve(d, env);
    model::Monitoring mo;
    mo.present = true;
    mo.span = d.name_span;
    if (const MNode* p = n.child("prometheus")) {
      auto& x = mo.prometheus;
      x.present = true;
      x.span = p->stmt->span;
      if (auto* v = p->value("retention")) x.retention = q_or(to_seconds(*v), x.retention);
      if (auto* v = p->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
      if (auto* v = p->value("scrape_interval"))
        x.scrape_interval = q_or(to_seconds(*v), x.scrape_interval);
      x.cpu = resource(p->value("cpu"), true, x.cpu);
      x.memory = resource(p->value("memory"), false, x.memory);
    }
    if (const MNode* g = n.child("grafana")) {
      auto& x = mo.grafana;
      x.present = true;
      x.span = g->stmt->span;
      if (auto* v = g->value("admin_password"); v && v->kind == ValueKind::Call)
        x.admin_password = secret_ref(*v);
      if (auto* v = g->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
      x.cpu = resource(g->value("cpu"), true, x.cpu);
      x.memory = resource(g->value("memory"), false, x.memory);
    }
    if (const MNode* l = n.child("loki")) {
      auto& x = mo.loki;
      x.present = true;
      x.span = l->stmt->span;
      if (auto* v = l->value("retention")) x.retention = q_or(to_seconds(*v), x.retention);
      if (auto* v = l->value("storage")) x.storage = q_or(to_bytes(*v), x.storage);
      x.cpu = resource(l->value("cpu"), true, x.cpu);
      x.memory = resource(l->value("memory"), false, x.memory);
    }
    if (const MNode* a = n.child("alertmanager")) {
      auto& x = mo.alertmanager;
      x.present = true;
      x.span = a->stmt->span;
      if (auto* v = a->value("group_wait")) x.group_wait = q_or(to_seconds(*v), x.group_wait);
      if (auto* v = a->value("repeat_interval"))
        x.repeat_interval = q_or(to_seconds(*v), x.repeat_interval);
      for (const auto& kid : a->kids) {
        if (!kid.stmt || kid.stmt->key != "receiver" || kid.stmt->labels.size() != 1) continue;
        model::Receiver r;
        r.name = kid.stmt->labels[0].text;
        r.span = kid.stmt->labels[0].span;
        if (auto* v = kid.value("bot_token"); v && v->kind == ValueKind::Call)
          r.bot_token = secret_ref(*v);
        if (auto* v = kid.value("webhook"); v && v->kind == ValueKind::Call)
          r.webhook = secret_ref(*v);
        r.chat_id = str(kid.value("chat_id"));
        r.channel = str(kid.value("channel"));
        r.email = str(kid.value("email"));
        r.smarthost = str(kid.value("smarthost"));
        r.from = str(kid.value("from"));
        r.severities = strings(kid.value("severity"));
        r.type = kid.value("bot_token") || kid.value("chat_id") ? "telegram"
                 : kid.value("channel")                         ? "slack"
                 : kid.value("email")                           ? "email"
                                                                : "webhook";
        if (r.type == "telegram" && (!kid.value("bot_token") || !kid.value("chat_id")))
          report(Code::E2007, r.span,
                 fmt::format("Telegram receiver `{}` needs both `bot_token` and `chat_id`", r.name),
                 "add `bot_token = secret(\"NAME\", key = \"KEY\")` and `chat_id = \"...\"`");
        if (r.type == "telegram" && kid.value("chat_id")) {
          // Alertmanager takes the chat id as a number: `-1001234567890`, not `@channel`.
          const std::string& id = r.chat_id;
          bool number = !id.empty() && id.size() <= 16 &&
                        std::all_of(id.begin() + (id[0] == '-' ? 1 : 0), id.end(),
                                    [](char c) { return c >= '0' && c <= '9'; }) &&
                        id != "-";
          if (!number)
            report(Code::E2003, kid.value("chat_id")->span,
                   fmt::format("`{}` is not a Telegram chat id: Alertmanager needs the number", id),
                   "write the numeric id, e.g. `chat_id = \"-1001234567890\"` (a bot sees it "
                   "in the updates of the chat)");
        }
        if (auto* v = kid.value("smarthost")) {
          auto colon = r.smarthost.rfind(':');
          std::string port = colon == std::string::npos ? "" : r.smarthost.substr(colon + 1);
          bool ok =
              colon != std::string::npos && colon > 0 && !port.empty() && port.size() <= 5 &&
              std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) &&
              std::stoi(port) >= 1 && std::stoi(port) <= 65535;
          if (!ok)
            report(Code::E2003, v->span,
                   fmt::format("`{}` is not an SMTP relay: write `HOST:PORT`", r.smarthost),
                   "for example `smarthost = \"smtp.example.com:587\"`");
        }
        if (r.type == "email" && (r.smarthost.empty() || r.from.empty()))
          report(Code::E2007, r.span,
                 fmt::format("e-mail receiver `{}` needs `smarthost` and `from`", r.name),
                 "add `smarthost = \"smtp.example.com:587\"  from = \"alerts@example.com\"`");
        if ((r.type == "slack" || r.type == "webhook") && !kid.value("webhook"))
          report(Code::E2007, r.span, fmt::format("receiver `{}` needs a `webhook`", r.name),
                 "add `webhook = secret(\"NAME\", key = \"KEY\")`");
        x.receivers.push_back(std::move(r));
      }
    }
    return mo;
  }

  model::Model build() {
    model::Model m;
    for (const auto& f : files_) m.files.push_back(sm_.file(f.id).path());
    const model::Environment empty_env;
    prepare_templates("");
    if (auto it = singletons_.find("stack"); it != singletons_.end()) {
      const Decl& d = decls_[it->second];
      MNode n = resolve(d, "");
      require(n, *d.kind, d);
      m.stack.name = d.name;
      m.stack.span = d.name_span;
      m.stack.registry = str(n.value("registry"));
      m.stack.version = str(n.value("version"));
      m.stack.owner = str(n.value("owner"));
      if (const MNode* l = n.child("labels"))
        for (const auto& kid : l->kids)
          if (kid.stmt && kid.stmt->has_value())
            m.stack.labels.emplace_back(std::string(kid.stmt->key),
                                        kid.stmt->val().kind == ValueKind::String
                                            ? kid.stmt->val().string_value()
                                            : std::string(kid.stmt->val().raw));
      if (const MNode* g = n.child("gitops")) read_gitops(*g, d, m);
    }
    for (const auto& d : decls_) {
      if (d.kind->name != "cluster") continue;
      MNode n = resolve(d, "");
      require(n, *d.kind, d);
      model::Cluster c;
      c.name = d.name;
      c.span = d.name_span;
      c.provider = n.value("provider") ? std::string(n.value("provider")->raw) : "generic";
      if (const Value* v = n.value("nodes")) {
        if (v->kind == ValueKind::Range) {
          c.nodes_min = q_or(to_int(v->items[0]), 1);
          c.nodes_max = q_or(to_int(v->items[1]), 1);
        } else {
          c.nodes_min = c.nodes_max = q_or(to_int(*v), 1);
        }
      }
      if (const MNode* nd = n.child("node")) {
        require(*nd, *top_kind("cluster")->field("node")->block, d);
        if (auto* v = nd->value("cpu")) c.node_cpu = q_or(to_millicores(*v), 0);
        if (auto* v = nd->value("memory")) c.node_memory = q_or(to_bytes(*v), 0);
        if (auto* v = nd->value("disk")) c.node_disk = q_or(to_bytes(*v), 0);
      }
      if (const MNode* r = n.child("reserve")) {
        if (auto* v = r->value("cpu")) c.reserve_cpu = q_or(to_millicores(*v), 0);
        if (auto* v = r->value("memory")) c.reserve_memory = q_or(to_bytes(*v), 0);
      }
      c.storage_class = str(n.value("storage_class"));
      if (auto* v = n.value("zones")) c.zones = q_or(to_int(*v), 1);
      c.ingress = ingress_controllers(n, sink());
      m.clusters.push_back(std::move(c));
    }
    if (auto it = singletons_.find("secrets"); it != singletons_.end()) {
      const Decl& d = decls_[it->second];
      MNode n = resolve(d, "");
      require(n, *d.kind, d);
      m.secrets.span = d.name_span;
      if (const Value* b = n.value("backend")) {
        m.secrets.backend = b->path.empty() ? "kubernetes" : std::string(b->path[0]);
        for (const auto& s : b->body) {
          if (!s.has_value()) continue;
          if (s.key == "address") m.secrets.address = s.val().string_value();
          if (s.key == "path") m.secrets.path = s.val().string_value();
          if (s.key == "role") m.secrets.role = s.val().string_value();
          if (s.key == "version") m.secrets.version = std::string(s.val().raw);
        }
      }
      if (m.secrets.role.empty()) m.secrets.role = m.stack.name;
      if (auto* v = n.value("refresh")) m.secrets.refresh = q_or(to_seconds(*v), 3600);
    }
    if (auto it = singletons_.find("pipeline"); it != singletons_.end()) {
      const Decl& d = decls_[it->second];
      MNode n = resolve(d, "");
      m.pipeline.present = true;
      m.pipeline.span = d.name_span;
      m.pipeline.test = str(n.value("test"));
      m.pipeline.build = str(n.value("build"));
      if (auto digest = str(n.value("stackc_digest")); digest != "unpinned")
        m.pipeline.stackc_digest = digest;
      m.pipeline.scan = strings(n.value("scan"));
      if (const MNode* b = n.child("base_images")) {
        m.pipeline.base_image_update =
            b->value("update") ? std::string(b->value("update")->raw) : "weekly";
      }
    }
    for (const auto& d : decls_) {
      if (d.kind->name != "dashboard") continue;
      MNode n = resolve(d, "");
      m.dashboards.push_back(
          {d.name, str(n.value("title")), strings(n.value("metrics")), d.name_span});
    }
    std::map<std::string, bool> ever_autoscaled;
    Presence presence(sink_);
    for (const auto& d : decls_) {
      if (d.kind->name != "environment") continue;
      MNode n = resolve(d, "");
      require(n, *d.kind, d);
      prepare_templates(d.name);
      model::Environment e;
      e.name = d.name;
      e.span = d.name_span;
      if (auto* v = n.value("cluster")) e.cluster = std::string(v->raw);
      e.ns = n.value("namespace") ? interp_or(n.value("namespace"), m, e)
                                  : m.stack.name + "-" + d.name;
      if (!is_dns_label(e.ns))
        report(Code::E2006, n.value("namespace") ? n.value("namespace")->span : d.name_span,
               fmt::format("`{}` is not a valid namespace: namespaces are DNS-1123 labels", e.ns),
               fmt::format("use lower-case letters, digits and `-`, at most 63 characters: `{}`",
                           dns_fix(e.ns)));
      e.branch = interp_or(n.value("branch"), m, e);
      e.manual_approval = n.value("approval") && n.value("approval")->raw == "manual";
      e.domain = interp_or(n.value("domain"), m, e);
      if (auto* v = n.value("pod_security"); v && pod_security_of(v->raw)) {
        e.pod_security = std::string(v->raw);
        e.pod_security_span = v->span;
      }
      // The workloads: one per declaration, or one per version of a versioned one.
      struct Unit {
        const Decl* decl;
        const Stmt* version;
      };
      std::vector<Unit> workload_decls;
      for (const auto& w : decls_) {
        if (!w.kind->workload) continue;
        auto versions =
            w.kind->field("version") ? versions_of(*w.stmt) : std::vector<const Stmt*>{};
        if (versions.empty()) workload_decls.push_back({&w, nullptr});
        for (const Stmt* v : versions) workload_decls.push_back({&w, v});
      }
      // With room for the workloads the checker adds later (the monitoring stack's five and one
      // per backup, see system.cpp): growing the vector then would copy every workload.
      e.workloads.reserve(workload_decls.size() + 5 + backups_.size());
      e.workloads.resize(workload_decls.size());
      in_halves(workload_decls.size(), [&](std::size_t i) {
        const Unit& u = workload_decls[i];
        e.workloads[i] = workload(*u.decl, m, e, u.version);
      });
      if (auto it = singletons_.find("monitoring"); it != singletons_.end())
        e.monitoring = monitoring(decls_[it->second], e.name);
      // Alerts, records and backups, in declaration order (resolved in two halves when many).
      std::vector<const Decl*> rules;
      for (const auto& a : decls_)
        if (a.kind->name == "alert" || a.kind->name == "record" || a.kind->name == "backup")
          rules.push_back(&a);
      struct Made {
        model::Alert alert;
        model::Record record;
        model::Backup backup;
      };
      std::vector<Made> made(rules.size());
      in_halves(rules.size(), [&](std::size_t i) {
        const Decl& a = *rules[i];
        if (a.kind->name == "alert") {
          MNode an = resolve(a, e.name);
          require(an, *a.kind, a);
          model::Alert& al = made[i].alert;
          al.name = a.name;
          al.span = a.name_span;
          if (auto* v = an.value("expr")) {
            al.expr = interpolate(*v, m, e);
            al.expr_span = v->span;
          }
          if (auto* v = an.value("for")) al.for_seconds = q_or(to_seconds(*v), 0);
          if (auto* v = an.value("severity")) al.severity = std::string(v->raw);
          al.summary = interp_or(an.value("summary"), m, e);
          al.description = interp_or(an.value("description"), m, e);
          al.runbook = interp_or(an.value("runbook"), m, e);
          al.notify = deps(an.value("notify"));
        } else if (a.kind->name == "record") {
          MNode rn = resolve(a, e.name);
          require(rn, *a.kind, a);
          model::Record& r = made[i].record;
          r.name = a.name;
          r.span = a.name_span;
          if (auto* v = rn.value("expr")) {
            r.expr = interpolate(*v, m, e);
            r.expr_span = v->span;
          }
        } else {
          MNode bn = resolve(a, e.name);
          require(bn, *a.kind, a);
          model::Backup& b = made[i].backup;
          b.name = a.name;
          b.span = a.name_span;
          b.of = deps(bn.value("of"));
          b.of_resources = bn.value("of") && bn.value("of")->kind == ValueKind::List;
          b.schedule = str(bn.value("schedule"));
          if (auto* v = bn.value("retain")) b.retain = q_or(to_seconds(*v), 0);
          if (auto* v = bn.value("storage")) b.storage = q_or(to_bytes(*v), b.storage);
          if (auto* v = bn.value("restore_within")) b.restore_within = q_or(to_seconds(*v), 0);
        }
      });
      for (std::size_t i = 0; i < rules.size(); ++i) {
        const auto& k = rules[i]->kind->name;
        if (k == "alert")
          e.alerts.push_back(std::move(made[i].alert));
        else if (k == "record")
          e.records.push_back(std::move(made[i].record));
        else
          e.backups.push_back(std::move(made[i].backup));
      }
      // `enabled = false`: the workload is left out of this environment (E3007 when a present
      // workload depends on it), with its backups.
      presence.apply(e);
      // The first version present makes a versioned workload's shared objects.
      model::mark_version_heads(e);
      for (const auto& w : e.workloads)
        if (w.autoscaled()) ever_autoscaled[w.group.empty() ? w.name : w.group] = true;
      m.environments.push_back(std::move(e));
    }
    presence.finish(m.environments.size());
    check_pod_security(m, sink_);
    // W0002: autoscale (from the workload, a template or a `when`) on a workload whose replica
    // count is fixed in every environment.
    // Each environment's workloads by name, made once (a search per declaration would be
    // quadratic in large stacks).
    std::vector<std::unordered_map<std::string_view, const model::Workload*>> by_name(
        m.environments.size());
    for (std::size_t i = 0; i < m.environments.size(); ++i)
      for (const auto& w : m.environments[i].workloads)
        by_name[i].emplace(w.group.empty() ? w.name : w.group, &w);  // a version: the first
    for (const auto& d : decls_) {
      if (!d.kind->workload || ever_autoscaled[d.name]) continue;
      for (std::size_t i = 0; i < m.environments.size(); ++i) {
        auto found = by_name[i].find(d.name);
        const model::Workload* it = found == by_name[i].end() ? nullptr : found->second;
        if (!it || !it->autoscale) continue;
        Span at = it->autoscale->span;
        at.end = std::min<std::uint32_t>(at.end, at.begin + 9);  // the `autoscale` key
        report(Code::W0002, at,
               fmt::format("`autoscale` has no effect: `{}` has a fixed replica count in every "
                           "environment",
                           d.name),
               "give `replicas` a range such as `2..6` to autoscale, or remove `autoscale`",
               {{d.name_span, "the workload"}});
        break;
      }
    }
    // `stack.registry` and `stack.version` are needed only to build the stack's own images.
    if (auto own = first_own_image(m)) {
      for (const char* field : {"registry", "version"}) {
        if (!(field[0] == 'r' ? m.stack.registry : m.stack.version).empty()) continue;
        report(Code::E2007, own->span,
               fmt::format("`{}` is the stack's own image, but `stack` has no `{}`", own->image,
                           field),
               field[0] == 'r'
                   ? fmt::format("add `registry = \"ghcr.io/ORG\"` to `stack {}` (where the image "
                                 "is pushed), or write an external reference such as "
                                 "`ghcr.io/ORG/{}:1.2.3`",
                                 m.stack.name, own->image)
                   : fmt::format("add `version = \"1.0.0\"` to `stack {}` (the tag of the stack's "
                                 "own images), or write an external reference such as "
                                 "`ghcr.io/ORG/{}:1.2.3`",
                                 m.stack.name, own->image),
               {{m.stack.span, "the stack is declared here"}});
      }
    }
    return m;
  }

  void warn_unused() {
    for (const auto& d : decls_) {
      if (d.kind->name == "template" && !d.used && !d.stdlib)
        report(Code::W0001, d.name_span, fmt::format("template `{}` is never used", d.name),
               fmt::format("apply it with `{} NAME from {}`, or remove it",
                           d.for_kind ? d.for_kind->name : "KIND", d.name));
    }
  }
};

}  // namespace

Result check(const base::SourceManager& sm, ast::File root, Loader& loader, base::Sink& sink) {
  Checker c(sm, loader, sink);
  return c.run(std::move(root));
}

}  // namespace stackc::check
