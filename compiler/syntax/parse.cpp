#include "syntax/parse.hpp"
#include "base/text.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstring>
#include <limits>
#include <thread>

#include "syntax/grammar.hpp"

namespace stackc::syntax {
namespace pegtl = tao::pegtl;
using base::Code;
using base::Span;

namespace {

// ---- the builder: the parser's state ---------------------------------------------------------
// A statement (or the body of an object value) still open, and where its labels, `from` names
// and finished children start on the builder's stacks.
struct Frame {
  ast::Stmt stmt;
  std::size_t body_mark = 0, label_mark = 0, from_mark = 0;
};

struct Builder {
  const char* base_ptr = nullptr;
  const char* end_ptr = nullptr;
  const char* input_ptr = nullptr;  // where the parsed input starts (positions count from it)
  base::FileId file = base::kNoFile;
  base::Sink* sink = nullptr;
  ast::Arena* arena = nullptr;         // where the finished nodes go
  std::vector<Frame> frames;           // frames[0] is the file; others are open statements/objects
  std::vector<ast::Stmt> done;         // finished statements whose parent is still open
  std::vector<ast::Label> labels;      // the labels of open statements
  std::vector<ast::Label> from;        // the `from` names of open statements
  std::vector<ast::Value> values;      // values being built
  std::vector<std::size_t> markers;    // start indices in `values` of open lists and calls
  std::vector<std::string_view> path;  // the identifiers of the path being built
  std::size_t errors = 0;
  bool gave_up = false;

  std::uint32_t off(const char* p) const { return static_cast<std::uint32_t>(p - base_ptr); }
  Span span(const char* b, const char* e) const { return Span{file, off(b), off(e)}; }
  std::size_t depth() const { return frames.size() - 1 + markers.size(); }

  void open(const ast::Stmt& s) {
    frames.push_back(Frame{s, done.size(), labels.size(), from.size()});
  }
  // Closes the innermost frame: its labels, `from` names and children move into the arena.
  ast::Stmt close() {
    Frame f = frames.back();
    frames.pop_back();
    f.stmt.labels = take(labels, f.label_mark);
    f.stmt.from = take(from, f.from_mark);
    f.stmt.body = take(done, f.body_mark);
    return f.stmt;
  }
  // The elements of `stack` from `mark` on, moved into the arena.
  template <typename T>
  ast::Seq<T> take(std::vector<T>& stack, std::size_t mark) {
    auto seq = arena->copy(stack.data() + mark, stack.size() - mark);
    stack.resize(mark);
    return seq;
  }

  struct Saved {
    std::size_t frames, done, labels, from, values, markers;
  };
  Saved save() const {
    return {frames.size(), done.size(), labels.size(), from.size(), values.size(), markers.size()};
  }
  // Drops what a failed statement left (its nodes already in the arena stay there, unused).
  void restore(const Saved& s) {
    frames.resize(s.frames);
    done.resize(s.done);
    labels.resize(s.labels);
    from.resize(s.from);
    values.resize(s.values);
    markers.resize(s.markers);
  }

  template <bool TopLevel, typename Statement, pegtl::apply_mode A, pegtl::rewind_mode M,
            template <typename...> class Action, template <typename...> class Control,
            typename ParseInput>
  bool guarded_match(ParseInput& in);

