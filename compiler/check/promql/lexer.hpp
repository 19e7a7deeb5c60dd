// PromQL checking: the tokens and the lexer (modal like Prometheus's: inside braces, inside
// brackets, elsewhere), and the decoding of string literals.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "check/promql.hpp"
#include "check/promql/text.hpp"

namespace stackc::check::promql {

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

// Decodes a valid string token (quotes included) as Go's Unquote does: \x and octal escapes
// are single bytes, \u and \U are UTF-8.
std::string decode_string(std::string_view tok);

}  // namespace stackc::check::promql
