// The stdlib modules embedded in the binary.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::stdlib {

// The text of a module by its import path ("std/postgres" or "std/postgres.stack").
std::optional<std::string_view> find(std::string_view import_path);
// Every module's import path, sorted.
std::vector<std::string> modules();

}  // namespace stackc::stdlib