  void error(Code code, Span at, std::string message, std::string help = {},
             std::vector<base::Note> notes = {}) {
    if (gave_up) return;
    if (errors == kMaxErrors) {
      gave_up = true;
      sink->report(
          base::make(Code::E1008, at,
                     fmt::format("more than {} syntax errors; the rest of the file is not checked",
                                 kMaxErrors),
                     "fix the errors above and run stackc again"));
      return;
    }
    ++errors;
    auto d = base::make(code, at, std::move(message), std::move(help));
    d.notes = std::move(notes);
    sink->report(std::move(d));
  }
};

template <typename Input>
void check_depth(const Input& in, const Builder& b) {
  if (b.depth() > kMaxDepth) {
    throw pegtl::parse_error(
        fmt::format("E1004|blocks, lists and calls are nested deeper than {} levels", kMaxDepth),
        in);
  }
}

// Number text -> mantissa, scale and unit. Underscores are separators.
void parse_number(std::string_view text, ast::Value& v) {
  bool neg = false;
  std::size_t i = 0;
  if (i < text.size() && text[i] == '-') {
    neg = true;
    ++i;
  }
  std::int64_t m = 0;
  std::int32_t scale = 0;
  bool frac = false;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (c == '_') continue;
    if (c == '.') {
      frac = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (m > (std::numeric_limits<std::int64_t>::max() - 9) / 10) {
      v.overflow = true;
      continue;
    }
    m = m * 10 + (c - '0');
    if (frac) ++scale;
  }
  v.scale = scale;
  v.set_number(neg ? -m : m, text.size() - i);
}

ast::Value make_string(Builder& b, const char* begin, const char* end) {
  ast::Value v;
  v.kind = ast::ValueKind::String;
  v.span = b.span(begin, end);
  v.raw = std::string_view(begin, static_cast<std::size_t>(end - begin));
  if (v.raw.size() >= 6 && v.raw.substr(0, 3) == "\"\"\"") {
    v.multiline = true;
    v.set_parts(
        decode_string(*b.arena, v.raw.substr(3, v.raw.size() - 6), true, b.file, b.off(begin) + 3));
  } else {
    v.set_parts(decode_string(*b.arena, v.raw.substr(1, v.raw.size() - 2), false, b.file,
                              b.off(begin) + 1));
  }
  return v;
}

// Extends the span of the statement to the end of what it holds.
std::uint32_t stmt_end(const ast::Stmt& s) {
  std::uint32_t e = s.key_span.end;
  for (const auto& l : s.labels) e = std::max(e, l.span.end);
  for (const auto& f : s.from) e = std::max(e, f.span.end);
  if (s.has_value()) e = std::max(e, s.val().span.end);
  if (s.has_block) e = std::max(e, s.body_span.end);
  return e;
}

// ---- actions ---------------------------------------------------------------------------------
template <typename Rule>
struct action : pegtl::nothing<Rule> {};

template <>
struct action<grammar::key> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Stmt s;
    s.key = in.string_view();
    s.key_span = b.span(in.begin(), in.end());
    s.span = s.key_span;
    b.open(s);
    check_depth(in, b);
  }
};

template <>
struct action<grammar::label_ident> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.labels.push_back(ast::Label{in.string_view(), b.span(in.begin(), in.end()), false});
  }
};

template <>
struct action<grammar::label_string> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    auto v = make_string(b, in.begin(), in.end());
    b.labels.push_back(ast::Label{b.arena->copy(v.string_value()), v.span, true});
  }
};

template <>
struct action<grammar::esc_unicode> {
  template <typename In>
  static void apply(const In& in, Builder&) {
    auto t = in.string_view();  // u{XXXX}
    std::uint32_t cp = 0;
    std::from_chars(t.data() + 2, t.data() + t.size() - 1, cp, 16);
    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      throw pegtl::parse_error(
          fmt::format("E1003|`\\{}` is not a Unicode scalar value (surrogates and values above "
                      "10FFFF are not)",
                      t),
          in);
    }
  }
};

template <>
struct action<grammar::from_name> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.from.push_back(ast::Label{in.string_view(), b.span(in.begin(), in.end()), false});
  }
};

template <>
struct action<grammar::assign> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    b.frames.back().stmt.value = b.arena->copy_one(b.values.back());
    b.values.pop_back();
  }
};

template <>
struct action<grammar::block_open> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    auto& s = b.frames.back().stmt;
    s.has_block = true;
    s.body_span = b.span(in.begin(), in.end());
    check_depth(in, b);
  }
};

template <>
struct action<grammar::block_close> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.frames.back().stmt.body_span.end = b.off(in.end());
  }
};

template <>
struct action<grammar::statement> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    ast::Stmt s = b.close();
    s.span.end = stmt_end(s);
    b.done.push_back(s);
  }
};

template <>
struct action<grammar::value_string> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.values.push_back(make_string(b, in.begin(), in.end()));
  }
};

template <>
struct action<grammar::number> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Value v;
    v.kind = ast::ValueKind::Number;
    v.span = b.span(in.begin(), in.end());
    v.raw = in.string_view();
    parse_number(v.raw, v);
    b.values.push_back(std::move(v));
  }
};

