// The syntax tree as JSON, for `stackc check --dump-ast` and tests.
#pragma once

#include <string>

#include "base/source.hpp"
#include "syntax/ast.hpp"

namespace stackc::syntax {

std::string dump_json(const base::SourceManager& sm, const ast::File& file);

}  // namespace stackc::syntax
