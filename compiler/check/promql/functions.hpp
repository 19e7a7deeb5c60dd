// PromQL checking: the value types and Prometheus 2.42's function table (signatures, names of
// types for messages, "did you mean" for an unknown function).
#pragma once

#include <array>
#include <string>
#include <string_view>

#include "check/promql.hpp"

namespace stackc::check::promql {

using Type = Result::Type;

struct Func {
  std::string_view name;
  std::array<Type, 5> args;
  int count;     // entries in args
  int variadic;  // 0: exactly `count` arguments; 1: the last is optional; -1: the last repeats
  Type ret;
};

const Func* find_function(std::string_view name);
std::string_view type_name(Type t);
std::string a_type(Type t);
std::string signature(const Func& f);
std::string suggest_function(std::string_view name);

}  // namespace stackc::check::promql