template <>
struct action<grammar::range_tail> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    const std::size_t lo = b.values.size() - 2;
    ast::Value r;
    r.kind = ast::ValueKind::Range;
    r.span = Span{b.values[lo].span.file, b.values[lo].span.begin, b.values.back().span.end};
    r.raw = std::string_view(b.values[lo].raw.data(), r.span.end - r.span.begin);
    r.items = b.take(b.values, lo);
    b.values.push_back(r);
  }
};

template <>
struct action<grammar::arrow_tail> {
  template <typename In>
  static void apply(const In&, Builder& b) {
    const std::size_t lo = b.values.size() - 2;
    ast::Value r;
    r.kind = ast::ValueKind::Arrow;
    r.span = Span{b.values[lo].span.file, b.values[lo].span.begin, b.values.back().span.end};
    r.raw = std::string_view(b.values[lo].raw.data(), r.span.end - r.span.begin);
    r.items = b.take(b.values, lo);
    b.values.push_back(r);
  }
};

template <>
struct action<grammar::path> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Value v;
    v.span = b.span(in.begin(), in.end());
    v.raw = in.string_view();
    if (v.raw == "true" || v.raw == "false") {
      v.kind = ast::ValueKind::Bool;
      v.boolean = v.raw == "true";
    } else {
      v.kind = ast::ValueKind::Path;
      std::string_view rest = v.raw;
      b.path.clear();
      while (true) {
        auto dot = rest.find('.');
        b.path.push_back(rest.substr(0, dot));
        if (dot == std::string_view::npos) break;
        rest.remove_prefix(dot + 1);
      }
      v.path = b.take(b.path, 0);
    }
    b.values.push_back(v);
  }
};

template <>
struct action<grammar::list_open> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Value v;
    v.kind = ast::ValueKind::List;
    v.span = b.span(in.begin(), in.end());
    b.values.push_back(std::move(v));
    b.markers.push_back(b.values.size());
    check_depth(in, b);
  }
};

// Moves the values above the innermost marker into the value just below it.
void close_group(Builder& b, const char* end) {
  std::size_t m = b.markers.back();
  b.markers.pop_back();
  auto items = b.take(b.values, m);
  auto& owner = b.values[m - 1];
  owner.items = items;
  owner.span.end = b.off(end);
  owner.raw = std::string_view(b.base_ptr + owner.span.begin, owner.span.end - owner.span.begin);
}

template <>
struct action<grammar::list> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    close_group(b, in.end());
  }
};

template <>
struct action<grammar::call_open> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    b.values.back().kind = ast::ValueKind::Call;
    b.markers.push_back(b.values.size());
    check_depth(in, b);
  }
};

template <>
struct action<grammar::call_args> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    close_group(b, in.end());
  }
};

template <>
struct action<grammar::named_arg> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    std::string_view t = in.string_view();
    std::size_t n = 0;
    while (n < t.size() && t[n] != ' ' && t[n] != '\t' && t[n] != '\n' && t[n] != '\r' &&
           t[n] != '=') {
      ++n;
    }
    auto& v = b.values.back();
    v.set_arg_name(
        b.arena->copy_one(ast::ArgName{t.substr(0, n), b.span(in.begin(), in.begin() + n)}));
  }
};

template <>
struct action<grammar::obj_open> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Stmt holder;
    holder.body_span = b.span(in.begin(), in.end());
    b.open(holder);
    check_depth(in, b);
  }
};

template <>
struct action<grammar::obj_block> {
  template <typename In>
  static void apply(const In& in, Builder& b) {
    ast::Stmt holder = b.close();
    auto& v = b.values.back();
    v.kind = ast::ValueKind::Object;
    v.set_body(holder.body);
    v.span.end = b.off(in.end());
    v.raw = std::string_view(b.base_ptr + v.span.begin, v.span.end - v.span.begin);
  }
};

// ---- recovery --------------------------------------------------------------------------------

