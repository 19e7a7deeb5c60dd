// The checker's class, internal to compiler/check: its state (the files, the declarations by
// kind, the templates resolved per environment) and its member functions, which are defined in
// one file per concern:
//   check.cpp       the passes in order (`check::check`): imports, declarations, unused templates
//   names.cpp       name rules shared by the passes (DNS-1123 labels) and words for messages
//   validate.cpp    pass 1: every statement against the schema (blocks, `when`, fields, entries)
//   values.cpp      pass 1: every value against its field's type (quantities, references,
//                   strings and their interpolations, secrets, environment values)
//   resolve.cpp     pass 2: templates and `when` merged per environment, required fields
//   convert.cpp     pass 2: checked values read into the model (quantities, strings, env vars)
//   workloads.cpp   pass 2: one workload of the model (its pod, volumes, egress, exceptions)
//   monitoring.cpp  pass 2: the monitoring stack and its alert receivers
//   build.cpp       pass 2: the whole model (stack, clusters, secrets, pipeline, dashboards,
//                   environments with their workloads, alerts, records and backups)
// After pass 3, check.cpp runs dockerfiles.cpp (the Dockerfiles of `build { }` blocks, parsed by
// dockerfile.cpp), a free function over the model like system.cpp.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "check/check.hpp"
#include "check/names.hpp"
#include "check/schema.hpp"
#include "check/symbols.hpp"
#include "check/tree.hpp"
#include "check/units.hpp"
#include "check/versions.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// Where the checker's report() goes on a helper thread (see Checker::in_halves).
extern thread_local constinit base::Sink* t_sink;
// From this many declarations, a loop over them is split across two threads.
constexpr std::size_t kParallelFrom = 256;

