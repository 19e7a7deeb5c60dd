#include "syntax/format.hpp"

#include <algorithm>

namespace stackc::syntax {
namespace {

class Formatter {
 public:
  Formatter(const base::SourceManager& sm, const ast::File& f)
      : sm_(sm), f_(f), src_(sm.file(f.id)) {}

  std::string run() {
    block(f_.statements, 0, static_cast<std::uint32_t>(src_.text().size()));
    comments_before(static_cast<std::uint32_t>(src_.text().size()) + 1, 0);
    while (out_.size() >= 2 && out_[out_.size() - 1] == '\n' && out_[out_.size() - 2] == '\n')
      out_.pop_back();
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    return out_;
  }

 private:
  const base::SourceManager& sm_;
  const ast::File& f_;
  const base::SourceFile& src_;
  std::string out_;
  std::size_t next_comment_ = 0;
  std::uint32_t last_line_ = 0;  // last source line printed

  std::uint32_t line(std::uint32_t off) const { return src_.line_col(off).line; }
  std::string_view text(base::Span s) const { return sm_.text(s); }
  static std::string pad(int indent) {
    return std::string(static_cast<std::size_t>(indent) * 2, ' ');
  }

  bool comments_inside(base::Span s) const {
    for (const auto& c : f_.comments)
      if (c.span.begin > s.begin && c.span.begin < s.end) return true;
    return false;
  }
  bool one_line(base::Span s) const { return line(s.begin) == line(s.end == 0 ? 0 : s.end - 1); }

  // Emits own-line comments that start before `off`.
  void comments_before(std::uint32_t off, int indent) {
    while (next_comment_ < f_.comments.size() && f_.comments[next_comment_].span.begin < off) {
      const auto& c = f_.comments[next_comment_++];
      std::uint32_t l = line(c.span.begin);
      if (last_line_ != 0 && l > last_line_ + 1 && !out_.empty()) out_ += '\n';
      out_ += pad(indent);
      out_ += text(c.span);
      out_ += '\n';
      last_line_ = l;
    }
  }

  // The comment that starts on source line `l` at or after `off`, if any, consumed.
  const ast::Comment* trailing(std::uint32_t l, std::uint32_t off) {
    if (next_comment_ < f_.comments.size()) {
      const auto& c = f_.comments[next_comment_];
      if (c.span.begin >= off && line(c.span.begin) == l) {
        ++next_comment_;
        return &c;
      }
    }
    return nullptr;
  }

  void append_trailing(const ast::Comment* c) {
    if (!c) return;
    std::size_t line_start = out_.rfind('\n');
    line_start = line_start == std::string::npos ? 0 : line_start + 1;
    std::size_t width = out_.size() - line_start;
    std::size_t col = src_.line_col(c->span.begin).column - 1;
    std::size_t at = std::max(width + 2, col);
    out_ += std::string(at - width, ' ');
    out_ += text(c->span);
  }

  std::string head(const ast::Stmt& s) const {
    std::string h(s.key);
    for (const auto& l : s.labels) {
      h += ' ';
      h += text(l.span);
    }
    if (!s.from.empty()) {
      h += " from ";
      for (std::size_t i = 0; i < s.from.size(); ++i) {
        if (i) h += ", ";
        h += s.from[i].text;
      }
    }
    return h;
  }

  bool inline_block(const ast::Stmt& s) const {
    if (!s.has_block) return false;
    if (s.body.empty()) return true;
    return one_line(s.body_span) && !comments_inside(s.body_span);
  }

  std::string value(const ast::Value& v, int indent) const {
    switch (v.kind) {
      case ast::ValueKind::Range:
        return value(v.items[0], indent) + ".." + value(v.items[1], indent);
      case ast::ValueKind::Arrow:
        return value(v.items[0], indent) + " -> " + value(v.items[1], indent);
      case ast::ValueKind::List: {
        if (v.items.empty()) return "[]";
        bool multi = !one_line(v.span);
        std::string o = "[";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (multi) {
            o += "\n" + pad(indent + 1) + value(v.items[i], indent + 1) + ",";
          } else {
            if (i) o += ", ";
            o += value(v.items[i], indent);
          }
        }
        if (multi) o += "\n" + pad(indent);
        return o + "]";
      }
      case ast::ValueKind::Call: {
        std::string o = v.path_text() + "(";
        for (std::size_t i = 0; i < v.items.size(); ++i) {
          if (i) o += ", ";
          const auto& a = v.items[i];
          if (!a.arg_name().empty()) o += std::string(a.arg_name()) + " = ";
          o += value(a, indent);
        }
        return o + ")";
      }
      case ast::ValueKind::Object: {
        std::string o = v.path_text() + " ";
        ast::Stmt holder;
        holder.has_block = true;
        holder.body_span = base::Span{v.span.file, v.span.begin, v.span.end};
        if (v.body().empty()) return o + "{}";
        if (one_line(v.span) && !comments_inside(v.span))
          return o + "{ " + inline_body(v.body(), indent) + " }";
        return o + "{\n" + nested_text(v.body(), indent + 1) + pad(indent) + "}";
      }
      default:
        return std::string(v.raw);
    }
  }