// Length of the valid UTF-8 sequence at p, or 0 when the bytes there are not UTF-8.
std::size_t utf8_length(const char* p, const char* end) {
  auto c = static_cast<unsigned char>(*p);
  if (c < 0x80) return 1;
  std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
  if (n == 0 || static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t k = 1; k < n; ++k)
    if ((static_cast<unsigned char>(p[k]) & 0xC0) != 0x80) return 0;
  return n;
}

// Where recovery resumes after an error at `at` in the statement that starts at `start`: the end
// of the line at bracket depth 0 (consumed), or a `}` that closes the enclosing block (not
// consumed), or the end of input. Strings are skipped whole, also when the error is inside one.
const char* skip_statement(const char* start, const char* at, const char* end, bool top_level) {
  // Is `at` inside a string? Scan the statement up to it.
  const char* p = start;
  bool in_plain = false, in_triple = false;
  while (p < at) {
    if (in_plain || in_triple) {
      if (*p == '\\' && p + 1 < at) {
        p += 2;
        continue;
      }
      if (in_triple && end - p >= 3 && p[0] == '"' && p[1] == '"' && p[2] == '"') {
        in_triple = false;
        p += 3;
        continue;
      }
      if (in_plain && (*p == '"' || *p == '\n')) in_plain = false;
      ++p;
      continue;
    }
    if (*p == '#') {
      while (p < at && *p != '\n') ++p;
      continue;
    }
    if (*p == '"') {
      if (end - p >= 3 && p[1] == '"' && p[2] == '"') {
        in_triple = true;
        p += 3;
      } else {
        in_plain = true;
        ++p;
      }
      continue;
    }
    ++p;
  }
  p = at;
  if (in_triple) {
    while (p < end && !(end - p >= 3 && p[0] == '"' && p[1] == '"' && p[2] == '"')) ++p;
    p = std::min(p + 3, end);
  } else if (in_plain) {
    while (p < end && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
    if (p < end && *p == '"') ++p;
  }
  int depth = 0;
  while (p < end) {
    char c = *p;
    if (c == '"') {
      if (end - p >= 3 && p[1] == '"' && p[2] == '"') {
        p += 3;
        while (p < end && !(end - p >= 3 && p[0] == '"' && p[1] == '"' && p[2] == '"')) ++p;
        p = std::min(p + 3, end);
        continue;
      }
      ++p;
      while (p < end && *p != '"' && *p != '\n') p += (*p == '\\' && p + 1 < end) ? 2 : 1;
      if (p < end && *p == '"') ++p;
      continue;
    }
    if (c == '#') {
      while (p < end && *p != '\n') ++p;
      continue;
    }
    if (c == '{' || c == '[' || c == '(') ++depth;
    if (c == '}' || c == ']' || c == ')') {
      if (depth == 0) {
        if (c == '}' && !top_level) return p;
        ++p;
        continue;
      }
      --depth;
    }
    if (c == '\n' && depth <= 0) return p + 1;
    ++p;
  }
  return p;
}

void report_parse_error(Builder& b, const pegtl::parse_error& e, std::string_view key,
                        const char* at, Span open_brace = {}) {
  std::string_view msg = e.message();
  Code code = Code::E1001;
  auto bar = msg.find('|');
  if (bar != std::string_view::npos) {
    if (auto c = base::parse_code(msg.substr(0, bar))) code = *c;
    msg.remove_prefix(bar + 1);
  }
  std::string text(msg);
  std::string help;
  const char* stop = at;
  while (stop < b.end_ptr && *stop != '\n' && *stop != ' ' && *stop != '\t' && *stop != '\r' &&
         stop - at < 1) {
    ++stop;
  }
  Span where = b.span(at, stop);
  switch (code) {
    case Code::E1001:
      if (text.rfind("expected `=`", 0) == 0 && !key.empty()) {
        text += fmt::format(" after `{}`", key);
        help = "a statement is `key = value`, `key { ... }`, or `key label` alone on its line";
      } else if (text.rfind("expected a value", 0) == 0) {
        help =
            "a value is a string, a number with an optional unit, a range `a..b`, a list "
            "`[a, b]`, a name, or a call such as `http(\"/healthz\")`";
      }
      break;
    case Code::E1002:
      help = text.find("multi-line") != std::string::npos
                 ? "close it with `\"\"\"`"
                 : "close the string with `\"`; for text over several lines use `\"\"\"`";
      break;
    case Code::E1003:
      help = "the escapes are \\\" \\\\ \\n \\t \\r \\0 \\$ and \\u{XXXX}";
      break;
    case Code::E1004:
      help = fmt::format("flatten the structure: at most {} levels are allowed", kMaxDepth);
      break;
    case Code::E1007:
      help = "add the closing bracket, or remove the opening one";
      break;
    default:
      break;
  }
  std::vector<base::Note> notes;
  if (code == Code::E1007 && open_brace.valid() && text.find('}') != std::string::npos) {
    notes.push_back({open_brace, "the block opens here"});
  }
  if (at >= b.end_ptr) {
    where = b.span(b.end_ptr, b.end_ptr);
    if (code == Code::E1007) {
      text = text.find("`}`") != std::string::npos
                 ? "the file ends before the block is closed with `}`"
             : text.find("`]`") != std::string::npos
                 ? "the file ends before the list is closed with `]`"
                 : "the file ends before the call is closed with `)`";
    }
  }
  b.error(code, where, std::move(text), std::move(help), std::move(notes));
}

template <bool TopLevel, typename Statement, pegtl::apply_mode A, pegtl::rewind_mode M,
          template <typename...> class Action, template <typename...> class Control,
          typename ParseInput>
bool Builder::guarded_match(ParseInput& in) {
  Builder& b = *this;
  if (in.empty()) return false;
  const char c = in.peek_char();
  if (c == '}' && !TopLevel) return false;
  const char* start = in.current();
  if (b.gave_up) {
    in.bump(static_cast<std::size_t>(b.end_ptr - start));
    return true;
  }
  const auto saved = b.save();
  const bool ident_start = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  const char* error_at = start;
  if (ident_start) {
    try {
      if (Control<Statement>::template match<A, M, Action, Control>(in, b)) return true;
      // cannot happen (the key matched), but never loop on it
    } catch (const pegtl::parse_error& e) {
      std::string key;
      if (b.frames.size() > saved.frames) key = std::string(b.frames[saved.frames].stmt.key);
      // The innermost `{` still open, for "this block is not closed" notes.
      Span open_brace;
      for (std::size_t i = b.frames.size(); i-- > saved.frames;) {
        if (const auto& open = b.frames[i].stmt.body_span; open.valid()) {
          open_brace = Span{b.file, open.begin, open.begin + 1};
          break;
        }
      }
      const auto& pos = e.positions().front();
      error_at = std::min(b.input_ptr + pos.byte, b.end_ptr);
      b.restore(saved);
      report_parse_error(b, e, key, error_at, open_brace);
    }
  } else {
    auto uc = static_cast<unsigned char>(c);
    std::size_t len = utf8_length(start, b.end_ptr);
    std::string shown = c == '}'                ? "`}` that closes no block"
                        : len == 0 || uc < 0x20 ? fmt::format("the byte 0x{:02x}", uc)
                                                : fmt::format("`{}`", std::string_view(start, len));
    if (len == 0) len = 1;
    b.error(base::Code::E1001, b.span(start, start + len),
            fmt::format("expected a statement, found {}", shown),
            "a statement starts with a key such as `service`, `replicas` or `port`");
  }
  const char* resume = skip_statement(start, std::max(error_at, start), b.end_ptr, TopLevel);
  if (resume <= start) resume = start + 1;
  in.bump(static_cast<std::size_t>(resume - in.current() > 0 ? resume - in.current() : 0));
  if (in.current() <= start) in.bump(1);
  return true;
}

}  // namespace

