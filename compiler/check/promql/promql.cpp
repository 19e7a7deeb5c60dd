// PromQL checking: the entry point, parse(), which lexes, parses and keeps the error inside the
// text. The language follows Prometheus 2.42 as `promtool check rules` accepts it; the comments
// in these files say where that behaviour is surprising. The lexer (lexer.cpp) is modal like
// Prometheus's (inside braces, inside brackets, elsewhere), so a keyword is a label name inside
// braces and a metric name at the start of an expression. Errors stop the parse: only the first
// one is reported. Types are checked as each node is built (parse_expressions.cpp,
// parse_operands.cpp), with Prometheus's rules (checkAST): function and aggregation arguments
// (functions.cpp), operands of binary and unary operators, subqueries, modifiers; label
// matchers' regular expressions are checked as Go compiles them (regex.cpp).
#include "check/promql.hpp"

#include <algorithm>

#include "check/promql/lexer.hpp"
#include "check/promql/parser.hpp"

namespace stackc::check::promql {

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

}  // namespace stackc::check::promql
