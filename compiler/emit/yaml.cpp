#include "emit/yaml.hpp"

#include <fmt/format.h>

#include <cctype>

namespace stackc::emit {
namespace {

bool needs_quotes(const std::string& s) {
  if (s.empty()) return true;
  // Words YAML 1.1 or 1.2 reads as something other than a string.
  static const char* const special[] = {"true", "false", "yes", "no",   "on",    "off",  "y",
                                        "n",    "null",  "~",   "True", "False", "Yes",  "No",
                                        "On",   "Off",   "Y",   "N",    "Null",  "TRUE", "FALSE",
                                        "YES",  "NO",    "ON",  "OFF",  "NULL",  "<<",   "="};
  if (s.size() <= 5)
    for (const char* w : special)
      if (s == w) return true;
  // Anything that starts like a number, a date or a time is quoted.
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if (std::isdigit(c0) || ((c0 == '-' || c0 == '+' || c0 == '.') && s.size() > 1)) return true;
  static constexpr std::string_view indicators = "!&*-?:,[]{}#|>@`\"'%";
  if (indicators.find(s[0]) != std::string_view::npos) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

std::string quoted(const std::string& s) {
  std::string out = "\"";
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
        if (c < 0x20 || c == 0x7f)
          out += fmt::format("\\x{:02x}", c);
        else
          out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

std::string scalar(const Doc& d) {
  switch (d.type()) {
    case Doc::value_t::string:
      return yaml_string(d.get_ref<const std::string&>());
    case Doc::value_t::boolean:
      return d.get<bool>() ? "true" : "false";
    case Doc::value_t::number_integer:
      return std::to_string(d.get<std::int64_t>());
    case Doc::value_t::number_unsigned:
      return std::to_string(d.get<std::uint64_t>());
    case Doc::value_t::number_float:
      return d.dump();
    case Doc::value_t::null:
      return "null";
    case Doc::value_t::object:
      return "{}";
    case Doc::value_t::array:
      return "[]";
    default:
      return "null";
  }
}

bool is_collection(const Doc& d) {
  return (d.is_object() || d.is_array()) && !d.empty();
}

// Text over several lines reads best as a literal block (`|`); it must not need escapes, must not
// start with a space (the indentation would change) and no line may end in a space.
bool literal_block(const Doc& d) {
  if (!d.is_string()) return false;
  const auto& s = d.get_ref<const std::string&>();
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n')) return false;
  }
  return true;
}

void write_block(std::string& out, const std::string& s, int indent) {
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
void write_entry(std::string& out, const std::string& k, const Doc& v, int indent) {
  if (needs_quotes(k))
    out += quoted(k);
  else
    out += k;
  out += ':';
  if (is_collection(v)) {
    out += '\n';
    // Sequences under a key are not indented further (the Kubernetes style).
    write_node(out, v, v.is_array() ? indent : indent + 2);
  } else if (literal_block(v)) {
    out += ' ';
    write_block(out, v.get_ref<const std::string&>(), indent + 2);
  } else {
    out += ' ';
    out += scalar(v);
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
      out += scalar(v);
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
    out += scalar(d);
    out += '\n';
  }
}

}  // namespace

std::string yaml_string(const std::string& s) {
  return needs_quotes(s) ? quoted(s) : s;
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

std::string to_yaml(const Doc& doc) {
  std::string out;
  write_yaml(out, doc);
  return out;
}

}  // namespace stackc::emit
