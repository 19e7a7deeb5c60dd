// PromQL checking: characters and text (strict UTF-8, quoting for messages), and numbers and
// durations read as Prometheus reads them.
#include "check/promql/text.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <system_error>

namespace stackc::check::promql {

// ---------------------------------------------------------------------------------------------
// Characters and text

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (lower(a[i]) != lower(b[i])) return false;
  return true;
}

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF), as Go decodes it. Returns
// the length of the sequence at `i`, or 0 when it is invalid.
std::size_t utf8_decode(std::string_view s, std::size_t i, char32_t& cp) {
  auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  unsigned char c0 = b(i);
  std::size_t n = s.size();
  if (c0 < 0x80) {
    cp = c0;
    return 1;
  }
  auto cont = [&](std::size_t k, unsigned char lo, unsigned char hi) {
    return k < n && b(k) >= lo && b(k) <= hi;
  };
  if (c0 < 0xC2) return 0;
  if (c0 < 0xE0) {
    if (!cont(i + 1, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x1F) << 6 | (b(i + 1) & 0x3F);
    return 2;
  }
  if (c0 < 0xF0) {
    unsigned char lo = c0 == 0xE0 ? 0xA0 : 0x80, hi = c0 == 0xED ? 0x9F : 0xBF;
    if (!cont(i + 1, lo, hi) || !cont(i + 2, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x0F) << 12 | (char32_t{b(i + 1)} & 0x3F) << 6 | (b(i + 2) & 0x3F);
    return 3;
  }
  if (c0 < 0xF5) {
    unsigned char lo = c0 == 0xF0 ? 0x90 : 0x80, hi = c0 == 0xF4 ? 0x8F : 0xBF;
    if (!cont(i + 1, lo, hi) || !cont(i + 2, 0x80, 0xBF) || !cont(i + 3, 0x80, 0xBF)) return 0;
    cp = (char32_t{c0} & 0x07) << 18 | (char32_t{b(i + 1)} & 0x3F) << 12 |
         (char32_t{b(i + 2)} & 0x3F) << 6 | (b(i + 3) & 0x3F);
    return 4;
  }
  return 0;
}

bool valid_utf8(std::string_view s) {
  char32_t cp = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = utf8_decode(s, i, cp);
    if (len == 0) return false;
    i += len;
  }
  return true;
}

// `text` in double quotes for a message: escaped, and cut after 40 bytes.
std::string quoted(std::string_view text) {
  constexpr std::size_t kMax = 40;
  bool cut = text.size() > kMax;
  if (cut) {
    std::size_t n = kMax;
    while (n > 0 && (static_cast<unsigned char>(text[n]) & 0xC0) == 0x80) --n;
    text = text.substr(0, n);
  }
  std::string out = "\"";
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\t') {
      out += "\\t";
    } else if (u < 0x20 || u == 0x7F) {
      static constexpr char kHex[] = "0123456789abcdef";
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 15];
    } else {
      out += c;
    }
  }
  if (cut) out += "...";
  out += '"';
  return out;
}

// The character at `i` for a message ("x", "é", or "\xff" for a byte that is not UTF-8), and
// its length in bytes.
std::pair<std::string, std::size_t> char_at(std::string_view s, std::size_t i) {
  char32_t cp = 0;
  std::size_t len = utf8_decode(s, i, cp);
  if (len == 0) return {quoted(s.substr(i, 1)), 1};
  return {quoted(s.substr(i, len)), len};
}

// ---------------------------------------------------------------------------------------------
// Numbers and durations