  // A nested body printed without comment handling (used for object values only, whose
  // comments are rare); comments inside are kept by printing the original text.
  std::string nested_text(ast::Seq<ast::Stmt> body, int indent) const {
    std::string o;
    for (const auto& s : body) o += pad(indent) + inline_text(s, indent) + "\n";
    return o;
  }

  // Statements on one line, two spaces apart. A bare statement (`counter x`: no value, no block)
  // ends only at a newline, `,` or `}`, so one followed by another keeps a `,`.
  std::string inline_body(ast::Seq<ast::Stmt> body, int indent) const {
    std::string o;
    for (std::size_t i = 0; i < body.size(); ++i) {
      if (i) o += bare(body[i - 1]) ? ", " : "  ";
      o += inline_text(body[i], indent);
    }
    return o;
  }
  static bool bare(const ast::Stmt& s) { return !s.has_value() && !s.has_block; }

  // The statement on one line (its block inline), after a head padded to `width`.
  std::string inline_text(const ast::Stmt& s, int indent, std::size_t width = 0) const {
    std::string h = head(s);
    if (h.size() < width) h += std::string(width - h.size(), ' ');
    if (s.has_value()) return h + " = " + value(s.val(), indent);
    if (s.has_block) {
      if (s.body.empty()) return h + " {}";
      return h + " { " + inline_body(s.body, indent) + " }";
    }
    while (!h.empty() && h.back() == ' ') h.pop_back();
    return h;
  }

  bool single_line(const ast::Stmt& s, int indent) const {
    if (s.has_block && !inline_block(s)) return false;
    return inline_text(s, indent).find('\n') == std::string::npos;
  }

  // A head or key wider than kAlignMax is not aligned with the others (it is printed with one
  // space after it), so that one long key cannot pad every line of its run.
  static constexpr std::size_t kAlignMax = 40;
  static std::size_t aligned(std::size_t width) { return width <= kAlignMax ? width : 0; }

  void block(ast::Seq<ast::Stmt> body, int indent, std::uint32_t end) {
    // Runs of adjacent one-line statements share the width of their heads.
    std::vector<std::size_t> width(body.size(), 0);
    std::vector<std::size_t> key_width(body.size(), 0);
    std::size_t i = 0;
    while (i < body.size()) {
      std::size_t j = i;
      std::size_t w = 0, kw = 0;
      while (j < body.size() && single_line(body[j], indent)) {
        if (j > i) {
          std::uint32_t prev_end = line(body[j - 1].span.end);
          std::uint32_t start = line(body[j].span.begin);
          if (start > prev_end + 1) break;
          bool comment_between = false;
          for (const auto& c : f_.comments)
            if (c.own_line && c.span.begin > body[j - 1].span.end &&
                c.span.begin < body[j].span.begin)
              comment_between = true;
          if (comment_between) break;
        }
        const auto& s = body[j];
        if (s.key == "when")
          ;  // `when` blocks keep their own shape: they are not aligned with fields
        else if (s.has_value() || s.has_block)
          w = std::max(w, aligned(head(s).size()));
        else if (!s.labels.empty())
          kw = std::max(kw, aligned(s.key.size()));
        ++j;
      }
      if (j == i) j = i + 1;
      for (std::size_t k = i; k < j; ++k) {
        width[k] = body[k].key == "when" ? 0 : w;
        key_width[k] = kw;
      }
      i = j;
    }
    for (std::size_t k = 0; k < body.size(); ++k)
      statement(body[k], indent, width[k], key_width[k]);
    comments_before(end, indent);
  }

  void statement(const ast::Stmt& s, int indent, std::size_t width, std::size_t key_width) {
    comments_before(s.span.begin, indent);
    std::uint32_t first = line(s.span.begin);
    if (last_line_ != 0 && first > last_line_ + 1 && !out_.empty() && out_.back() == '\n' &&
        !(out_.size() >= 2 && out_[out_.size() - 2] == '{'))
      out_ += '\n';
    if (!out_.empty() && out_.back() != '\n') out_ += '\n';
    out_ += pad(indent);
    if (s.has_block && !inline_block(s)) {
      out_ += head(s) + " {";
      append_trailing(trailing(line(s.body_span.begin), s.body_span.begin));
      out_ += '\n';
      last_line_ = line(s.body_span.begin);
      block(s.body, indent + 1, s.body_span.end - 1);
      out_ += pad(indent) + "}";
      last_line_ = line(s.body_span.end - 1);
      append_trailing(trailing(last_line_, s.body_span.end));
      out_ += '\n';
      return;
    }
    std::string t;
    if (!s.has_value() && !s.has_block && !s.labels.empty() && key_width > s.key.size()) {
      t = std::string(s.key) + std::string(key_width - s.key.size(), ' ');
      for (const auto& l : s.labels) t += " " + std::string(text(l.span));
    } else {
      t = inline_text(s, indent, width);
    }
    out_ += t;
    last_line_ = line(s.span.end == 0 ? 0 : s.span.end - 1);
    append_trailing(trailing(last_line_, s.span.end));
    out_ += '\n';
  }
};

}  // namespace

std::string format(const base::SourceManager& sm, const ast::File& file) {
  return Formatter(sm, file).run();
}

}  // namespace stackc::syntax