// ---- strings ---------------------------------------------------------------------------------

ast::Seq<ast::StringPart> decode_string(ast::Arena& arena, std::string_view body, bool multiline,
                                        base::FileId file, std::uint32_t offset) {
  // The parts and the text of the current one are built here, then copied into the arena.
  thread_local std::vector<ast::StringPart> parts;
  thread_local std::string text;
  parts.clear();
  text.clear();
  // For multi-line strings: drop a first line that is empty, a last line of blanks, and the
  // common indent of the non-blank lines.
  std::size_t begin = 0, end = body.size();
  std::size_t indent = 0;
  if (multiline) {
    std::size_t nl = body.find('\n');
    if (nl != std::string_view::npos) {
      bool first_blank = true;
      for (std::size_t i = 0; i < nl; ++i)
        if (body[i] != ' ' && body[i] != '\t' && body[i] != '\r') first_blank = false;
      if (first_blank) begin = nl + 1;
      std::size_t last_nl = body.rfind('\n');
      bool last_blank = true;
      for (std::size_t i = last_nl + 1; i < body.size(); ++i)
        if (body[i] != ' ' && body[i] != '\t') last_blank = false;
      if (last_blank && last_nl >= begin) end = last_nl;
      indent = std::string_view::npos;
      std::size_t ls = begin;
      while (ls < end) {
        std::size_t le = body.find('\n', ls);
        if (le == std::string_view::npos || le > end) le = end;
        std::size_t k = ls;
        while (k < le && (body[k] == ' ' || body[k] == '\t')) ++k;
        if (k < le && body[k] != '\r') indent = std::min(indent, k - ls);
        ls = le + 1;
      }
      if (indent == std::string_view::npos) indent = 0;
    }
  }
  ast::StringPart cur;
  cur.span = base::Span{file, offset + static_cast<std::uint32_t>(begin), 0};
  auto flush = [&](std::size_t at) {
    cur.span.end = offset + static_cast<std::uint32_t>(at);
    if (!text.empty()) {
      cur.text = arena.copy(text);
      parts.push_back(cur);
    }
    text.clear();
    cur = ast::StringPart{};
    cur.span = base::Span{file, offset + static_cast<std::uint32_t>(at), 0};
  };
  bool line_start = true;
  std::size_t i = begin;
  while (i < end) {
    if (line_start && multiline) {
      std::size_t k = 0;
      while (k < indent && i < end && (body[i] == ' ' || body[i] == '\t')) {
        ++i;
        ++k;
      }
      line_start = false;
      continue;
    }
    char c = body[i];
    if (c == '\r' && i + 1 < end && body[i + 1] == '\n') {
      ++i;
      continue;
    }
    if (c == '\n') {
      text += '\n';
      line_start = true;
      ++i;
      continue;
    }
    if (c == '\\' && i + 1 < end) {
      char e = body[i + 1];
      i += 2;
      switch (e) {
        case 'n':
          text += '\n';
          break;
        case 't':
          text += '\t';
          break;
        case 'r':
          text += '\r';
          break;
        case '0':
          text += '\0';
          break;
        case 'u': {
          std::size_t close = body.find('}', i);
          std::uint32_t cp = 0;
          if (close != std::string_view::npos && i < end && body[i] == '{') {
            std::from_chars(body.data() + i + 1, body.data() + close, cp, 16);
            i = close + 1;
          }
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
          base::append_utf8(text, cp);
          break;
        }
        default:
          text += e;
          break;
      }
      continue;
    }
    if (c == '$' && i + 1 < end && body[i + 1] == '{') {
      flush(i);
      std::size_t close = body.find('}', i);
      if (close == std::string_view::npos || close > end) close = end;
      ast::StringPart p;
      p.interpolation = true;
      p.text = body.substr(i + 2, close - i - 2);
      p.span = base::Span{file, offset + static_cast<std::uint32_t>(i),
                          offset + static_cast<std::uint32_t>(std::min(close + 1, end))};
      parts.push_back(p);
      i = std::min(close + 1, end);
      cur.span.begin = offset + static_cast<std::uint32_t>(i);
      continue;
    }
    text += c;
    ++i;
  }
  flush(end);
  return arena.copy(parts.data(), parts.size());
}

