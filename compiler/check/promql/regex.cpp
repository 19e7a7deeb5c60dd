// PromQL checking: regular expressions in the syntax of Go's regexp package, as Prometheus
// compiles label matchers (RegexCheck; the class comment in regex.hpp says what is modelled).
#include "check/promql/regex.hpp"

#include <algorithm>
#include <unordered_set>

namespace stackc::check::promql {

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

namespace {

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

}  // namespace

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

}  // namespace stackc::check::promql
