// PromQL checking: the parser's operands: numbers, strings, parentheses, selectors with their
// label matchers, function calls and aggregations, each checked for types.
#include <limits>

#include "check/promql/parser.hpp"
#include "check/promql/regex.hpp"

namespace stackc::check::promql {
namespace {

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

}  // namespace

Node Parser::primary() {
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

Node Parser::leaf(Node::Kind kind, Type type, const Token& t) {
  Node n;
  n.kind = kind;
  n.type = type;
  n.begin = t.begin;
  n.end = t.end;
  return n;
}

// name{matchers}, name, or {matchers}; `name` points into toks_.
Node Parser::selector(const Token* name) {
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

bool Parser::check_regex(const std::string& re, const Token& at, bool& nullable) {
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
std::vector<Node> Parser::arguments(const std::string& what, std::size_t& end) {
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

Node Parser::call() {
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
    fail(name.begin, end, std::string(f->name) + "() takes " + takes + ", got " + std::to_string(n),
         "usage: " + signature(*f));
    return {};
  }
  for (int i = 0; i < n; ++i) {
    Type want = f->args[static_cast<std::size_t>(std::min(i, f->count - 1))];
    const Node& a = args[static_cast<std::size_t>(i)];
    if (a.type == want) continue;
    std::string where =
        f->count == 1 && f->variadic == 0 ? std::string() : " as argument " + std::to_string(i + 1);
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

std::string Parser::type_hint(Type want, const Node& a, std::string_view fn) const {
  if (want == Type::Matrix && a.type == Type::Vector) {
    if (a.kind == Node::Kind::Vector && a.end - a.begin <= 60)
      return "add a range: " + std::string(fn) + "(" + std::string(text(a.begin, a.end)) + "[5m])";
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
bool Parser::grouping(std::vector<std::string_view>& labels, const std::string& what) {
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

Node Parser::aggregation() {
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
      fail(
          p.begin, p.end,
          "the parameter of " + name + " must be " + a_type(want_param) + ", got " + a_type(p.type),
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

}  // namespace stackc::check::promql