// ---- the pre-scan: encoding checks and comments -----------------------------------------------

namespace {

// Length of a valid UTF-8 sequence at p, or 0.
std::size_t utf8_len(const unsigned char* p, const unsigned char* end) {
  unsigned char c = p[0];
  if (c < 0x80) return 1;
  std::size_t n;
  std::uint32_t cp;
  if ((c & 0xE0) == 0xC0) {
    n = 2;
    cp = c & 0x1F;
  } else if ((c & 0xF0) == 0xE0) {
    n = 3;
    cp = c & 0x0F;
  } else if ((c & 0xF8) == 0xF0) {
    n = 4;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (static_cast<std::size_t>(end - p) < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000)) return 0;
  if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
  return n;
}

// Checks the bytes in [from, to) of the file's text (no NUL, valid UTF-8) and collects the
// comments there, from a line's start outside any string. Returns false when the file cannot be
// parsed at all (NUL bytes).
bool prescan(const base::SourceFile& f, base::FileId id, const char* from, const char* to,
             base::Sink& sink, std::vector<ast::Comment>& comments) {
  auto text = f.text();
  const auto* p = reinterpret_cast<const unsigned char*>(from);
  const auto* end = reinterpret_cast<const unsigned char*>(to);
  const auto* begin = reinterpret_cast<const unsigned char*>(text.data());
  auto off = [&](const unsigned char* q) { return static_cast<std::uint32_t>(q - begin); };
  if (const void* nul = std::memchr(from, '\0', static_cast<std::size_t>(to - from))) {
    auto at = static_cast<std::uint32_t>(static_cast<const char*>(nul) - text.data());
    sink.report(base::make(base::Code::E1006, base::Span{id, at, at + 1},
                           "the file contains a NUL byte; it looks like a binary file",
                           "pass a .stack source file"));
    return false;
  }
  std::size_t bad = 0;
  for (const auto* q = p; q < end;) {
    // ASCII, eight bytes at a time (no byte with the high bit set).
    std::uint64_t word;
    if (end - q >= 8 && (std::memcpy(&word, q, 8), (word & 0x8080808080808080ULL) == 0)) {
      q += 8;
      continue;
    }
    if (*q < 0x80) {
      ++q;
      continue;
    }
    std::size_t n = utf8_len(q, end);
    if (n == 0) {
      if (bad++ < 5) {
        auto d =
            base::make(base::Code::E1005, base::Span{id, off(q), off(q) + 1},
                       fmt::format("invalid UTF-8: byte 0x{:02x}", *q), "save the file as UTF-8");
        if (bad == 5)
          d.notes.push_back({{}, "further invalid bytes in this file are not reported"});
        sink.report(std::move(d));
      }
      ++q;
      continue;
    }
    q += n;
  }
  bool line_has_code = false;
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto has = [&](std::uint64_t x, unsigned char b) {
    std::uint64_t y = x ^ (ones * b);
    return ((y - ones) & ~y & highs) != 0;
  };
  while (p < end) {
    // Within a line that has code, only a line end, a comment or a string matters: words of
    // eight bytes without one are skipped.
    std::uint64_t word;
    if (line_has_code && end - p >= 8 &&
        (std::memcpy(&word, p, 8), !has(word, '\n') && !has(word, '#') && !has(word, '"'))) {
      p += 8;
      continue;
    }
    unsigned char c = *p;
    if (c == '\n') {
      line_has_code = false;
      ++p;
      continue;
    }
    if (c == '#') {
      const auto* s = p;
      while (p < end && *p != '\n') ++p;
      const auto* e = p;
      while (e > s && e[-1] == '\r') --e;
      comments.push_back(ast::Comment{base::Span{id, off(s), off(e)}, !line_has_code});
      continue;
    }
    if (c == '"') {
      bool triple = end - p >= 3 && p[1] == '"' && p[2] == '"';
      p += triple ? 3 : 1;
      while (p < end) {
        if (*p == '\\' && p + 1 < end) {
          p += 2;
          continue;
        }
        if (triple && *p == '"' && end - p >= 3 && p[1] == '"' && p[2] == '"') {
          p += 3;
          break;
        }
        if (!triple && (*p == '"' || *p == '\n')) {
          if (*p == '"') ++p;
          break;
        }
        ++p;
      }
      line_has_code = true;
      continue;
    }
    if (c != ' ' && c != '\t' && c != '\r') line_has_code = true;
    ++p;
  }
  return true;
}

}  // namespace

