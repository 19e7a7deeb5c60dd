// PromQL checking: the lexer, run over the whole input before the parser, and the decoding of
// string literals.
#include "check/promql/lexer.hpp"

#include "base/text.hpp"

namespace stackc::check::promql {
namespace {

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

}  // namespace

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

}  // namespace stackc::check::promql
