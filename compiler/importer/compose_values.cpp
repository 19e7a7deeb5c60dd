#include "importer/compose_values.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cmath>

namespace stackc::importer::compose {

namespace {

bool is_digit(char c) {
  return c >= '0' && c <= '9';
}
bool name_first(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
}
bool name_char(char c) {
  return name_first(c) || is_digit(c);
}
char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A decimal `12` or `1.25` as a value times 10^6 (no sign, no exponent); nullopt otherwise.
std::optional<std::int64_t> micro_units(std::string_view s) {
  if (s.empty()) return std::nullopt;
  std::int64_t whole = 0, frac = 0, scale = 1'000'000;
  std::size_t i = 0;
  bool digits = false, beyond = false;
  for (; i < s.size() && is_digit(s[i]); ++i) {
    if (whole > 1'000'000'000'000LL) return std::nullopt;
    whole = whole * 10 + (s[i] - '0');
    digits = true;
  }
  if (i < s.size() && s[i] == '.') {
    ++i;
    for (; i < s.size() && is_digit(s[i]); ++i) {
      digits = true;
      if (scale > 1) {
        scale /= 10;
        frac += (s[i] - '0') * scale;
      } else if (s[i] != '0' && !beyond) {
        frac += 1;  // beyond a millionth: round up
        beyond = true;
      }
    }
  }
  if (!digits || i != s.size()) return std::nullopt;
  return whole * 1'000'000 + frac;
}

int port_number(std::string_view s) {
  int v = 0;
  if (s.empty() || s.size() > 5) return -1;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v < 1 || v > 65535) return -1;
  return v;
}

// `80` or `80-81`: false when malformed.
bool port_range(std::string_view s, int& lo, int& hi) {
  auto dash = s.find('-');
  lo = port_number(s.substr(0, dash));
  hi = dash == std::string_view::npos ? lo : port_number(s.substr(dash + 1));
  return lo > 0 && hi >= lo;
}

}  // namespace

Substituted substitute(std::string_view s) {
  Substituted out;
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c != '$') {
      out.text += c;
      ++i;
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '$') {
      out.text += '$';
      i += 2;
      continue;
    }
    if (i + 1 < s.size() && name_first(s[i + 1])) {  // $VAR
      std::size_t j = i + 1;
      while (j < s.size() && name_char(s[j])) ++j;
      out.unresolved.emplace_back(s.substr(i + 1, j - i - 1));
      out.text += s.substr(i, j - i);
      i = j;
      continue;
    }
    if (i + 1 < s.size() && s[i + 1] == '{') {  // ${...}, with nested ${...} in a default
      std::size_t j = i + 2;
      int depth = 1;
      while (j < s.size() && depth) {
        if (s[j] == '{' && s[j - 1] == '$') ++depth;
        if (s[j] == '}') --depth;
        if (depth) ++j;
      }
      if (depth) {  // unclosed: literal text
        out.text += s.substr(i);
        break;
      }
      std::string_view body = s.substr(i + 2, j - i - 2);
      std::size_t n = 0;
      while (n < body.size() && name_char(body[n])) ++n;
      std::string name(body.substr(0, n));
      std::string_view rest = body.substr(n);
      if (!name.empty() && (rest.starts_with(":-") || (rest.starts_with("-")))) {
        Substituted d = substitute(rest.substr(rest.starts_with(":-") ? 2 : 1));
        out.defaulted.push_back(name);
        out.text += d.text;
        for (auto& u : d.unresolved) out.unresolved.push_back(u);
        for (auto& u : d.defaulted) out.defaulted.push_back(u);
      } else {
        out.unresolved.push_back(name.empty() ? std::string(body) : name);
        out.text += s.substr(i, j - i + 1);
      }
      i = j + 1;
      continue;
    }
    out.text += '$';
    ++i;
  }
  return out;
}

