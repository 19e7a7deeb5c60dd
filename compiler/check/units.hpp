// Unit-aware quantities. A number's suffix means what its field says: `5m` is five minutes for a
// duration and five millicores for CPU; `memory = 500m` is an error, not a surprise.
#pragma once

#include <cstdint>
#include <string>

#include "base/diagnostics.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

struct Quantity {
  bool ok = false;
  std::int64_t value = 0;  // millicores, bytes, seconds, percent, or a plain integer
  base::Code code = base::Code::E2004;
  std::string message;  // when !ok
  std::string help;
};

Quantity to_int(const ast::Value& v);

// "remove the quotes: write `8080`" for a string that holds a number or a quantity (`"8080"`,
// `"250m"`), else empty: the help echoes what was written.
std::string quoted_number_help(const ast::Value& v);
Quantity to_millicores(const ast::Value& v);
Quantity to_bytes(const ast::Value& v);
Quantity to_seconds(const ast::Value& v);
Quantity to_percent(const ast::Value& v);

// Canonical text of a quantity, as Kubernetes and Prometheus write it.
std::string format_cpu(std::int64_t millicores);    // "500m", "2"
std::string format_bytes(std::int64_t bytes);       // "512Mi", "10Gi", "1000"
std::string format_duration(std::int64_t seconds);  // "15d", "5m", "90s"

// Validates a five-field cron schedule (minute hour day-of-month month day-of-week), with
// lists, ranges, steps, month and weekday names, and the @hourly-style macros.
// Returns an empty string when valid, else what is wrong.
std::string cron_error(const std::string& schedule);

}  // namespace stackc::check
