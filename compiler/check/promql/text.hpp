// PromQL checking: characters and text as Prometheus's lexer sees them (ASCII classes, strict
// UTF-8, quoting for messages), and the values of numbers and durations.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

namespace stackc::check::promql {

inline bool is_alpha(char c) {
  return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
inline bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
inline bool is_alnum(char c) {
  return is_alpha(c) || is_digit(c);
}
inline bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

inline int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

inline char lower(char c) {
  return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b);

// Strict UTF-8 (no overlong forms, no surrogates, at most U+10FFFF), as Go decodes it. Returns
// the length of the sequence at `i`, or 0 when it is invalid.
std::size_t utf8_decode(std::string_view s, std::size_t i, char32_t& cp);
bool valid_utf8(std::string_view s);

// `text` in double quotes for a message: escaped, and cut after 40 bytes.
std::string quoted(std::string_view text);

// The character at `i` for a message ("x", "é", or "\xff" for a byte that is not UTF-8), and
// its length in bytes.
std::pair<std::string, std::size_t> char_at(std::string_view s, std::size_t i);

// The value of a NUMBER token as Prometheus reads it: strconv.ParseInt(text, 0, 64) and, when
// that fails, strconv.ParseFloat(text, 64). False when both fail (e.g. "0x", "1e", "1e999",
// "0x1.8", a hex number beyond int64).
bool number_value(std::string_view t, double& v);

// A duration as Prometheus's model.ParseDuration reads it: units from largest to smallest, each
// at most once (y w d h m s ms), in milliseconds. Empty string when valid, else the problem.
std::string duration_error(std::string_view t, std::int64_t& ms);

}  // namespace stackc::check::promql
