#include "emit/yaml.hpp"

#include <cstdint>
#include <string_view>

namespace stackc::emit {
namespace {

// Words YAML 1.1 or 1.2 reads as something other than a string (booleans, null, merge keys and
// the `=` value key), chosen by length so that most strings are cleared by one comparison.
bool special_word(std::string_view s) {
  switch (s.size()) {
    case 1:
      return s == "y" || s == "n" || s == "~" || s == "Y" || s == "N" || s == "=";
    case 2:
      return s == "no" || s == "on" || s == "No" || s == "On" || s == "NO" || s == "ON" ||
             s == "<<";
    case 3:
      return s == "yes" || s == "off" || s == "Yes" || s == "Off" || s == "YES" || s == "OFF";
    case 4:
      return s == "true" || s == "null" || s == "True" || s == "Null" || s == "TRUE" || s == "NULL";
    case 5:
      return s == "false" || s == "False" || s == "FALSE";
    default:
      return false;
  }
}

bool is_digit(unsigned char c) {
  return c >= '0' && c <= '9';
}

bool needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  if (special_word(s)) return true;
  // Anything that starts like a number, a date or a time is quoted.
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (is_digit(c0) || ((c0 == '-' || c0 == '+' || c0 == '.') && s.size() > 1)) return true;
  static constexpr std::string_view indicators = "!&*-?:,[]{}#|>@`\"'%";
  if (indicators.find(s[0]) != std::string_view::npos) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  // The characters that may need quotes, looked up in one table: control characters and DEL
  // always, `: ` (or `:` at the end) and ` #`.
  struct Table {
    unsigned char kind[256] = {};
    constexpr Table() {
      for (int c = 0; c < 0x20; ++c) kind[c] = 1;
      kind[0x7f] = 1;
      kind[static_cast<unsigned char>(':')] = 2;
      kind[static_cast<unsigned char>('#')] = 3;
    }
  };
  static constexpr Table table;
  const std::size_t n = s.size();
  for (std::size_t i = 0; i < n; ++i) {
    unsigned char k = table.kind[static_cast<unsigned char>(s[i])];
    if (k == 0) continue;
    if (k == 1) return true;
    if (k == 2 && (i + 1 == n || s[i + 1] == ' ')) return true;
    if (k == 3 && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

void append_quoted(std::string& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_string(std::string& out, std::string_view s) {
  if (needs_quotes(s))
    append_quoted(out, s);
  else
    out += s;
}

void append_unsigned(std::string& out, std::uint64_t v, bool negative) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  out.append(p, static_cast<std::size_t>(end - p));
}

void append_scalar(std::string& out, const Doc& d) {
  switch (d.type()) {
    case Doc::value_t::string:
      append_string(out, d.str());
      return;
    case Doc::value_t::boolean:
      out += d.get<bool>() ? "true" : "false";
      return;
    case Doc::value_t::number_integer: {
      auto v = d.get<std::int64_t>();
      append_unsigned(
          out, v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v), v < 0);
      return;
    }
    case Doc::value_t::number_unsigned:
      append_unsigned(out, d.get<std::uint64_t>(), false);
      return;
    case Doc::value_t::number_float:
      out += d.dump();
      return;
    case Doc::value_t::object:
      out += "{}";
      return;
    case Doc::value_t::array:
      out += "[]";
      return;
    default:
      out += "null";
      return;
  }
}

bool is_collection(const Doc& d) {
  return (d.is_object() || d.is_array()) && !d.empty();
}

// Text over several lines reads best as a literal block (`|`); it must not need escapes, must not
// start with a space (the indentation would change) and no line may end in a space.
bool literal_block(const Doc& d) {
  if (!d.is_string()) return false;
  const auto& s = d.str();
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n')) return false;
  }
  return true;
}

void write_block(std::string& out, std::string_view s, int indent) {
  out += s.back() == '\n' ? "|\n" : "|-\n";
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    std::string_view line(s.data() + start, (nl == std::string::npos ? s.size() : nl) - start);
    out.append(static_cast<std::size_t>(indent), ' ');
    out += line;
    out += '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void write_node(std::string& out, const Doc& d, int indent);

// `key: value` at `indent` (the key's own indentation already written).
void write_entry(std::string& out, std::string_view k, const Doc& v, int indent) {
  append_string(out, k);
  out += ':';
  if (is_collection(v)) {
    out += '\n';
    // Sequences under a key are not indented further (the Kubernetes style).
    write_node(out, v, v.is_array() ? indent : indent + 2);
  } else if (literal_block(v)) {
    out += ' ';
    write_block(out, v.str(), indent + 2);
  } else {
    out += ' ';
    append_scalar(out, v);
    out += '\n';
  }
}

void write_object(std::string& out, const Doc& d, int indent, bool first_inline) {
  bool first = true;
  for (const auto& [k, v] : d.items()) {
    if (!(first && first_inline)) out.append(static_cast<std::size_t>(indent), ' ');
    first = false;
    write_entry(out, k, v, indent);
  }
}

void write_array(std::string& out, const Doc& d, int indent) {
  for (const auto& v : d) {
    out.append(static_cast<std::size_t>(indent), ' ');
    out += "- ";
    if (v.is_object() && !v.empty()) {
      write_object(out, v, indent + 2, true);
    } else if (v.is_array() && !v.empty()) {
      out += '\n';
      write_array(out, v, indent + 2);
    } else {
      append_scalar(out, v);
      out += '\n';
    }
  }
}

void write_node(std::string& out, const Doc& d, int indent) {
  if (d.is_object() && !d.empty()) {
    write_object(out, d, indent, false);
  } else if (d.is_array() && !d.empty()) {
    write_array(out, d, indent);
  } else {
    out.append(static_cast<std::size_t>(indent), ' ');
    append_scalar(out, d);
    out += '\n';
  }
}

}  // namespace

std::string yaml_string(std::string_view s) {
  std::string out;
  append_string(out, s);
  return out;
}

void write_yaml(std::string& out, const Doc& doc) {
  write_node(out, doc, 0);
}

void write_yaml_without_namespace(std::string& out, const Doc& doc, const std::string& ns) {
  if (!doc.is_object() || !doc.contains("metadata") || !doc["metadata"].contains("namespace") ||
      doc["metadata"]["namespace"] != ns) {
    write_yaml(out, doc);
    return;
  }
  for (const auto& [k, v] : doc.items()) {
    if (k != "metadata") {
      write_entry(out, k, v, 0);
      continue;
    }
    Doc md = v;  // small: the metadata alone is copied
    md.erase("namespace");
    write_entry(out, k, md, 0);
  }
}

std::pair<std::size_t, std::size_t> write_yaml_marking_namespace(std::string& out, const Doc& doc,
                                                                 const std::string& ns) {
  const Doc* md = nullptr;
  if (doc.is_object()) {
    auto m = doc.find("metadata");
    if (m != doc.end() && m->is_object() && m->size() > 1) {
      auto n = m->find("namespace");
      if (n != m->end() && n->is_string() && n->str() == ns) md = &*m;
    }
  }
  if (md == nullptr) {
    write_yaml(out, doc);
    return {0, 0};
  }
  std::pair<std::size_t, std::size_t> span{0, 0};
  for (const auto& [k, v] : doc.items()) {
    if (&v != md) {
      write_entry(out, k, v, 0);
      continue;
    }
    // What write_entry writes for a non-empty mapping, with the namespace line's span noted.
    append_string(out, k);
    out += ":\n";
    for (const auto& [mk, mv] : v.items()) {
      std::size_t begin = out.size();
      out.append(2, ' ');
      write_entry(out, mk, mv, 2);
      if (mk == "namespace") span = {begin, out.size()};
    }
  }
  return span;
}

std::string to_yaml(const Doc& doc) {
  std::string out;
  write_yaml(out, doc);
  return out;
}

}  // namespace stackc::emit
