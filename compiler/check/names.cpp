// Name rules the checker's passes share: DNS-1123 labels and subdomains and a suggested fix
// for a bad name, and how a statement and a value's kind are written in messages.

#include "check/checker.hpp"

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

std::string shown(const Stmt& s) {
  std::string k(s.key);
  for (const auto& l : s.labels) {
    k += ' ';
    k += l.text;
  }
  return k;
}

std::string_view kind_word(ValueKind k) {
  switch (k) {
    case ValueKind::String:
      return "a string";
    case ValueKind::Number:
      return "a number";
    case ValueKind::Bool:
      return "a boolean";
    case ValueKind::Path:
      return "a name";
    case ValueKind::List:
      return "a list";
    case ValueKind::Call:
      return "a call";
    case ValueKind::Range:
      return "a range";
    case ValueKind::Arrow:
      return "a port mapping";
    case ValueKind::Object:
      return "a block";
  }
  return "a value";
}

}  // namespace stackc::check