// The value of a NUMBER token as Prometheus reads it: strconv.ParseInt(text, 0, 64) and, when
// that fails, strconv.ParseFloat(text, 64). False when both fail (e.g. "0x", "1e", "1e999",
// "0x1.8", a hex number beyond int64).
bool number_value(std::string_view t, double& v) {
  if (iequals(t, "inf")) {
    v = std::numeric_limits<double>::infinity();
    return true;
  }
  if (iequals(t, "nan")) {
    v = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  constexpr std::uint64_t kMaxInt = std::numeric_limits<std::int64_t>::max();
  if (t.size() >= 2 && t[0] == '0' && (t[1] == 'x' || t[1] == 'X')) {
    if (t.size() == 2) return false;
    std::uint64_t acc = 0;
    for (char c : t.substr(2)) {
      int h = hex_value(c);
      if (h < 0 || acc > (kMaxInt - static_cast<std::uint64_t>(h)) / 16) return false;
      acc = acc * 16 + static_cast<std::uint64_t>(h);
    }
    v = static_cast<double>(acc);
    return true;
  }
  bool all_digits = !t.empty() && std::all_of(t.begin(), t.end(), is_digit);
  if (all_digits) {
    bool octal = t.size() > 1 && t[0] == '0';
    std::uint64_t base = octal ? 8 : 10, acc = 0;
    bool ok = true;
    for (char c : t) {
      auto d = static_cast<std::uint64_t>(c - '0');
      if (d >= base || acc > (kMaxInt - d) / base) {
        ok = false;
        break;
      }
      acc = acc * base + d;
    }
    if (ok) {
      v = static_cast<double>(acc);
      return true;
    }
  }
  // Decimal float: digits [. digits] [e [+-] digits], at least one digit before the exponent.
  std::size_t i = 0, n = t.size(), mant_digits = 0;
  long long int_digits = 0;  // significant digits before the point
  bool seen_nonzero = false;
  long long lead_zeros_after_point = 0;
  while (i < n && is_digit(t[i])) {
    if (t[i] != '0') seen_nonzero = true;
    if (seen_nonzero) ++int_digits;
    ++i, ++mant_digits;
  }
  if (i < n && t[i] == '.') {
    ++i;
    while (i < n && is_digit(t[i])) {
      if (t[i] != '0') seen_nonzero = true;
      if (!seen_nonzero) ++lead_zeros_after_point;
      ++i, ++mant_digits;
    }
  }
  if (mant_digits == 0) return false;
  long long exp = 0;
  if (i < n && (t[i] == 'e' || t[i] == 'E')) {
    ++i;
    bool neg = false;
    if (i < n && (t[i] == '+' || t[i] == '-')) neg = t[i++] == '-';
    if (i == n) return false;
    while (i < n && is_digit(t[i])) {
      if (exp < 100000000) exp = exp * 10 + (t[i] - '0');
      ++i;
    }
    if (neg) exp = -exp;
  }
  if (i != n) return false;
  auto [ptr, ec] = std::from_chars(t.data(), t.data() + n, v, std::chars_format::general);
  if (ptr != t.data() + n) return false;
  if (ec == std::errc::result_out_of_range) {
    // Overflow is an error in Go, underflow gives 0.
    long long magnitude = int_digits > 0 ? int_digits + exp : exp - lead_zeros_after_point;
    if (seen_nonzero && magnitude > 0) return false;
    v = 0;
    return true;
  }
  return ec == std::errc{};
}

// A duration as Prometheus's model.ParseDuration reads it: units from largest to smallest, each
// at most once (y w d h m s ms), in milliseconds. Empty string when valid, else the problem.
std::string duration_error(std::string_view t, std::int64_t& ms) {
  static constexpr std::int64_t kUnitMs[] = {
      365LL * 86400000, 7LL * 86400000, 86400000, 3600000, 60000, 1000, 1};
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  std::size_t i = 0, n = t.size();
  int last = -1;
  std::int64_t total_ns = 0;
  bool overflow = false;
  if (n == 0) return "empty duration";
  while (i < n) {
    if (!is_digit(t[i])) return "bad";
    std::int64_t value = 0;
    while (i < n && is_digit(t[i])) {
      if (value < kMax / 100) value = value * 10 + (t[i] - '0');
      ++i;
    }
    if (i == n) return "bad";
    int unit = -1;
    if (t[i] == 'm' && i + 1 < n && t[i + 1] == 's') {
      unit = 6;
      i += 2;
    } else {
      static constexpr std::string_view kUnits = "ywdhms";
      std::size_t u = kUnits.find(t[i]);
      if (u == std::string_view::npos) return "bad";
      unit = static_cast<int>(u);
      ++i;
    }
    if (unit <= last) return "bad";
    last = unit;
    std::int64_t bound = kMax / kUnitMs[unit] / 1000000;
    if (value > bound) {
      overflow = true;
      continue;
    }
    std::int64_t add = value * kUnitMs[unit] * 1000000;
    if (total_ns > kMax - add)
      overflow = true;
    else
      total_ns += add;
  }
  if (overflow) return "out of range";
  ms = total_ns / 1000000;
  if (total_ns == 0) return "zero";
  return {};
}

}  // namespace stackc::check::promql
