#include "check/units.hpp"

#include <fmt/format.h>

#include <array>
#include <cctype>
#include <limits>
#include <vector>

namespace stackc::check {
namespace {

__extension__ using i128 = __int128;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max() / 4;

// mantissa / 10^scale * factor, when integral and in range.
bool scaled(const ast::Value& v, std::int64_t num, std::int64_t den, std::int64_t& out) {
  if (v.overflow) return false;
  i128 m = v.mantissa();
  i128 d = den;
  for (int i = 0; i < v.scale; ++i) d *= 10;
  i128 n = m * num;
  if (n % d != 0) return false;
  i128 r = n / d;
  if (r > kMax || r < -kMax) return false;
  out = static_cast<std::int64_t>(r);
  return true;
}

Quantity bad(std::string msg, std::string help, base::Code code = base::Code::E2004) {
  Quantity q;
  q.code = code;
  q.message = std::move(msg);
  q.help = std::move(help);
  return q;
}

Quantity good(std::int64_t v) {
  Quantity q;
  q.ok = true;
  q.value = v;
  return q;
}

bool is_number(const ast::Value& v) {
  return v.kind == ast::ValueKind::Number;
}

std::string number_text(const ast::Value& v) {
  return std::string(v.raw.substr(0, v.raw.size() - v.unit().size()));
}

// Text that reads as a number, a quantity or a range of them once its quotes are gone: "8080",
// "500m", "3..8".
bool numeric_text(std::string_view t) {
  if (t.empty() || !(std::isdigit(static_cast<unsigned char>(t[0])) ||
                     (t.size() > 1 && (t[0] == '-' || t[0] == '.') &&
                      std::isdigit(static_cast<unsigned char>(t[1])))))
    return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != '_' && c != '%' &&
        c != '-')
      return false;
  return true;
}

// The help echoes what was written: `port http = "8080"` gets "write `8080` without quotes",
// never another field's example.
Quantity not_a_number(const ast::Value& v, std::string_view what, std::string_view example) {
  std::string help = quoted_number_help(v);
  if (help.empty()) help = fmt::format("write {}, such as {}", what, example);
  return bad(
      fmt::format("expected {}, found {}", what,
                  v.kind == ast::ValueKind::String ? "a string" : "`" + std::string(v.raw) + "`"),
      std::move(help), base::Code::E2003);
}

}  // namespace

std::string quoted_number_help(const ast::Value& v) {
  if (v.kind != ast::ValueKind::String || v.has_interpolation() || !numeric_text(v.string_value()))
    return {};
  return fmt::format("remove the quotes: write `{}`", v.string_value());
}

Quantity to_int(const ast::Value& v) {
  if (!is_number(v)) return not_a_number(v, "an integer", "`3`");
  if (!v.unit().empty())
    return bad(fmt::format("`{}` is not a plain integer: the unit `{}` does not belong here", v.raw,
                           v.unit()),
               fmt::format("write `{}`", number_text(v)));
  std::int64_t out;
  if (!scaled(v, 1, 1, out))
    return bad(fmt::format("`{}` is not an integer", v.raw), "write a whole number",
               base::Code::E2003);
  return good(out);
}

Quantity to_millicores(const ast::Value& v) {
  if (!is_number(v)) return not_a_number(v, "a CPU quantity", "`500m` or `2`");
  std::int64_t out;
  if (v.unit().empty()) {
    if (!scaled(v, 1000, 1, out))
      return bad(fmt::format("`{}` cores is finer than one millicore", v.raw),
                 "CPU is counted in millicores: write e.g. `250m`");
    return good(out);
  }
  if (v.unit() == "m") {
    if (!scaled(v, 1, 1, out))
      return bad(fmt::format("`{}` is not a whole number of millicores", v.raw),
                 "write e.g. `250m`");
    return good(out);
  }
  std::string help = "CPU takes cores (`2`, `0.5`) or millicores (`500m`)";
  if (v.unit() == "Mi" || v.unit() == "Gi" || v.unit() == "Ki" || v.unit() == "M" ||
      v.unit() == "G")
    help += fmt::format("; `{}` is a byte unit — did you mean `{}m`?", v.unit(), number_text(v));
  return bad(
      fmt::format("`{}` is not a CPU quantity: the unit `{}` is not for CPU", v.raw, v.unit()),
      help);
}

