// textDocument/completion. The context comes from the text before the cursor (the blocks it is
// in and the statement it is writing), so it works mid-edit when the file does not parse; the
// names come from the unit's symbol index and the keys, docs and choices from the schema.
#include <fmt/format.h>

#include <set>

#include "lsp/features.hpp"
#include "lsp/tree.hpp"

namespace stackc::lsp {

namespace {

// CompletionItemKind
constexpr int kField = 5, kClass = 7, kProperty = 10, kUnit = 11, kValue = 12, kKeyword = 14,
              kReference = 18, kEnumMember = 20;

bool ident_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}

std::string trim(std::string_view s) {
  auto b = s.find_first_not_of(" \t\r");
  if (b == std::string_view::npos) return {};
  auto e = s.find_last_not_of(" \t\r");
  return std::string(s.substr(b, e - b + 1));
}

std::vector<std::string> words(std::string_view s) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < s.size();) {
    if (!ident_char(s[i])) {
      if (s[i] == '=') out.emplace_back("=");
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < s.size() && ident_char(s[j])) ++j;
    out.emplace_back(s.substr(i, j - i));
    i = j;
  }
  return out;
}

// The text before the cursor, read as the parser would: the heads of the blocks still open, and
// the current statement's text.
struct Context {
  std::vector<std::string> heads;  // `service api`, `when dev`, `backend = vault`, ...
  std::string statement;           // from the statement's start to the cursor
  bool in_string = false;
  bool in_comment = false;
  int brackets = 0;  // `[` and `(` open in the statement
};

Context scan(std::string_view text) {
  Context c;
  std::size_t start = 0;  // of the current statement
  bool triple = false, str = false, comment = false;
  int brackets = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    char ch = text[i];
    if (comment) {
      if (ch == '\n') {
        comment = false;
        if (brackets == 0) start = i + 1;
      }
      continue;
    }
    if (str) {
      if (ch == '\\') {
        ++i;
      } else if (triple && text.substr(i, 3) == "\"\"\"") {
        str = triple = false;
        i += 2;
      } else if (!triple && (ch == '"' || ch == '\n')) {
        str = false;
      }
      continue;
    }
    switch (ch) {
      case '#':
        comment = true;
        break;
      case '"':
        str = true;
        triple = text.substr(i, 3) == "\"\"\"";
        if (triple) i += 2;
        break;
      case '[':
      case '(':
        ++brackets;
        break;
      case ']':
      case ')':
        brackets = std::max(0, brackets - 1);
        break;
      case '{':
        if (c.heads.size() < 256) c.heads.push_back(trim(text.substr(start, i - start)));
        brackets = 0;
        start = i + 1;
        break;
      case '}':
        if (!c.heads.empty()) c.heads.pop_back();
        brackets = 0;
        start = i + 1;
        break;
      case '\n':
        if (brackets == 0) start = i + 1;
        break;
      default:
        break;
    }
  }
  c.statement = std::string(text.substr(start));
  c.in_string = str;
  c.in_comment = comment;
  c.brackets = brackets;
  return c;
}

// The kind of the innermost open block.
const check::Kind* block_kind(const std::vector<std::string>& heads, bool& top) {
  top = heads.empty();
  const check::Kind* kind = nullptr;
  for (std::size_t i = 0; i < heads.size(); ++i) {
    auto w = words(heads[i]);
    if (w.empty()) return nullptr;
    if (i == 0) {
      if (w[0] == "template")
        kind = w.size() >= 4 && w[2] == "for" ? check::top_kind(w[3]) : nullptr;
      else
        kind = check::top_kind(w[0]);
    } else if (w[0] == "when") {
      // the same kind
    } else if (kind) {
      const check::Field* f = kind->field(w[0]);
      kind = f && f->block ? f->block : nullptr;
    }
    if (!kind) return nullptr;
  }
  return kind;
}

struct Builder {
  json items = json::array();
  std::set<std::string> seen;
  Range replace;
  void add(const std::string& label, int kind, const std::string& detail,
           const std::string& doc = {}) {
    if (label.empty() || !seen.insert(label).second || items.size() >= 500) return;
    json it = {{"label", label},
               {"kind", kind},
               {"textEdit", {{"range", range_json(replace)}, {"newText", label}}}};
    if (!detail.empty()) it["detail"] = detail;
    if (!doc.empty()) it["documentation"] = {{"kind", "markdown"}, {"value", doc}};
    items.push_back(std::move(it));
  }
};

