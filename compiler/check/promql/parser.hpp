// PromQL checking: the parser's nodes and the Parser class, a recursive descent over the tokens
// that checks types as each node is built. Its methods live in parse_expressions.cpp
// (operators, ranges, subqueries, modifiers) and parse_operands.cpp (selectors, calls,
// aggregations).
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "check/promql.hpp"
#include "check/promql/functions.hpp"
#include "check/promql/lexer.hpp"
#include "check/promql/text.hpp"

namespace stackc::check::promql {

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

class Parser {
 public:
  Parser(std::string_view src, std::vector<Token> tokens, Error lex_error, Result& out)
      : src_(src), toks_(std::move(tokens)), lex_error_(std::move(lex_error)), out_(out) {}

  void run();

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

  // --- expressions (parse_expressions.cpp)

  Node expr(int min_prec);
  Node unary();
  Node postfix();
  // A DURATION token that must be > 0; false (error set) otherwise.
  bool duration(const Token& t, const std::string& what);
  void range_or_subquery(Node& n, std::size_t first_sel);
  std::string_view shorten(const Node& n) const;
  bool modifiable(const Node& n, const Token& t);
  void offset(Node& n);
  void at(Node& n);
  Modifiers modifiers();
  Node binary(const Node& lhs, const Token& op, const Modifiers& m, const Node& rhs);

  // --- operands (parse_operands.cpp)

  Node primary();
  Node leaf(Node::Kind kind, Type type, const Token& t);
  // name{matchers}, name, or {matchers}; `name` points into toks_.
  Node selector(const Token* name);
  bool check_regex(const std::string& re, const Token& at, bool& nullable);
  // "(" [expr {"," expr}] ")" after a function or aggregation name.
  std::vector<Node> arguments(const std::string& what, std::size_t& end);
  Node call();
  std::string type_hint(Type want, const Node& a, std::string_view fn) const;
  // "by"/"without" + label list.
  bool grouping(std::vector<std::string_view>& labels, const std::string& what);
  Node aggregation();

  std::string_view src_;
  std::vector<Token> toks_;
  Error lex_error_;
  Result& out_;
  std::size_t i_ = 0;
  int depth_ = 0;
};

}  // namespace stackc::check::promql