Quantity to_bytes(const ast::Value& v) {
  if (!is_number(v)) return not_a_number(v, "a byte quantity", "`512Mi` or `10Gi`");
  struct U {
    std::string_view s;
    std::int64_t f;
  };
  static constexpr std::array<U, 12> units = {{{"", 1},
                                               {"Ki", 1LL << 10},
                                               {"Mi", 1LL << 20},
                                               {"Gi", 1LL << 30},
                                               {"Ti", 1LL << 40},
                                               {"Pi", 1LL << 50},
                                               {"k", 1000LL},
                                               {"K", 1000LL},
                                               {"M", 1000LL * 1000},
                                               {"G", 1000LL * 1000 * 1000},
                                               {"T", 1000LL * 1000 * 1000 * 1000},
                                               {"P", 1000LL * 1000 * 1000 * 1000 * 1000}}};
  for (const auto& u : units) {
    if (u.s == v.unit()) {
      std::int64_t out;
      if (!scaled(v, u.f, 1, out))
        return bad(fmt::format("`{}` is not a whole number of bytes", v.raw),
                   "use a smaller unit, e.g. `512Mi`");
      if (out < 0)
        return bad(fmt::format("`{}` is negative", v.raw), "sizes are positive", base::Code::E2017);
      return good(out);
    }
  }
  std::string help = "memory and storage take bytes: `Ki Mi Gi Ti` (powers of 1024) or `K M G T`";
  if (v.unit() == "m")
    help = fmt::format("`m` means millis: `{}` would be {} of a byte; did you mean `{}Mi`?", v.raw,
                       "a thousandth", number_text(v));
  else if (v.unit() == "mi" || v.unit() == "gi" || v.unit() == "ki" || v.unit() == "ti")
    help = fmt::format("units are case-sensitive: did you mean `{}{}i`?", number_text(v),
                       static_cast<char>(std::toupper(static_cast<unsigned char>(v.unit()[0]))));
  else if (v.unit().size() == 2 &&
           std::string_view("kKMGTP").find(v.unit()[0]) != std::string::npos &&
           (v.unit()[1] == 'B' || v.unit()[1] == 'b')) {
    // `MB` is how sizes are written elsewhere, but not a unit here (Kubernetes' quantities have
    // no `B`): the binary unit is almost always what is meant.
    const char u = static_cast<char>(std::toupper(static_cast<unsigned char>(v.unit()[0])));
    const std::string_view names[] = {"kibibytes", "kilobytes", "mebibytes", "megabytes",
                                      "gibibytes", "gigabytes", "tebibytes", "terabytes",
                                      "pebibytes", "petabytes"};
    const auto at = std::string_view("KMGTP").find(u) * 2;
    help = fmt::format(
        "`{}` is not a unit (Kubernetes quantities have no `B`): did you mean `{}{}i` ({}, powers "
        "of 1024, how memory is usually sized) or `{}{}` ({}, powers of 1000)?",
        v.unit(), number_text(v), u == 'K' ? 'K' : u, names[at], number_text(v), u == 'K' ? 'k' : u,
        names[at + 1]);
  }
  return bad(
      fmt::format("`{}` is not a byte quantity: the unit `{}` is not a size", v.raw, v.unit()),
      help);
}

Quantity to_seconds(const ast::Value& v) {
  if (!is_number(v)) return not_a_number(v, "a duration", "`30s`, `5m`, `1h` or `15d`");
  if (v.unit().empty())
    return bad(fmt::format("`{}` needs a unit to be a duration", v.raw),
               fmt::format("write `{}s`, `{}m`, `{}h` or `{}d`", v.raw, v.raw, v.raw, v.raw));
  struct U {
    std::string_view s;
    std::int64_t f;
  };
  static constexpr std::array<U, 5> units = {
      {{"s", 1}, {"m", 60}, {"h", 3600}, {"d", 86400}, {"w", 7 * 86400}}};
  for (const auto& u : units) {
    if (u.s == v.unit()) {
      std::int64_t out;
      if (!scaled(v, u.f, 1, out))
        return bad(fmt::format("`{}` is not a whole number of seconds", v.raw),
                   "use a smaller unit");
      if (out < 0)
        return bad(fmt::format("`{}` is negative", v.raw), "durations are positive",
                   base::Code::E2017);
      return good(out);
    }
  }
  return bad(
      fmt::format("`{}` is not a duration: the unit `{}` is not a time unit", v.raw, v.unit()),
      "durations take `s`, `m` (minutes), `h`, `d` or `w`");
}

Quantity to_percent(const ast::Value& v) {
  if (!is_number(v)) return not_a_number(v, "a percentage", "`70%`");
  if (v.unit() != "%")
    return bad(fmt::format("`{}` is not a percentage", v.raw),
               fmt::format("write `{}%`", number_text(v)));
  std::int64_t out;
  if (!scaled(v, 1, 1, out))
    return bad(fmt::format("`{}` is not a whole percentage", v.raw), "write e.g. `70%`",
               base::Code::E2003);
  return good(out);
}

std::string format_cpu(std::int64_t m) {
  if (m % 1000 == 0) return std::to_string(m / 1000);
  return std::to_string(m) + "m";
}

