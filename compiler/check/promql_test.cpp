// Unit tests of the PromQL parser: valid expressions and their types, errors with the place they
// point at, robustness. The corpus checked against promtool is in promql_corpus_test.cpp.
#include "check/promql.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace {

using stackc::check::promql::function_names;
using stackc::check::promql::parse;
using stackc::check::promql::Result;
using Type = Result::Type;

std::string error_of(std::string_view expr) {
  Result r = parse(expr);
  return r.error ? r.error->message : std::string("(no error)");
}

// --- valid expressions

TEST(PromQL, ExamplePlatformExpressions) {
  Result a = parse("rate(personage_api_errors_total[5m]) > 0.1");
  ASSERT_FALSE(a.error) << a.error->message;
  EXPECT_EQ(a.type, Type::Vector);
  ASSERT_EQ(a.selectors.size(), 1u);
  EXPECT_EQ(a.selectors[0].metric, "personage_api_errors_total");
  EXPECT_EQ(a.selectors[0].offset, 5u);
  EXPECT_EQ(a.selectors[0].length, 26u);
  EXPECT_TRUE(a.selectors[0].range);

  Result b = parse(R"(up{job="postgres"} == 0)");
  ASSERT_FALSE(b.error);
  EXPECT_EQ(b.type, Type::Vector);
  ASSERT_EQ(b.selectors.size(), 1u);
  EXPECT_EQ(b.selectors[0].metric, "up");
  EXPECT_EQ(b.selectors[0].offset, 0u);
  EXPECT_EQ(b.selectors[0].length, 2u);
  EXPECT_FALSE(b.selectors[0].range);

  Result c = parse("container_memory_usage_bytes / container_spec_memory_limit_bytes > 0.8");
  ASSERT_FALSE(c.error);
  ASSERT_EQ(c.selectors.size(), 2u);
  EXPECT_EQ(c.selectors[0].metric, "container_memory_usage_bytes");
  EXPECT_EQ(c.selectors[1].metric, "container_spec_memory_limit_bytes");
  EXPECT_EQ(c.selectors[1].offset, 31u);

  Result d = parse("histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m])))");
  ASSERT_FALSE(d.error);
  EXPECT_EQ(d.type, Type::Vector);
  ASSERT_EQ(d.selectors.size(), 1u);
  EXPECT_EQ(d.selectors[0].metric, "x_bucket");
  EXPECT_EQ(d.selectors[0].offset, 43u);
  EXPECT_TRUE(d.selectors[0].range);
}

TEST(PromQL, EveryConstructParses) {
  const char* valid[] = {
      // literals
      "1",
      "-2.5e-3",
      ".5",
      "5.",
      "0x1F",
      "Inf",
      "-inf",
      "NaN",
      R"("s")",
      "'s'",
      "`raw \\d`",
      R"("\x41\u00e9\U0001F600\101\n")",
      // selectors
      "x",
      "job:requests:rate5m",
      R"(x{a="1", b!="2", c=~"3.*", d!~"4",})",
      R"({job="api"})",
      R"({__name__="up"})",
      R"({__name__=~"up|down"})",
      "x{}",
      "sum",
      "by",
      "offset",
      // ranges, offsets, @, subqueries
      "x[5m]",
      "x[1h30m]",
      "x[1y2w3d4h5m6s7ms]",
      "x offset 5m",
      "x offset -1h",
      "x[5m] offset 1d",
      "x @ 1609746000",
      "x @ -5",
      "x @ start()",
      "x[5m] @ end()",
      "x @ 10 offset 5m",
      "x[5m:]",
      "x[1h:5m]",
      "rate(x[5m])[30m:1m] offset 1h",
      "(x + y)[10m:]",
      // operators, precedence, modifiers
      "-x",
      "+x",
      "- - x",
      "1 + 2 * 3 ^ 2 ^ 2 % 4",
      "x atan2 y",
      "x and y or z unless w",
      "x == bool 1",
      "x > bool on(a) group_left(b) y",
      "x * ignoring(le) group_right y",
      "x / on() group_left z",
      "(x)",
      "((1))",
      // aggregations
      "sum(x)",
      "sum by (job) (x)",
      "sum(x) without (le)",
      "SUM BY (job,) (x)",
      "topk(5, x)",
      "bottomk(1, x)",
      R"(count_values("v", x))",
      "quantile(0.9, x)",
      "group by (a) (x)",
      "stddev(x)",
      "stdvar(x)",
      "avg(x)",
      "min(x)",
      "max(x)",
      "count(x)",
      // functions with optional and variadic arguments
      "round(x)",
      "round(x, 5)",
      "day_of_week()",
      "day_of_week(x)",
      R"(label_join(x, "d", ","))",
      R"(label_join(x, "d", ",", "a", "b", "c"))",
      R"q(label_replace(x, "dst", "$1", "src", "(.*)"))q",
      "vector(time())",
      "pi()",
      "clamp(x, 0, 1)",
      "predict_linear(x[1h], 3600)",
      "holt_winters(x[1h], 0.3, 0.3)",
      "absent_over_time(x[5m])",
      "sort_desc(timestamp(x))",
      // comments
      "x # the rest is a comment",
      "sum(\n  x # comment\n)",
  };
  for (const char* e : valid) {
    Result r = parse(e);
    EXPECT_FALSE(r.error) << e << ": " << (r.error ? r.error->message : "");
  }
}

