#include "manifests/block.hpp"

#include <algorithm>
#include <string>
#include <string_view>

namespace stackc::manifests {
namespace {

struct GiveUp {};

struct Line {
  std::uint32_t begin, end;  // offsets of the line's text, without its line end
  std::uint32_t indent;      // leading spaces
  bool blank;                // only spaces, or a comment
};

class Reader {
 public:
  Reader(std::string_view text, base::FileId id) : text_(text), id_(id) {
    std::uint32_t at = 0;
    const auto n = static_cast<std::uint32_t>(text.size());
    while (at < n) {
      std::uint32_t e = at;
      while (e < n && text[e] != '\n') ++e;
      std::uint32_t end = e > at && text[e - 1] == '\r' ? e - 1 : e;
      std::uint32_t i = at;
      while (i < end && text[i] == ' ') ++i;
      for (std::uint32_t k = at; k < end; ++k)
        if (text[k] == '\t' || text[k] == '\r') throw GiveUp{};
      lines_.push_back({at, end, i - at, i == end || text[i] == '#'});
      at = e + 1;
    }
  }

  std::vector<Document> documents() {
    std::vector<Document> out;
    while (true) {
      // A document runs to the next `---` line.
      std::size_t first = line_;
      while (line_ < lines_.size() && !marker(line_)) ++line_;
      end_ = line_;
      std::size_t l = first;
      while (l < end_ && lines_[l].blank) ++l;
      if (l < end_) out.push_back(document(l));
      if (line_ >= lines_.size()) break;
      if (!marker_alone(line_)) throw GiveUp{};
      ++line_;
    }
    return out;
  }

 private:
  bool marker(std::size_t l) const {
    std::string_view t = view(l);
    return t.size() >= 3 && (t.substr(0, 3) == "---" || t.substr(0, 3) == "...") &&
           (t.size() == 3 || t[3] == ' ');
  }
  bool marker_alone(std::size_t l) const {
    std::string_view t = view(l);
    if (t.substr(0, 3) != "---") return false;
    t.remove_prefix(3);
    auto k = t.find_first_not_of(' ');
    return k == std::string_view::npos || t[k] == '#';
  }
  std::string_view view(std::size_t l) const {
    return text_.substr(lines_[l].begin, lines_[l].end - lines_[l].begin);
  }
  // A span on the current line.
  base::Span span(std::uint32_t at, std::size_t len) const {
    const Line& ln = lines_[line_];
    auto end = static_cast<std::uint32_t>(
        std::min<std::size_t>(at + std::max<std::size_t>(len, 1), ln.end));
    return {id_, at, std::max(end, at)};
  }

  Document document(std::size_t l) {
    line_ = l;
    col_ = lines_[l].indent;
    depth_ = 0;
    Node root;
    std::uint32_t start = lines_[l].begin + col_;
    if (at_dash()) throw GiveUp{};  // not a mapping: manifests::parse reports it
    map(col_, root);
    skip_blank();
    if (line_ < end_) throw GiveUp{};
    Document d;
    if (root.str("kind").empty() || root.str("kind") == "List") throw GiveUp{};
    d.api_version = std::string(root.str("apiVersion"));
    d.kind = std::string(root.str("kind"));
    if (const Node* meta = root.get("metadata")) {
      d.ns = std::string(meta->str("namespace"));
      d.name = std::string(meta->str("name"));
    }
    d.span = {id_, start, start + 1};
    d.root = std::move(root);
    return d;
  }

  void skip_blank() {
    while (line_ < end_ && lines_[line_].blank) ++line_;
  }
  // The column the current line starts at (past a `- ` of a sequence).
  std::uint32_t indent() const { return col_; }
  std::string_view rest() const {
    const Line& ln = lines_[line_];
    return text_.substr(ln.begin + col_, ln.end - ln.begin - col_);
  }
  bool at_dash() const {
    std::string_view r = rest();
    return !r.empty() && r[0] == '-' && (r.size() == 1 || r[1] == ' ');
  }
  // Moves to the next line that is not blank (col_ its indent); false at the document's end.
  bool next_line() {
    ++line_;
    skip_blank();
    if (line_ >= end_) return false;
    col_ = lines_[line_].indent;
    return true;
  }

