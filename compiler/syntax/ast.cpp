#include "syntax/ast.hpp"

#include <algorithm>

#include "base/memory.hpp"

namespace stackc::ast {

void Arena::grow(std::size_t at_least) {
  std::size_t size = std::max(next_, at_least);
  next_ = std::min<std::size_t>(next_ * 2, 1 << 20);
  blocks_.emplace_back(new char[size]);
  // A block is written through as the tree grows: its pages made present at once, not one fault
  // at a time (the 10,000-service fleet's tree is 61 MB).
  if (size >= (std::size_t{256} << 10)) base::populate(blocks_.back().get(), size);
  cur_ = blocks_.back().get();
  end_ = cur_ + size;
  reserved_ += size;
}

std::string Value::string_value() const {
  std::string out;
  for (const auto& p : parts()) {
    if (p.interpolation) {
      out += "${";
      out += p.text;
      out += '}';
    } else {
      out += p.text;
    }
  }
  return out;
}

bool Value::has_interpolation() const {
  for (const auto& p : parts())
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
