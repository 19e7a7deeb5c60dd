#include "check/symbols.hpp"

#include <algorithm>
#include <optional>

#include "base/memory.hpp"
#include "check/schema.hpp"

namespace stackc::check {

std::string_view kind_name(SymbolKind k) {
  switch (k) {
    case SymbolKind::Stack:
      return "stack";
    case SymbolKind::Import:
      return "import";
    case SymbolKind::Cluster:
      return "cluster";
    case SymbolKind::Environment:
      return "environment";
    case SymbolKind::Secret:
      return "secret";
    case SymbolKind::Workload:
      return "workload";
    case SymbolKind::Template:
      return "template";
    case SymbolKind::Version:
      return "version";
    case SymbolKind::Port:
      return "port";
    case SymbolKind::Metric:
      return "metric";
    case SymbolKind::Receiver:
      return "receiver";
    case SymbolKind::Alert:
      return "alert";
    case SymbolKind::Record:
      return "record";
    case SymbolKind::Dashboard:
      return "dashboard";
    case SymbolKind::Backup:
      return "backup";
    case SymbolKind::Singleton:
      return "block";
  }
  return "symbol";
}

namespace {

bool contains(base::Span s, base::FileId file, std::uint32_t offset) {
  return s.file == file && s.begin <= offset && offset <= s.end;
}

// The kind of declaration a field's value names, by the schema's rule that the checker resolves
// it by (values.cpp): `Ref` and `RefList` name the kind in `choices` (`needs`: workloads,
// `cluster`: a cluster, `notify`: receivers), and a `BackupSource` a workload.
std::optional<SymbolKind> referenced_kind(const Field& f) {
  if (f.type == Type::BackupSource) return SymbolKind::Workload;
  if (f.type != Type::Ref && f.type != Type::RefList) return std::nullopt;
  if (f.choices == "workload") return SymbolKind::Workload;
  if (f.choices == "cluster") return SymbolKind::Cluster;
  if (f.choices == "receiver") return SymbolKind::Receiver;
  if (f.choices == "environment") return SymbolKind::Environment;
  if (f.choices == "template") return SymbolKind::Template;
  return std::nullopt;
}

bool is_metric_kind(std::string_view key) {
  return key == "counter" || key == "gauge" || key == "histogram" || key == "summary";
}

}  // namespace

struct Index::Walker {
  Index& index;
  std::vector<Reference>& refs;
  base::FileId file;
  std::string_view text;

  // The span of a view into the source text; invalid when the view is not in it (decoded text).
  base::Span span_of(std::string_view v) const {
    if (v.data() < text.data() || v.data() + v.size() > text.data() + text.size()) return {};
    auto b = static_cast<std::uint32_t>(v.data() - text.data());
    return {file, b, b + static_cast<std::uint32_t>(v.size())};
  }
  void declare(Symbol sym) {
    if (!index.declared_.count(sym.stmt)) index.declare(std::move(sym));  // else the checker did
  }
  void declare(SymbolKind kind, const ast::Stmt& s, const ast::Label& l, std::string container) {
    declare({kind, std::string(l.text), std::move(container), s.key, name_span(l), s.span, &s});
  }
  void refer(SymbolKind kind, std::string_view name, base::Span span, std::string_view via,
             std::string container = {}) {
    if (!span.valid() || name.empty()) return;
    refs.push_back({kind, std::string(name), std::move(container), span, via});
  }

  void top(const ast::Stmt& s) {
    if (s.key == "import") {
      if (!s.labels.empty())
        refer(SymbolKind::Import, s.labels[0].text, name_span(s.labels[0]), "import");
      return;
    }
    const Kind* kind = top_kind(s.key);
    std::string workload;
    if (s.key == "template") {
      if (!s.labels.empty()) declare(SymbolKind::Template, s, s.labels[0], {});
      // template NAME for KIND: its body has that kind's fields.
      if (s.labels.size() >= 3 && s.labels[1].text == "for") kind = top_kind(s.labels[2].text);
    } else if (kind && kind->named && !s.labels.empty()) {
      SymbolKind sk = kind->workload           ? SymbolKind::Workload
                      : s.key == "stack"       ? SymbolKind::Stack
                      : s.key == "cluster"     ? SymbolKind::Cluster
                      : s.key == "environment" ? SymbolKind::Environment
                      : s.key == "alert"       ? SymbolKind::Alert
                      : s.key == "record"      ? SymbolKind::Record
                      : s.key == "dashboard"   ? SymbolKind::Dashboard
                      : s.key == "backup"      ? SymbolKind::Backup
                                               : SymbolKind::Singleton;
      declare(sk, s, s.labels[0], {});
      if (sk == SymbolKind::Workload) workload = std::string(s.labels[0].text);
    } else if (kind && !kind->named) {
      declare({SymbolKind::Singleton, std::string(s.key), {}, s.key, s.key_span, s.span, &s});
    } else if (s.key == "stack" && !s.labels.empty()) {
      declare(SymbolKind::Stack, s, s.labels[0], {});
    }
    for (const auto& f : s.from) refer(SymbolKind::Template, f.text, name_span(f), "from");
    if (s.has_value()) value(*s.value, s.key, workload, kind);
    for (const auto& b : s.body) inner(b, kind, workload);
  }

