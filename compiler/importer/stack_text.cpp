#include "importer/stack_text.hpp"

#include <fmt/format.h>

#include <map>
#include <set>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "syntax/format.hpp"
#include "syntax/parse.hpp"

namespace stackc::importer {

Stmt* Stmt::find(std::string_view h) {
  for (Stmt& s : body)
    if (s.head == h) return &s;
  return nullptr;
}

const Stmt* Stmt::find(std::string_view h) const {
  for (const Stmt& s : body)
    if (s.head == h) return &s;
  return nullptr;
}

namespace {

void escape_into(std::string& out, char c) {
  switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\0':
      out += "\\0";
      break;
    default:
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
        out += fmt::format("\\u{{{:x}}}", static_cast<unsigned>(static_cast<unsigned char>(c)));
      else
        out += c;
  }
}

// The longest block written on one line (the formatter keeps the layout it is given).
constexpr std::size_t kFlatWidth = 72;

void print_stmt(std::string& out, const Stmt& s, int depth) {
  std::string pad(static_cast<std::size_t>(depth) * 2, ' ');
  for (const std::string& c : s.comments) {
    out += pad;
    out += c.empty() ? "#" : "# " + c;
    out += '\n';
  }
  if (!s.block && s.head.empty()) return;  // a comment alone
  if (!s.block) {  // `head = value`, or a bare entry (`counter requests_total`) without a value
    out += s.value.empty() ? fmt::format("{}{}\n", pad, s.head)
                           : fmt::format("{}{} = {}\n", pad, s.head, s.value);
    return;
  }
  if (s.body.empty()) {
    out += fmt::format("{}{} {{}}\n", pad, s.head);
    return;
  }
  // A short block of plain statements stays on one line, as people write `node { cpu = 4 }`.
  std::string line = fmt::format("{}{} {{", pad, s.head);
  bool flat = true;
  for (const Stmt& b : s.body) {
    if (b.block || !b.comments.empty() || b.head.empty() || b.value.empty() ||
        b.value.find('\n') != std::string::npos)
      flat = false;
    line += fmt::format(" {} = {} ", b.head, b.value);
  }
  line += "}";
  if (flat && line.size() <= kFlatWidth) {
    out += line + "\n";
    return;
  }
  out += fmt::format("{}{} {{\n", pad, s.head);
  for (const Stmt& b : s.body) print_stmt(out, b, depth + 1);
  out += pad + "}\n";
}

}  // namespace

std::string text_of(const Stmt& s) {
  if (!s.block) return s.head + " = " + s.value;
  std::string out = s.head + " {";
  for (const Stmt& b : s.body)
    if (!b.head.empty()) out += " " + text_of(b) + ";";
  return out + " }";
}

namespace {

// `nested`: inside a block (an `env`, a `security`...), where the order of the entries is the
// order of the output (env variables): a value every variant has stays in place with the first
// variant's value, and is replaced where another differs.
void split(const std::vector<const Stmt*>& variants, Stmt& common, std::vector<Stmt>& own,
           const std::vector<std::string>& atomic, bool nested) {
  own.clear();
  for (const Stmt* v : variants) {
    Stmt o = Stmt::open(v->head);
    own.push_back(std::move(o));
  }
  if (variants.empty()) return;
  auto is_atomic = [&](const std::string& head) {
    for (const auto& a : atomic)
      if (head.rfind(a, 0) == 0) return true;
    return false;
  };
  // Statements by head in each variant (heads are unique in a body).
  std::vector<std::map<std::string, const Stmt*>> by_head(variants.size());
  for (std::size_t i = 0; i < variants.size(); ++i)
    for (const Stmt& b : variants[i]->body)
      if (!b.head.empty()) by_head[i][b.head] = &b;
  std::set<std::string> shared;  // heads handled as common (wholly or split)
  for (const Stmt& b : variants[0]->body) {
    if (b.head.empty()) continue;
    std::vector<const Stmt*> same;
    for (std::size_t i = 0; i < variants.size(); ++i) {
      auto it = by_head[i].find(b.head);
      if (it == by_head[i].end() || it->second->block != b.block) break;
      same.push_back(it->second);
    }
    if (same.size() != variants.size()) continue;
    shared.insert(b.head);
    bool equal = true;
    for (const Stmt* s : same) equal = equal && text_of(*s) == text_of(b);
    if (equal) {
      common.add(b);
      continue;
    }
    if (is_atomic(b.head) || (nested && !b.block)) {
      // Kept in place with the first variant's value (its position decides which port is the
      // first, or where the variable is), replaced where another differs.
      common.add(b);
      for (std::size_t i = 1; i < variants.size(); ++i)
        if (text_of(*same[i]) != text_of(b)) own[i].add(*same[i]);
      continue;
    }
    if (!b.block) {
      for (std::size_t i = 0; i < variants.size(); ++i) own[i].add(*same[i]);
      continue;
    }
    Stmt sub = Stmt::open(b.head);
    sub.comments = b.comments;
    std::vector<Stmt> sub_own;
    split(same, sub, sub_own, atomic, true);
    if (!sub.body.empty()) common.add(std::move(sub));
    for (std::size_t i = 0; i < variants.size(); ++i)
      if (!sub_own[i].body.empty()) own[i].add(std::move(sub_own[i]));
  }
  for (std::size_t i = 0; i < variants.size(); ++i)
    for (const Stmt& b : variants[i]->body)
      if (!b.head.empty() && !shared.count(b.head)) own[i].add(b);
}

}  // namespace

void split_common(const std::vector<const Stmt*>& variants, Stmt& common, std::vector<Stmt>& own,
                  const std::vector<std::string>& atomic) {
  split(variants, common, own, atomic, false);
}

std::string quote(std::string_view text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '$')
      out += "\\$";
    else
      escape_into(out, c);
  }
  out += '"';
  return out;
}

std::string quote_interpolated(std::string_view text) {
  std::string out = "\"";
  for (char c : text) escape_into(out, c);
  out += '"';
  return out;
}

bool is_ident(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; };
  if (!alpha(s[0])) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9') && c != '-') return false;
  return true;
}

std::string label(std::string_view s) {
  return is_ident(s) ? std::string(s) : quote(s);
}

std::string list(const std::vector<std::string>& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) {
    if (i) out += ", ";
    out += items[i];
  }
  return out + "]";
}

std::string print(const std::vector<Stmt>& top) {
  std::string text;
  for (std::size_t i = 0; i < top.size(); ++i) {
    if (i && (top[i].block || top[i - 1].block || !top[i].comments.empty())) text += '\n';
    print_stmt(text, top[i], 0);
  }
  base::SourceManager sm;
  base::FileId id = sm.add("import.stack", text);
  base::Collector sink;
  ast::File file = syntax::parse(sm, id, sink);
  if (sink.error_count() || !file.ok) return text;
  return syntax::format(sm, file);
}

}  // namespace stackc::importer
