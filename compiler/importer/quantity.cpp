// Kubernetes quantities (`0.5`, `500m`, `1Gi`, `1e3`) in the language's units.
#include <fmt/format.h>

#include <cstdint>
#include <string>
#include <string_view>

#include "importer/kubernetes.hpp"

namespace stackc::importer {
namespace {

__extension__ typedef __int128 i128;
constexpr i128 kMax = i128{1} << 61;  // the language's largest magnitude (base units)

// `text` as value * 10^exp10 * mult, in units of `scale` (1000 for millicores): rounded up, as
// Kubernetes rounds a quantity to its precision. False when not a quantity or too large.
bool quantity(std::string_view s, i128 scale, std::int64_t& out) {
  if (s.empty()) return false;
  if (s.front() == '+') s.remove_prefix(1);
  if (s.empty() || s.front() == '-') return false;  // negative: no request or size
  i128 mant = 0;
  int frac = 0;
  bool dot = false, any = false;
  std::size_t i = 0;
  for (; i < s.size(); ++i) {
    char ch = s[i];
    if (ch >= '0' && ch <= '9') {
      if (mant > kMax * 1000) return false;
      mant = mant * 10 + (ch - '0');
      if (dot) ++frac;
      any = true;
    } else if (ch == '.' && !dot) {
      dot = true;
    } else {
      break;
    }
  }
  if (!any) return false;
  std::string_view suffix = s.substr(i);
  i128 mult = 1, div = 1;
  int exp10 = 0;
  if (!suffix.empty() && (suffix[0] == 'e' || suffix[0] == 'E') && suffix.size() > 1 &&
      (suffix[1] == '-' || suffix[1] == '+' || (suffix[1] >= '0' && suffix[1] <= '9'))) {
    std::size_t j = 1;
    bool neg = suffix[j] == '-';
    if (suffix[j] == '-' || suffix[j] == '+') ++j;
    if (j >= suffix.size()) return false;
    for (; j < suffix.size(); ++j) {
      if (suffix[j] < '0' || suffix[j] > '9' || exp10 > 30) return false;
      exp10 = exp10 * 10 + (suffix[j] - '0');
    }
    if (neg) exp10 = -exp10;
  } else if (suffix == "m") {
    div = 1000;
  } else if (suffix.empty()) {
  } else {
    static const struct {
      std::string_view s;
      i128 f;
    } units[] = {{"k", 1000},
                 {"M", 1000000},
                 {"G", 1000000000},
                 {"T", i128{1000000000000}},
                 {"P", i128{1000000000000000}},
                 {"E", i128{1000000000000000000}},
                 {"Ki", i128{1} << 10},
                 {"Mi", i128{1} << 20},
                 {"Gi", i128{1} << 30},
                 {"Ti", i128{1} << 40},
                 {"Pi", i128{1} << 50},
                 {"Ei", i128{1} << 60}};
    bool found = false;
    for (const auto& u : units)
      if (u.s == suffix) {
        mult = u.f;
        found = true;
      }
    if (!found) return false;
  }
  i128 num = mant * mult * scale, den = div;
  for (int k = 0; k < frac; ++k) den *= 10;
  for (; exp10 > 0; --exp10) {
    num *= 10;
    if (num > kMax * den) return false;
  }
  for (; exp10 < 0; ++exp10) den *= 10;
  if (num > kMax * den) return false;
  i128 v = (num + den - 1) / den;
  if (v > kMax) return false;
  out = static_cast<std::int64_t>(v);
  return true;
}

}  // namespace

bool cpu_millis(std::string_view q, std::int64_t& out) {
  return quantity(q, 1000, out);
}

bool byte_count(std::string_view q, std::int64_t& out) {
  return quantity(q, 1, out);
}

std::string cpu_text(std::int64_t m) {
  if (m > 0 && m % 1000 == 0) return fmt::format("{}", m / 1000);
  return fmt::format("{}m", m);
}

std::string bytes_text(std::int64_t b) {
  static const struct {
    const char* s;
    std::int64_t f;
  } units[] = {{"Pi", std::int64_t{1} << 50},
               {"Ti", std::int64_t{1} << 40},
               {"Gi", std::int64_t{1} << 30},
               {"Mi", std::int64_t{1} << 20},
               {"Ki", std::int64_t{1} << 10},
               {"P", 1000000000000000},
               {"T", 1000000000000},
               {"G", 1000000000},
               {"M", 1000000},
               {"k", 1000}};
  if (b > 0)
    for (const auto& u : units)
      if (b % u.f == 0) return fmt::format("{}{}", b / u.f, u.s);
  return fmt::format("{}", b);
}

}  // namespace stackc::importer