  void enter() {
    if (++depth_ > kMaxDepth) throw GiveUp{};
  }

  // A block mapping whose keys are at column `ind`, from the current position.
  void map(std::uint32_t ind, Node& out) {
    enter();
    out.type = Type::Map;
    out.span = span(lines_[line_].begin + ind, 1);
    while (true) {
      if (at_dash()) throw GiveUp{};
      std::string_view r = rest();
      std::uint32_t key_at = lines_[line_].begin + col_;
      Node key;
      std::size_t after = 0;  // offset in r past the key's colon
      if (r[0] == '"' || r[0] == '\'') {
        std::size_t used = quoted(r, key);
        if (used >= r.size() || r[used] != ':') throw GiveUp{};
        after = used + 1;
      } else {
        std::size_t colon = r.find(':');
        while (colon != std::string_view::npos && colon + 1 < r.size() && r[colon + 1] != ' ')
          colon = r.find(':', colon + 1);
        if (colon == std::string_view::npos || colon == 0) throw GiveUp{};
        std::string_view k = r.substr(0, colon);
        while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
        plain_ok(k);
        key.text = std::string(k);
        key.type = plain_scalar_type(k);
        if (key.type == Type::Null) key.text.clear();
        after = colon + 1;
      }
      key.span =
          span(key_at, key.text.size() +
                           (key.type == Type::String && (r[0] == '"' || r[0] == '\'') ? 2 : 0));
      if (!key.is_scalar()) throw GiveUp{};
      for (std::size_t i = 0; i < out.items.size(); i += 2)
        if (out.items[i].text == key.text) throw GiveUp{};  // E5004 is for manifests::parse
      out.items.push_back(std::move(key));
      Node value;
      std::string_view v = r.substr(after);
      std::size_t sp = v.find_first_not_of(' ');
      std::uint32_t value_at =
          key_at + static_cast<std::uint32_t>(after + (sp == std::string_view::npos ? 0 : sp));
      if (sp != std::string_view::npos && after < r.size() && v[0] != ' ') throw GiveUp{};
      if (sp == std::string_view::npos || v[sp] == '#') {
        // The value is on the next lines: deeper, or a sequence at the key's column.
        value.span = span(value_at, 1);
        bool more = next_line();
        if (more && indent() > ind) {
          block(indent(), value);
        } else if (more && indent() == ind && at_dash()) {
          seq(ind, value);
        } else if (more) {
          value.span = span(lines_[line_].begin + col_, 1);  // where yaml-cpp marks it
        }
      } else {
        inline_value(v.substr(sp), value_at, ind, value);
      }
      out.items.push_back(std::move(value));
      if (line_ >= end_ || indent() < ind) break;
      if (indent() > ind) throw GiveUp{};
    }
    if (!out.items.empty()) out.span.end = std::max(out.span.end, out.items.back().span.end);
    --depth_;
  }

  // A block sequence whose dashes are at column `ind`.
  void seq(std::uint32_t ind, Node& out) {
    enter();
    out.type = Type::Seq;
    out.span = span(lines_[line_].begin + ind, 1);
    while (line_ < end_ && indent() == ind && at_dash()) {
      std::string_view r = rest();
      Node item;
      std::size_t sp = r.find_first_not_of(' ', 1);
      if (sp == std::string_view::npos || r[sp] == '#') {
        item.span = span(lines_[line_].begin + ind, 1);
        bool more = next_line();
        if (more && indent() > ind) block(indent(), item);
      } else {
        col_ = ind + static_cast<std::uint32_t>(sp);
        std::string_view v = rest();
        if (mapping_entry(v)) {
          map(col_, item);
        } else {
          inline_value(v, lines_[line_].begin + col_, ind, item);
        }
      }
      out.items.push_back(std::move(item));
    }
    if (line_ < end_ && indent() > ind) throw GiveUp{};
    if (!out.items.empty()) out.span.end = std::max(out.span.end, out.items.back().span.end);
    --depth_;
  }