std::optional<std::int64_t> duration_us(std::string_view s) {
  if (s == "0") return 0;
  if (s.empty()) return std::nullopt;
  std::int64_t total = 0;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t j = i;
    while (j < s.size() && (is_digit(s[j]) || s[j] == '.')) ++j;
    auto v = micro_units(s.substr(i, j - i));
    if (!v) return std::nullopt;
    std::size_t k = j;
    while (k < s.size() && !is_digit(s[k]) && s[k] != '.') ++k;
    std::string_view unit = s.substr(j, k - j);
    // v is the number times 10^6; the factor takes it to microseconds.
    long double us;
    if (unit == "h")
      us = static_cast<long double>(*v) * 3600.0L;
    else if (unit == "m")
      us = static_cast<long double>(*v) * 60.0L;
    else if (unit == "s")
      us = static_cast<long double>(*v);
    else if (unit == "ms")
      us = static_cast<long double>(*v) / 1000.0L;
    else if (unit == "us" || unit == "µs")
      us = static_cast<long double>(*v) / 1'000'000.0L;
    else
      return std::nullopt;
    if (us > 1e15L) return std::nullopt;
    total += static_cast<std::int64_t>(std::ceil(us));
    if (total > 1'000'000'000'000'000LL) return std::nullopt;
    i = k;
  }
  return total;
}

std::int64_t ceil_seconds(std::int64_t us) {
  return (us + 999'999) / 1'000'000;
}

std::string duration_text(std::int64_t seconds) {
  if (seconds && seconds % 3600 == 0) return fmt::format("{}h", seconds / 3600);
  if (seconds && seconds % 60 == 0) return fmt::format("{}m", seconds / 60);
  return fmt::format("{}s", seconds);
}

std::optional<std::int64_t> bytes(std::string_view s) {
  std::size_t j = 0;
  while (j < s.size() && (is_digit(s[j]) || s[j] == '.')) ++j;
  auto v = micro_units(s.substr(0, j));
  if (!v) return std::nullopt;
  std::string unit;
  for (char c : s.substr(j))
    if (c != ' ') unit += lower(c);
  std::int64_t factor;
  if (unit.empty() || unit == "b")
    factor = 1;
  else if (unit == "k" || unit == "kb")
    factor = 1LL << 10;
  else if (unit == "m" || unit == "mb")
    factor = 1LL << 20;
  else if (unit == "g" || unit == "gb")
    factor = 1LL << 30;
  else
    return std::nullopt;
  long double b = static_cast<long double>(*v) / 1'000'000.0L * static_cast<long double>(factor);
  if (b > 4e18L) return std::nullopt;
  return static_cast<std::int64_t>(std::ceil(b));
}

std::string bytes_text(std::int64_t b) {
  if (b && b % (1LL << 30) == 0) return fmt::format("{}Gi", b >> 30);
  if (b && b % (1LL << 20) == 0) return fmt::format("{}Mi", b >> 20);
  if (b && b % (1LL << 10) == 0) return fmt::format("{}Ki", b >> 10);
  return fmt::format("{}", b);
}

std::optional<std::int64_t> millicores(std::string_view s) {
  auto v = micro_units(s);
  if (!v || *v <= 0) return std::nullopt;
  return (*v + 999) / 1000;
}

std::string cpu_text(std::int64_t m) {
  if (m % 1000 == 0) return fmt::format("{}", m / 1000);
  return fmt::format("{}m", m);
}

std::optional<PortSpec> parse_port(std::string_view s) {
  PortSpec p;
  if (auto slash = s.rfind('/'); slash != std::string_view::npos) {
    p.protocol = std::string(s.substr(slash + 1));
    for (char& c : p.protocol) c = lower(c);
    s = s.substr(0, slash);
  }
  auto colon = s.rfind(':');
  std::string_view container = colon == std::string_view::npos ? s : s.substr(colon + 1);
  if (!port_range(container, p.container_lo, p.container_hi)) return std::nullopt;
  if (colon == std::string_view::npos) return p;
  std::string_view front = s.substr(0, colon);  // [IP:]HOST or HOST
  std::string_view host = front;
  if (!front.empty() && front.front() == '[') {  // [::1]:8080
    auto close = front.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    p.host_ip = std::string(front.substr(1, close - 1));
    host = front.substr(close + 1);
    if (!host.empty() && host.front() == ':') host.remove_prefix(1);
  } else if (auto c2 = front.rfind(':'); c2 != std::string_view::npos) {
    p.host_ip = std::string(front.substr(0, c2));
    host = front.substr(c2 + 1);
  }
  if (!host.empty() && !port_range(host, p.host_lo, p.host_hi)) return std::nullopt;
  return p;
}

std::optional<std::vector<std::string>> split_words(std::string_view s) {
  std::vector<std::string> words;
  std::string cur;
  bool in_word = false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      if (in_word) words.push_back(std::move(cur));
      cur.clear();
      in_word = false;
    } else if (c == '\'') {
      auto end = s.find('\'', i + 1);
      if (end == std::string_view::npos) return std::nullopt;
      cur += s.substr(i + 1, end - i - 1);
      i = end;
      in_word = true;
    } else if (c == '"') {
      std::size_t j = i + 1;
      for (; j < s.size() && s[j] != '"'; ++j) {
        if (s[j] == '\\' && j + 1 < s.size() &&
            (s[j + 1] == '"' || s[j + 1] == '\\' || s[j + 1] == '$' || s[j + 1] == '`'))
          ++j;
        cur += s[j];
      }
      if (j >= s.size()) return std::nullopt;
      i = j;
      in_word = true;
    } else if (c == '\\') {
      if (i + 1 < s.size()) cur += s[++i];
      in_word = true;
    } else {
      cur += c;
      in_word = true;
    }
  }
  if (in_word) words.push_back(std::move(cur));
  return words;
}