TEST(PromQL, ResultType) {
  EXPECT_EQ(parse("1").type, Type::Scalar);
  EXPECT_EQ(parse("1 + 2").type, Type::Scalar);
  EXPECT_EQ(parse("scalar(x)").type, Type::Scalar);
  EXPECT_EQ(parse("time() - 5").type, Type::Scalar);
  EXPECT_EQ(parse("-(1)").type, Type::Scalar);
  EXPECT_EQ(parse("x").type, Type::Vector);
  EXPECT_EQ(parse("1 + x").type, Type::Vector);
  EXPECT_EQ(parse("vector(1)").type, Type::Vector);
  EXPECT_EQ(parse("x[5m]").type, Type::Matrix);
  EXPECT_EQ(parse("rate(x[5m])[1h:]").type, Type::Matrix);
  EXPECT_EQ(parse("(x[5m])").type, Type::Matrix);
  EXPECT_EQ(parse(R"("text")").type, Type::String);
}

TEST(PromQL, SelectorsInSourceOrder) {
  Result r = parse(
      R"(a{j="1"} + on(j) max_over_time(b[5m:]) / {__name__="c", j="2"} - {j=~"x.+"} + d offset 1h)");
  ASSERT_FALSE(r.error) << r.error->message;
  ASSERT_EQ(r.selectors.size(), 5u);
  EXPECT_EQ(r.selectors[0].metric, "a");
  EXPECT_FALSE(r.selectors[0].range);
  EXPECT_EQ(r.selectors[1].metric, "b");
  EXPECT_EQ(r.selectors[1].offset, 31u);
  EXPECT_TRUE(r.selectors[1].range);  // inside a subquery
  EXPECT_EQ(r.selectors[2].metric, "c");
  EXPECT_EQ(r.selectors[2].offset, 51u);  // the string "c"
  EXPECT_EQ(r.selectors[2].length, 3u);
  EXPECT_EQ(r.selectors[3].metric, "");  // not fixed: the whole selector
  EXPECT_EQ(r.selectors[3].offset, 65u);
  EXPECT_EQ(r.selectors[3].length, 10u);
  EXPECT_EQ(r.selectors[4].metric, "d");

  Result s = parse("max_over_time(rate(x[5m])[1h:1m]) > y");
  ASSERT_EQ(s.selectors.size(), 2u);
  EXPECT_TRUE(s.selectors[0].range);
  EXPECT_FALSE(s.selectors[1].range);

  // The metric named by a keyword, and one with colons.
  Result k = parse("sum + job:x:rate5m");
  ASSERT_EQ(k.selectors.size(), 2u);
  EXPECT_EQ(k.selectors[0].metric, "sum");
  EXPECT_EQ(k.selectors[1].metric, "job:x:rate5m");
}

// --- errors, with the place they point at

struct Expected {
  const char* expr;
  std::size_t offset, length;
  const char* message;
  const char* hint;
};