  // A mapping or a sequence at column `ind` (the current line's).
  void block(std::uint32_t ind, Node& out) {
    if (at_dash())
      seq(ind, out);
    else
      map(ind, out);
  }

  // Whether `v` starts a `key: value` entry (a plain or quoted key, then `:`).
  static bool mapping_entry(std::string_view v) {
    if (v.empty()) return false;
    if (v[0] == '"' || v[0] == '\'') {
      char q = v[0];
      std::size_t k = 1;
      while (k < v.size()) {
        if (v[k] == '\\' && q == '"') {
          k += 2;
          continue;
        }
        if (v[k] == q) {
          if (q == '\'' && k + 1 < v.size() && v[k + 1] == '\'') {
            k += 2;
            continue;
          }
          break;
        }
        ++k;
      }
      return k + 1 < v.size() && v[k + 1] == ':';
    }
    for (std::size_t i = 0; i < v.size(); ++i) {
      if (v[i] == ':' && (i + 1 == v.size() || v[i + 1] == ' ')) return true;
      if (v[i] == '#' && i > 0 && v[i - 1] == ' ') return false;
    }
    return false;
  }

  // A value on the line of its key (or dash), at offset `at`; the line is consumed. `ind` is the
  // column of the key or dash: a block scalar's lines are deeper.
  void inline_value(std::string_view v, std::uint32_t at, std::uint32_t ind, Node& out) {
    char c = v[0];
    if (c == '"' || c == '\'') {
      std::size_t used = quoted(v, out);
      out.span = span(at, out.text.size() + 2);
      trailing(v.substr(used));
      end_value(ind);
      return;
    }
    if (c == '{' || c == '[') {
      char close = c == '{' ? '}' : ']';
      if (v.size() < 2 || v[1] != close) throw GiveUp{};
      trailing(v.substr(2));
      out.type = c == '{' ? Type::Map : Type::Seq;
      out.span = span(at, 1);
      end_value(ind);
      return;
    }
    if (c == '|') {
      literal(v, at, ind, out);
      return;
    }
    std::string_view t = v;
    if (auto hash = t.find(" #"); hash != std::string_view::npos) t = t.substr(0, hash);
    while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
    plain_ok(t);
    if (t.find(": ") != std::string_view::npos || t.back() == ':') throw GiveUp{};
    out.text = std::string(t);
    out.type = plain_scalar_type(t);
    if (out.type == Type::Null) out.text.clear();  // as yaml-cpp reports a null
    out.span = span(at, t.size());
    end_value(ind);
  }

  // After a value on one line: the next line must not continue it.
  void end_value(std::uint32_t ind) {
    if (next_line() && indent() > ind) throw GiveUp{};
  }

  void trailing(std::string_view rest) {
    auto k = rest.find_first_not_of(' ');
    if (k == std::string_view::npos) return;
    if (rest[k] == '#' && k > 0) return;
    throw GiveUp{};
  }

  // A plain scalar (or key) that starts with an indicator is left to yaml-cpp.
  static void plain_ok(std::string_view t) {
    if (t.empty()) throw GiveUp{};
    char c = t[0];
    if (std::string_view("[]{}#&*!|>'\"%@`,").find(c) != std::string_view::npos) throw GiveUp{};
    if ((c == '-' || c == '?' || c == ':') && (t.size() == 1 || t[1] == ' ')) throw GiveUp{};
    if (t.find(" #") != std::string_view::npos) throw GiveUp{};
  }