  void inner(const ast::Stmt& s, const Kind* kind, const std::string& workload) {
    const Field* field = kind ? kind->field(s.key) : nullptr;
    const Kind* sub = field && field->block ? field->block : nullptr;
    if (s.key == "when") {
      for (const auto& l : s.labels) refer(SymbolKind::Environment, l.text, name_span(l), "when");
      sub = kind;
    } else if (s.key == "port" && !s.labels.empty() && !workload.empty()) {
      declare(SymbolKind::Port, s, s.labels[0], workload);
    } else if (s.key == "receiver" && !s.labels.empty()) {
      declare(SymbolKind::Receiver, s, s.labels[0], {});
    } else if (is_metric_kind(s.key) && !s.labels.empty() && kind && kind->name == "metrics") {
      declare(SymbolKind::Metric, s, s.labels[0], workload);
    } else if (s.key == "version" && !s.labels.empty() && !workload.empty()) {
      declare(SymbolKind::Version, s, s.labels[0], workload);
      sub = kind;
    }
    if (s.has_value()) {
      const auto& v = *s.value;
      if (auto named = field ? referenced_kind(*field) : std::nullopt) {
        if (field->type == Type::BackupSource) {
          if (v.kind == ast::ValueKind::Path && v.path.size() == 1)  // else the kinds of data
            refer(*named, v.path[0], span_of(v.path[0]), s.key);
        } else {
          names(v, *named, s.key);
        }
      } else if (s.key == "port" && kind && kind->name == "ingress" &&
                 v.kind == ast::ValueKind::Path && v.path.size() == 1) {
        refer(SymbolKind::Port, v.path[0], span_of(v.path[0]), "port", workload);
      } else if ((s.key == "expr" && kind && (kind->name == "alert" || kind->name == "record")) ||
                 (s.key == "metrics" && kind && kind->name == "dashboard")) {
        expressions(v);
      }
      if (v.kind == ast::ValueKind::Object && sub == nullptr && field && field->block)
        sub = field->block;
      value(v, s.key, workload, sub ? sub : kind);
    }
    for (const auto& b : s.body) inner(b, sub, workload);
  }

  // A name or a list of names of declarations.
  void names(const ast::Value& v, SymbolKind kind, std::string_view via) {
    if (v.kind == ast::ValueKind::Path && v.path.size() == 1) {
      refer(kind, v.path[0], span_of(v.path[0]), via);
    } else if (v.kind == ast::ValueKind::List) {
      for (const auto& item : v.items)
        if (item.kind == ast::ValueKind::Path && item.path.size() == 1)
          refer(kind, item.path[0], span_of(item.path[0]), via);
    }
  }

  void expressions(const ast::Value& v) {
    if (v.kind == ast::ValueKind::String && v.span.end - v.span.begin >= 2 && !v.multiline) {
      index_expr(v);
    } else if (v.kind == ast::ValueKind::List) {
      for (const auto& item : v.items) expressions(item);
    }
  }
  void index_expr(const ast::Value& v);

  void interpolation(const ast::StringPart& p, const std::string& workload) {
    auto first = p.text.substr(0, p.text.find('.'));
    if (first.empty() || first == "stack" || first == "env" || first == "environment" ||
        first == "self")
      return;
    base::Span where = span_of(first);
    refer(SymbolKind::Workload, first, where, "interpolation");
    // ${W.port.NAME}
    std::string_view rest = p.text.substr(std::min(p.text.size(), first.size() + 1));
    if (rest.substr(0, 5) == "port." && rest.size() > 5) {
      std::string_view port = rest.substr(5);
      refer(SymbolKind::Port, port, span_of(port), "interpolation", std::string(first));
    }
    (void)workload;
  }