TEST(PromQL, ErrorsPointIntoTheString) {
  const Expected cases[] = {
      {"rate(x) > 0.1", 5, 1, "rate() expects a range vector, got an instant vector",
       "add a range: rate(x[5m])"},
      {"rat(x[5m])", 0, 3, "unknown function \"rat\"", "did you mean \"rate\"?"},
      {"Rate(x[5m])", 0, 4, "unknown function \"Rate\"", "did you mean \"rate\"?"},
      {"rate(x[5m]", 9, 1, "expected \")\" to close the call of rate", ""},
      {"up{job=\"postgres\"} = 0", 19, 1, "unexpected \"=\" after the expression",
       "use == to compare"},
      {"1 == 1", 2, 2, "a comparison between two scalars needs \"bool\"",
       "write 1 == bool ...; it gives 0 or 1"},
      {"sum(x[5m])", 4, 5, "sum expects an instant vector, got a range vector",
       "aggregate over time with a function such as sum_over_time(), or apply rate() first"},
      {"x{a=~\"(\"}", 5, 3, "invalid regular expression \"(\": missing closing ) \"(\"", ""},
      {"{}", 0, 2,
       "a selector needs a metric name or a matcher that does not match the empty string",
       "e.g. up{job=\"api\"} or {job=~\".+\"}"},
      {"x offset 5m [5m]", 12, 4, "the offset must come after the range",
       "write x[5m] offset 1h, not x offset 1h [5m]"},
      {"x[5]", 2, 1, "missing unit in duration \"5\"",
       "add a unit: ms, s, m, h, d, w or y, e.g. 5m"},
      {"x[0s]", 2, 2, "the duration must be greater than 0", ""},
      {"topk(x, 5)", 5, 1, "the parameter of topk must be a scalar, got an instant vector",
       "usage: topk(5, x)"},
      {"label_replace(x, \"a\", \"b\", \"c\")", 0, 31, "label_replace() takes 5 arguments, got 4",
       "usage: label_replace(instant vector, string, string, string, string)"},
      {"round(x, 1, 2)", 0, 14, "round() takes 1 to 2 arguments, got 3",
       "usage: round(instant vector, [scalar])"},
      {"x and 1", 2, 3, "\"and\" needs instant vectors on both sides", ""},
      {"x[5m] + 1", 0, 5,
       "the operands of \"+\" must be scalars or instant vectors, got a range vector",
       "reduce the range first with a function such as rate() or avg_over_time()"},
      {"sum(x) offset 5m", 7, 6,
       "\"offset\" must follow a selector, a range selector or a subquery",
       "put it inside, next to the selector: sum(x offset 1h)"},
      {"x + ", 3, 1, "expected an expression after \"+\"", ""},
      {"x{job=\"a\"", 8, 1, "expected \"}\" to close the label matchers", ""},
      {"\"abc", 0, 4, "unterminated string", "close it with \" on the same line"},
      {"x{a=~`(?=x)`}", 5, 7,
       "invalid regular expression \"(?=x)\": invalid or unsupported Perl syntax \"(?=\"", ""},
      {"x[5m a]", 5, 1, "unexpected \"a\" inside a range",
       "a range holds a duration, x[5m], and a subquery a range and a step, x[1h:5m]"},
      {"", 0, 1, "the expression is empty", ""},
      {"  # nothing", 0, 11, "the expression is empty", ""},
  };
  for (const auto& c : cases) {
    Result r = parse(c.expr);
    ASSERT_TRUE(r.error) << c.expr;
    EXPECT_EQ(r.error->offset, c.offset) << c.expr;
    EXPECT_EQ(r.error->length, c.length) << c.expr;
    EXPECT_EQ(r.error->message, c.message) << c.expr;
    EXPECT_EQ(r.error->hint, c.hint) << c.expr;
  }
}

TEST(PromQL, ErrorsStayInsideTheText) {
  for (const char* e : {"(", "x +", "sum(", "x{", "x[5m", "\"", "rate(x[5m]   ", "1 ==", "@"}) {
    Result r = parse(e);
    ASSERT_TRUE(r.error) << e;
    std::string_view s(e);
    EXPECT_GE(r.error->length, 1u) << e;
    EXPECT_LE(r.error->offset + r.error->length, s.size()) << e;
  }
}