std::string workload_name(std::string_view compose_name) {
  std::string out;
  for (char c : compose_name) {
    c = lower(c);
    if ((c >= 'a' && c <= 'z') || is_digit(c))
      out += c;
    else if ((c == '-' || c == '_' || c == '.') && !out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) return {};
  return out;
}

int image_default_port(std::string_view image) {
  image = image.substr(0, image.find('@'));
  if (auto slash = image.rfind('/'); slash != std::string_view::npos)
    image = image.substr(slash + 1);
  image = image.substr(0, image.find(':'));
  struct Known {
    std::string_view name;
    int port;
  };
  static constexpr Known kKnown[] = {
      {"postgres", 5432},    {"postgresql", 5432}, {"postgis", 5432},
      {"timescaledb", 5432}, {"mysql", 3306},      {"mariadb", 3306},
      {"redis", 6379},       {"valkey", 6379},     {"redis-stack-server", 6379},
      {"keydb", 6379},       {"mongo", 27017},     {"mongodb", 27017},
      {"rabbitmq", 5672},    {"memcached", 11211}, {"elasticsearch", 9200},
      {"opensearch", 9200},  {"nats", 4222},       {"kafka", 9092},
      {"zookeeper", 2181},   {"minio", 9000},      {"clickhouse-server", 8123},
      {"cassandra", 9042},   {"etcd", 2379},       {"consul", 8500},
      {"mailhog", 1025},     {"jaeger", 16686},    {"influxdb", 8086}};
  for (const Known& k : kKnown)
    if (k.name == image) return k.port;
  return 0;
}

std::string_view known_port_name(int port) {
  switch (port) {
    case 443:
    case 8443:
      return "https";
    case 5432:
      return "postgres";
    case 3306:
      return "mysql";
    case 6379:
      return "redis";
    case 27017:
      return "mongo";
    case 5672:
      return "amqp";
    case 15672:
      return "management";
    case 9092:
      return "kafka";
    case 2181:
      return "zookeeper";
    case 11211:
      return "memcached";
    case 9200:
      return "elasticsearch";
    case 4222:
      return "nats";
    case 1883:
      return "mqtt";
    case 25:
    case 587:
      return "smtp";
    case 53:
      return "dns";
    case 9000:
      return "http";
    case 9042:
      return "cql";
    case 2379:
      return "client";
    default:
      return {};
  }
}

}  // namespace stackc::importer::compose
