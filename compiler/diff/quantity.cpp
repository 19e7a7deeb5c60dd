#include "diff/quantity.hpp"

#include <array>
#include <utility>

namespace stackc::diff {
namespace {

__extension__ typedef __int128 i128;

std::string to_text(i128 v) {
  if (v == 0) return "0";
  bool neg = v < 0;
  if (neg) v = -v;
  std::string s;
  while (v > 0) {
    s.insert(s.begin(), static_cast<char>('0' + static_cast<int>(v % 10)));
    v /= 10;
  }
  return neg ? "-" + s : s;
}

// The value of one unit of `suffix` in nano-units; 0 when not a suffix.
i128 unit_nanos(std::string_view suffix) {
  const i128 n = 1'000'000'000;
  static const std::array<std::pair<std::string_view, int>, 6> binary{
      {{"Ki", 10}, {"Mi", 20}, {"Gi", 30}, {"Ti", 40}, {"Pi", 50}, {"Ei", 60}}};
  for (auto [s, shift] : binary)
    if (suffix == s) return n << shift;
  static const std::array<std::pair<std::string_view, int>, 10> decimal{{{"n", -9},
                                                                         {"u", -6},
                                                                         {"m", -3},
                                                                         {"", 0},
                                                                         {"k", 3},
                                                                         {"M", 6},
                                                                         {"G", 9},
                                                                         {"T", 12},
                                                                         {"P", 15},
                                                                         {"E", 18}}};
  for (auto [s, exp] : decimal) {
    if (suffix != s) continue;
    i128 v = 1;
    for (int i = 0; i < exp + 9; ++i) v *= 10;
    return v;
  }
  return 0;
}

}  // namespace

std::optional<std::string> quantity(std::string_view s) {
  std::size_t i = 0;
  bool neg = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) neg = s[i++] == '-';
  i128 mant = 0;
  int frac = 0, digits = 0;
  bool dot = false;
  for (; i < s.size(); ++i) {
    char c = s[i];
    if (c == '.' && !dot) {
      dot = true;
      continue;
    }
    if (c < '0' || c > '9') break;
    if (digits > 30) return std::nullopt;
    mant = mant * 10 + (c - '0');
    ++digits;
    if (dot) ++frac;
  }
  if (digits == 0) return std::nullopt;
  std::string_view suffix = s.substr(i);
  i128 unit = 0;
  if (suffix.size() >= 2 && (suffix[0] == 'e' || suffix[0] == 'E') &&
      suffix.find_first_not_of("0123456789+-", 1) == std::string_view::npos) {
    int exp = 0, sign = 1;
    std::size_t j = 1;
    if (suffix[j] == '+' || suffix[j] == '-') sign = suffix[j++] == '-' ? -1 : 1;
    if (j == suffix.size()) return std::nullopt;
    for (; j < suffix.size(); ++j) {
      exp = exp * 10 + (suffix[j] - '0');
      if (exp > 30) return std::nullopt;
    }
    exp *= sign;
    if (exp + 9 < 0) return std::nullopt;
    unit = 1;
    for (int k = 0; k < exp + 9; ++k) unit *= 10;
  } else {
    unit = unit_nanos(suffix);
    if (unit == 0) return std::nullopt;
  }
  // mant * unit / 10^frac, exactly.
  const i128 limit = (i128{1} << 100);
  if (mant > limit / unit) return std::nullopt;
  i128 v = mant * unit;
  for (int k = 0; k < frac; ++k) {
    if (v % 10 != 0) return std::nullopt;  // finer than a nano-unit
    v /= 10;
  }
  return to_text(neg ? -v : v) + "n";
}

std::string image_ref(std::string_view ref) {
  if (ref.empty()) return {};
  std::string_view name = ref, digest;
  if (auto at = ref.find('@'); at != std::string_view::npos) {
    name = ref.substr(0, at);
    digest = ref.substr(at);
  }
  std::string_view tag;
  auto slash = name.rfind('/');
  auto colon = name.rfind(':');
  if (colon != std::string_view::npos && (slash == std::string_view::npos || colon > slash)) {
    tag = name.substr(colon + 1);
    name = name.substr(0, colon);
  }
  std::string out;
  auto first = name.find('/');
  std::string_view head =
      first == std::string_view::npos ? std::string_view() : name.substr(0, first);
  bool registry =
      !head.empty() && (head.find('.') != std::string_view::npos ||
                        head.find(':') != std::string_view::npos || head == "localhost");
  if (!registry) out = first == std::string_view::npos ? "docker.io/library/" : "docker.io/";
  out += name;
  if (!digest.empty()) return out + std::string(digest);
  return out + ":" + std::string(tag.empty() ? "latest" : tag);
}

bool latest_tag(std::string_view ref) {
  if (ref.find('@') != std::string_view::npos) return false;
  auto slash = ref.rfind('/');
  auto colon = ref.rfind(':');
  if (colon == std::string_view::npos || (slash != std::string_view::npos && colon < slash))
    return true;
  return ref.substr(colon + 1) == "latest";
}

}  // namespace stackc::diff
