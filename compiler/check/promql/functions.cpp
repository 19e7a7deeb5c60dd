// PromQL checking: Prometheus 2.42's functions and aggregations, the names of types, and the
// suggestion for an unknown function.
#include "check/promql/functions.hpp"

#include <algorithm>
#include <iterator>
#include <limits>
#include <vector>

#include "check/promql/text.hpp"

namespace stackc::check::promql {
namespace {

constexpr Type S = Type::Scalar, V = Type::Vector, M = Type::Matrix, T = Type::String;

// Prometheus 2.42's functions, sorted by name.
constexpr Func kFuncs[] = {
    {"abs", {V}, 1, 0, V},
    {"absent", {V}, 1, 0, V},
    {"absent_over_time", {M}, 1, 0, V},
    {"acos", {V}, 1, 0, V},
    {"acosh", {V}, 1, 0, V},
    {"asin", {V}, 1, 0, V},
    {"asinh", {V}, 1, 0, V},
    {"atan", {V}, 1, 0, V},
    {"atanh", {V}, 1, 0, V},
    {"avg_over_time", {M}, 1, 0, V},
    {"ceil", {V}, 1, 0, V},
    {"changes", {M}, 1, 0, V},
    {"clamp", {V, S, S}, 3, 0, V},
    {"clamp_max", {V, S}, 2, 0, V},
    {"clamp_min", {V, S}, 2, 0, V},
    {"cos", {V}, 1, 0, V},
    {"cosh", {V}, 1, 0, V},
    {"count_over_time", {M}, 1, 0, V},
    {"day_of_month", {V}, 1, 1, V},
    {"day_of_week", {V}, 1, 1, V},
    {"day_of_year", {V}, 1, 1, V},
    {"days_in_month", {V}, 1, 1, V},
    {"deg", {V}, 1, 0, V},
    {"delta", {M}, 1, 0, V},
    {"deriv", {M}, 1, 0, V},
    {"exp", {V}, 1, 0, V},
    {"floor", {V}, 1, 0, V},
    {"histogram_count", {V}, 1, 0, V},
    {"histogram_fraction", {S, S, V}, 3, 0, V},
    {"histogram_quantile", {S, V}, 2, 0, V},
    {"histogram_sum", {V}, 1, 0, V},
    {"holt_winters", {M, S, S}, 3, 0, V},
    {"hour", {V}, 1, 1, V},
    {"idelta", {M}, 1, 0, V},
    {"increase", {M}, 1, 0, V},
    {"irate", {M}, 1, 0, V},
    {"label_join", {V, T, T, T}, 4, -1, V},
    {"label_replace", {V, T, T, T, T}, 5, 0, V},
    {"last_over_time", {M}, 1, 0, V},
    {"ln", {V}, 1, 0, V},
    {"log10", {V}, 1, 0, V},
    {"log2", {V}, 1, 0, V},
    {"max_over_time", {M}, 1, 0, V},
    {"min_over_time", {M}, 1, 0, V},
    {"minute", {V}, 1, 1, V},
    {"month", {V}, 1, 1, V},
    {"pi", {}, 0, 0, S},
    {"predict_linear", {M, S}, 2, 0, V},
    {"present_over_time", {M}, 1, 0, V},
    {"quantile_over_time", {S, M}, 2, 0, V},
    {"rad", {V}, 1, 0, V},
    {"rate", {M}, 1, 0, V},
    {"resets", {M}, 1, 0, V},
    {"round", {V, S}, 2, 1, V},
    {"scalar", {V}, 1, 0, S},
    {"sgn", {V}, 1, 0, V},
    {"sin", {V}, 1, 0, V},
    {"sinh", {V}, 1, 0, V},
    {"sort", {V}, 1, 0, V},
    {"sort_desc", {V}, 1, 0, V},
    {"sqrt", {V}, 1, 0, V},
    {"stddev_over_time", {M}, 1, 0, V},
    {"stdvar_over_time", {M}, 1, 0, V},
    {"sum_over_time", {M}, 1, 0, V},
    {"tan", {V}, 1, 0, V},
    {"tanh", {V}, 1, 0, V},
    {"time", {}, 0, 0, S},
    {"timestamp", {V}, 1, 0, V},
    {"vector", {S}, 1, 0, V},
    {"year", {V}, 1, 1, V},
};

constexpr std::string_view kAggregators[] = {"avg",    "bottomk", "count", "count_values",
                                             "group",  "max",     "min",   "quantile",
                                             "stddev", "stdvar",  "sum",   "topk"};

// Edit distance with transpositions, for "did you mean".
std::size_t distance(std::string_view a, std::string_view b) {
  std::vector<std::size_t> prev2(b.size() + 1), prev(b.size() + 1), cur(b.size() + 1);
  for (std::size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        cur[j] = std::min(cur[j], prev2[j - 2] + 1);
    }
    prev2.swap(prev);
    prev.swap(cur);
  }
  return prev[b.size()];
}

}  // namespace

const Func* find_function(std::string_view name) {
  auto it = std::lower_bound(std::begin(kFuncs), std::end(kFuncs), name,
                             [](const Func& f, std::string_view n) { return f.name < n; });
  return it != std::end(kFuncs) && it->name == name ? &*it : nullptr;
}

std::string_view type_name(Type t) {
  switch (t) {
    case Type::Scalar:
      return "scalar";
    case Type::Vector:
      return "instant vector";
    case Type::Matrix:
      return "range vector";
    case Type::String:
      return "string";
  }
  return "";
}

std::string a_type(Type t) {
  return (t == Type::Vector ? "an " : "a ") + std::string(type_name(t));
}

std::string signature(const Func& f) {
  std::string s = std::string(f.name) + "(";
  for (int i = 0; i < f.count; ++i) {
    if (i > 0) s += ", ";
    bool optional = f.variadic == 1 && i == f.count - 1;
    if (optional) s += "[";
    s += type_name(f.args[static_cast<std::size_t>(i)]);
    if (optional) s += "]";
    if (f.variadic == -1 && i == f.count - 1) s += "...";
  }
  return s + ")";
}

std::string suggest_function(std::string_view name) {
  if (name.size() > 64) return {};
  std::string_view best;
  std::size_t best_score = std::numeric_limits<std::size_t>::max();
  std::size_t limit = name.size() <= 3 ? 1 : 2;
  auto consider = [&](std::string_view cand) {
    // Same letters in another case first, then the fewest edits, preferring a completion.
    std::size_t d = iequals(cand, name) ? 0 : distance(name, cand);
    if (d > limit) return;
    std::size_t score = d == 0 ? 0 : d * 2 + (cand.substr(0, name.size()) == name ? 0 : 1);
    if (score < best_score) best = cand, best_score = score;
  };
  for (const auto& f : kFuncs) consider(f.name);
  for (auto a : kAggregators) consider(a);
  if (best.empty()) return {};
  return "did you mean " + quoted(best) + "?";
}

std::vector<std::string> function_names() {
  std::vector<std::string> names;
  for (const auto& f : kFuncs) names.emplace_back(f.name);
  return names;
}

}  // namespace stackc::check::promql