void names_of(const Unit& u, SymbolKind kind, int item_kind, Builder& b) {
  for (const auto& s : u.index.symbols())
    if (s.kind == kind) b.add(s.name, item_kind, std::string(s.word));
}

void values_for(const Unit& u, const check::Field& f, bool in_list, Builder& b) {
  using T = check::Type;
  switch (f.type) {
    case T::Enum:
    case T::Tagged:
      for (const auto& c : check::split_choices(f.choices))
        b.add(c, kEnumMember, std::string(f.name));
      break;
    case T::EnumList:
      if (in_list)
        for (const auto& c : check::split_choices(f.choices))
          b.add(c, kEnumMember, std::string(f.name));
      break;
    case T::Bool:
      b.add("true", kValue, "boolean");
      b.add("false", kValue, "boolean");
      break;
    case T::Ref:
    case T::RefList:
      if (f.type == T::RefList && !in_list) break;
      if (f.choices == "workload") names_of(u, SymbolKind::Workload, kReference, b);
      if (f.choices == "cluster") names_of(u, SymbolKind::Cluster, kReference, b);
      if (f.choices == "receiver") names_of(u, SymbolKind::Receiver, kReference, b);
      break;
    case T::BackupSource:
      for (const auto& s : u.index.symbols())
        if (s.kind == SymbolKind::Workload && s.word == "stateful")
          b.add(s.name, kReference, "stateful");
      if (in_list)
        for (const auto& c : check::split_choices(f.choices))
          b.add(c, kEnumMember, "backup source");
      break;
    default:
      break;
  }
}

void units_for(check::Type t, Builder& b) {
  using T = check::Type;
  std::vector<std::pair<const char*, const char*>> units;
  if (t == T::Cpu || t == T::CpuRange) units = {{"m", "millicores"}};
  if (t == T::Bytes || t == T::BytesRange)
    units = {{"Mi", "mebibytes"}, {"Gi", "gibibytes"}, {"Ki", "kibibytes"}, {"Ti", "tebibytes"},
             {"Pi", "pebibytes"}, {"k", "kilobytes"},  {"M", "megabytes"},  {"G", "gigabytes"},
             {"T", "terabytes"},  {"P", "petabytes"}};
  if (t == T::Duration)
    units = {{"s", "seconds"}, {"m", "minutes"}, {"h", "hours"}, {"d", "days"}, {"w", "weeks"}};
  if (t == T::Percent) units = {{"%", "percent"}};
  for (const auto& [u, what] : units) b.add(u, kUnit, what);
}

}  // namespace

