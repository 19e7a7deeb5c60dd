// PromQL checking: a parser for the expressions of alerts and records, as Prometheus 2.42
// (`promtool check rules`) accepts them. It reports the first problem with its place in the
// expression and collects the metric names the expression reads, so the checker can point into
// the string and cross-check the metrics against what the workloads export.
//
// Hand-written recursive descent over a small lexer, standard library only. Any input (binary
// junk, huge, deeply nested) returns a Result in linear time; nesting deeper than 200 levels is
// an error, not a stack overflow.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::check::promql {

struct Error {
  std::size_t offset = 0;  // byte offset in the expression where the problem is
  std::size_t length =
      1;                // bytes to underline (>= 1; offset + length <= size for a non-empty text)
  std::string message;  // lower-case start, no trailing period
  std::string hint;     // how to fix it, or empty
};

struct Selector {
  std::string metric;  // the metric name; for {__name__="x"} the value x; empty when not fixed
  std::size_t offset = 0, length = 0;  // where the name is written (or the whole selector)
  bool range = false;                  // a range selector (x[5m]) or a selector inside a subquery
};

struct Result {
  std::optional<Error> error;       // the first error; when set, selectors may be partial
  std::vector<Selector> selectors;  // every vector selector in source order
  enum class Type { Scalar, Vector, Matrix, String } type = Type::Vector;  // when valid
};

Result parse(std::string_view expr);

// The functions Prometheus 2.42 knows, sorted (for "did you mean" suggestions).
std::vector<std::string> function_names();

}  // namespace stackc::check::promql
