// Small text helpers more than one stage needs.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace stackc::base {

// Appends the UTF-8 encoding of a code point (the caller has checked it is a scalar value).
void append_utf8(std::string& out, std::uint32_t cp);

// A Prometheus metric name: [a-zA-Z_:][a-zA-Z0-9_:]*.
bool is_metric_name(std::string_view s);

}  // namespace stackc::base
