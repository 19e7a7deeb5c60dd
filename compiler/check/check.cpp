// The checker's passes in order, behind `check::check`: the imports loaded and parsed, the
// declarations collected by kind (E2001, E2002, E2003, E2016, E2020), pass 1 (validate.cpp,
// values.cpp), pass 2 (build.cpp) and pass 3 (system.cpp), the Dockerfiles of `build` blocks
// (dockerfiles.cpp), and the templates never used (W0001).

#include <algorithm>

#include <fmt/format.h>

#include "base/memory.hpp"
#include "base/suggest.hpp"
#include "check/check.hpp"
#include "check/checker.hpp"
#include "check/dockerfiles.hpp"
#include "check/ports.hpp"
#include "check/system.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {

// Declared in checker.hpp: where report() goes on in_halves' second thread.
thread_local constinit base::Sink* t_sink = nullptr;

Result Checker::run(ast::File root) {
  Result r;
  files_.push_back(std::move(root));
  load_imports(0);
  collect();
  if (sink_.error_count() == 0 || true) validate_all();
  if (sink_.error_count() == 0) {
    model::Model m = build();
    if (sink_.error_count() == 0) check_node_ports(m, sink_);
    if (sink_.error_count() == 0) complete(sm_, m, sink_);
    if (sink_.error_count() == 0) check_dockerfiles(sm_, loader_, m, sink_);
    warn_unused();
    if (sink_.error_count() == 0) r.model = std::move(m);
  } else {
    warn_unused();
  }
  r.files = std::move(files_);
  r.index = std::move(index_);
  return r;
}

void Checker::load_imports(std::size_t index) {
  std::vector<base::FileId> stack{files_[index].id};
  file_index_[files_[index].id] = index;
  visit_imports(index, stack);
}

void Checker::visit_imports(std::size_t index, std::vector<base::FileId>& stack) {
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

void Checker::collect() {
  // Imported files first (in load order, last loaded first would reorder): root last keeps the
  // user's declarations after the stdlib's templates. Order: imports in load order, then root.
  // Room for every top-level statement first: 20,000 declarations grown one at a time would be
  // copied over and over (the fleet's index and declaration list are 4 MB).
  std::size_t statements = 0;
  for (const auto& f : files_) statements += f.statements.size();
  decls_.reserve(statements);
  base::populate_in_halves(decls_.data(), decls_.capacity() * sizeof(Decl));
  index_.reserve(statements);
  for (std::size_t i = 1; i < files_.size(); ++i) collect_file(files_[i]);
  collect_file(files_[0]);
}

void Checker::collect_file(const ast::File& f) {
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
      add_named(SymbolKind::Template, d, "template");
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
      report(Code::E2020, s.from.front().span, fmt::format("`{}` does not take templates", k->name),
             "only workloads (service, worker, stateful, job, cron) use `from`");
    }
    if (k->singleton && k->name != "stack") {
      add_named(SymbolKind::Singleton, d, std::string(k->name));
    } else if (k->workload) {
      add_named(SymbolKind::Workload, d, "workload");
    } else if (k->name == "stack") {
      add_named(SymbolKind::Stack, d, "stack");
    } else if (k->name == "cluster") {
      add_named(SymbolKind::Cluster, d, "cluster");
    } else if (k->name == "environment") {
      add_named(SymbolKind::Environment, d, "environment");
    } else if (k->name == "alert") {
      add_named(SymbolKind::Alert, d, "alert");
    } else if (k->name == "record") {
      add_named(SymbolKind::Record, d, "record");
    } else if (k->name == "dashboard") {
      add_named(SymbolKind::Dashboard, d, "dashboard");
    } else if (k->name == "backup") {
      add_named(SymbolKind::Backup, d, "backup");
    }
  }
}

void Checker::add_named(SymbolKind kind, Decl d, const std::string& what) {
  const ast::Stmt& s = *d.stmt;
  Symbol sym{kind,   d.name, {}, s.key, s.labels.empty() ? s.key_span : name_span(s.labels[0]),
             s.span, &s};
  const Symbol* first = kind == SymbolKind::Stack ? index_.first(kind) : index_.find(kind, d.name);
  if (first) {
    const Decl& f = decls_[static_cast<std::size_t>(first->decl)];
    std::string msg = f.kind->singleton
                          ? fmt::format("`{}` is declared twice; a stack has one", d.kind->name)
                          : fmt::format("{} `{}` is declared twice", what, d.name);
    report(Code::E2002, d.name_span, msg,
           f.kind->singleton ? "merge the two blocks into one" : "rename one of them",
           {{f.name_span, "first declared here"}});
    index_.declare(std::move(sym));  // listed (an editor's outline has it), not found
    return;
  }
  sym.decl = static_cast<std::int32_t>(decls_.size());
  index_.declare(std::move(sym));
  decls_.push_back(std::move(d));
}

const Decl* Checker::singleton(std::string_view kind) const {
  const Symbol* s =
      kind == "stack" ? index_.first(SymbolKind::Stack) : index_.find(SymbolKind::Singleton, kind);
  return s && s->decl >= 0 ? &decls_[static_cast<std::size_t>(s->decl)] : nullptr;
}

void Checker::warn_unused() {
  for (const auto& d : decls_) {
    if (d.kind->name == "template" && !d.used && !d.stdlib)
      report(Code::W0001, d.name_span, fmt::format("template `{}` is never used", d.name),
             fmt::format("apply it with `{} NAME from {}`, or remove it",
                         d.for_kind ? d.for_kind->name : "KIND", d.name));
  }
}

Result check(const base::SourceManager& sm, ast::File root, Loader& loader, base::Sink& sink) {
  Checker c(sm, loader, sink);
  return c.run(std::move(root));
}

}  // namespace stackc::check