  // A quoted scalar on one line; returns the number of characters it takes.
  std::size_t quoted(std::string_view v, Node& out) {
    char q = v[0];
    std::string s;
    std::size_t k = 1;
    for (; k < v.size(); ++k) {
      char c = v[k];
      if (c == q) {
        if (q == '\'' && k + 1 < v.size() && v[k + 1] == '\'') {
          s += '\'';
          ++k;
          continue;
        }
        break;
      }
      if (c == '\\' && q == '"') {
        if (++k >= v.size()) throw GiveUp{};
        switch (v[k]) {
          case '"':
            s += '"';
            break;
          case '\\':
            s += '\\';
            break;
          case '/':
            s += '/';
            break;
          case 'n':
            s += '\n';
            break;
          case 't':
            s += '\t';
            break;
          case 'r':
            s += '\r';
            break;
          case '0':
            s += '\0';
            break;
          default:
            throw GiveUp{};  // \x, \u...: left to yaml-cpp
        }
        continue;
      }
      s += c;
    }
    if (k >= v.size()) throw GiveUp{};  // continues on the next line
    out.type = Type::String;
    out.text = std::move(s);
    return k + 1;
  }

  // `|`, `|-` or `|+` and the deeper lines after it.
  void literal(std::string_view v, std::uint32_t at, std::uint32_t ind, Node& out) {
    char chomp = v.size() > 1 && (v[1] == '-' || v[1] == '+') ? v[1] : ' ';
    trailing(v.substr(chomp == ' ' ? 1 : 2));
    out.type = Type::String;
    // The content's indentation: the first line that is not empty.
    std::size_t l = line_ + 1;
    std::uint32_t content = 0;
    for (std::size_t k = l; k < end_; ++k) {
      std::string_view t = view(k);
      if (t.find_first_not_of(' ') == std::string_view::npos) continue;
      content = lines_[k].indent;
      break;
    }
    std::string s;
    std::size_t last = line_;
    if (content > ind) {
      for (std::size_t k = l; k < end_; ++k) {
        std::string_view t = view(k);
        bool empty = t.find_first_not_of(' ') == std::string_view::npos;
        if (!empty && lines_[k].indent < content) break;
        if (!empty && t.size() >= 3 && (t.substr(0, 3) == "---" || t.substr(0, 3) == "...")) break;
        s.append(t.size() > content ? t.substr(content) : std::string_view());
        s += '\n';
        last = k;
      }
    } else {
      // No content: the lines up to the next one at or before the key's column are empty.
      for (std::size_t k = l; k < end_ && view(k).find_first_not_of(' ') == std::string_view::npos;
           ++k) {
        s += '\n';
        last = k;
      }
    }
    // Chomping: clip keeps one line end, strip none, keep all.
    std::size_t body = s.find_last_not_of('\n');
    std::string trimmed = body == std::string::npos ? std::string() : s.substr(0, body + 1);
    if (chomp == '+')
      out.text = std::move(s);
    else if (chomp == '-' || trimmed.empty())
      out.text = std::move(trimmed);
    else
      out.text = std::move(trimmed) + '\n';
    out.span = span(at, out.text.size() + 2);  // as yaml-cpp marks a block scalar
    line_ = last;
    if (next_line() && indent() > ind) throw GiveUp{};
  }

  std::string_view text_;
  base::FileId id_;
  std::vector<Line> lines_;
  std::size_t line_ = 0, end_ = 0;
  std::uint32_t col_ = 0;
  std::size_t depth_ = 0;
};

}  // namespace

std::optional<std::vector<Document>> read_block(const base::SourceManager& sm, base::FileId file) {
  std::string_view text = sm.file(file).text();
  if (text.size() >= 3 && static_cast<unsigned char>(text[0]) == 0xEF) return std::nullopt;  // BOM
  if (text.size() > 0xF0000000u) return std::nullopt;
  try {
    Reader r(text, file);
    return r.documents();
  } catch (const GiveUp&) {
    return std::nullopt;
  }
}

}  // namespace stackc::manifests
