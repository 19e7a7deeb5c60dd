#include "stdlib/stdlib.hpp"

#include "base/embed.hpp"

namespace stackc::embed {
extern const File stdlib_files[];
extern const std::size_t stdlib_files_count;
}  // namespace stackc::embed

namespace stackc::stdlib {

std::optional<std::string_view> find(std::string_view path) {
  std::string want(path);
  if (want.size() < 6 || want.substr(want.size() - 6) != ".stack") want += ".stack";
  for (std::size_t i = 0; i < embed::stdlib_files_count; ++i)
    if (embed::stdlib_files[i].path == want) return embed::stdlib_files[i].text;
  return std::nullopt;
}

std::vector<std::string> modules() {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < embed::stdlib_files_count; ++i) {
    std::string p(embed::stdlib_files[i].path);
    out.push_back(p.substr(0, p.size() - 6));
  }
  return out;
}

}  // namespace stackc::stdlib
