// textDocument/documentSymbol, foldingRange, semanticTokens/full and inlayHint: the shape of a
// file from its syntax tree (also the partial tree of a file with syntax errors), and the values
// `when` gives each environment from the checked model.
#include <fmt/format.h>

#include <algorithm>

#include "check/units.hpp"
#include "lsp/features.hpp"
#include "lsp/tree.hpp"

namespace stackc::lsp {

namespace {

// LSP SymbolKind
constexpr int kModule = 2, kNamespace = 3, kClass = 5, kProperty = 7, kField = 8, kEnum = 10,
              kInterface = 11, kConstant = 14, kObject = 19, kEvent = 24, kStruct = 23;

struct FileRef {
  const Unit* unit = nullptr;
  base::FileId file = base::kNoFile;
  const ast::File* tree = nullptr;
  std::vector<const ast::File*> trees;  // the tree and, mid-edit, the recovered statements
};

FileRef file_of(const Workspace& ws, const json& params) {
  std::string uri = uri_param(params);
  FileRef r;
  r.unit = ws.unit_for(uri);
  if (!r.unit) return {};
  auto f = r.unit->file_of(uri);
  if (!f) return {};
  r.file = *f;
  r.tree = r.unit->tree(*f);
  r.trees = r.unit->trees(*f);
  return r.tree ? r : FileRef{};
}

int symbol_kind(const ast::Stmt& s, bool top) {
  if (!top) {
    if (s.key == "when") return kNamespace;
    if (s.key == "port") return kInterface;
    if (s.key == "receiver") return kEvent;
    if (s.key == "counter" || s.key == "gauge" || s.key == "histogram" || s.key == "summary")
      return kField;
    return s.has_block ? kObject : kProperty;
  }
  if (s.key == "import") return kModule;
  if (s.key == "template") return kInterface;
  if (s.key == "environment") return kEnum;
  if (s.key == "cluster") return kStruct;
  if (s.key == "alert" || s.key == "record") return kEvent;
  if (s.key == "stack") return kNamespace;
  const check::Kind* k = check::top_kind(s.key);
  if (k && k->workload) return kClass;
  return s.labels.empty() ? kObject : kConstant;
}

json symbol(const Unit& u, base::FileId file, const ast::Stmt& s, bool top, std::size_t depth,
            std::size_t& budget) {
  const LineIndex& lines = u.line_index(file);
  std::string name = s.labels.empty() ? std::string(s.key) : std::string(s.labels[0].text);
  if (s.key == "when" && !s.labels.empty()) name = "when " + name;
  base::Span sel = s.labels.empty() ? s.key_span : s.labels[0].span;
  if (name.empty()) name = "?";
  json j = {{"name", name},
            {"kind", symbol_kind(s, top)},
            {"range", range_json(lines.range(s.span.begin, s.span.end))},
            {"selectionRange", range_json(lines.range(sel.begin, sel.end))}};
  if (!s.labels.empty() && s.key != "when") j["detail"] = std::string(s.key);
  json children = json::array();
  if (depth < 16)
    for (const auto& b : s.body) {
      if (budget == 0) break;
      if (!b.has_block && b.labels.empty()) continue;  // plain `key = value`
      --budget;
      children.push_back(symbol(u, file, b, false, depth + 1, budget));
    }
  if (!children.empty()) j["children"] = std::move(children);
  return j;
}

}  // namespace

json document_symbols(const Workspace& ws, const json& params) {
  FileRef f = file_of(ws, params);
  json out = json::array();
  if (!f.unit) return out;
  std::size_t budget = 20000;
  for (const ast::File* t : f.trees)
    for (const auto& s : t->statements) {
      if (budget == 0) break;
      --budget;
      out.push_back(symbol(*f.unit, f.file, s, true, 0, budget));
    }
  return out;
}

namespace {

void fold(const LineIndex& lines, const ast::Stmt& s, json& out, std::size_t depth) {
  if (out.size() >= 50000 || depth > 64) return;
  auto add = [&](base::Span span, const char* kind) {
    auto a = lines.position(span.begin).line, b = lines.position(span.end).line;
    if (b > a) {
      json j = {{"startLine", a}, {"endLine", b}};
      if (kind) j["kind"] = kind;
      out.push_back(std::move(j));
    }
  };
  if (s.has_block) add(s.body_span, "region");
  if (s.has_value()) {
    const auto& v = *s.value;
    if (v.kind == ast::ValueKind::List || v.kind == ast::ValueKind::String ||
        v.kind == ast::ValueKind::Object || v.kind == ast::ValueKind::Call)
      add(v.span, nullptr);
    if (v.kind == ast::ValueKind::Object)
      for (const auto& b : v.body()) fold(lines, b, out, depth + 1);
  }
  for (const auto& b : s.body) fold(lines, b, out, depth + 1);
}

}  // namespace

json folding_ranges(const Workspace& ws, const json& params) {
  FileRef f = file_of(ws, params);
  json out = json::array();
  if (!f.unit) return out;
  const LineIndex& lines = f.unit->line_index(f.file);
  for (const ast::File* t : f.trees)
    for (const auto& s : t->statements) fold(lines, s, out, 0);
  // Runs of two or more comment lines.
  const auto& cs = f.tree->comments;
  for (std::size_t i = 0; i < cs.size();) {
    std::size_t j = i;
    auto line = [&](std::size_t k) { return lines.position(cs[k].span.begin).line; };
    while (j + 1 < cs.size() && cs[j + 1].own_line && cs[j].own_line && line(j + 1) == line(j) + 1)
      ++j;
    if (j > i) out.push_back({{"startLine", line(i)}, {"endLine", line(j)}, {"kind", "comment"}});
    i = j + 1;
  }
  return out;
}

// ---- semantic tokens -------------------------------------------------------------------------

namespace {

enum Tok : int {
  kKeyword,
  kPropertyTok,
  kClassTok,
  kString,
  kNumber,
  kComment,
  kVariableTok,
  kFunction,
  kEnumMember,
  kParameter,
  kMacro,
  kTypeTok,
};
constexpr unsigned kDeclaration = 1;

struct Token {
  std::uint32_t begin, end;
  int type;
  unsigned mods;
};

struct Tokens {
  std::string_view text;
  base::FileId file;
  std::vector<Token> list;
  void add(base::Span s, int type, unsigned mods = 0) {
    if (s.file != file || s.end <= s.begin || s.end > text.size() || list.size() > 1000000) return;
    list.push_back({s.begin, s.end, type, mods});
  }
  void add(std::string_view v, int type, unsigned mods = 0) {
    if (v.empty() || v.data() < text.data() || v.data() + v.size() > text.data() + text.size())
      return;
    auto b = static_cast<std::uint32_t>(v.data() - text.data());
    add(base::Span{file, b, b + static_cast<std::uint32_t>(v.size())}, type, mods);
  }
};

void value_tokens(Tokens& t, const ast::Value& v, const check::Field* f, std::size_t depth);
void stmt_tokens(Tokens& t, const ast::Stmt& s, const check::Kind* parent, bool top,
                 std::size_t depth) {
  if (depth > 64) return;
  const check::Field* f = parent ? parent->field(s.key) : nullptr;
  const check::Kind* body = top ? top_body_kind(s) : inner_body_kind(s, parent);
  bool keyword = top || s.key == "when";
  t.add(s.key_span, keyword ? kKeyword : kPropertyTok);
  for (std::size_t i = 0; i < s.labels.size(); ++i) {
    const auto& l = s.labels[i];
    if (l.is_string) {
      t.add(l.span, kString);
    } else if (s.key == "when") {
      t.add(l.span, kVariableTok);
    } else if (top && s.key == "template" && i >= 1) {
      t.add(l.span, kKeyword);  // `for KIND`
    } else if (top && i == 0) {
      t.add(l.span, kClassTok, kDeclaration);
    } else {
      t.add(l.span, kParameter, kDeclaration);
    }
  }
  for (const auto& l : s.from) t.add(l.span, kTypeTok);
  if (s.has_value()) value_tokens(t, *s.value, f, depth + 1);
  if (s.has_value() && s.value->kind == ast::ValueKind::Object)
    for (const auto& b : s.value->body())
      stmt_tokens(t, b, f ? f->block : nullptr, false, depth + 1);
  for (const auto& b : s.body) stmt_tokens(t, b, body, false, depth + 1);
}

void value_tokens(Tokens& t, const ast::Value& v, const check::Field* f, std::size_t depth) {
  if (depth > 64) return;
  using T = check::Type;
  switch (v.kind) {
    case ast::ValueKind::String: {
      std::uint32_t at = v.span.begin;
      for (const auto& p : v.parts()) {
        if (!p.interpolation) continue;
        t.add(base::Span{v.span.file, at, p.span.begin}, kString);
        t.add(p.span, kMacro);
        at = p.span.end;
      }
      t.add(base::Span{v.span.file, at, v.span.end}, kString);
      break;
    }
    case ast::ValueKind::Number:
      t.add(v.span, kNumber);
      break;
    case ast::ValueKind::Bool:
      t.add(v.span, kKeyword);
      break;
    case ast::ValueKind::Path: {
      bool enum_like = f && (f->type == T::Enum || f->type == T::EnumList || f->type == T::Tagged ||
                             (f->type == T::BackupSource &&
                              check::choice_allowed(f->choices, v.path.empty() ? "" : v.path[0])));
      t.add(v.span, enum_like ? kEnumMember : kVariableTok);
      break;
    }
    case ast::ValueKind::Call:
      if (!v.path.empty()) t.add(v.path[0], kFunction);
      for (const auto& a : v.items) {
        if (!a.arg_name().empty()) t.add(a.arg_name_span(), kParameter);
        value_tokens(t, a, nullptr, depth + 1);
      }
      break;
    case ast::ValueKind::Object:
      if (!v.path.empty()) t.add(v.path[0], kEnumMember);
      break;
    default:
      for (const auto& a : v.items) value_tokens(t, a, f, depth + 1);
      break;
  }
}

}  // namespace

json semantic_tokens_legend() {
  return {{"tokenTypes",
           {"keyword", "property", "class", "string", "number", "comment", "variable", "function",
            "enumMember", "parameter", "macro", "type"}},
          {"tokenModifiers", {"declaration"}}};
}

std::vector<std::uint32_t> semantic_token_data(const Workspace& ws, const json& params,
                                               const Range* range) {
  FileRef f = file_of(ws, params);
  if (!f.unit) return {};
  std::string_view text = f.unit->sm.file(f.file).text();
  Tokens t{text, f.file, {}};
  for (const ast::File* tree : f.trees) {
    t.file = tree->id;
    for (const auto& s : tree->statements) stmt_tokens(t, s, nullptr, true, 0);
    for (const auto& c : tree->comments) t.add(c.span, kComment);
  }
  std::stable_sort(t.list.begin(), t.list.end(),
                   [](const Token& a, const Token& b) { return a.begin < b.begin; });
  const LineIndex& lines = f.unit->line_index(f.file);
  // A range keeps the tokens that overlap it, whole.
  std::uint32_t from = 0, to = static_cast<std::uint32_t>(text.size());
  if (range) {
    from = lines.offset(range->start);
    to = lines.offset(range->end);
  }
  std::vector<std::uint32_t> data;
  std::uint32_t prev_line = 0, prev_char = 0, covered = 0;
  for (const auto& tok : t.list) {
    std::uint32_t begin = std::max(tok.begin, covered);  // no overlaps
    if (begin >= tok.end) continue;
    covered = tok.end;
    // One token per line (clients need not support multi-line tokens).
    for (std::uint32_t at = begin; at < tok.end;) {
      Position p = lines.position(at);
      std::uint32_t line_end = std::min(lines.line_end(p.line), tok.end);
      bool inside = !range || (at < std::max(to, from + 1) && line_end > from);
      if (line_end > at && inside) {
        std::uint32_t len = utf16_length(text.substr(at, line_end - at));
        data.push_back(p.line - prev_line);
        data.push_back(p.line == prev_line ? p.character - prev_char : p.character);
        data.push_back(len);
        data.push_back(static_cast<std::uint32_t>(tok.type));
        data.push_back(tok.mods);
        prev_line = p.line;
        prev_char = p.character;
      }
      std::uint32_t next = lines.line_start(p.line + 1);
      if (next <= at) break;
      at = next;
    }
  }
  return data;
}

json semantic_tokens_range(const Workspace& ws, const json& params) {
  const json& r = params.at("range");
  Range range{{r.at("start").at("line").get<std::uint32_t>(),
               r.at("start").at("character").get<std::uint32_t>()},
              {r.at("end").at("line").get<std::uint32_t>(),
               r.at("end").at("character").get<std::uint32_t>()}};
  if (range.end.line < range.start.line ||
      (range.end.line == range.start.line && range.end.character < range.start.character))
    throw RpcError(rpc::kInvalidParams, "the range ends before it starts");
  return {{"data", semantic_token_data(ws, params, &range)}};
}

json semantic_tokens_edits(const std::vector<std::uint32_t>& before,
                           const std::vector<std::uint32_t>& after) {
  std::size_t head = 0;
  while (head < before.size() && head < after.size() && before[head] == after[head]) ++head;
  std::size_t tail = 0;
  while (tail < before.size() - head && tail < after.size() - head &&
         before[before.size() - 1 - tail] == after[after.size() - 1 - tail])
    ++tail;
  if (head == before.size() && head == after.size()) return json::array();
  return json::array(
      {{{"start", head},
        {"deleteCount", before.size() - head - tail},
        {"data", std::vector<std::uint32_t>(after.begin() + static_cast<std::ptrdiff_t>(head),
                                            after.end() - static_cast<std::ptrdiff_t>(tail))}}});
}

// ---- inlay hints -----------------------------------------------------------------------------

json inlay_hints(const Workspace& ws, const json& params) {
  FileRef f = file_of(ws, params);
  json out = json::array();
  if (!f.unit) return out;
  const Unit& u = *f.unit;
  const model::Model* m = u.model ? &*u.model : ws.last_model(u.root_uri);
  if (!m) return out;
  const LineIndex& lines = u.line_index(f.file);
  std::uint32_t from = 0, to = UINT32_MAX;
  if (params.contains("range") && params["range"].is_object()) {
    const auto& r = params["range"];
    auto pos = [](const json& p) {
      return Position{p.value("line", 0u), p.value("character", 0u)};
    };
    if (r.contains("start") && r.contains("end")) {
      from = lines.offset(pos(r["start"]));
      to = lines.offset(pos(r["end"]));
    }
  }
  for (const auto& s : f.tree->statements) {
    const check::Kind* k = check::top_kind(s.key);
    if (!k || !k->workload || s.labels.empty() || s.span.end < from || s.span.begin > to) continue;
    std::string name(s.labels[0].text);
    // The keys some `when` sets.
    std::vector<std::string_view> changed;
    for (const auto& b : s.body)
      if (b.key == "when")
        for (const auto& c : b.body) changed.push_back(c.key);
    for (const auto& b : s.body) {
      if (b.key == "when" || !b.has_value() ||
          std::find(changed.begin(), changed.end(), b.key) == changed.end())
        continue;
      std::vector<std::string> per_env;
      for (const auto& env : m->environments) {
        const model::Workload* w = nullptr;
        for (const auto& x : env.workloads)
          if (x.name == name) w = &x;
        if (!w) continue;
        std::string v;
        auto range = [](std::string lo, std::string hi) { return lo == hi ? lo : lo + ".." + hi; };
        if (b.key == "replicas")
          v = range(std::to_string(w->replicas_min), std::to_string(w->replicas_max));
        else if (b.key == "cpu")
          v = range(check::format_cpu(w->cpu.request), check::format_cpu(w->cpu.limit));
        else if (b.key == "memory")
          v = range(check::format_bytes(w->memory.request), check::format_bytes(w->memory.limit));
        else if (b.key == "storage")
          v = check::format_bytes(w->storage);
        else
          continue;
        per_env.push_back(fmt::format("{}: {}", env.name, v));
      }
      if (per_env.empty()) continue;
      std::uint32_t at = b.value->span.end;
      out.push_back(
          {{"position",
            {{"line", lines.position(at).line}, {"character", lines.position(at).character}}},
           {"label", fmt::format("{}", fmt::join(per_env, ", "))},
           {"kind", 1},
           {"paddingLeft", true},
           {"tooltip",
            fmt::format("`{}` of `{}` in each environment, after `when`", b.key, name)}});
    }
  }
  return out;
}

}  // namespace stackc::lsp