using ast::Stmt;
using ast::Value;
using ast::ValueKind;
using base::Code;
using base::Span;

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

  Result run(ast::File root);

 private:
  const base::SourceManager& sm_;
  Loader& loader_;
  base::Sink& sink_;
  std::vector<ast::File> files_;
  std::map<base::FileId, std::size_t> file_index_;
  std::vector<Decl> decls_;  // in order
  // The declarations (each symbol's `decl` is its number in decls_) and the alert receivers, by
  // kind and name: every name the checker resolves, it finds here (symbols.hpp).
  Index index_;
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

  // ---- imports and declarations (check.cpp) ---------------------------------------------------
  void load_imports(std::size_t index);
  void visit_imports(std::size_t index, std::vector<base::FileId>& stack);
  void collect();
  void collect_file(const ast::File& f);
  void add_named(SymbolKind kind, Decl d, const std::string& what);
  // The declaration of a kind and name, or null.
  const Decl* declared(SymbolKind kind, std::string_view name) const {
    const Symbol* s = index_.find(kind, name);
    return s && s->decl >= 0 ? &decls_[static_cast<std::size_t>(s->decl)] : nullptr;
  }
  // The singleton of a kind (`stack`, `secrets`, `monitoring`, `pipeline`), or null.
  const Decl* singleton(std::string_view kind) const;
  void warn_unused();

  // ---- pass 1: validation of every statement against the schema (validate.cpp) -------------
  struct Ctx {
    const Decl* decl;
    bool in_when = false;
  };

  void validate_all();
  void collect_receivers(ast::Seq<Stmt> body);
  void check_template_graph();
  void check_template_ref(const ast::Label& f, const Kind* k);
  void validate_block(ast::Seq<Stmt> body, const Kind& kind, const Ctx& ctx);
  void validate_when(const Stmt& s, const Kind& kind, const Ctx& ctx,
                     std::map<std::string, Span>& seen);
  void validate_field(const Stmt& s, const Field& f, const Kind& kind, const Ctx& ctx);
  void warn_system_path(const Value& v);
  void validate_prefix(const Stmt& s);
  void label_key(const Stmt& s, std::string_view what);
  void validate_annotation_entry(const Stmt& s);
  void validate_label_entry(const Stmt& s);
  void validate_map_entry(const Stmt& s);

  // ---- pass 1: values (values.cpp) ------------------------------------------------------------
  void type_error(const Value& v, std::string_view key, std::string_view expected,
                  std::string help);
  bool quantity(const Quantity& q, const Value& v, std::string_view key = {});
  void bounds(std::int64_t x, const Field& f, const Value& v);
  void no_secret(const Value& v, const Field& f);
  void check_range(const Value& v, const Field& f, Quantity (*conv)(const Value&),
                   const char* what);
  static bool has_secret(const Value& v);
  void check_value(const Value& v, const Field& f, const Ctx& ctx);
  void require_fields(ast::Seq<Stmt> body, const Kind& k, Span at, std::string_view what);
  void check_choice(const Value& v, const Field& f);
  static std::optional<SymbolKind> table_for(std::string_view kind);
  void check_ref(const Value& v, std::string_view kind);
  void check_ref_list(const Value& v, std::string_view kind, const Ctx& ctx);
  void check_backup_source(const Value& v, const Field& f);
  void check_image(const Value& v, const Field& f);
  void check_string(const Value& v, std::string_view key);
  void check_interpolation(const ast::StringPart& p);
  void check_secret_call(const Value& v);
  void credential_by_name(std::string_view key, const Value& v, std::string_view text);
  void check_env_value(std::string_view key, const Value& v);

  // ---- pass 2: per-environment resolution (resolve.cpp) ---------------------------------------
  void merge(MNode& into, ast::Seq<Stmt> body, const Kind* kind, const std::string& env);
  void prepare_templates(const std::string& env);
  void apply_templates(MNode& into, const Decl& d, const Kind* kind,
                       const std::vector<MNode>& resolved) const;
  MNode resolve(const Decl& d, const std::string& env, const Stmt* version = nullptr);
  void require(const MNode& n, const Kind& k, const Decl& d, const Stmt* version = nullptr);
  void require_block(const MNode& n, const Kind& k, std::string_view what);

  // ---- pass 2: checked values into the model (convert.cpp) ------------------------------------
  static std::int64_t q_or(Quantity q, std::int64_t def);
  static std::string str(const Value* v);
  model::Resource resource(const Value* v, bool cpu, model::Resource def = {});
  std::string interpolate(const Value& v, const model::Model& m, const model::Environment& e);
  std::vector<std::pair<std::string, std::int64_t>> ports_of(const std::string& workload,
                                                             const model::Environment& e);
  std::vector<model::Reference> workload_refs(const MNode& n, const std::string& self,
                                              const model::Environment& e);
  std::string interp_or(const Value* v, const model::Model& m, const model::Environment& e);
  model::SecretRef secret_ref(const Value& v);
  std::vector<model::EnvVar> env_vars(const MNode* n, const model::Model& m,
                                      const model::Environment& e);
  static std::optional<model::Probe> probe(const Value* v);
  std::vector<std::string> strings(const Value* v);
  std::vector<std::string> strings(const Value* v, const model::Model& m,
                                   const model::Environment& e);
  std::vector<model::Dependency> deps(const Value* v);

  // ---- pass 2: workloads (workloads.cpp) ------------------------------------------------------
  void warn_imported_exceptions(const Decl& d, const MNode& security);
  // Into `w`, a new workload (in place: a workload is 2.8 KB, the fleet's 10,000 are not moved).
  void workload(const Decl& d, const model::Model& m, const model::Environment& e,
                const Stmt* version, model::Workload& w);
  void pod_details(const MNode& n, const Decl& d, const model::Model& m,
                   const model::Environment& e, model::Workload& w);
  void egress(const Value& list, model::Workload& w);
  // `object KIND { ... }` read into the model (objects.cpp).
  void object_meta(const MNode& n, const model::Model& m, const model::Environment& e,
                   model::Workload& w);

  // ---- pass 2: monitoring (monitoring.cpp) ----------------------------------------------------
  model::Monitoring monitoring(const Decl& d, const std::string& env);

  // ---- pass 2: the model (build.cpp) ----------------------------------------------------------
  void read_gitops(const MNode& g, const Decl& d, model::Model& m);
  model::Model build();
};

}  // namespace stackc::check
