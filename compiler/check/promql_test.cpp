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

// --- the corpus, checked against promtool 2.42

constexpr bool kDiffers = true;

struct Case {
  const char* expr;
  bool promtool_valid;   // `promtool check rules` (2.42) on a recording rule with this expr
  bool differs = false;  // a deliberate difference, explained beside it
};

// Every construct and every function, valid and invalid. The verdicts come from running each
// expression as `groups: [{name: g, rules: [{record: r, expr: ...}]}]` through promtool 2.42.0
// (promtool does not check the type of a record's expression, so range vectors pass too).
const Case kCorpus[] = {
    {R"q(rate(personage_api_errors_total[5m]) > 0.1)q", true},
    {R"q(up{job="postgres"} == 0)q", true},
    {R"q(container_memory_usage_bytes / container_spec_memory_limit_bytes > 0.8)q", true},
    {R"q(histogram_quantile(0.95, sum by (le) (rate(x_bucket[5m]))))q", true},
    {R"q(1)q", true},
    {R"q(0.5)q", true},
    {R"q(.5)q", true},
    {R"q(5.)q", true},
    {R"q(1e3)q", true},
    {R"q(1E-3)q", true},
    {R"q(+5.5e-3)q", true},
    {R"q(0x1F)q", true},
    {R"q(0X1f)q", true},
    {R"q(017)q", true},
    {R"q(019)q", true},
    {R"q(Inf)q", true},
    {R"q(-inf)q", true},
    {R"q(NaN)q", true},
    {R"q(nan)q", true},
    {R"q(99999999999999999999)q", true},
    {R"q(0x7fffffffffffffff)q", true},
    {R"q(0x8000000000000000)q", false},
    {R"q(1e999)q", false},
    {R"q(1e-999)q", true},
    {R"q(0x)q", false},
    {R"q(1e)q", false},
    {R"q(0x1.8)q", false},
    {R"q(1_000)q", false},
    {R"q("double")q", true},
    {R"q('single')q", true},
    {R"q(`raw \d`)q", true},
    {R"q("esc \" \\ \n \t \x41 \u00e9 \U0001F600 \101")q", true},
    {R"q('it\'s')q", true},
    {R"q("a\'b")q", false},
    {R"q("\q")q", false},
    {R"q("\uD800")q", false},
    {R"q("\400")q", false},
    {R"q("unterminated)q", false},
    {R"q(x)q", true},
    {R"q(x:y:z)q", true},
    {R"q(:x)q", true},
    {R"q(x{})q", true},
    {R"q(x{job="a"})q", true},
    {R"q(x{job="a",})q", true},
    {R"q(x{job!="a", env=~"prod|stag.*", instance!~"10\\..*"})q", true},
    {R"q({job="a"})q", true},
    {R"q({__name__="x"})q", true},
    {R"q({__name__=~"job:.*"})q", true},
    {R"q({__name__="x", __name__="y"})q", true},
    {R"q(x{__name__="y"})q", false},
    {R"q({})q", false},
    {R"q({job=""})q", false},
    {R"q({job=~".*"})q", false},
    {R"q({job=~".+"})q", true},
    {R"q({job!=""})q", true},
    {R"q({job!~""})q", true},
    {R"q({job!~"x"})q", false},
    {R"q(x{job="a" env="b"})q", false},
    {R"q(x{job=a})q", false},
    {R"q(x{job})q", false},
    {R"q(x{,})q", false},
    {R"q(x{job:x="a"})q", false},
    {R"q(x{sum="a", on="b", inf="c"})q", true},
    {R"q(x{a=~"("})q", false},
    {R"q(x{a=~"a)|(b"})q", false},
    {R"q(x{a=~"a**"})q", false},
    {R"q(x{a=~"*a"})q", false},
    {R"q(x{a=~"a{1001}"})q", false},
    {R"q(x{a=~"[z-a]"})q", false},
    {R"q(x{a=~"(?=a)"})q", false},
    {R"q(x{a=~"\\1"})q", false},
    {R"q(x{a=~"\\p{Greek}+"})q", true},
    {R"q(x{a=~"\\p{Foo}"})q", false},
    {R"q(x{a=~"[[:alpha:]]+"})q", true},
    {R"q(x{a=~"(?i)err.*"})q", true},
    {R"q(x{a=~"\\Qa.b"})q", false},
    {R"q(x{a=~"\\Qa.b\\E"})q", true},
    {R"q(x{a=~"\xff"})q", false},
    {R"q(sum)q", true},
    {R"q(by)q", true},
    {R"q(offset)q", true},
    {R"q(and)q", true},
    {R"q(start)q", true},
    {R"q(on)q", false},
    {R"q(bool)q", false},
    {R"q(group_left)q", false},
    {R"q(atan2)q", false},
    {R"q(x[5m])q", true},
    {R"q(x[1h30m])q", true},
    {R"q(x[1y2w3d4h5m6s7ms])q", true},
    {R"q(x[ 5m ])q", true},
    {R"q(x[0s])q", false},
    {R"q(x[5])q", false},
    {R"q(x[30m1h])q", false},
    {R"q(x[1.5m])q", false},
    {R"q(x[5M])q", false},
    {R"q(x[5m)q", false},
    {R"q(x[5m a])q", true, kDiffers},  // 2.42 reads the letter as ":" (x[5m:]); a typo here
    {R"q(x offset 5m)q", true},
    {R"q(x offset -5m)q", true},
    {R"q(x[5m] offset 1h)q", true},
    {R"q(x offset 5m [5m])q", false},
    {R"q(x offset 0s)q", false},
    {R"q(x offset 5m offset 5m)q", false},
    {R"q((x) offset 5m)q", false},
    {R"q(sum(x) offset 5m)q", false},
    {R"q(x @ 1609746000)q", true},
    {R"q(x @ -5)q", true},
    {R"q(x @ 0x10)q", true},
    {R"q(x @ start())q", true},
    {R"q(x[5m] @ end())q", true},
    {R"q(x @ start() [5m])q", true},
    {R"q(x @ 10 [5m])q", false},
    {R"q(x @ 10 offset 5m)q", true},
    {R"q(x offset 5m @ 10)q", true},
    {R"q(x @ 10 @ 10)q", false},
    {R"q(x @ 1e20)q", false},
    {R"q(x @ Inf)q", false},
    {R"q(x @ time())q", false},
    {R"q(sum(x) @ 10)q", false},
    {R"q(rate(x[5m])[30m:1m])q", true},
    {R"q(x[5m:])q", true},
    {R"q(x[5m:1m])q", true},
    {R"q((sum(x))[1h:5m] offset 1d)q", true},
    {R"q(x[5m:1])q", false},
    {R"q(x[5m:1m:])q", false},
    {R"q(1[5m:])q", false},
    {R"q(x[5m][5m:])q", false},
    {R"q((x)[5m])q", false},
    {R"q(-x)q", true},
    {R"q(+x)q", true},
    {R"q(--x)q", true},
    {R"q(-x[5m])q", false},
    {R"q(-"a")q", false},
    {R"q(-rate(x[5m]))q", true},
    {R"q(1 + 2 * 3)q", true},
    {R"q(2 ^ 3 ^ 2)q", true},
    {R"q(-2 ^ 2)q", true},
    {R"q(2 ^ -1)q", true},
    {R"q(x % 3)q", true},
    {R"q(x atan2 y)q", true},
    {R"q(x and y)q", true},
    {R"q(x or y)q", true},
    {R"q(x unless y)q", true},
    {R"q(x AND y)q", true},
    {R"q(x and 1)q", false},
    {R"q(1 or x)q", false},
    {R"q(1 == 1)q", false},
    {R"q(1 == bool 1)q", true},
    {R"q(x > bool 1)q", true},
    {R"q(x == bool y)q", true},
    {R"q(x + bool y)q", false},
    {R"q(x and bool y)q", false},
    {R"q(x * on(job) y)q", true},
    {R"q(x * ignoring(le) y)q", true},
    {R"q(x * on(job) group_left y)q", true},
    {R"q(x * on(job) group_left(team) y)q", true},
    {R"q(x * on(job) group_right() y)q", true},
    {R"q(x * on(job) group_left(job) y)q", false},
    {R"q(x * ignoring(job) group_left(job) y)q", true},
    {R"q(x * group_left y)q", false},
    {R"q(x > on(a) bool y)q", false},
    {R"q(x > bool on(a) y)q", true},
    {R"q(x and on(a) group_left y)q", false},
    {R"q(x + on(a) 1)q", false},
    {R"q(x + on() 1)q", true},
    {R"q("a" + 1)q", false},
    {R"q(x[5m] + 1)q", false},
    {R"q(x = 1)q", false},
    {R"q(x +)q", false},
    {R"q(x y)q", false},
    {R"q((x)q", false},
    {R"q(x))q", false},
    {R"q(())q", false},
    {R"q(sum(x))q", true},
    {R"q(sum by (job) (x))q", true},
    {R"q(sum(x) by (job))q", true},
    {R"q(sum without (le, job) (x))q", true},
    {R"q(sum by () (x))q", true},
    {R"q(sum by (job,) (x))q", true},
    {R"q(SUM BY (job) (x))q", true},
    {R"q(sum by (sum, on, bool, offset) (x))q", true},
    {R"q(sum by (without) (x))q", false},
    {R"q(sum by (a:b) (x))q", false},
    {R"q(sum by (inf) (x))q", false},
    {R"q(sum by job (x))q", false},
    {R"q(sum by (a) (x) by (b))q", false},
    {R"q(sum without)q", false},
    {R"q(avg(x))q", true},
    {R"q(count(x))q", true},
    {R"q(min(x))q", true},
    {R"q(max(x))q", true},
    {R"q(group(x))q", true},
    {R"q(stddev(x))q", true},
    {R"q(stdvar(x))q", true},
    {R"q(topk(5, x))q", true},
    {R"q(bottomk(3, rate(x[5m])))q", true},
    {R"q(quantile(0.9, x))q", true},
    {R"q(count_values("value", x))q", true},
    {R"q(sum())q", false},
    {R"q(sum(x, y))q", false},
    {R"q(sum(x,))q", false},
    {R"q(topk(x))q", false},
    {R"q(topk(x, 5))q", false},
    {R"q(topk("5", x))q", false},
    {R"q(count_values(5, x))q", false},
    {R"q(sum(x[5m]))q", false},
    {R"q(sum(1))q", false},
    {R"q(limitk(2, x))q", false},
    {R"q(abs(x))q", true},
    {R"q(absent(nonexistent{job="x"}))q", true},
    {R"q(absent_over_time(x[5m]))q", true},
    {R"q(acos(x))q", true},
    {R"q(acosh(x))q", true},
    {R"q(asin(x))q", true},
    {R"q(asinh(x))q", true},
    {R"q(atan(x))q", true},
    {R"q(atanh(x))q", true},
    {R"q(avg_over_time(x[5m]))q", true},
    {R"q(ceil(x))q", true},
    {R"q(changes(x[5m]))q", true},
    {R"q(clamp(x, 0, 1))q", true},
    {R"q(clamp_max(x, 1))q", true},
    {R"q(clamp_min(x, 0))q", true},
    {R"q(cos(x))q", true},
    {R"q(cosh(x))q", true},
    {R"q(count_over_time(x[5m]))q", true},
    {R"q(day_of_month())q", true},
    {R"q(day_of_week(timestamp(x)))q", true},
    {R"q(day_of_year(x))q", true},
    {R"q(days_in_month())q", true},
    {R"q(deg(x))q", true},
    {R"q(delta(x[5m]))q", true},
    {R"q(deriv(x[5m]))q", true},
    {R"q(exp(x))q", true},
    {R"q(floor(x))q", true},
    {R"q(histogram_count(x))q", true},
    {R"q(histogram_fraction(0, 0.2, x))q", true},
    {R"q(histogram_quantile(0.9, rate(x_bucket[5m])))q", true},
    {R"q(histogram_sum(x))q", true},
    {R"q(holt_winters(x[1h], 0.5, 0.5))q", true},
    {R"q(hour())q", true},
    {R"q(idelta(x[5m]))q", true},
    {R"q(increase(x[1h]))q", true},
    {R"q(irate(x[5m]))q", true},
    {R"q(label_join(x, "dst", ","))q", true},
    {R"q(label_join(x, "dst", ",", "a", "b"))q", true},
    {R"q(label_replace(up, "host", "$1", "instance", "(.*):.*"))q", true},
    {R"q(last_over_time(x[5m]))q", true},
    {R"q(ln(x))q", true},
    {R"q(log10(x))q", true},
    {R"q(log2(x))q", true},
    {R"q(max_over_time(x[5m]))q", true},
    {R"q(min_over_time(x[5m]))q", true},
    {R"q(minute(x))q", true},
    {R"q(month())q", true},
    {R"q(pi())q", true},
    {R"q(predict_linear(x[1h], 4 * 3600))q", true},
    {R"q(present_over_time(x[5m]))q", true},
    {R"q(quantile_over_time(0.9, x[5m]))q", true},
    {R"q(rad(x))q", true},
    {R"q(rate(x[5m]))q", true},
    {R"q(resets(x[1h]))q", true},
    {R"q(round(x))q", true},
    {R"q(round(x, 0.5))q", true},
    {R"q(scalar(x))q", true},
    {R"q(sgn(x))q", true},
    {R"q(sin(x))q", true},
    {R"q(sinh(x))q", true},
    {R"q(sort(x))q", true},
    {R"q(sort_desc(x))q", true},
    {R"q(sqrt(x))q", true},
    {R"q(stddev_over_time(x[5m]))q", true},
    {R"q(stdvar_over_time(x[5m]))q", true},
    {R"q(sum_over_time(x[5m]))q", true},
    {R"q(tan(x))q", true},
    {R"q(tanh(x))q", true},
    {R"q(time())q", true},
    {R"q(timestamp(x))q", true},
    {R"q(vector(1))q", true},
    {R"q(year(x))q", true},
    {R"q(rate(x))q", false},
    {R"q(rate(sum(x)))q", false},
    {R"q(rate(x[5m], 1))q", false},
    {R"q(rate())q", false},
    {R"q(rate(x[5m],))q", false},
    {R"q(Rate(x[5m]))q", false},
    {R"q(rat(x[5m]))q", false},
    {R"q(histogram_stddev(x))q", false},
    {R"q(sort_by_label(x, "a"))q", false},
    {R"q(abs(1))q", false},
    {R"q(abs(x[5m]))q", false},
    {R"q(vector(x))q", false},
    {R"q(scalar(1))q", false},
    {R"q(clamp(x, 0))q", false},
    {R"q(round(x, 1, 2))q", false},
    {R"q(round(x, "a"))q", false},
    {R"q(day_of_week(1))q", false},
    {R"q(label_replace(x, "a", "b", "c", 1))q", false},
    {R"q(label_join(x, "a"))q", false},
    {R"q(label_join(x, "a", ",", "b", 1))q", false},
    {R"q(histogram_quantile(x, 0.9))q", false},
    {R"q(holt_winters(x, 0.5, 0.5))q", false},
    {R"q(timestamp(x[5m]))q", false},
    {R"q(time() > 1)q", false},
    {R"q(time() > bool 1)q", true},
    {R"q(scalar(x) + 1)q", true},
    {R"q(vector(1) + 1)q", true},
    {R"q(start(x))q", false},
    {R"q(foo:bar(x))q", false},
    {R"q(x # a comment)q", true},
    {R"q(# only a comment)q", false},
    {R"q(sum(rate(http_requests_total{code=~"5.."}[5m])) by (service) / sum(rate(http_requests_total[5m])) by (service) > 0.05)q",
     true},
    {R"q((1 - avg by (instance) (rate(node_cpu_seconds_total{mode="idle"}[5m]))) * 100 > 90)q",
     true},
    {R"q(predict_linear(node_filesystem_free_bytes{fstype!="tmpfs"}[6h], 24 * 3600) < 0)q", true},
    {R"q(max_over_time(deriv(x[5m])[1h:1m]))q", true},
    {"x{job=\"a\" # a comment\n, env=\"b\"}", true},
    {"sum by (job) (\n  rate(x[5m]) # per second\n)", true},
    {R"q()q", false},
    {R"q(x[5m:0s])q", false},
    {R"q(x offset -0s)q", false},
    {R"q(topk(5,x)by(a))q", true},
    {R"q(x>=bool-1)q", true},
    {R"q(x{__name__!="y"})q", false},
    {R"q({__name__!="x"})q", false},
    {R"q("a" "b")q", false},
    {R"q(x offset +5m)q", false},
    {R"q(x[5m:1m] @ start() offset 5m)q", true},
    {R"q(x[1m:][5m:])q", false},
    {R"q(max_over_time(x[1m:][5m:]))q", false},
    {R"q(x @ end() [5m] @ start())q", false},
    {R"q(quantile by (a) (0.5, x))q", true},
    {R"q(count_values without (a) ("v", x))q", true},
    {R"q(topk by (a) (3, x) by (b))q", false},
    {R"q(x % bool y)q", false},
    {R"q({job=~"a*"})q", false},
    {R"q({job=~"^$"})q", false},
    {R"q({job=~"\\b"})q", true},
    {R"q({job!~".+"})q", false},
    {R"q(x{job=~"\\Q"})q", false},
    {R"q(x{job=~"a{2"})q", true},
    {R"q(sum(x)(y))q", false},
};

TEST(PromQL, AgreesWithPromtool) {
  std::size_t agree = 0, total = 0;
  for (const auto& c : kCorpus) {
    ++total;
    Result r = parse(c.expr);
    bool valid = !r.error;
    bool expected = c.differs ? !c.promtool_valid : c.promtool_valid;
    EXPECT_EQ(valid, expected) << c.expr << (r.error ? ": " + r.error->message : "");
    if (valid == c.promtool_valid) ++agree;
  }
  EXPECT_GE(total, 150u);
  EXPECT_EQ(agree, total - 1);  // the one deliberate difference
}

TEST(PromQL, CorpusCoversEveryFunction) {
  for (const auto& f : function_names()) {
    bool found = false;
    for (const auto& c : kCorpus) {
      std::string_view e(c.expr);
      if (c.promtool_valid && e.substr(0, f.size() + 1) == f + "(") found = true;
    }
    EXPECT_TRUE(found) << f;
  }
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
