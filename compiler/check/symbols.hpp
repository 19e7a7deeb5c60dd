// The symbol index of a stack's syntax trees: what each file declares (workloads, templates,
// clusters, environments, versions, ports, receivers, metrics, ...) and every place that names
// one (`needs`, `from`, `${x.host}`, `secret("name")`, `when`, `notify`, an import, a metric in
// an alert's expression), each with its span. It is the checker's view of names as data: the
// checker declares the top-level declarations and alert receivers into it as it collects them
// and resolves every name through find() (a hash lookup); add() then walks the real parser's
// trees by the checker's schema (check::top_kind, fields, blocks) for the rest (ports, metrics,
// versions, and every reference), also over the partial tree of a file with syntax errors, so
// that an editor keeps its outline and navigation mid-edit. `stackc lsp` answers definition,
// references, rename, hover, completion and the semantic tokens from the index the checker
// returns (specs/lsp.md).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/source.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

enum class SymbolKind : std::uint8_t {
  Stack,
  Import,
  Cluster,
  Environment,
  Secret,
  Workload,
  Template,
  Version,
  Port,
  Metric,
  Receiver,
  Alert,
  Record,
  Dashboard,
  Backup,
  Singleton,  // secrets, monitoring, pipeline
};

std::string_view kind_name(SymbolKind k);

struct Symbol {
  SymbolKind kind;
  std::string name;
  std::string container;  // Port, Metric, Version: the workload's name; else empty
  std::string_view word;  // the statement's key: "service", "template", "counter", ...
  base::Span name_span;   // the name as written
  base::Span decl_span;   // the whole statement
  const ast::Stmt* stmt = nullptr;
  std::int32_t decl = -1;  // the checker's number of the declaration, or -1
};

// The span of a declaration's name as the index records it: a quoted name without its quotes.
base::Span name_span(const ast::Label& l);

struct Reference {
  SymbolKind kind;
  std::string name;
  std::string container;  // Port: the workload the port belongs to
  base::Span span;        // exactly the name
  std::string_view via;   // "needs", "from", "interpolation", "secret", "when", "notify", ...
};

class Index {
 public:
  // Declares a symbol: it is listed, and find() finds it unless one of the same kind, name and
  // container was declared first.
  void declare(Symbol s);
  // Room for `n` symbols declared (the top-level statements of a stack, say) without regrowing.
  void reserve(std::size_t n);
  // Adds one file's symbols and references; `text` is the file's source. Their spans are
  // recorded as spans of `as` (a recovered copy's are its root's). A statement the checker
  // already declared is not declared again.
  void add(const ast::File& file, std::string_view text, base::FileId as);
  // After every file was added: the metric names inside alert and record expressions and
  // dashboards (they can only be told apart from PromQL words once every metric is known), and
  // the symbols in the order of the files added and of their place in each.
  void finish();

  // A string (its text between the quotes at `begin`) whose metric names finish() finds.
  void add_expression(base::FileId file, std::uint32_t begin, std::string_view text);

  const std::vector<Symbol>& symbols() const { return symbols_; }
  const std::vector<Reference>& references() const { return refs_; }

  // The declaration a kind, name (and for ports and metrics, a container) names; null if none.
  // A metric or port with an empty container matches any.
  const Symbol* find(SymbolKind kind, std::string_view name, std::string_view container = {}) const;
  // The first symbol declared of a kind, if any.
  const Symbol* first(SymbolKind kind) const;
  // The names find() finds of a kind, sorted.
  std::vector<std::string> names(SymbolKind kind) const;
  // The symbol name or reference under `offset` of `file`.
  const Symbol* symbol_at(base::FileId file, std::uint32_t offset) const;
  const Reference* reference_at(base::FileId file, std::uint32_t offset) const;
  // Every reference to a declaration.
  std::vector<const Reference*> references_to(const Symbol& s) const;
  // The workload a statement at `offset` of `file` is inside, if any.
  const Symbol* enclosing_workload(base::FileId file, std::uint32_t offset) const;

 private:
  struct Expr {
    base::FileId file;
    std::uint32_t begin;
    std::string_view text;  // the source between the quotes
  };
  struct Walker;
  static std::size_t key(SymbolKind kind, std::string_view name, std::string_view container);
  const Symbol* exact(SymbolKind kind, std::string_view name, std::string_view container) const;
  void rehash();

  std::vector<Symbol> symbols_;
  std::vector<Reference> refs_;
  std::vector<Expr> exprs_;
  // The symbols find() finds, by the hash of their kind, name and container (several where
  // two keys share a hash).
  std::unordered_multimap<std::size_t, std::uint32_t> found_;
  // The statements declared before add() walked their files, and those files' order.
  std::unordered_set<const ast::Stmt*> declared_;
  std::vector<base::FileId> file_order_;
};

}  // namespace stackc::check