json completion(const Workspace& ws, const json& params) {
  std::string uri = uri_param(params);
  Position pos = position_param(params);
  const Document* doc = ws.document(uri);
  const Unit* u = ws.unit_for(uri);
  if (!doc || !u) return json::array();
  LineIndex lines(doc->text);
  std::uint32_t offset = lines.offset(pos);
  std::string_view before = std::string_view(doc->text).substr(0, offset);
  Context c = scan(before);
  Builder b;
  // The word being written is what an item replaces.
  std::uint32_t word = offset;
  while (word > 0 && ident_char(doc->text[word - 1])) --word;
  b.replace = lines.range(word, offset);
  if (c.in_comment) return b.items;
  bool top = false;
  const check::Kind* kind = block_kind(c.heads, top);
  const std::string& st = c.statement;
  auto eq = st.find('=');
  if (c.in_string) {
    // Metric names inside an alert's or a record's expression.
    auto w = words(st);
    if (kind && (kind->name == "alert" || kind->name == "record") && !w.empty() && w[0] == "expr")
      for (const auto& s : u->index.symbols())
        if (s.kind == SymbolKind::Metric)
          b.add(s.name, kField, fmt::format("{} of {}", s.word, s.container));
    if (kind && kind->name == "dashboard" && !w.empty() && w[0] == "metrics")
      for (const auto& s : u->index.symbols())
        if (s.kind == SymbolKind::Metric)
          b.add(s.name, kField, fmt::format("{} of {}", s.word, s.container));
    return b.items;
  }
  if (eq == std::string::npos) {
    auto w = words(st);
    bool after_space = !st.empty() && (st.back() == ' ' || st.back() == '\t');
    std::size_t done = w.size() - (after_space || w.empty() ? 0 : 1);  // complete words
    if (done == 0) {
      if (top) {
        for (const check::Kind* k : check::top_kinds())
          b.add(std::string(k->name), kKeyword, "kind",
                fmt::format("**`{}`** — {}", k->name, k->doc));
      } else if (kind) {
        for (const auto& f : kind->fields)
          b.add(std::string(f.name), kProperty, std::string(check::type_name(f.type)),
                field_doc(f));
        if (kind->when)
          b.add("when", kKeyword, "when ENV { ... }",
                "The fields inside apply only in environment ENV.");
      }
      return b.items;
    }
    if (w[0] == "when") {
      names_of(*u, SymbolKind::Environment, kEnumMember, b);
      return b.items;
    }
    if (top && w[0] == "import" && done == 1) return b.items;
    // `KIND NAME from TEMPLATE`, `template NAME for KIND`
    if (done >= 2 && w[done - 1] == "from") {
      names_of(*u, SymbolKind::Template, kClass, b);
      return b.items;
    }
    if (top && w[0] == "template" && done >= 2 && w[done - 1] == "for") {
      for (const check::Kind* k : check::top_kinds())
        if (k->templated) b.add(std::string(k->name), kKeyword, "kind");
      return b.items;
    }
    if (top && done == 2 && check::top_kind(w[0]) && check::top_kind(w[0])->templated)
      b.add("from", kKeyword, "from TEMPLATE");
    return b.items;
  }
  // A port of the workload: `port = ` in a probe or an ingress, `tcp(` and `grpc(`.
  {
    std::string tail =
        st.substr(st.find_last_of("(,{[") == std::string::npos ? 0 : st.find_last_of("(,{[") + 1);
    auto tw = words(tail);
    std::size_t open = st.find_last_of('(');
    bool port_arg =
        (!tw.empty() && tw[0] == "port" && tw.size() >= 2 && tw[1] == "=" && tw.size() <= 3) ||
        (open != std::string::npos && open >= 3 && c.brackets > 0 &&
         (st.compare(open - 3, 3, "tcp") == 0 ||
          (open >= 4 && st.compare(open - 4, 4, "grpc") == 0)) &&
         tw.size() <= 1 && st.find(',', open) == std::string::npos);
    if (port_arg && !c.heads.empty()) {
      auto head = words(c.heads[0]);
      if (head.size() >= 2 && check::top_kind(head[0]) && check::top_kind(head[0])->workload) {
        for (const auto& s : u->index.symbols())
          if (s.kind == SymbolKind::Port && s.container == head[1])
            b.add(s.name, kReference, fmt::format("port of {}", s.container));
        if (!b.items.empty()) return b.items;
      }
    }
  }
  // KEY = VALUE
  auto key_words = words(st.substr(0, eq));
  if (key_words.empty() || !kind) return b.items;
  const check::Field* f = kind->field(key_words[0]);
  if (!f) return b.items;
  std::string value = st.substr(eq + 1);
  // A number being written: its units.
  std::size_t end = value.size(), letters = end;
  while (letters > 0 && (std::isalpha(static_cast<unsigned char>(value[letters - 1])) ||
                         value[letters - 1] == '%'))
    --letters;
  std::size_t digits = letters;
  while (digits > 0 && (std::isdigit(static_cast<unsigned char>(value[digits - 1])) ||
                        value[digits - 1] == '_' || value[digits - 1] == '.'))
    --digits;
  if (digits < letters && std::isdigit(static_cast<unsigned char>(value[letters - 1])) &&
      (digits == 0 || !ident_char(value[digits - 1]) ||
       value.substr(digits > 1 ? digits - 2 : 0, 2) == "..")) {
    std::uint32_t unit_start = offset - static_cast<std::uint32_t>(end - letters);
    b.replace = lines.range(unit_start, offset);
    units_for(f->type, b);
    return b.items;
  }
  if (c.brackets == 0) {
    // `cpu = 4  mem|` in a one-line block: a value is complete, a new key is being written.
    auto vw = trim(value);
    bool complete_then_word = false;
    if (!vw.empty()) {
      auto sp = vw.find_first_of(" \t");
      complete_then_word = sp != std::string::npos && vw.find('=', sp) == std::string::npos &&
                           vw.find_first_of("[(\"", 0) == std::string::npos;
      if (!complete_then_word && value.size() && (value.back() == ' ' || value.back() == '\t') &&
          vw.find_first_of("[(\"") == std::string::npos && f->type != check::Type::Tagged)
        complete_then_word = true;
    }
    if (complete_then_word) {
      for (const auto& g : kind->fields)
        b.add(std::string(g.name), kProperty, std::string(check::type_name(g.type)), field_doc(g));
      return b.items;
    }
  }
  values_for(*u, *f, c.brackets > 0, b);
  return b.items;
}

}  // namespace stackc::lsp
