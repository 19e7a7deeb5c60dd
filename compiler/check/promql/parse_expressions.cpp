// PromQL checking: the parser's expressions: binary operators by precedence with their
// modifiers (bool, on/ignoring, group_left/group_right), unary operators, ranges, subqueries,
// offset and @, each checked for types as Prometheus's checkAST does.
#include <cmath>
#include <unordered_set>

#include "check/promql/parser.hpp"

namespace stackc::check::promql {
namespace {

constexpr int kMaxDepth = 200;

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

}  // namespace

void Parser::run() {
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

Node Parser::expr(int min_prec) {
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

Node Parser::unary() {
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

Node Parser::postfix() {
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
bool Parser::duration(const Token& t, const std::string& what) {
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

void Parser::range_or_subquery(Node& n, std::size_t first_sel) {
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
    for (std::size_t i = first_sel; i < out_.selectors.size(); ++i) out_.selectors[i].range = true;
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

std::string_view Parser::shorten(const Node& n) const {
  std::string_view s = text(n.begin, n.end);
  return s.size() > 40 ? std::string_view("...") : s;
}

bool Parser::modifiable(const Node& n, const Token& t) {
  if (n.kind == Node::Kind::Vector || n.kind == Node::Kind::Matrix ||
      n.kind == Node::Kind::Subquery)
    return true;
  fail(t.begin, t.end, quoted(text(t)) + " must follow a selector, a range selector or a subquery",
       n.kind == Node::Kind::Call || n.kind == Node::Kind::Aggregate
           ? "put it inside, next to the selector: sum(x offset 1h)"
           : "");
  return false;
}

void Parser::offset(Node& n) {
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

void Parser::at(Node& n) {
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

Modifiers Parser::modifiers() {
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

Node Parser::binary(const Node& lhs, const Token& op, const Modifiers& m, const Node& rhs) {
  std::string ops = quoted(text(op));
  for (const Node* side : {&lhs, &rhs}) {
    if (side->type == Type::Scalar || side->type == Type::Vector) continue;
    fail(
        side->begin, side->end,
        "the operands of " + ops + " must be scalars or instant vectors, got " + a_type(side->type),
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
             "label " + quoted(l) + " is in both on(...) and " + std::string(text(m.grouping_tok)) +
                 "(...)",
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

}  // namespace stackc::check::promql
