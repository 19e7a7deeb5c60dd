#include "syntax/ast.hpp"

namespace stackc::ast {

std::string Value::string_value() const {
  std::string out;
  for (const auto& p : parts) {
    if (p.interpolation) {
      out += "${" + p.text + "}";
    } else {
      out += p.text;
    }
  }
  return out;
}

bool Value::has_interpolation() const {
  for (const auto& p : parts)
    if (p.interpolation) return true;
  return false;
}

std::string Value::path_text() const {
  std::string out;
  for (std::size_t i = 0; i < path.size(); ++i) {
    if (i) out += '.';
    out += path[i];
  }
  return out;
}

}  // namespace stackc::ast