  void value(const ast::Value& v, std::string_view key, const std::string& workload,
             const Kind* kind) {
    switch (v.kind) {
      case ast::ValueKind::String:
        for (const auto& p : v.parts())
          if (p.interpolation) interpolation(p, workload);
        break;
      case ast::ValueKind::Path:
        // WORKLOAD.host / .port / .address as an env value
        if (v.path.size() >= 2 &&
            (v.path[1] == "host" || v.path[1] == "port" || v.path[1] == "address") &&
            v.path[0] != "stack")
          refer(SymbolKind::Workload, v.path[0], span_of(v.path[0]), "reference");
        break;
      case ast::ValueKind::Call: {
        std::string_view fn = v.path.empty() ? std::string_view() : v.path[0];
        if (fn == "secret" && !v.items.empty() && v.items[0].kind == ast::ValueKind::String &&
            v.items[0].arg_name().empty()) {
          const auto& a = v.items[0];
          if (a.span.end - a.span.begin >= 2 && !a.has_interpolation())
            refer(SymbolKind::Secret, a.string_value(),
                  {a.span.file, a.span.begin + 1, a.span.end - 1}, "secret");
        }
        if (fn == "http" || fn == "tcp" || fn == "grpc") {
          for (std::size_t i = 0; i < v.items.size(); ++i) {
            const auto& a = v.items[i];
            bool port_arg =
                a.arg_name() == "port" || (i == 0 && fn != "http" && a.arg_name().empty());
            if (!port_arg || workload.empty()) continue;
            if (a.kind == ast::ValueKind::Path && a.path.size() == 1)
              refer(SymbolKind::Port, a.path[0], span_of(a.path[0]), "probe", workload);
            else if (a.kind == ast::ValueKind::String && !a.has_interpolation() &&
                     a.span.end - a.span.begin >= 2)
              refer(SymbolKind::Port, a.string_value(),
                    {a.span.file, a.span.begin + 1, a.span.end - 1}, "probe", workload);
          }
        }
        for (const auto& a : v.items) value(a, key, workload, kind);
        break;
      }
      case ast::ValueKind::List:
      case ast::ValueKind::Range:
      case ast::ValueKind::Arrow:
        for (const auto& a : v.items) value(a, key, workload, kind);
        break;
      case ast::ValueKind::Object:
        for (const auto& b : v.body()) inner(b, kind, workload);
        break;
      default:
        break;
    }
  }
};

void Index::Walker::index_expr(const ast::Value& v) {
  if (v.span.end > text.size()) return;
  index.add_expression(file, v.span.begin + 1,
                       text.substr(v.span.begin + 1, v.span.end - v.span.begin - 2));
}

base::Span name_span(const ast::Label& l) {
  if (!l.is_string || l.span.end - l.span.begin < 2) return l.span;
  return {l.span.file, l.span.begin + 1, l.span.end - 1};
}

std::size_t Index::key(SymbolKind kind, std::string_view name, std::string_view container) {
  std::size_t h = std::hash<std::string_view>{}(name);
  h ^= std::hash<std::string_view>{}(container) + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
  return h * 31 + static_cast<std::size_t>(kind);
}

const Symbol* Index::exact(SymbolKind kind, std::string_view name,
                           std::string_view container) const {
  auto [b, e] = found_.equal_range(key(kind, name, container));
  for (auto it = b; it != e; ++it) {
    const Symbol& o = symbols_[it->second];
    if (o.kind == kind && o.name == name && o.container == container) return &o;
  }
  return nullptr;
}

void Index::declare(Symbol s) {
  if (!exact(s.kind, s.name, s.container))
    found_.emplace(key(s.kind, s.name, s.container), static_cast<std::uint32_t>(symbols_.size()));
  symbols_.push_back(std::move(s));
}

void Index::reserve(std::size_t n) {
  symbols_.reserve(n);
  found_.reserve(n);
  base::populate_in_halves(symbols_.data(), symbols_.capacity() * sizeof(Symbol));
}

void Index::rehash() {
  found_.clear();
  found_.reserve(symbols_.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    const Symbol& s = symbols_[i];
    if (!exact(s.kind, s.name, s.container))
      found_.emplace(key(s.kind, s.name, s.container), static_cast<std::uint32_t>(i));
  }
}

void Index::add(const ast::File& file, std::string_view text, base::FileId as) {
  if (file_order_.empty())  // the statements the checker declared
    for (const auto& s : symbols_) declared_.insert(s.stmt);
  file_order_.push_back(as);
  Walker w{*this, refs_, file.id, text};
  std::size_t first_symbol = symbols_.size(), first_ref = refs_.size();
  for (const auto& s : file.statements) w.top(s);
  if (as == file.id) return;
  for (std::size_t i = first_symbol; i < symbols_.size(); ++i) {
    symbols_[i].name_span.file = as;
    symbols_[i].decl_span.file = as;
  }
  for (std::size_t i = first_ref; i < refs_.size(); ++i) refs_[i].span.file = as;
  for (auto& e : exprs_)
    if (e.file == file.id) e.file = as;
}

void Index::add_expression(base::FileId file, std::uint32_t begin, std::string_view text) {
  exprs_.push_back({file, begin, text});
}

void Index::finish() {
  auto ident_start = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
  };
  auto ident_char = [&](char c) { return ident_start(c) || (c >= '0' && c <= '9'); };
  std::vector<std::string_view> metrics;
  for (const auto& s : symbols_)
    if (s.kind == SymbolKind::Metric) metrics.push_back(s.name);
  std::sort(metrics.begin(), metrics.end());
  for (const auto& e : exprs_) {
    for (std::size_t i = 0; i < e.text.size();) {
      if (!ident_start(e.text[i]) || (i > 0 && ident_char(e.text[i - 1]))) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < e.text.size() && ident_char(e.text[j])) ++j;
      std::string_view word = e.text.substr(i, j - i);
      if (std::binary_search(metrics.begin(), metrics.end(), word))
        refs_.push_back({SymbolKind::Metric,
                         std::string(word),
                         {},
                         {e.file, e.begin + static_cast<std::uint32_t>(i),
                          e.begin + static_cast<std::uint32_t>(j)},
                         "expression"});
      i = j;
    }
  }
  exprs_.clear();
  // The checker declared its declarations in its own order (imports first): the symbols in the
  // order of the files added, each file's in the order they are written.
  std::unordered_map<base::FileId, std::size_t> rank_of;  // a file added twice: its first place
  for (std::size_t i = 0; i < file_order_.size(); ++i) rank_of.emplace(file_order_[i], i);
  std::vector<std::size_t> ranks(symbols_.size());
  std::vector<std::uint32_t> order(symbols_.size());
  for (std::size_t i = 0; i < symbols_.size(); ++i) {
    auto it = rank_of.find(symbols_[i].decl_span.file);
    ranks[i] = it == rank_of.end() ? file_order_.size() : it->second;
    order[i] = static_cast<std::uint32_t>(i);
  }
  std::stable_sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
    if (ranks[a] != ranks[b]) return ranks[a] < ranks[b];
    return symbols_[a].decl_span.begin < symbols_[b].decl_span.begin;
  });
  std::vector<Symbol> sorted;
  sorted.reserve(symbols_.size());
  for (std::uint32_t i : order) sorted.push_back(std::move(symbols_[i]));
  symbols_ = std::move(sorted);
  rehash();
}

