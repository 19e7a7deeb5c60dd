// Files embedded into the binary at build time (the stdlib, the diagnostic pages).
#pragma once

#include <cstddef>
#include <string_view>

namespace stackc::embed {

struct File {
  std::string_view path;  // relative, with '/' separators
  std::string_view text;
};

}  // namespace stackc::embed