namespace {

// Parses the top-level statements in [begin, end) of the file's text into `out`, reporting to
// `sink`. Spans are offsets in the whole file.
ast::Seq<ast::Stmt> parse_range(const base::SourceFile& f, base::FileId id, const char* begin,
                                const char* end, base::Sink& sink, ast::Arena& arena) {
  Builder b;
  b.arena = &arena;
  b.base_ptr = f.text().data();
  b.end_ptr = end;
  b.input_ptr = begin;
  b.file = id;
  b.sink = &sink;
  b.frames.emplace_back();
  pegtl::memory_input<pegtl::tracking_mode::lazy, pegtl::eol::lf_crlf> in(begin, end, f.path());
  try {
    pegtl::parse<grammar::file, action, grammar::control>(in, b);
  } catch (const pegtl::parse_error& e) {
    const auto& pos = e.positions().front();
    report_parse_error(b, e, {}, std::min(begin + pos.byte, b.end_ptr));
  }
  // The top-level statements (those of statements left open by an error that ended the parse
  // follow them, and are dropped).
  const std::size_t top = b.frames.size() > 1 ? b.frames[1].body_mark : b.done.size();
  return arena.copy(b.done.data(), top);
}

// Where a large file is cut in two for parse_halves: the first line after its middle that starts
// with a letter, as a top-level statement does in formatted text (null when there is none).
const char* split_point(std::string_view text) {
  for (std::size_t i = text.size() / 2; i + 1 < text.size(); ++i) {
    i = text.find('\n', i);
    if (i == std::string_view::npos || i + 1 >= text.size()) return nullptr;
    char c = text[i + 1];
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')) return text.data() + i + 1;
  }
  return nullptr;
}

// Prescans and parses the two halves of a large file at once, the first on another thread.
// True, with `out` filled, when neither half reported anything: the cut was then between two
// top-level statements (a cut inside a block, a list, a call, a string or a `from` list leaves
// the first half with something unclosed at its end, which is an error; a statement never
// reaches past its line but through those), so the result, comments included, is exactly the
// one-pass prescan and parse of the whole file. False otherwise; the caller then prescans and
// parses the file in one pass, which reports what is wrong.
bool parse_halves(const base::SourceFile& f, base::FileId id, ast::File& out) {
  auto text = f.text();
  const char* cut = split_point(text);
  if (cut == nullptr) return false;
  const char* end = text.data() + text.size();
  base::Collector first_sink, second_sink;
  auto first_arena = std::make_unique<ast::Arena>(), second_arena = std::make_unique<ast::Arena>();
  ast::Seq<ast::Stmt> first, second;
  std::vector<ast::Comment> second_comments;
  std::thread t([&] {
    if (prescan(f, id, text.data(), cut, first_sink, out.comments))
      first = parse_range(f, id, text.data(), cut, first_sink, *first_arena);
  });
  if (prescan(f, id, cut, end, second_sink, second_comments))
    second = parse_range(f, id, cut, end, second_sink, *second_arena);
  t.join();
  if (!first_sink.all().empty() || !second_sink.all().empty()) {
    out.comments.clear();
    return false;
  }
  out.comments.insert(out.comments.end(), second_comments.begin(), second_comments.end());
  // The two runs of top-level statements, joined in the first arena.
  const std::size_t n = first.size() + second.size();
  auto* joined =
      static_cast<ast::Stmt*>(first_arena->allocate(n * sizeof(ast::Stmt), alignof(ast::Stmt)));
  std::copy(first.begin(), first.end(), joined);
  std::copy(second.begin(), second.end(), joined + first.size());
  out.statements = {joined, n};
  out.arenas.push_back(std::move(first_arena));
  out.arenas.push_back(std::move(second_arena));
  return true;
}

}  // namespace

ast::File parse(const base::SourceManager& sm, base::FileId id, base::Sink& sink,
                std::size_t parallel_from) {
  const auto& f = sm.file(id);
  ast::File out;
  out.id = id;
  std::size_t before = sink.error_count();
  if (f.text().size() >= parallel_from && parse_halves(f, id, out)) return out;
  if (!prescan(f, id, f.text().data(), f.text().data() + f.text().size(), sink, out.comments)) {
    out.ok = false;
    return out;
  }
  out.arenas.push_back(std::make_unique<ast::Arena>());
  out.statements = parse_range(f, id, f.text().data(), f.text().data() + f.text().size(), sink,
                               *out.arenas.back());
  out.ok = sink.error_count() == before;
  return out;
}

}  // namespace stackc::syntax
