#include "check/promql.hpp"
#include "base/text.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>
#include <unordered_set>
#include <utility>

// The language follows Prometheus 2.42 as `promtool check rules` accepts it; the comments say
// where that behaviour is surprising. The lexer is modal like Prometheus's (inside braces,
// inside brackets, elsewhere), so a keyword is a label name inside braces and a metric name at
// the start of an expression. Errors stop the parse: only the first one is reported.
// Types are checked as each node is built, with Prometheus's rules (checkAST): function and
// aggregation arguments, operands of binary and unary operators, subqueries, modifiers.

namespace stackc::check::promql {
namespace {

using Type = Result::Type;

constexpr int kMaxDepth = 200;

// ---------------------------------------------------------------------------------------------
// Characters and text

bool is_alpha(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF), as Go decodes it. Returns
// the length of the sequence at `i`, or 0 when it is invalid.
std::size_t utf8_decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c0 = b(i);
  std::size_t n = s.size();
  if (c0 < 0x80) {
    cp = c0;
    return 1;
  }
  auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
    return k < n && b(k) >= lo && b(k) <= hi;
  };
  if (c0 < 0xC2) return 0;
  if (c0 < 0xE0) {
    if (!cont(i + 1, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x1F) << 6 | (b(i + 1) & 0x3F);
    return 2;
  }
  if (c0 < 0xF0) {
    unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80, hi = c0 == 0xED ? 0x9F : 0xBF;
    if (!cont(i + 1, lo, hi) || !cont(i + 2, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x0F) << 12 | (char32_t{b(i + 1)} & 0x3F) << 6 | (b(i + 2) & 0x3F);
    return 3;
  }
  if (c0 < 0xF5) {
    unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80, hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(i + 1, lo, hi) || !cont(i + 2, 0x80, 0xBF) || !cont(i + 3, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x07) << 18 | (char32_t{b(i + 1)} & 0x3F) << 12 |
         (char32_t{b(i + 2)} & 0x3F) << 6 | (b(i + 3) & 0x3F);
    return 4;
  }
  return 0;
}

bool valid_utf8(std::string_view s) {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = utf8_decode(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// `text` in double quotes for a message: escaped, and cut after 40 bytes.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  bool cut = text.size() > kMax;
  if (cut) {
    std::size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    text = text.substr(0, n);
  }
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  out += '"';
  return out;
}

// The character at `i` for a message ("x", "é", or "\xff" for a byte that is not UTF-8), and
// its length in bytes.
std::pair<std::string, std::size_t> char_at(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  std::size_t len = utf8_decode(s, i, cp);
  if (len == 0) return {quoted(s.substr(i, 1)), 1};
  return {quoted(s.substr(i, len)), len};
}

// ---------------------------------------------------------------------------------------------
// Numbers and durations

// The value of a NUMBER token as Prometheus reads it: strconv.ParseInt(text, 0, 64) and, when
// that fails, strconv.ParseFloat(text, 64). False when both fail (e.g. "0x", "1e", "1e999",
// "0x1.8", a hex number beyond int64).
bool number_value(std::string_view t, double& v) {
  if (iequals(t, "inf")) {
    v = std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(t, "nan")) {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  constexpr std::uint64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
  if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    if (t.size() == 2) return false;
    std::uint64_t acc = 0;
    for (char c : t.substr(2)) {
      int h = hex_value(c);
      if (h < 0 || acc > (kMaxInt - static_cast<std::uint64_t>(h)) / 16) return false;
      acc = acc * 16 + static_cast<std::uint64_t>(h);
    }
    v = static_cast<double>(acc);
    return true;
  }
  bool all_digits = !t.empty() && std::all_of(t.begin(), t.end(), is_digit);
  if (all_digits) {
    bool octal = t.size() > 1 && t[0] == '0';
    std::uint64_t base = octal ? 8 : 10, acc = 0;
    bool ok = true;
    for (char c : t) {
      auto d = static_cast<std::uint64_t>(c - '0');
      if (d >= base || acc > (kMaxInt - d) / base) {
        ok = false;
        break;
      }
      acc = acc * base + d;
    }
    if (ok) {
      v = static_cast<double>(acc);
      return true;
    }
  }
  // Decimal float: digits [. digits] [e [+-] digits], at least one digit before the exponent.
  std::size_t i = 0, n = t.size(), mant_digits = 0;
  long long int_digits = 0;  // significant digits before the point
  bool seen_nonzero = false;
  long long lead_zeros_after_point = 0;
  while (i < n && is_digit(t[i])) {
    if (t[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++int_digits;
    ++i, ++mant_digits;
  }
  if (i < n && t[i] == '.') {
    ++i;
    while (i < n && is_digit(t[i])) {
      if (t[i] != '0') seen_nonzero = true;
      if (!seen_nonzero) ++lead_zeros_after_point;
      ++i, ++mant_digits;
    }
  }
  if (mant_digits == 0) return false;
  long long exp = 0;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    if (i == n) return false;
    while (i < n && is_digit(t[i])) {
      if (exp < 100000000) exp = exp * 10 + (t[i] - '0');
      ++i;
    }
    if (neg) exp = -exp;
  }
  if (i != n) return false;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + n, v, std::chars_format::general);
  if (ptr != t.data() + n) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go, underflow gives 0.
    long long magnitude = int_digits > 0 ? int_digits + exp : exp - lead_zeros_after_point;
    if (seen_nonzero && magnitude > 0) return false;
    v = 0;
    return true;
  }
  return ec == std::errc{};
}

// A duration as Prometheus's model.ParseDuration reads it: units from largest to smallest, each
// at most once (y w d h m s ms), in milliseconds. Empty string when valid, else the problem.
std::string duration_error(std::string_view t, std::int64_t& ms) {
  static constexpr std::int64_t kUnitMs[] = {
      365LL * 86400000, 7LL * 86400000, 86400000, 3600000, 60000, 1000, 1};
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::size_t i = 0, n = t.size();
  int last = -1;
  std::int64_t total_ns = 0;
  bool overflow = false;
  if (n == 0) return "empty duration";
  while (i < n) {
    if (!is_digit(t[i])) return "bad";
    std::int64_t value = 0;
    while (i < n && is_digit(t[i])) {
      if (value < kMax / 100) value = value * 10 + (t[i] - '0');
      ++i;
    }
    if (i == n) return "bad";
    int unit = -1;
    if (t[i] == 'm' && i + 1 < n && t[i + 1] == 's') {
      unit = 6;
      i += 2;
    } else {
      static constexpr std::string_view kUnits = "ywdhms";
      std::size_t u = kUnits.find(t[i]);
      if (u == std::string_view::npos) return "bad";
      unit = static_cast<int>(u);
      ++i;
    }
    if (unit <= last) return "bad";
    last = unit;
    std::int64_t bound = kMax / kUnitMs[unit] / 1000000;
    if (value > bound) {
      overflow = true;
      continue;
    }
    std::int64_t add = value * kUnitMs[unit] * 1000000;
    if (total_ns > kMax - add)
      overflow = true;
    else
      total_ns += add;
  }
  if (overflow) return "out of range";
  ms = total_ns / 1000000;
  if (total_ns == 0) return "zero";
  return {};
}

// ---------------------------------------------------------------------------------------------
// Regular expressions: the syntax of Go's regexp package (RE2, Perl flags), which Prometheus
// compiles label matchers with, both as written and anchored as ^(?:re)$. Checks the syntax and
// whether the anchored expression matches the empty string (for the non-empty matcher rule).
// Go's limits are modelled too: repeat counts (1000, also multiplied through nesting) and the
// parse tree's height (1000), the latter closely but not exactly (Go's factoring of
// alternations is not reproduced); its size limit (~3.3M instructions) is not.

class RegexCheck {
 public:
  explicit RegexCheck(std::string_view s) : s_(s) {}

  // False with error() set when Go would not compile `s`; nullable() is whether it can match "".
  bool run();
  const std::string& error() const { return error_; }
  bool nullable() const { return nullable_; }

 private:
  // What the checks need of a node of Go's parse tree.
  struct Operand {
    bool nullable = false;
    int height = 1;         // height of the tree, which Go limits to 1000
    std::int64_t need = 0;  // smallest repeat budget it fits (Go's repeatIsValid, 1000)
    bool literal = false;   // a literal string, which Go merges with the literals beside it
    bool single = false;    // one character or class: Go turns a|b|[cd] into one class
    bool fold = false;      // (?i) in force for the literal
    int flat = 0;  // 1: a concatenation, 2: an alternation, merged into a parent of its kind
    int child_height = 0;  // when flat: the height of its children
  };
  struct Frame {
    bool capture = false;
    bool saved_fold = false;  // (?i) state to restore at ")"
    // Alternatives so far.
    int alts = 0;
    bool alt_nullable = false, all_single = true;
    Operand first;  // the first alternative
    int alt_height = 0;
    std::int64_t alt_need = 0;
    // The concatenation so far, `last` not included.
    int items = 0;
    bool cat_nullable = true;
    int cat_height = 0;
    std::int64_t cat_need = 0;
    Operand tail;  // the last of those items, as merged
    bool has_last = false;
    Operand last;
  };

  bool fail(std::string code, std::string_view part) {
    error_ = std::move(code);
    if (!part.empty()) error_ += " " + quoted(part);
    return false;
  }
  void fold_last(Frame& f);
  bool push(Operand op);
  bool push_literal();
  void end_alternative(Frame& f);
  Operand close(Frame& f);
  bool repeat(std::size_t op_begin, int min, int max, bool counted);
  bool perl_flags();
  bool escape(char32_t& value);
  bool unicode_class();
  bool char_class();
  bool class_char(char32_t& value, std::size_t class_begin);
  bool parse_repeat(std::size_t p, int& min, int& max, std::size_t& after) const;

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<Frame> frames_;
  std::size_t colon_bracket_ = 0;  // where the next ":]" is, for POSIX classes
  bool fold_ = false;              // (?i) in force
  std::string error_;
  bool nullable_ = false;
};

void RegexCheck::fold_last(Frame& f) {
  if (!f.has_last) return;
  const Operand& l = f.last;
  f.has_last = false;
  f.cat_nullable = f.cat_nullable && l.nullable;
  f.cat_need = std::max(f.cat_need, l.need);
  if (l.flat == 1) {  // a concatenation is spliced in
    f.items += 2;
    f.cat_height = std::max(f.cat_height, l.child_height);
    f.tail = Operand{};
    return;
  }
  f.cat_height = std::max(f.cat_height, l.height);
  if (l.literal && f.items > 0 && f.tail.literal && f.tail.fold == l.fold) {
    f.tail.single = false;  // merged into the literal before it
    return;
  }
  ++f.items;
  f.tail = l;
}

bool RegexCheck::push(Operand op) {
  Frame& f = frames_.back();
  fold_last(f);
  f.last = op;
  f.has_last = true;
  if (op.height > 1000) return fail("expression nests too deeply", {});
  return true;
}

bool RegexCheck::push_literal() {
  Operand op;
  op.literal = true;
  op.single = true;
  op.fold = fold_;
  return push(op);
}

void RegexCheck::end_alternative(Frame& f) {
  fold_last(f);
  Operand c;
  if (f.items == 0) {
    c.nullable = true;  // empty match
  } else if (f.items == 1) {
    c = f.tail;
  } else {
    c.nullable = f.cat_nullable;
    c.height = f.cat_height + 1;
    c.need = f.cat_need;
    c.flat = 1;
    c.child_height = f.cat_height;
  }
  c.nullable = f.items == 0 || f.cat_nullable;
  c.need = f.cat_need;
  ++f.alts;
  if (c.flat == 2) {  // an alternation is spliced in
    ++f.alts;
    f.alt_height = std::max(f.alt_height, c.child_height);
  } else {
    f.alt_height = std::max(f.alt_height, c.height);
  }
  f.alt_nullable = f.alt_nullable || c.nullable;
  f.alt_need = std::max(f.alt_need, c.need);
  if (f.alts == 1) f.first = c;
  f.all_single = f.all_single && c.single;
  f.items = 0;
  f.cat_nullable = true;
  f.cat_height = 0;
  f.cat_need = 0;
  f.tail = Operand{};
}

RegexCheck::Operand RegexCheck::close(Frame& f) {
  end_alternative(f);
  Operand r;
  r.nullable = f.alt_nullable;
  r.need = f.alt_need;
  if (f.alts == 1) {
    r = f.first;
  } else if (f.all_single) {
    r.single = true;  // one character class
  } else {
    r.height = f.alt_height + 1;
    r.flat = 2;
    r.child_height = f.alt_height;
  }
  if (f.capture) {
    r.height += 1;
    r.literal = r.single = false;
    r.flat = 0;
  }
  return r;
}

// Applies * + ? (counted = false) or {min,max} to the last operand; pos_ is after the operator.
bool RegexCheck::repeat(std::size_t op_begin, int min, int max, bool counted) {
  if (pos_ < s_.size() && s_[pos_] == '?') ++pos_;  // non-greedy
  std::string_view op = s_.substr(op_begin, pos_ - op_begin);
  Frame& f = frames_.back();
  if (!f.has_last) return fail("missing argument to repetition operator", op);
  Operand sub = f.last, r;
  r.height = sub.height + 1;
  if (!counted) {
    r.nullable = s_[op_begin] != '+' || sub.nullable;
    r.need = sub.need;
  } else {
    r.nullable = min == 0 || sub.nullable;
    int m = max == -1 ? min : max;
    if (max == 0)
      r.need = 0;
    else if (m > 0)
      r.need = std::min<std::int64_t>(m * std::max<std::int64_t>(1, sub.need), 1 << 30);
    else
      r.need = sub.need;
    if ((min >= 2 || max >= 2) && r.need > 1000) return fail("invalid repeat count", op);
  }
  f.last = r;
  if (r.height > 1000) return fail("expression nests too deeply", {});
  return true;
}

bool RegexCheck::parse_repeat(std::size_t p, int& min, int& max, std::size_t& after) const {
  std::size_t n = s_.size();
  auto parse_int = [&](int& out) {
    if (p >= n || !is_digit(s_[p])) return false;
    if (s_[p] == '0' && p + 1 < n && is_digit(s_[p + 1])) return false;  // no leading zeros
    out = 0;
    while (p < n && is_digit(s_[p])) {
      if (out >= 100000000) out = -1;
      if (out >= 0) out = out * 10 + (s_[p] - '0');
      ++p;
    }
    return true;
  };
  ++p;  // {
  if (!parse_int(min)) return false;
  if (p >= n) return false;
  if (s_[p] != ',') {
    max = min;
  } else {
    ++p;
    if (p >= n) return false;
    if (s_[p] == '}') {
      max = -1;
    } else {
      if (!parse_int(max)) return false;
      if (max < 0) min = -1;
    }
  }
  if (p >= n || s_[p] != '}') return false;
  after = p + 1;
  return true;
}

// After "(?": flags, a non-capturing group or a named capture.
bool RegexCheck::perl_flags() {
  std::string_view t = s_.substr(pos_);
  if (t.size() > 4 && t[2] == 'P' && t[3] == '<') {
    std::size_t end = t.find('>');
    if (end == std::string_view::npos) return fail("invalid named capture", t);
    std::string_view name = t.substr(4, end - 4);
    if (name.empty() || !std::all_of(name.begin(), name.end(), is_alnum))
      return fail("invalid named capture", t.substr(0, end + 1));
    frames_.push_back(Frame{});
    frames_.back().capture = true;
    frames_.back().saved_fold = fold_;
    pos_ += end + 1;
    return true;
  }
  std::size_t p = pos_ + 2;
  int sign = 1;
  bool saw_flag = false, fold = fold_;
  while (p < s_.size()) {
    char c = s_[p++];
    if (c == 'i' || c == 'm' || c == 's' || c == 'U') {
      saw_flag = true;
      if (c == 'i') fold = sign > 0;
    } else if (c == '-') {
      if (sign < 0) break;
      sign = -1;
      saw_flag = false;
    } else if (c == ':' || c == ')') {
      if (sign < 0 && !saw_flag) break;
      if (c == ':') {
        frames_.push_back(Frame{});
        frames_.back().saved_fold = fold_;
      }
      fold_ = fold;
      pos_ = p;
      return true;
    } else {
      break;
    }
  }
  return fail("invalid or unsupported Perl syntax", s_.substr(pos_, p - pos_));
}

// At a backslash: one escaped character (value set), as Go's parseEscape.
bool RegexCheck::escape(char32_t& value) {
  std::size_t begin = pos_;
  ++pos_;
  if (pos_ >= s_.size()) return fail("trailing backslash at end of expression", {});
  char c = s_[pos_++];
  auto u = static_cast<unsigned char>(c);
  if (u < 0x80 && !is_alnum(c) && c != '_') {
    value = u;
    return true;
  }
  if (c == '_') {
    value = '_';
    return true;
  }
  auto octal = [&](char k) { return k >= '0' && k <= '7'; };
  switch (c) {
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
      if (pos_ >= s_.size() || !octal(s_[pos_])) break;
      [[fallthrough]];
    case '0': {
      value = static_cast<char32_t>(c - '0');
      for (int i = 1; i < 3 && pos_ < s_.size() && octal(s_[pos_]); ++i)
        value = value * 8 + static_cast<char32_t>(s_[pos_++] - '0');
      return true;
    }
    case 'x': {
      if (pos_ >= s_.size()) break;
      if (s_[pos_] == '{') {
        ++pos_;
        int digits = 0;
        value = 0;
        bool ok = false;
        while (pos_ < s_.size()) {
          char d = s_[pos_++];
          if (d == '}') {
            ok = digits > 0;
            break;
          }
          int h = hex_value(d);
          if (h < 0) break;
          value = value * 16 + static_cast<char32_t>(h);
          if (value > 0x10FFFF) break;
          ++digits;
        }
        if (ok) return true;
        break;
      }
      int x = hex_value(s_[pos_++]);
      int y = pos_ < s_.size() ? hex_value(s_[pos_++]) : -1;
      if (x < 0 || y < 0) break;
      value = static_cast<char32_t>(x * 16 + y);
      return true;
    }
    case 'a':
      value = 7;
      return true;
    case 'f':
      value = 12;
      return true;
    case 'n':
      value = 10;
      return true;
    case 'r':
      value = 13;
      return true;
    case 't':
      value = 9;
      return true;
    case 'v':
      value = 11;
      return true;
    default:
      break;
  }
  return fail("invalid escape sequence", s_.substr(begin, std::min(pos_, s_.size()) - begin));
}

bool unicode_table_name(std::string_view name) {
  static const std::unordered_set<std::string_view> kNames = {
      "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn",
      "N", "Nd", "Nl", "No", "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm",
      "So", "Z", "Zl", "Zp", "Zs",
      // Scripts of Unicode 13.0, as Go 1.19 (Prometheus 2.42's toolchain) knows them.
      "Adlam", "Ahom", "Anatolian_Hieroglyphs", "Arabic", "Armenian", "Avestan", "Balinese",
      "Bamum", "Bassa_Vah", "Batak", "Bengali", "Bhaiksuki", "Bopomofo", "Brahmi", "Braille",
      "Buginese", "Buhid", "Canadian_Aboriginal", "Carian", "Caucasian_Albanian", "Chakma", "Cham",
      "Cherokee", "Chorasmian", "Common", "Coptic", "Cuneiform", "Cypriot", "Cyrillic", "Deseret",
      "Devanagari", "Dives_Akuru", "Dogra", "Duployan", "Egyptian_Hieroglyphs", "Elbasan",
      "Elymaic", "Ethiopic", "Georgian", "Glagolitic", "Gothic", "Grantha", "Greek", "Gujarati",
      "Gunjala_Gondi", "Gurmukhi", "Han", "Hangul", "Hanifi_Rohingya", "Hanunoo", "Hatran",
      "Hebrew", "Hiragana", "Imperial_Aramaic", "Inherited", "Inscriptional_Pahlavi",
      "Inscriptional_Parthian", "Javanese", "Kaithi", "Kannada", "Katakana", "Kayah_Li",
      "Kharoshthi", "Khitan_Small_Script", "Khmer", "Khojki", "Khudawadi", "Lao", "Latin", "Lepcha",
      "Limbu", "Linear_A", "Linear_B", "Lisu", "Lycian", "Lydian", "Mahajani", "Makasar",
      "Malayalam", "Mandaic", "Manichaean", "Marchen", "Masaram_Gondi", "Medefaidrin",
      "Meetei_Mayek", "Mende_Kikakui", "Meroitic_Cursive", "Meroitic_Hieroglyphs", "Miao", "Modi",
      "Mongolian", "Mro", "Multani", "Myanmar", "Nabataean", "Nandinagari", "New_Tai_Lue", "Newa",
      "Nko", "Nushu", "Nyiakeng_Puachue_Hmong", "Ogham", "Ol_Chiki", "Old_Hungarian", "Old_Italic",
      "Old_North_Arabian", "Old_Permic", "Old_Persian", "Old_Sogdian", "Old_South_Arabian",
      "Old_Turkic", "Oriya", "Osage", "Osmanya", "Pahawh_Hmong", "Palmyrene", "Pau_Cin_Hau",
      "Phags_Pa", "Phoenician", "Psalter_Pahlavi", "Rejang", "Runic", "Samaritan", "Saurashtra",
      "Sharada", "Shavian", "Siddham", "SignWriting", "Sinhala", "Sogdian", "Sora_Sompeng",
      "Soyombo", "Sundanese", "Syloti_Nagri", "Syriac", "Tagalog", "Tagbanwa", "Tai_Le", "Tai_Tham",
      "Tai_Viet", "Takri", "Tamil", "Tangut", "Telugu", "Thaana", "Thai", "Tibetan", "Tifinagh",
      "Tirhuta", "Ugaritic", "Vai", "Wancho", "Warang_Citi", "Yezidi", "Yi", "Zanabazar_Square"};
  return kNames.count(name) != 0;
}

// At "\p" or "\P": \pL, \p{Greek}, \p{^Greek}.
bool RegexCheck::unicode_class() {
  std::size_t begin = pos_;
  std::size_t p = pos_ + 2;
  std::string_view name;
  if (p >= s_.size()) {
    pos_ = p;
  } else if (s_[p] != '{') {
    char32_t cp = 0;
    std::size_t len = utf8_decode(s_, p, cp);
    name = s_.substr(p, len);
    pos_ = p + len;
  } else {
    std::size_t end = s_.find('}', begin);
    if (end == std::string_view::npos)
      return fail("invalid character class range", s_.substr(begin));
    name = s_.substr(p + 1, end - p - 1);
    pos_ = end + 1;
  }
  std::string_view seq = s_.substr(begin, pos_ - begin);
  if (!name.empty() && name[0] == '^') name.remove_prefix(1);
  if (!unicode_table_name(name)) return fail("invalid character class range", seq);
  return true;
}

bool RegexCheck::class_char(char32_t& value, std::size_t class_begin) {
  if (pos_ >= s_.size()) return fail("missing closing ]", s_.substr(class_begin));
  if (s_[pos_] == '\\') return escape(value);
  std::size_t len = utf8_decode(s_, pos_, value);
  pos_ += len;
  return true;
}

// At "[": a character class, as Go's parseClass.
bool RegexCheck::char_class() {
  static const std::unordered_set<std::string_view> kPosix = {
      "[:alnum:]", "[:alpha:]", "[:ascii:]", "[:blank:]", "[:cntrl:]", "[:digit:]", "[:graph:]",
      "[:lower:]", "[:print:]", "[:punct:]", "[:space:]", "[:upper:]", "[:word:]",  "[:xdigit:]"};
  std::size_t begin = pos_, n = s_.size();
  ++pos_;
  if (pos_ < n && s_[pos_] == '^') ++pos_;
  bool first = true;
  while (pos_ >= n || s_[pos_] != ']' || first) {
    first = false;
    if (n - pos_ > 2 && s_[pos_] == '[' && s_[pos_ + 1] == ':') {
      // The next ":]" (remembered, so that "[[:[:[:..." stays linear).
      if (colon_bracket_ != std::string_view::npos && colon_bracket_ < pos_ + 2)
        colon_bracket_ = s_.find(":]", pos_ + 2);
      std::size_t j = colon_bracket_;
      if (j != std::string_view::npos) {
        std::string_view name = s_.substr(pos_, j + 2 - pos_);
        std::string plain(name);
        if (plain.size() > 3 && plain[2] == '^') plain.erase(2, 1);
        if (kPosix.count(plain) == 0) return fail("invalid character class range", name);
        pos_ = j + 2;
        continue;
      }
    }
    if (pos_ + 1 < n && s_[pos_] == '\\' && (s_[pos_ + 1] == 'p' || s_[pos_ + 1] == 'P')) {
      if (!unicode_class()) return false;
      continue;
    }
    if (pos_ + 1 < n && s_[pos_] == '\\' &&
        std::string_view("dDsSwW").find(s_[pos_ + 1]) != std::string_view::npos) {
      pos_ += 2;
      continue;
    }
    std::size_t range_begin = pos_;
    char32_t lo = 0, hi = 0;
    if (!class_char(lo, begin)) return false;
    if (n - pos_ >= 2 && s_[pos_] == '-' && s_[pos_ + 1] != ']') {
      ++pos_;
      if (!class_char(hi, begin)) return false;
      if (hi < lo)
        return fail("invalid character class range", s_.substr(range_begin, pos_ - range_begin));
    }
  }
  ++pos_;  // ]
  return true;
}

bool RegexCheck::run() {
  if (!valid_utf8(s_)) return fail("invalid UTF-8", {});
  frames_.push_back(Frame{});
  const Operand kAssert{true, 1, 0, false, false}, kChar{false, 1, 0, false, true};
  bool last_repeat = false;
  std::size_t n = s_.size();
  while (pos_ < n) {
    bool is_repeat = false;
    char c = s_[pos_];
    std::size_t begin = pos_;
    switch (c) {
      case '(':
        if (pos_ + 1 < n && s_[pos_ + 1] == '?') {
          if (!perl_flags()) return false;
        } else {
          frames_.push_back(Frame{});
          frames_.back().capture = true;
          frames_.back().saved_fold = fold_;
          ++pos_;
        }
        break;
      case '|':
        end_alternative(frames_.back());
        ++pos_;
        break;
      case ')': {
        if (frames_.size() == 1) return fail("unexpected )", s_);
        Operand group = close(frames_.back());
        fold_ = frames_.back().saved_fold;
        frames_.pop_back();
        ++pos_;
        if (!push(group)) return false;
        break;
      }
      case '^':
      case '$':
        ++pos_;
        if (!push(kAssert)) return false;
        break;
      case '.':
        ++pos_;
        if (!push(kChar)) return false;
        break;
      case '[':
        if (!char_class() || !push(kChar)) return false;
        break;
      case '*':
      case '+':
      case '?':
        if (last_repeat) {
          ++pos_;
          if (pos_ < n && s_[pos_] == '?') ++pos_;
          return fail("invalid nested repetition operator", s_.substr(begin, pos_ - begin));
        }
        ++pos_;
        if (!repeat(begin, 0, 0, false)) return false;
        is_repeat = true;
        break;
      case '{': {
        int min = 0, max = 0;
        std::size_t after = 0;
        if (!parse_repeat(pos_, min, max, after)) {
          ++pos_;
          if (!push_literal()) return false;
          break;
        }
        pos_ = after;
        if (min < 0 || min > 1000 || max > 1000 || (max >= 0 && min > max))
          return fail("invalid repeat count", s_.substr(begin, pos_ - begin));
        if (last_repeat) {
          if (pos_ < n && s_[pos_] == '?') ++pos_;
          return fail("invalid nested repetition operator", s_.substr(begin, pos_ - begin));
        }
        if (!repeat(begin, min, max, true)) return false;
        is_repeat = true;
        break;
      }
      case '\\': {
        if (pos_ + 1 < n) {
          char e = s_[pos_ + 1];
          if (e == 'A' || e == 'z' || e == 'B' || e == 'b') {
            pos_ += 2;
            if (!push(e == 'b' ? kChar : kAssert)) return false;
            break;
          }
          if (e == 'C') return fail("invalid escape sequence", "\\C");
          if (e == 'Q') {
            std::size_t end = s_.find("\\E", pos_ + 2);
            std::size_t lit_end = end == std::string_view::npos ? n : end;
            bool any = lit_end > pos_ + 2;
            pos_ = end == std::string_view::npos ? n : end + 2;
            if (any && !push_literal()) return false;
            break;
          }
          if (e == 'p' || e == 'P') {
            if (!unicode_class() || !push(kChar)) return false;
            break;
          }
          if (std::string_view("dDsSwW").find(e) != std::string_view::npos) {
            pos_ += 2;
            if (!push(kChar)) return false;
            break;
          }
        }
        char32_t value = 0;
        if (!escape(value) || !push_literal()) return false;
        break;
      }
      default: {
        char32_t cp = 0;
        pos_ += utf8_decode(s_, pos_, cp);
        if (!push_literal()) return false;
        break;
      }
    }
    last_repeat = is_repeat;
  }
  if (frames_.size() != 1) return fail("missing closing )", s_);
  Operand whole = close(frames_.back());
  if (whole.height > 1000) return fail("expression nests too deeply", {});
  nullable_ = whole.nullable;
  return true;
}

// ---------------------------------------------------------------------------------------------
// Tokens

enum class Tok : std::uint8_t {
  End,
  Error,
  Number,
  String,
  Duration,
  Ident,
  MetricIdent,
  // Keywords (case-insensitive).
  And,
  Or,
  Unless,
  Atan2,
  Aggregator,
  Offset,
  By,
  Without,
  On,
  Ignoring,
  GroupLeft,
  GroupRight,
  Bool,
  Start,
  EndKw,
  // Punctuation.
  LParen,
  RParen,
  LBrace,
  RBrace,
  LBracket,
  RBracket,
  Comma,
  Colon,
  At,
  Assign,
  EqlC,
  Neq,
  EqRegex,
  NeqRegex,
  Lss,
  Lte,
  Gtr,
  Gte,
  Add,
  Sub,
  Mul,
  Div,
  Mod,
  Pow,
};

struct Token {
  Tok kind = Tok::End;
  std::size_t begin = 0, end = 0;
};

struct Keyword {
  std::string_view word;
  Tok kind;
};

constexpr Keyword kKeywords[] = {
    {"and", Tok::And},
    {"or", Tok::Or},
    {"unless", Tok::Unless},
    {"atan2", Tok::Atan2},
    {"sum", Tok::Aggregator},
    {"avg", Tok::Aggregator},
    {"count", Tok::Aggregator},
    {"min", Tok::Aggregator},
    {"max", Tok::Aggregator},
    {"group", Tok::Aggregator},
    {"stddev", Tok::Aggregator},
    {"stdvar", Tok::Aggregator},
    {"topk", Tok::Aggregator},
    {"bottomk", Tok::Aggregator},
    {"count_values", Tok::Aggregator},
    {"quantile", Tok::Aggregator},
    {"offset", Tok::Offset},
    {"by", Tok::By},
    {"without", Tok::Without},
    {"on", Tok::On},
    {"ignoring", Tok::Ignoring},
    {"group_left", Tok::GroupLeft},
    {"group_right", Tok::GroupRight},
    {"bool", Tok::Bool},
    {"start", Tok::Start},
    {"end", Tok::EndKw},
};

// The lexer runs over the whole input first; it stops at the first error with an Error token,
// which the parser reports when it gets there (as Prometheus's lazy lexer would).
class Lexer {
 public:
  explicit Lexer(std::string_view s) : s_(s) {}

  std::vector<Token> run();
  Error error;  // for the Error token

 private:
  void emit(Tok kind, std::size_t begin) {
    tokens_.push_back(Token{kind, begin, pos_});
    last_end_ = pos_;
  }
  bool fail(std::size_t begin, std::size_t end, std::string message, std::string hint = {}) {
    error.offset = begin;
    error.length = std::max<std::size_t>(1, end - begin);
    error.message = std::move(message);
    error.hint = std::move(hint);
    tokens_.push_back(Token{Tok::Error, begin, end});
    return false;
  }
  bool accept(std::string_view set) {
    if (pos_ < s_.size() && set.find(s_[pos_]) != std::string_view::npos) {
      ++pos_;
      return true;
    }
    return false;
  }
  void accept_run(std::string_view set) {
    while (accept(set)) {
    }
  }
  bool scan_number();
  bool accept_remaining_duration();
  std::size_t word_end(std::size_t from) const {
    while (from < s_.size() && (is_alnum(s_[from]) || s_[from] == '.')) ++from;
    return from;
  }
  bool statement();
  bool inside_braces();
  bool number_or_duration();
  bool duration_after_bracket();
  bool string_literal();
  bool raw_string();
  void skip_comment() {
    while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
  }

  std::string_view s_;
  std::size_t pos_ = 0, last_end_ = 0;
  bool brace_ = false, bracket_ = false, got_colon_ = false;
  std::vector<Token> tokens_;
};

std::vector<Token> Lexer::run() {
  for (;;) {
    while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
    if (pos_ < s_.size() && s_[pos_] == '#') {
      skip_comment();
      continue;
    }
    if (pos_ >= s_.size()) {
      if (brace_) {
        fail(last_end_, last_end_ + 1, "expected \"}\" to close the label matchers");
        break;
      }
      tokens_.push_back(Token{Tok::End, last_end_, last_end_});
      break;
    }
    if (!(brace_ ? inside_braces() : statement())) break;
  }
  return std::move(tokens_);
}

// Go's scanNumber: digits (hex after 0x), a fraction, an exponent; true when no letter follows.
bool Lexer::scan_number() {
  std::string_view digits = "0123456789";
  if (accept("0") && accept("xX")) digits = "0123456789abcdefABCDEF";
  accept_run(digits);
  if (accept(".")) accept_run(digits);
  if (accept("eE")) {
    accept("+-");
    accept_run("0123456789");
  }
  return !(pos_ < s_.size() && is_alnum(s_[pos_]));
}

bool Lexer::accept_remaining_duration() {
  if (!accept("smhdwy")) return false;
  accept("s");
  while (accept("0123456789")) {
    accept_run("0123456789");
    if (!accept("smhdw")) return false;
    accept("s");
  }
  return !(pos_ < s_.size() && is_alnum(s_[pos_]));
}

bool Lexer::number_or_duration() {
  std::size_t begin = pos_;
  if (scan_number()) {
    emit(Tok::Number, begin);
    return true;
  }
  if (accept_remaining_duration()) {
    emit(Tok::Duration, begin);
    return true;
  }
  std::size_t end = word_end(begin);
  return fail(begin, end, "bad number or duration " + quoted(s_.substr(begin, end - begin)),
              "numbers are written like 0.5, 1e3 or 0x1f; durations like 30s, 5m or 1h30m");
}

// Right after "[": a duration, as Prometheus's lexer insists.
bool Lexer::duration_after_bracket() {
  while (pos_ < s_.size() && is_space(s_[pos_])) ++pos_;
  std::size_t begin = pos_;
  if (scan_number()) {
    if (pos_ == begin) return fail(begin, begin + 1, "expected a duration such as 5m after \"[\"");
    return fail(begin, pos_, "missing unit in duration " + quoted(s_.substr(begin, pos_ - begin)),
                "add a unit: ms, s, m, h, d, w or y, e.g. " +
                    std::string(s_.substr(begin, pos_ - begin)) + "m");
  }
  if (!accept_remaining_duration()) {
    std::size_t end = word_end(begin);
    return fail(begin, end, "bad duration " + quoted(s_.substr(begin, end - begin)),
                "durations are written like 30s, 5m or 1h30m");
  }
  emit(Tok::Duration, begin);
  return true;
}

bool Lexer::string_literal() {
  std::size_t begin = pos_;
  char quote = s_[pos_++];
  std::size_t n = s_.size();
  auto unterminated = [&] {
    return fail(begin, pos_, "unterminated string",
                std::string("close it with ") + quote + " on the same line");
  };
  while (true) {
    if (pos_ >= n || s_[pos_] == '\n') return unterminated();
    char c = s_[pos_];
    if (c == quote) {
      ++pos_;
      break;
    }
    if (c == '\\') {
      std::size_t esc = pos_++;
      if (pos_ >= n) return unterminated();
      char e = s_[pos_];
      if (std::string_view("abfnrtv\\").find(e) != std::string_view::npos || e == quote) {
        ++pos_;
        continue;
      }
      int count = 0;
      std::uint32_t base = 16, max = 0x10FFFF;
      if (e >= '0' && e <= '7') {
        count = 3, base = 8, max = 255;
      } else if (e == 'x') {
        count = 2, max = 255, ++pos_;
      } else if (e == 'u') {
        count = 4, ++pos_;
      } else if (e == 'U') {
        count = 8, ++pos_;
      } else {
        auto [shown, len] = char_at(s_, pos_);
        return fail(
            esc, pos_ + len, "unknown escape sequence \\" + shown.substr(1, shown.size() - 2),
            std::string("the escapes are \\a \\b \\f \\n \\r \\t \\v \\\\ \\") + quote +
                ", \\x.., \\u...., \\U........ and octal \\...; write \\\\ for a backslash");
      }
      std::uint32_t value = 0;
      for (int k = 0; k < count; ++k) {
        if (pos_ >= n) return unterminated();
        int d = hex_value(s_[pos_]);
        if (d < 0 || static_cast<std::uint32_t>(d) >= base)
          return fail(esc, pos_ + 1,
                      "bad character in escape sequence " + quoted(s_.substr(esc, pos_ + 1 - esc)));
        value = value * base + static_cast<std::uint32_t>(d);
        ++pos_;
      }
      if (value > max || (value >= 0xD800 && value < 0xE000))
        return fail(esc, pos_,
                    "escape sequence " + quoted(s_.substr(esc, pos_ - esc)) +
                        " is not a valid Unicode code point");
      continue;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      char32_t cp = 0;
      std::size_t len = utf8_decode(s_, pos_, cp);
      if (len == 0 || cp == 0xFFFD)  // Go's lexer also rejects a literal U+FFFD
        return fail(pos_, pos_ + std::max<std::size_t>(len, 1), "invalid UTF-8 in string");
      pos_ += len;
      continue;
    }
    ++pos_;
  }
  emit(Tok::String, begin);
  return true;
}

bool Lexer::raw_string() {
  std::size_t begin = pos_++;
  while (true) {
    if (pos_ >= s_.size()) return fail(begin, pos_, "unterminated raw string", "close it with `");
    char c = s_[pos_];
    if (c == '`') {
      ++pos_;
      break;
    }
    if (static_cast<unsigned char>(c) >= 0x80) {
      char32_t cp = 0;
      std::size_t len = utf8_decode(s_, pos_, cp);
      if (len == 0 || cp == 0xFFFD)
        return fail(pos_, pos_ + std::max<std::size_t>(len, 1), "invalid UTF-8 in string");
      pos_ += len;
      continue;
    }
    ++pos_;
  }
  emit(Tok::String, begin);
  return true;
}

bool Lexer::inside_braces() {
  std::size_t begin = pos_;
  char c = s_[pos_];
  if (is_alpha(c)) {
    while (pos_ < s_.size() && is_alnum(s_[pos_])) ++pos_;
    emit(Tok::Ident, begin);
    return true;
  }
  switch (c) {
    case ',':
      ++pos_;
      emit(Tok::Comma, begin);
      return true;
    case '"':
    case '\'':
      return string_literal();
    case '`':
      return raw_string();
    case '=':
      ++pos_;
      if (accept("~"))
        emit(Tok::EqRegex, begin);
      else
        emit(Tok::Assign, begin);
      return true;
    case '!':
      ++pos_;
      if (accept("~")) {
        emit(Tok::NeqRegex, begin);
        return true;
      }
      if (accept("=")) {
        emit(Tok::Neq, begin);
        return true;
      }
      return fail(begin, begin + 1, "expected \"!=\" or \"!~\" after \"!\"");
    case '}':
      ++pos_;
      emit(Tok::RBrace, begin);
      brace_ = false;
      return true;
    case '{':
      return fail(begin, begin + 1, "unexpected \"{\" inside the label matchers");
    default: {
      auto [shown, len] = char_at(s_, pos_);
      return fail(begin, begin + len, "unexpected character " + shown + " in the label matchers",
                  is_digit(c) || c == ':' ? "a label name starts with a letter or \"_\" and has "
                                            "letters, digits and \"_\""
                                          : "");
    }
  }
}

bool Lexer::statement() {
  std::size_t begin = pos_;
  char c = s_[pos_];
  auto one = [&](Tok kind) {
    ++pos_;
    emit(kind, begin);
    return true;
  };
  switch (c) {
    case ',':
      return one(Tok::Comma);
    case '*':
      return one(Tok::Mul);
    case '/':
      return one(Tok::Div);
    case '%':
      return one(Tok::Mod);
    case '+':
      return one(Tok::Add);
    case '-':
      return one(Tok::Sub);
    case '^':
      return one(Tok::Pow);
    case '@':
      return one(Tok::At);
    case '(':
      return one(Tok::LParen);
    case ')':
      return one(Tok::RParen);
    case '=':
      ++pos_;
      if (accept("=")) {
        emit(Tok::EqlC, begin);
        return true;
      }
      if (pos_ < s_.size() && s_[pos_] == '~')
        return fail(begin, pos_ + 1, "unexpected \"=~\" outside a selector",
                    "regex matchers go inside the braces: x{label=~\"re\"}");
      emit(Tok::Assign, begin);
      return true;
    case '!':
      ++pos_;
      if (accept("=")) {
        emit(Tok::Neq, begin);
        return true;
      }
      return fail(begin, pos_, "unexpected \"!\"",
                  "the operators are != (not equal) and, "
                  "inside braces, !~ (regex does not match)");
    case '<':
      ++pos_;
      emit(accept("=") ? Tok::Lte : Tok::Lss, begin);
      return true;
    case '>':
      ++pos_;
      emit(accept("=") ? Tok::Gte : Tok::Gtr, begin);
      return true;
    case '"':
    case '\'':
      return string_literal();
    case '`':
      return raw_string();
    case '{':
      brace_ = true;
      return one(Tok::LBrace);
    case '}':
      return fail(begin, begin + 1, "unexpected \"}\"");
    case '[':
      if (bracket_) return fail(begin, begin + 1, "unexpected \"[\" inside a range");
      ++pos_;
      emit(Tok::LBracket, begin);
      bracket_ = true;
      got_colon_ = false;
      return duration_after_bracket();
    case ']':
      bracket_ = false;
      return one(Tok::RBracket);
    default:
      break;
  }
  if (is_digit(c) || (c == '.' && pos_ + 1 < s_.size() && is_digit(s_[pos_ + 1])))
    return number_or_duration();
  if (bracket_ && c == ':') {
    if (got_colon_) return fail(begin, begin + 1, "unexpected second \":\" in a subquery");
    got_colon_ = true;
    return one(Tok::Colon);
  }
  if (bracket_ && is_alpha(c)) {
    // Prometheus 2.42's lexer reads a letter here as ":" (so `x[5m a]` is `x[5m:]`); a typo is
    // more likely than that, so it is an error here.
    std::size_t end = begin;
    while (end < s_.size() && is_alnum(s_[end])) ++end;
    return fail(begin, end,
                "unexpected " + quoted(s_.substr(begin, end - begin)) + " inside a range",
                "a range holds a duration, x[5m], and a subquery a range and a step, x[1h:5m]");
  }
  if (is_alpha(c) || c == ':') {
    while (pos_ < s_.size() && (is_alnum(s_[pos_]) || s_[pos_] == ':')) ++pos_;
    std::string_view word = s_.substr(begin, pos_ - begin);
    if (iequals(word, "inf") || iequals(word, "nan")) {
      emit(Tok::Number, begin);
      return true;
    }
    for (const auto& k : kKeywords) {
      if (iequals(word, k.word)) {
        emit(k.kind, begin);
        return true;
      }
    }
    emit(word.find(':') != std::string_view::npos ? Tok::MetricIdent : Tok::Ident, begin);
    return true;
  }
  auto [shown, len] = char_at(s_, pos_);
  std::string hint;
  if (c == '&' || c == '|')
    hint = "the logical operators are and, or and unless";
  else if (c == '.')
    hint = "a number needs a digit after the point, e.g. 0.5";
  return fail(begin, begin + len, "unexpected character " + shown, hint);
}

// Decodes a valid string token (quotes included) as Go's Unquote does: \x and octal escapes
// are single bytes, \u and \U are UTF-8.
std::string decode_string(std::string_view tok) {
  std::string out;
  if (tok.size() < 2) return out;
  char quote = tok[0];
  std::string_view body = tok.substr(1, tok.size() - 2);
  if (quote == '`') return std::string(body);
  for (std::size_t i = 0; i < body.size();) {
    char c = body[i];
    if (c != '\\' || i + 1 >= body.size()) {
      out += c;
      ++i;
      continue;
    }
    char e = body[i + 1];
    i += 2;
    switch (e) {
      case 'a':
        out += '\a';
        continue;
      case 'b':
        out += '\b';
        continue;
      case 'f':
        out += '\f';
        continue;
      case 'n':
        out += '\n';
        continue;
      case 'r':
        out += '\r';
        continue;
      case 't':
        out += '\t';
        continue;
      case 'v':
        out += '\v';
        continue;
      default:
        break;
    }
    int count = 0;
    std::uint32_t base = 16;
    if (e >= '0' && e <= '7') {
      count = 3, base = 8, i -= 1;
    } else if (e == 'x') {
      count = 2;
    } else if (e == 'u') {
      count = 4;
    } else if (e == 'U') {
      count = 8;
    } else {
      out += e;  // \\ and the quote
      continue;
    }
    std::uint32_t value = 0;
    for (int k = 0; k < count && i < body.size(); ++k, ++i)
      value = value * base + static_cast<std::uint32_t>(hex_value(body[i]));
    if (e == 'u' || e == 'U')
      base::append_utf8(out, value);
    else
      out += static_cast<char>(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Functions

constexpr Type S = Type::Scalar, V = Type::Vector, M = Type::Matrix, T = Type::String;

struct Func {
  std::string_view name;
  std::array<Type, 5> args;
  int count;     // entries in args
  int variadic;  // 0: exactly `count` arguments; 1: the last is optional; -1: the last repeats
  Type ret;
};

// Prometheus 2.42's functions, sorted by name.
constexpr Func kFuncs[] = {
    {"abs", {V}, 1, 0, V},
    {"absent", {V}, 1, 0, V},
    {"absent_over_time", {M}, 1, 0, V},
    {"acos", {V}, 1, 0, V},
    {"acosh", {V}, 1, 0, V},
    {"asin", {V}, 1, 0, V},
    {"asinh", {V}, 1, 0, V},
    {"atan", {V}, 1, 0, V},
    {"atanh", {V}, 1, 0, V},
    {"avg_over_time", {M}, 1, 0, V},
    {"ceil", {V}, 1, 0, V},
    {"changes", {M}, 1, 0, V},
    {"clamp", {V, S, S}, 3, 0, V},
    {"clamp_max", {V, S}, 2, 0, V},
    {"clamp_min", {V, S}, 2, 0, V},
    {"cos", {V}, 1, 0, V},
    {"cosh", {V}, 1, 0, V},
    {"count_over_time", {M}, 1, 0, V},
    {"day_of_month", {V}, 1, 1, V},
    {"day_of_week", {V}, 1, 1, V},
    {"day_of_year", {V}, 1, 1, V},
    {"days_in_month", {V}, 1, 1, V},
    {"deg", {V}, 1, 0, V},
    {"delta", {M}, 1, 0, V},
    {"deriv", {M}, 1, 0, V},
    {"exp", {V}, 1, 0, V},
    {"floor", {V}, 1, 0, V},
    {"histogram_count", {V}, 1, 0, V},
    {"histogram_fraction", {S, S, V}, 3, 0, V},
    {"histogram_quantile", {S, V}, 2, 0, V},
    {"histogram_sum", {V}, 1, 0, V},
    {"holt_winters", {M, S, S}, 3, 0, V},
    {"hour", {V}, 1, 1, V},
    {"idelta", {M}, 1, 0, V},
    {"increase", {M}, 1, 0, V},
    {"irate", {M}, 1, 0, V},
    {"label_join", {V, T, T, T}, 4, -1, V},
    {"label_replace", {V, T, T, T, T}, 5, 0, V},
    {"last_over_time", {M}, 1, 0, V},
    {"ln", {V}, 1, 0, V},
    {"log10", {V}, 1, 0, V},
    {"log2", {V}, 1, 0, V},
    {"max_over_time", {M}, 1, 0, V},
    {"min_over_time", {M}, 1, 0, V},
    {"minute", {V}, 1, 1, V},
    {"month", {V}, 1, 1, V},
    {"pi", {}, 0, 0, S},
    {"predict_linear", {M, S}, 2, 0, V},
    {"present_over_time", {M}, 1, 0, V},
    {"quantile_over_time", {S, M}, 2, 0, V},
    {"rad", {V}, 1, 0, V},
    {"rate", {M}, 1, 0, V},
    {"resets", {M}, 1, 0, V},
    {"round", {V, S}, 2, 1, V},
    {"scalar", {V}, 1, 0, S},
    {"sgn", {V}, 1, 0, V},
    {"sin", {V}, 1, 0, V},
    {"sinh", {V}, 1, 0, V},
    {"sort", {V}, 1, 0, V},
    {"sort_desc", {V}, 1, 0, V},
    {"sqrt", {V}, 1, 0, V},
    {"stddev_over_time", {M}, 1, 0, V},
    {"stdvar_over_time", {M}, 1, 0, V},
    {"sum_over_time", {M}, 1, 0, V},
    {"tan", {V}, 1, 0, V},
    {"tanh", {V}, 1, 0, V},
    {"time", {}, 0, 0, S},
    {"timestamp", {V}, 1, 0, V},
    {"vector", {S}, 1, 0, V},
    {"year", {V}, 1, 1, V},
};

constexpr std::string_view kAggregators[] = {"avg",    "bottomk", "count", "count_values",
                                             "group",  "max",     "min",   "quantile",
                                             "stddev", "stdvar",  "sum",   "topk"};

const Func* find_function(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFuncs), std::end(kFuncs), name,
                             [](const Func& f, std::string_view n) { return f.name < n; });
  return it != std::end(kFuncs) && it->name == name ? &*it : nullptr;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Scalar:
      return "scalar";
    case Type::Vector:
      return "instant vector";
    case Type::Matrix:
      return "range vector";
    case Type::String:
      return "string";
  }
  return "";
}

std::string a_type(Type t) {
  return (t == Type::Vector ? "an " : "a ") + std::string(type_name(t));
}

std::string signature(const Func& f) {
  std::string s = std::string(f.name) + "(";
  for (int i = 0; i < f.count; ++i) {
    if (i > 0) s += ", ";
    bool optional = f.variadic == 1 && i == f.count - 1;
    if (optional) s += "[";
    s += type_name(f.args[static_cast<std::size_t>(i)]);
    if (optional) s += "]";
    if (f.variadic == -1 && i == f.count - 1) s += "...";
  }
  return s + ")";
}

// Edit distance with transpositions, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

std::string suggest_function(std::string_view name) {
  if (name.size() > 64) return {};
  std::string_view best;
  std::size_t best_score = std::numeric_limits<std::size_t>::max();
  std::size_t limit = name.size() <= 3 ? 1 : 2;
  auto consider = [&](std::string_view cand) {
    // Same letters in another case first, then the fewest edits, preferring a completion.
    std::size_t d = iequals(cand, name) ? 0 : distance(name, cand);
    if (d > limit) return;
    std::size_t score = d == 0 ? 0 : d * 2 + (cand.substr(0, name.size()) == name ? 0 : 1);
    if (score < best_score) best = cand, best_score = score;
  };
  for (const auto& f : kFuncs) consider(f.name);
  for (auto a : kAggregators) consider(a);
  if (best.empty()) return {};
  return "did you mean " + quoted(best) + "?";
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Node {
  enum class Kind : std::uint8_t {
    Number,
    String,
    Vector,
    Matrix,
    Subquery,
    Paren,
    Call,
    Aggregate,
    Binary,
    Unary
  };
  Kind kind = Kind::Number;
  Type type = Type::Scalar;
  std::size_t begin = 0, end = 0;
  bool offset = false;   // an offset is set (selector, range selector or subquery)
  bool at = false;       // @ is set, to a time or to start()/end()
  bool at_time = false;  // @ is set to a time
  std::size_t sel = 0;   // Vector, Matrix: index in Result::selectors
};

struct Modifiers {
  Token bool_tok;
  bool has_bool = false;
  bool on = false, matching = false;  // on(...) / ignoring(...) given
  bool grouping = false;              // group_left / group_right given
  Token matching_tok, grouping_tok;
  std::vector<std::string_view> on_labels, group_labels;
};

int precedence(Tok t) {
  switch (t) {
    case Tok::Or:
      return 1;
    case Tok::And:
    case Tok::Unless:
      return 2;
    case Tok::EqlC:
    case Tok::Neq:
    case Tok::Lss:
    case Tok::Lte:
    case Tok::Gtr:
    case Tok::Gte:
      return 3;
    case Tok::Add:
    case Tok::Sub:
      return 4;
    case Tok::Mul:
    case Tok::Div:
    case Tok::Mod:
    case Tok::Atan2:
      return 5;
    case Tok::Pow:
      return 6;
    default:
      return 0;
  }
}

bool is_comparison(Tok t) {
  return precedence(t) == 3;
}
bool is_set_op(Tok t) {
  return t == Tok::And || t == Tok::Or || t == Tok::Unless;
}

// Keywords that Prometheus 2.42 also reads as a metric name at the start of an expression.
bool metric_keyword(Tok t) {
  switch (t) {
    case Tok::Aggregator:
    case Tok::And:
    case Tok::Or:
    case Tok::Unless:
    case Tok::Offset:
    case Tok::By:
    case Tok::Without:
    case Tok::Start:
    case Tok::EndKw:
      return true;
    default:
      return false;
  }
}

// Tokens accepted as a label name in by/without/on/ignoring/group_x lists: identifiers and
// every keyword but `without` (as in 2.42).
bool grouping_label(Tok t) {
  switch (t) {
    case Tok::Ident:
    case Tok::And:
    case Tok::Or:
    case Tok::Unless:
    case Tok::Atan2:
    case Tok::Aggregator:
    case Tok::Offset:
    case Tok::By:
    case Tok::On:
    case Tok::Ignoring:
    case Tok::GroupLeft:
    case Tok::GroupRight:
    case Tok::Bool:
    case Tok::Start:
    case Tok::EndKw:
      return true;
    default:
      return false;
  }
}

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> tokens, Error lex_error, Result& out)
      : src_(src), toks_(std::move(tokens)), lex_error_(std::move(lex_error)), out_(out) {}

  void run() {
    if (peek().kind == Tok::End) {
      fail(0, src_.size(), "the expression is empty");
      return;
    }
    Node n = expr(0);
    if (failed()) return;
    const Token& t = peek();
    if (t.kind != Tok::End) {
      std::string hint;
      if (t.kind == Tok::Assign)
        hint = "use == to compare";
      else if (t.kind == Tok::LParen)
        hint = "only functions and aggregations take arguments";
      else if (t.kind == Tok::RParen)
        hint = "there is no \"(\" for it to close";
      fail_token(t, "unexpected " + describe(t) + " after the expression", hint);
      return;
    }
    out_.type = n.type;
  }

 private:
  // --- tokens and errors

  const Token& peek(std::size_t k = 0) const {
    std::size_t i = std::min(i_ + k, toks_.size() - 1);
    return toks_[i];
  }
  Token next() {
    Token t = peek();
    if (t.kind != Tok::End && t.kind != Tok::Error) ++i_;
    return t;
  }
  bool failed() const { return out_.error.has_value(); }
  std::string_view text(const Token& t) const { return src_.substr(t.begin, t.end - t.begin); }
  std::string_view text(std::size_t begin, std::size_t end) const {
    return src_.substr(begin, end - begin);
  }

  void fail(std::size_t begin, std::size_t end, std::string message, std::string hint = {}) {
    if (failed()) return;
    Error e;
    e.offset = begin;
    e.length = end > begin ? end - begin : 1;
    e.message = std::move(message);
    e.hint = std::move(hint);
    out_.error = std::move(e);
  }
  // At `t`, unless it is the lexer's error, which then wins.
  void fail_token(const Token& t, std::string message, std::string hint = {}) {
    if (t.kind == Tok::Error) {
      if (!failed()) out_.error = lex_error_;
      return;
    }
    fail(t.begin, t.end, std::move(message), std::move(hint));
  }
  // "expected X, got Y" at t; at the end of input just "expected X".
  void expected(const Token& t, const std::string& what, std::string hint = {}) {
    if (t.kind == Tok::End)
      fail_token(t, "expected " + what, std::move(hint));
    else
      fail_token(t, "expected " + what + ", got " + describe(t), std::move(hint));
  }

  std::string describe(const Token& t) const {
    std::string_view s = text(t);
    switch (t.kind) {
      case Tok::End:
        return "end of input";
      case Tok::Number:
        return "number " + quoted(s);
      case Tok::String:
        return "string " + quoted(s.substr(1, s.size() - 2));
      case Tok::Duration:
        return "duration " + quoted(s);
      case Tok::Ident:
        return "identifier " + quoted(s);
      case Tok::MetricIdent:
        return "metric name " + quoted(s);
      default:
        return quoted(s);
    }
  }

  // --- expressions

  Node expr(int min_prec) {
    if (++depth_ > kMaxDepth) {
      const Token& t = peek();
      fail(t.begin, t.end, "the expression nests too deeply (more than 200 levels)");
      --depth_;
      return {};
    }
    Node lhs = unary();
    while (!failed()) {
      Token op = peek();
      int prec = precedence(op.kind);
      if (prec == 0 || prec < min_prec) break;
      next();
      Modifiers mods = modifiers();
      if (failed()) break;
      Node rhs = expr(op.kind == Tok::Pow ? prec : prec + 1);
      if (failed()) break;
      lhs = binary(lhs, op, mods, rhs);
    }
    --depth_;
    return lhs;
  }

  Node unary() {
    const Token& t = peek();
    if (t.kind != Tok::Add && t.kind != Tok::Sub) return postfix();
    Token op = next();
    // A unary operator binds like * and /: -a^b is -(a^b), -a*b is (-a)*b.
    Node operand = expr(6);
    if (failed()) return operand;
    if (operand.type != Type::Scalar && operand.type != Type::Vector) {
      fail(op.begin, operand.end,
           "unary " + quoted(text(op)) + " needs a scalar or an instant vector, got " +
               a_type(operand.type));
      return operand;
    }
    Node n;
    n.kind = Node::Kind::Unary;
    n.type = operand.type;
    n.begin = op.begin;
    n.end = operand.end;
    return n;
  }

  Node postfix() {
    std::size_t first_sel = out_.selectors.size();
    Node n = primary();
    while (!failed()) {
      const Token& t = peek();
      if (t.kind == Tok::LBracket) {
        range_or_subquery(n, first_sel);
      } else if (t.kind == Tok::Offset) {
        offset(n);
      } else if (t.kind == Tok::At) {
        at(n);
      } else {
        break;
      }
    }
    return n;
  }

  // A DURATION token that must be > 0; false (error set) otherwise.
  bool duration(const Token& t, const std::string& what) {
    if (t.kind != Tok::Duration) {
      std::string hint;
      if (t.kind == Tok::Number) hint = "add a unit: ms, s, m, h, d, w or y";
      expected(t, what, hint);
      return false;
    }
    next();
    std::int64_t ms = 0;
    std::string problem = duration_error(text(t), ms);
    if (problem == "zero") {
      fail(t.begin, t.end, "the duration must be greater than 0");
      return false;
    }
    if (problem == "out of range") {
      fail(t.begin, t.end, "duration " + quoted(text(t)) + " is out of range");
      return false;
    }
    if (!problem.empty()) {
      fail(t.begin, t.end, "bad duration " + quoted(text(t)),
           "write the units from largest to smallest, each once, with whole numbers: 1h30m "
           "(units: y w d h m s ms)");
      return false;
    }
    return true;
  }

  void range_or_subquery(Node& n, std::size_t first_sel) {
    Token lb = next();
    if (!duration(peek(), "a duration such as 5m after \"[\"")) return;
    if (peek().kind == Tok::Colon) {
      next();
      if (peek().kind == Tok::Duration) {
        if (!duration(peek(), "a duration")) return;
      } else if (peek().kind != Tok::RBracket) {
        expected(peek(), "a step duration or \"]\" in the subquery");
        return;
      }
      Token rb = next();
      if (n.type != Type::Vector) {
        fail(n.begin, rb.end, "a subquery needs an instant vector, got " + a_type(n.type));
        return;
      }
      for (std::size_t i = first_sel; i < out_.selectors.size(); ++i)
        out_.selectors[i].range = true;
      Node s;
      s.kind = Node::Kind::Subquery;
      s.type = Type::Matrix;
      s.begin = n.begin;
      s.end = rb.end;
      n = s;
      return;
    }
    if (peek().kind != Tok::RBracket) {
      expected(peek(), "\"]\" to close the range", "a subquery is written x[1h:5m]");
      return;
    }
    Token rb = next();
    if (n.kind != Node::Kind::Vector) {
      std::string hint;
      if (n.type == Type::Vector)
        hint = "for an expression, use a subquery: (" + std::string(shorten(n)) + ")" +
               std::string(text(lb.begin, rb.begin)) + ":]";
      fail(n.begin, rb.end, "a range can only follow a metric selector", hint);
      return;
    }
    if (n.offset) {
      fail(lb.begin, rb.end, "the offset must come after the range",
           "write x[5m] offset 1h, not x offset 1h [5m]");
      return;
    }
    if (n.at_time) {
      fail(lb.begin, rb.end, "the @ modifier must come after the range",
           "write x[5m] @ 1609746000, not x @ 1609746000 [5m]");
      return;
    }
    n.kind = Node::Kind::Matrix;
    n.type = Type::Matrix;
    n.end = rb.end;
    out_.selectors[n.sel].range = true;
  }

  std::string_view shorten(const Node& n) const {
    std::string_view s = text(n.begin, n.end);
    return s.size() > 40 ? std::string_view("...") : s;
  }

  bool modifiable(const Node& n, const Token& t) {
    if (n.kind == Node::Kind::Vector || n.kind == Node::Kind::Matrix ||
        n.kind == Node::Kind::Subquery)
      return true;
    fail(t.begin, t.end,
         quoted(text(t)) + " must follow a selector, a range selector or a subquery",
         n.kind == Node::Kind::Call || n.kind == Node::Kind::Aggregate
             ? "put it inside, next to the selector: sum(x offset 1h)"
             : "");
    return false;
  }

  void offset(Node& n) {
    Token kw = next();
    if (peek().kind == Tok::Sub) next();
    Token d = peek();
    if (!duration(d, "a duration after \"offset\"")) return;
    if (!modifiable(n, kw)) return;
    if (n.offset) {
      fail(kw.begin, d.end, "the offset is set twice");
      return;
    }
    n.offset = true;
    n.end = d.end;
  }

  void at(Node& n) {
    Token kw = next();
    const Token& t = peek();
    bool is_time = false;
    std::size_t end = 0;
    if (t.kind == Tok::Start || t.kind == Tok::EndKw) {
      next();
      if (peek().kind != Tok::LParen) return expected(peek(), "\"(\" after " + quoted(text(t)));
      next();
      if (peek().kind != Tok::RParen) return expected(peek(), "\")\"");
      end = next().end;
    } else {
      bool neg = false;
      std::size_t begin = t.begin;
      if (t.kind == Tok::Add || t.kind == Tok::Sub) {
        neg = next().kind == Tok::Sub;
      }
      const Token& num = peek();
      if (num.kind != Tok::Number) {
        return expected(num, "a Unix time, start() or end() after \"@\"",
                        "the time is a number of seconds such as 1609746000, not an expression");
      }
      next();
      double v = 0;
      if (!number_value(text(num), v)) {
        fail(num.begin, num.end, "bad number " + quoted(text(num)));
        return;
      }
      if (neg) v = -v;
      constexpr double kLimit = 9223372036854775808.0;  // 2^63
      if (std::isnan(v) || v >= kLimit || v <= -kLimit) {
        fail(begin, num.end, "the time of the @ modifier is out of range");
        return;
      }
      end = num.end;
      is_time = true;
    }
    if (!modifiable(n, kw)) return;
    if (n.at) {
      fail(kw.begin, end, "the @ modifier is set twice");
      return;
    }
    n.at = true;
    n.at_time = is_time;
    n.end = end;
  }

  Node primary() {
    const Token& t = peek();
    switch (t.kind) {
      case Tok::Number: {
        next();
        double v = 0;
        if (!number_value(text(t), v))
          fail(t.begin, t.end, "bad number " + quoted(text(t)),
               "numbers are written like 0.5, 1e3 or 0x1f");
        return leaf(Node::Kind::Number, Type::Scalar, t);
      }
      case Tok::String:
        next();
        return leaf(Node::Kind::String, Type::String, t);
      case Tok::LParen: {
        Token lp = next();
        Node inner = expr(0);
        if (failed()) return inner;
        if (peek().kind != Tok::RParen) {
          expected(peek(), "\")\" to close the parenthesis");
          return inner;
        }
        Token rp = next();
        Node n;
        n.kind = Node::Kind::Paren;
        n.type = inner.type;
        n.begin = lp.begin;
        n.end = rp.end;
        return n;
      }
      case Tok::LBrace:
        return selector(nullptr);
      case Tok::Ident:
        if (peek(1).kind == Tok::LParen) return call();
        return selector(&t);
      case Tok::MetricIdent:
        return selector(&t);
      case Tok::Aggregator: {
        Tok k = peek(1).kind;
        if (k == Tok::LParen || k == Tok::By || k == Tok::Without) return aggregation();
        return selector(&t);
      }
      default:
        break;
    }
    if (metric_keyword(t.kind)) return selector(&t);
    if (t.kind == Tok::End) {
      fail_token(t, i_ > 0 ? "expected an expression after " + quoted(text(toks_[i_ - 1]))
                           : "expected an expression");
    } else {
      std::string hint;
      if (t.kind == Tok::Duration)
        hint = "a duration goes in a range x[5m], a subquery x[1h:5m] or after offset";
      fail_token(t, "unexpected " + describe(t) + ", expected an expression", hint);
    }
    return {};
  }

  Node leaf(Node::Kind kind, Type type, const Token& t) {
    Node n;
    n.kind = kind;
    n.type = type;
    n.begin = t.begin;
    n.end = t.end;
    return n;
  }

  // name{matchers}, name, or {matchers}; `name` points into toks_.
  Node selector(const Token* name) {
    Selector sel;
    std::size_t begin = peek().begin;
    bool non_empty = name != nullptr;
    bool name_from_matcher = false;
    if (name) {
      Token t = next();
      sel.metric = std::string(text(t));
      sel.offset = t.begin;
      sel.length = t.end - t.begin;
    }
    std::size_t end = name ? name->end : begin;
    if (peek().kind == Tok::LBrace) {
      next();
      while (true) {
        const Token& l = peek();
        if (l.kind == Tok::RBrace) {
          end = next().end;
          break;
        }
        if (l.kind != Tok::Ident) {
          expected(l, "a label name or \"}\" in the label matchers");
          return {};
        }
        Token label = next();
        Token op = peek();
        if (op.kind != Tok::Assign && op.kind != Tok::Neq && op.kind != Tok::EqRegex &&
            op.kind != Tok::NeqRegex) {
          expected(op, "=, !=, =~ or !~ after the label name " + quoted(text(label)));
          return {};
        }
        next();
        Token value = peek();
        if (value.kind != Tok::String) {
          expected(value, "a quoted string after " + quoted(text(op)),
                   value.kind == Tok::Ident
                       ? "quote the value: " + std::string(text(label)) + std::string(text(op)) +
                             "\"" + std::string(text(value)) + "\""
                       : "");
          return {};
        }
        next();
        std::string v = decode_string(text(value));
        bool matches_empty = false;
        if (op.kind == Tok::Assign || op.kind == Tok::Neq) {
          matches_empty = v.empty() == (op.kind == Tok::Assign);
        } else {
          bool nullable = false;
          if (!check_regex(v, value, nullable)) return {};
          matches_empty = nullable == (op.kind == Tok::EqRegex);
        }
        if (!matches_empty) non_empty = true;
        if (text(label) == "__name__") {
          if (name) {
            fail(label.begin, value.end,
                 "the metric name is set twice: " + quoted(text(*name)) + " and " +
                     quoted(text(label.begin, value.end)));
            return {};
          }
          if (op.kind == Tok::Assign && !name_from_matcher) {
            name_from_matcher = true;
            sel.metric = v;
            sel.offset = value.begin;
            sel.length = value.end - value.begin;
          }
        }
        const Token& sep = peek();
        if (sep.kind == Tok::Comma) {
          next();
        } else if (sep.kind != Tok::RBrace) {
          expected(sep, "\",\" or \"}\" after a label matcher");
          return {};
        }
      }
    }
    if (!non_empty) {
      fail(begin, end,
           "a selector needs a metric name or a matcher that does not match the empty string",
           "e.g. up{job=\"api\"} or {job=~\".+\"}");
      return {};
    }
    if (!name && !name_from_matcher) {
      sel.offset = begin;
      sel.length = end - begin;
    }
    Node n;
    n.kind = Node::Kind::Vector;
    n.type = Type::Vector;
    n.begin = begin;
    n.end = end;
    n.sel = out_.selectors.size();
    out_.selectors.push_back(std::move(sel));
    return n;
  }

  bool check_regex(const std::string& re, const Token& at, bool& nullable) {
    RegexCheck raw(re);
    if (!raw.run()) {
      fail(at.begin, at.end, "invalid regular expression " + quoted(re) + ": " + raw.error());
      return false;
    }
    std::string anchored = "^(?:" + re + ")$";
    RegexCheck whole(anchored);
    if (!whole.run()) {
      fail(at.begin, at.end,
           "invalid regular expression " + quoted(re) +
               " once anchored as ^(?:...)$: " + whole.error(),
           re.find("\\Q") != std::string::npos ? "close \\Q with \\E" : "");
      return false;
    }
    nullable = whole.nullable();
    return true;
  }

  // "(" [expr {"," expr}] ")" after a function or aggregation name.
  std::vector<Node> arguments(const std::string& what, std::size_t& end) {
    std::vector<Node> args;
    next();  // (
    if (peek().kind == Tok::RParen) {
      end = next().end;
      return args;
    }
    while (true) {
      args.push_back(expr(0));
      if (failed()) return args;
      const Token& t = peek();
      if (t.kind == Tok::RParen) {
        end = next().end;
        return args;
      }
      if (t.kind != Tok::Comma) {
        if (t.kind == Tok::End)
          expected(t, "\")\" to close " + what);
        else
          expected(t, "\",\" or \")\" in " + what);
        return args;
      }
      Token comma = next();
      if (peek().kind == Tok::RParen) {
        fail(comma.begin, comma.end, "trailing comma in " + what, "remove the \",\" before \")\"");
        return args;
      }
    }
  }

  Node call() {
    Token name = next();
    const Func* f = find_function(text(name));
    if (!f) {
      fail(name.begin, name.end, "unknown function " + quoted(text(name)),
           suggest_function(text(name)));
      return {};
    }
    std::size_t end = 0;
    std::vector<Node> args = arguments("the call of " + std::string(f->name), end);
    if (failed()) return {};
    int n = static_cast<int>(args.size());
    int min = f->variadic == 0 ? f->count : f->count - 1;
    int max = f->variadic == -1 ? std::numeric_limits<int>::max() : f->count;
    if (n < min || n > max) {
      std::string takes;
      auto plural = [](int k) { return std::to_string(k) + (k == 1 ? " argument" : " arguments"); };
      if (min == max)
        takes = plural(min);
      else if (max == std::numeric_limits<int>::max())
        takes = "at least " + plural(min);
      else if (min == 0)
        takes = "at most " + plural(max);
      else
        takes = std::to_string(min) + " to " + plural(max);
      fail(name.begin, end,
           std::string(f->name) + "() takes " + takes + ", got " + std::to_string(n),
           "usage: " + signature(*f));
      return {};
    }
    for (int i = 0; i < n; ++i) {
      Type want = f->args[static_cast<std::size_t>(std::min(i, f->count - 1))];
      const Node& a = args[static_cast<std::size_t>(i)];
      if (a.type == want) continue;
      std::string where = f->count == 1 && f->variadic == 0
                              ? std::string()
                              : " as argument " + std::to_string(i + 1);
      fail(a.begin, a.end,
           std::string(f->name) + "() expects " + a_type(want) + where + ", got " + a_type(a.type),
           type_hint(want, a, f->name));
      return {};
    }
    Node r;
    r.kind = Node::Kind::Call;
    r.type = f->ret;
    r.begin = name.begin;
    r.end = end;
    return r;
  }

  std::string type_hint(Type want, const Node& a, std::string_view fn) const {
    if (want == Type::Matrix && a.type == Type::Vector) {
      if (a.kind == Node::Kind::Vector && a.end - a.begin <= 60)
        return "add a range: " + std::string(fn) + "(" + std::string(text(a.begin, a.end)) +
               "[5m])";
      return "make it a range vector with a subquery: (...)[5m:1m]";
    }
    if (want == Type::Vector && a.type == Type::Matrix)
      return "remove the range, or reduce it first with a function such as rate() or "
             "avg_over_time()";
    if (want == Type::Vector && a.type == Type::Scalar)
      return "vector(...) turns a scalar into an instant vector";
    if (want == Type::Scalar && a.type == Type::Vector)
      return "scalar(...) turns a one-element instant vector into a scalar";
    if (want == Type::String) return "write a string literal such as \"label\"";
    return {};
  }

  // "by"/"without" + label list.
  bool grouping(std::vector<std::string_view>& labels, const std::string& what) {
    if (peek().kind != Tok::LParen) {
      expected(peek(), "\"(\" after " + what);
      return false;
    }
    next();
    while (true) {
      const Token& t = peek();
      if (t.kind == Tok::RParen) {
        next();
        return true;
      }
      if (!grouping_label(t.kind)) {
        std::string hint;
        if (t.kind == Tok::MetricIdent)
          hint = "a label name has letters, digits and \"_\", not \":\"";
        expected(t, "a label name or \")\" in " + what, hint);
        return false;
      }
      labels.push_back(text(next()));
      const Token& sep = peek();
      if (sep.kind == Tok::Comma) {
        next();
      } else if (sep.kind != Tok::RParen) {
        expected(sep, "\",\" or \")\" in " + what);
        return false;
      }
    }
  }

  Node aggregation() {
    Token op = next();
    std::string name(text(op));
    std::string lname;
    for (char c : name) lname += lower(c);
    std::vector<std::string_view> labels;
    bool has_modifier = false;
    auto modifier = [&] {
      Token m = next();
      has_modifier = true;
      return grouping(labels, quoted(text(m)));
    };
    if ((peek().kind == Tok::By || peek().kind == Tok::Without) && !modifier()) return {};
    if (peek().kind != Tok::LParen) {
      expected(peek(), "\"(\" after " + quoted(text(op.begin, peek().begin)),
               "an aggregation is written sum by (label) (expression)");
      return {};
    }
    std::size_t end = 0;
    std::vector<Node> args = arguments("the aggregation " + name, end);
    if (failed()) return {};
    if (!has_modifier && (peek().kind == Tok::By || peek().kind == Tok::Without)) {
      if (!modifier()) return {};
      end = toks_[i_ - 1].end;
    }
    bool param =
        lname == "topk" || lname == "bottomk" || lname == "quantile" || lname == "count_values";
    std::size_t want = param ? 2 : 1;
    if (args.empty() || args.size() != want) {
      std::string usage = lname == "count_values" ? "count_values(\"label\", x)"
                          : lname == "quantile"   ? "quantile(0.9, x)"
                          : param                 ? lname + "(5, x)"
                                                  : lname + "(x)";
      fail(op.begin, end,
           name + " takes " + (param ? "a parameter and an instant vector" : "one instant vector") +
               ", got " + std::to_string(args.size()) +
               (args.size() == 1 ? " argument" : " arguments"),
           "usage: " + usage);
      return {};
    }
    if (param) {
      Type want_param = lname == "count_values" ? Type::String : Type::Scalar;
      const Node& p = args[0];
      if (p.type != want_param) {
        fail(p.begin, p.end,
             "the parameter of " + name + " must be " + a_type(want_param) + ", got " +
                 a_type(p.type),
             "usage: " + std::string(lname == "count_values" ? "count_values(\"label\", x)"
                                     : lname == "quantile"   ? "quantile(0.9, x)"
                                                             : lname + "(5, x)"));
        return {};
      }
    }
    const Node& e = args.back();
    if (e.type != Type::Vector) {
      fail(e.begin, e.end, name + " expects an instant vector, got " + a_type(e.type),
           e.type == Type::Matrix
               ? "aggregate over time with a function such as sum_over_time(), or apply rate() "
                 "first"
               : "");
      return {};
    }
    Node n;
    n.kind = Node::Kind::Aggregate;
    n.type = Type::Vector;
    n.begin = op.begin;
    n.end = end;
    return n;
  }

  Modifiers modifiers() {
    Modifiers m;
    if (peek().kind == Tok::Bool) {
      m.bool_tok = next();
      m.has_bool = true;
    }
    if (peek().kind == Tok::On || peek().kind == Tok::Ignoring) {
      m.matching_tok = next();
      m.matching = true;
      m.on = m.matching_tok.kind == Tok::On;
      if (!grouping(m.on_labels, quoted(text(m.matching_tok)))) return m;
      if (peek().kind == Tok::GroupLeft || peek().kind == Tok::GroupRight) {
        m.grouping_tok = next();
        m.grouping = true;
        if (peek().kind == Tok::LParen && !grouping(m.group_labels, quoted(text(m.grouping_tok))))
          return m;
      }
    }
    return m;
  }

  Node binary(const Node& lhs, const Token& op, const Modifiers& m, const Node& rhs) {
    std::string ops = quoted(text(op));
    for (const Node* side : {&lhs, &rhs}) {
      if (side->type == Type::Scalar || side->type == Type::Vector) continue;
      fail(side->begin, side->end,
           "the operands of " + ops + " must be scalars or instant vectors, got " +
               a_type(side->type),
           side->type == Type::Matrix
               ? "reduce the range first with a function such as rate() or avg_over_time()"
               : "");
      return {};
    }
    if (m.has_bool && !is_comparison(op.kind)) {
      fail(m.bool_tok.begin, m.bool_tok.end,
           "\"bool\" only applies to comparisons (== != < <= > >=), not to " + ops);
      return {};
    }
    bool scalars = lhs.type == Type::Scalar && rhs.type == Type::Scalar;
    if (is_comparison(op.kind) && !m.has_bool && scalars) {
      fail(op.begin, op.end, "a comparison between two scalars needs \"bool\"",
           "write " +
               std::string(text(lhs.begin, lhs.end).size() <= 20 ? text(lhs.begin, lhs.end)
                                                                 : std::string_view("a")) +
               " " + std::string(text(op)) + " bool ...; it gives 0 or 1");
      return {};
    }
    if (m.on && m.grouping && !m.group_labels.empty()) {
      std::unordered_set<std::string_view> on(m.on_labels.begin(), m.on_labels.end());
      for (auto l : m.group_labels) {
        if (on.count(l)) {
          fail(m.grouping_tok.begin, m.grouping_tok.end,
               "label " + quoted(l) + " is in both on(...) and " +
                   std::string(text(m.grouping_tok)) + "(...)",
               "the labels of on() are matched already; list only extra labels to copy");
          return {};
        }
      }
    }
    bool vectors = lhs.type == Type::Vector && rhs.type == Type::Vector;
    if (!vectors && m.matching && !m.on_labels.empty()) {
      fail(m.matching_tok.begin, m.matching_tok.end,
           quoted(text(m.matching_tok)) + " only applies between two instant vectors");
      return {};
    }
    if (is_set_op(op.kind)) {
      if (!vectors) {
        fail(op.begin, op.end, ops + " needs instant vectors on both sides");
        return {};
      }
      if (m.grouping) {
        fail(m.grouping_tok.begin, m.grouping_tok.end,
             quoted(text(m.grouping_tok)) + " is not allowed with " + ops,
             "set operators always match many-to-many");
        return {};
      }
    }
    Node n;
    n.kind = Node::Kind::Binary;
    n.type = scalars ? Type::Scalar : Type::Vector;
    n.begin = lhs.begin;
    n.end = rhs.end;
    return n;
  }

  std::string_view src_;
  std::vector<Token> toks_;
  Error lex_error_;
  Result& out_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace

Result parse(std::string_view expr) {
  Result out;
  Lexer lexer(expr);
  std::vector<Token> tokens = lexer.run();
  Parser parser(expr, std::move(tokens), std::move(lexer.error), out);
  parser.run();
  if (out.error) {
    Error& e = *out.error;
    if (!expr.empty()) {
      e.offset = std::min(e.offset, expr.size() - 1);
      e.length = std::clamp<std::size_t>(e.length, 1, expr.size() - e.offset);
    } else {
      e.offset = 0;
      e.length = 1;
    }
  }
  return out;
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const auto& f : kFuncs) names.emplace_back(f.name);
  return names;
}

}  // namespace stackc::check::promql
