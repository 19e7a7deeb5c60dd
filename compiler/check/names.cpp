// Name rules the checker's files share: DNS-1123 labels and subdomains and a suggested fix
// for a bad name, and how a statement, a value's kind and a list of names are written in
// messages.

#include "check/names.hpp"

#include <fmt/format.h>

namespace stackc::check {

bool is_dns_label(std::string_view s, std::size_t max) {
  if (s.empty() || s.size() > max) return false;
  for (char c : s)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  return s.front() != '-' && s.back() != '-';
}

bool is_dns_subdomain(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    if (!is_dns_label(
            s.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start)))
      return false;
    if (dot == std::string_view::npos) return true;
    start = dot + 1;
  }
}

std::string dns_fix(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= 'A' && c <= 'Z')
      out += static_cast<char>(c - 'A' + 'a');
    else if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'))
      out += c;
    else
      out += '-';
  }
  while (!out.empty() && out.front() == '-') out.erase(out.begin());
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 63) out.resize(63);
  return out;
}

std::string shown(const ast::Stmt& s) {
  std::string k(s.key);
  for (const auto& l : s.labels) {
    k += ' ';
    k += l.text;
  }
  return k;
}

std::string_view kind_word(ast::ValueKind k) {
  switch (k) {
    case ast::ValueKind::String:
      return "a string";
    case ast::ValueKind::Number:
      return "a number";
    case ast::ValueKind::Bool:
      return "a boolean";
    case ast::ValueKind::Path:
      return "a name";
    case ast::ValueKind::List:
      return "a list";
    case ast::ValueKind::Call:
      return "a call";
    case ast::ValueKind::Range:
      return "a range";
    case ast::ValueKind::Arrow:
      return "a port mapping";
    case ast::ValueKind::Object:
      return "a block";
  }
  return "a value";
}

std::string listed(const std::vector<std::string>& names) {
  std::string out;
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? " and " : ", ";
    out += fmt::format("`{}`", names[i]);
  }
  return out;
}

}  // namespace stackc::check