TEST(PromQL, FunctionNames) {
  std::vector<std::string> names = function_names();
  EXPECT_EQ(names.size(), 70u);
  EXPECT_TRUE(std::is_sorted(names.begin(), names.end()));
  EXPECT_EQ(std::set<std::string>(names.begin(), names.end()).size(), names.size());
  for (const char* f : {"rate", "histogram_quantile", "label_replace", "absent_over_time"})
    EXPECT_TRUE(std::binary_search(names.begin(), names.end(), f)) << f;
  // Later than Prometheus 2.42, so unknown to promtool 2.42 and to us.
  for (const char* f : {"sort_by_label", "histogram_stddev", "mad_over_time", "limitk"})
    EXPECT_FALSE(std::binary_search(names.begin(), names.end(), f)) << f;
}

// --- robustness

TEST(PromQL, DeepNestingIsAnErrorNotACrash) {
  for (const char* unit : {"(", "-", "sum(", "rate(", "x^", "abs(", "{a=~`(`", "x[5m:"}) {
    std::string e;
    for (int i = 0; i < 100000; ++i) e += unit;
    Result r = parse(e);
    EXPECT_TRUE(r.error) << unit;
  }
  std::string nested;
  for (int i = 0; i < 150; ++i) nested += "(";
  nested += "x";
  for (int i = 0; i < 150; ++i) nested += ")";
  EXPECT_FALSE(parse(nested).error);
  std::string deep = std::string(300, '(') + "x" + std::string(300, ')');
  EXPECT_EQ(error_of(deep), "the expression nests too deeply (more than 200 levels)");
}

TEST(PromQL, LongInputsAreLinear) {
  std::string sum = "x";
  for (int i = 0; i < 200000; ++i) sum += " + x";
  Result r = parse(sum);
  EXPECT_FALSE(r.error);
  EXPECT_EQ(r.selectors.size(), 200001u);

  std::string labels = "x * on(";
  for (int i = 0; i < 50000; ++i) labels += "l" + std::to_string(i) + ",";
  labels += ") group_left(";
  for (int i = 0; i < 50000; ++i) labels += "m" + std::to_string(i) + ",";
  labels += ") y";
  EXPECT_FALSE(parse(labels).error);

  std::string re = "x{a=~\"";
  for (int i = 0; i < 200000; ++i) re += "a|";
  re += "b\"}";
  EXPECT_FALSE(parse(re).error);
  EXPECT_TRUE(parse(std::string(1000000, '7') + "x").error);

  std::string posix = "x{a=~\"[";
  for (int i = 0; i < 200000; ++i) posix += "[:";
  posix += "x]\"}";
  EXPECT_FALSE(parse(posix).error);
}

TEST(PromQL, JunkNeverCrashes) {
  // Deterministic random inputs: raw bytes, and soup made of PromQL's own pieces.
  const char* pieces[] = {"x",      "(",  ")",       "[",     "]",   "{",    "}",         ",",
                          ":",      "5m", "1",       "\"a\"", "`b`", "'c",   "=~",        "!~",
                          "==",     "=",  "+",       "-",     "^",   "@",    "sum",       "by",
                          "offset", "on", "bool",    "#",     "\n",  "rate", "a=",        "\\",
                          "\xff",   "é",  "start()", "0x",    "1e",  ".",    "group_left"};
  std::uint64_t state = 42;
  auto rnd = [&] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<std::uint32_t>(state >> 33);
  };
  for (int i = 0; i < 20000; ++i) {
    std::string e;
    int n = static_cast<int>(rnd() % 24);
    for (int k = 0; k < n; ++k) {
      if (i % 3 == 0)
        e += static_cast<char>(rnd() % 256);
      else
        e += pieces[rnd() % (sizeof(pieces) / sizeof(pieces[0]))];
    }
    Result r = parse(e);
    if (r.error) {
      EXPECT_GE(r.error->length, 1u);
      if (!e.empty()) {
        EXPECT_LE(r.error->offset + r.error->length, e.size()) << e;
      }
      EXPECT_FALSE(r.error->message.empty());
    }
  }
}

}  // namespace