std::string format_bytes(std::int64_t b) {
  static constexpr std::array<std::string_view, 5> names = {"Pi", "Ti", "Gi", "Mi", "Ki"};
  static constexpr std::array<int, 5> shifts = {50, 40, 30, 20, 10};
  for (std::size_t i = 0; i < names.size(); ++i) {
    std::int64_t f = 1LL << shifts[i];
    if (b != 0 && b % f == 0) return std::to_string(b / f) + std::string(names[i]);
  }
  return std::to_string(b);
}

std::string format_duration(std::int64_t s) {
  if (s != 0 && s % 86400 == 0) return std::to_string(s / 86400) + "d";
  if (s != 0 && s % 3600 == 0) return std::to_string(s / 3600) + "h";
  if (s != 0 && s % 60 == 0) return std::to_string(s / 60) + "m";
  return std::to_string(s) + "s";
}

namespace {

int name_value(const std::string& word, const std::vector<std::string_view>& names, int base) {
  std::string up;
  for (char c : word) up += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  for (std::size_t i = 0; i < names.size(); ++i)
    if (names[i] == up) return static_cast<int>(i) + base;
  return -1;
}

// One value: a number in [lo, hi], or a name.
bool cron_atom(const std::string& s, int lo, int hi, const std::vector<std::string_view>& names,
               int& out) {
  if (s.empty()) return false;
  bool digits = true;
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) digits = false;
  if (digits) {
    if (s.size() > 3) return false;
    out = std::stoi(s);
    return out >= lo && out <= hi;
  }
  if (names.empty()) return false;
  out = name_value(s, names, lo);
  return out >= 0;
}

std::string cron_field(const std::string& field, const char* what, int lo, int hi,
                       const std::vector<std::string_view>& names) {
  std::size_t start = 0;
  while (true) {
    std::size_t comma = field.find(',', start);
    std::string item =
        field.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (item.empty())
      return fmt::format("the {} field has an empty item (two commas, or one at an end)", what);
    std::string range = item, step;
    if (auto slash = item.find('/'); slash != std::string::npos) {
      range = item.substr(0, slash);
      step = item.substr(slash + 1);
      int st;
      if (!cron_atom(step, 1, hi, {}, st))
        return fmt::format("the step `{}` of the {} field is not a number from 1 to {}", step, what,
                           hi);
    }
    if (range != "*") {
      auto dash = range.find('-');
      int a, b;
      if (dash != std::string::npos) {
        if (!cron_atom(range.substr(0, dash), lo, hi, names, a) ||
            !cron_atom(range.substr(dash + 1), lo, hi, names, b))
          return fmt::format("`{}` in the {} field is not a range within {}-{}", range, what, lo,
                             hi);
        if (a > b) return fmt::format("the range `{}` in the {} field runs backwards", range, what);
      } else if (!cron_atom(range, lo, hi, names, a)) {
        return fmt::format("`{}` is not a valid {} (allowed: {}-{}{})", range, what, lo, hi,
                           names.empty() ? "" : " or a name");
      }
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return {};
}

}  // namespace

std::string cron_error(const std::string& schedule) {
  static const std::vector<std::string_view> macros = {
      "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"};
  for (auto m : macros)
    if (schedule == m) return {};
  if (!schedule.empty() && schedule[0] == '@')
    return fmt::format(
        "`{}` is not a schedule macro; Kubernetes knows @yearly, @monthly, @weekly, "
        "@daily and @hourly",
        schedule);
  std::vector<std::string> fields;
  std::string cur;
  for (char c : schedule) {
    if (c == ' ' || c == '\t') {
      if (!cur.empty()) fields.push_back(cur);
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) fields.push_back(cur);
  if (fields.size() != 5)
    return fmt::format(
        "a schedule has 5 fields (minute hour day-of-month month day-of-week), this one has {}",
        fields.size());
  static const std::vector<std::string_view> months = {"JAN", "FEB", "MAR", "APR", "MAY", "JUN",
                                                       "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"};
  static const std::vector<std::string_view> days = {"SUN", "MON", "TUE", "WED",
                                                     "THU", "FRI", "SAT"};
  struct F {
    const char* what;
    int lo, hi;
    const std::vector<std::string_view>* names;
  };
  static const std::vector<std::string_view> none;
  const F spec[5] = {{"minute", 0, 59, &none},
                     {"hour", 0, 23, &none},
                     {"day-of-month", 1, 31, &none},
                     {"month", 1, 12, &months},
                     {"day-of-week", 0, 6, &days}};
  for (int i = 0; i < 5; ++i) {
    auto e = cron_field(fields[i], spec[i].what, spec[i].lo, spec[i].hi, *spec[i].names);
    if (!e.empty()) return e;
  }
  return {};
}

}  // namespace stackc::check
