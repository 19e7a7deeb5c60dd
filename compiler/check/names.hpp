// Name rules and message wording the checker's files share (names.cpp): DNS-1123 labels and
// subdomains, a suggested fix for a bad name, how a statement, a value's kind and a list of
// names are written in messages.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "syntax/ast.hpp"

namespace stackc::check {

bool is_dns_label(std::string_view s, std::size_t max = 63);
bool is_dns_subdomain(std::string_view s);
std::string dns_fix(std::string_view s);
std::string shown(const ast::Stmt& s);
std::string_view kind_word(ast::ValueKind k);
// "`a`", "`a` and `b`", "`a`, `b` and `c`".
std::string listed(const std::vector<std::string>& names);

}  // namespace stackc::check
