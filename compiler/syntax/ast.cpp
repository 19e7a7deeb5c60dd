#include "syntax/ast.hpp"

#include <sys/mman.h>

#include <algorithm>
#include <new>

namespace stackc::ast {

Arena::~Arena() {
  for (const auto& b : blocks_) ::munmap(b.at, b.size);
}

void Arena::grow(std::size_t at_least) {
  std::size_t size = std::max(next_, at_least);
  next_ = std::min<std::size_t>(next_ * 2, 1 << 20);
  blocks_.reserve(blocks_.size() + 1);  // before the block: nothing leaks if this throws
  void* at = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (at == MAP_FAILED) throw std::bad_alloc();
  blocks_.push_back({static_cast<char*>(at), size});
  cur_ = blocks_.back().at;
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