const Symbol* Index::find(SymbolKind kind, std::string_view name,
                          std::string_view container) const {
  bool any_container =
      container.empty() &&
      (kind == SymbolKind::Port || kind == SymbolKind::Metric || kind == SymbolKind::Version);
  if (!any_container) return exact(kind, name, container);
  for (const auto& s : symbols_)
    if (s.kind == kind && s.name == name) return &s;
  return nullptr;
}

const Symbol* Index::first(SymbolKind kind) const {
  for (const auto& s : symbols_)
    if (s.kind == kind) return &s;
  return nullptr;
}

std::vector<std::string> Index::names(SymbolKind kind) const {
  std::vector<std::string> out;
  for (const auto& [h, i] : found_)
    if (symbols_[i].kind == kind) out.push_back(symbols_[i].name);
  std::sort(out.begin(), out.end());
  return out;
}

const Symbol* Index::symbol_at(base::FileId file, std::uint32_t offset) const {
  for (const auto& s : symbols_)
    if (contains(s.name_span, file, offset)) return &s;
  return nullptr;
}

const Reference* Index::reference_at(base::FileId file, std::uint32_t offset) const {
  for (const auto& r : refs_)
    if (contains(r.span, file, offset)) return &r;
  return nullptr;
}

std::vector<const Reference*> Index::references_to(const Symbol& s) const {
  std::vector<const Reference*> out;
  for (const auto& r : refs_) {
    if (r.kind != s.kind || r.name != s.name) continue;
    if (s.kind == SymbolKind::Port && r.container != s.container) continue;
    out.push_back(&r);
  }
  return out;
}

const Symbol* Index::enclosing_workload(base::FileId file, std::uint32_t offset) const {
  for (const auto& s : symbols_)
    if (s.kind == SymbolKind::Workload && s.decl_span.file == file && s.decl_span.begin <= offset &&
        offset <= s.decl_span.end)
      return &s;
  return nullptr;
}

}  // namespace stackc::check
