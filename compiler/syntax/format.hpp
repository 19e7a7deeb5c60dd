// The canonical formatter behind `stackc fmt`: two-space indents, one statement per line,
// `=` aligned within runs of adjacent one-line statements, short blocks and lists kept on one
// line when they were written on one line, comments and single blank lines kept.
// format(format(x)) == format(x).
#pragma once

#include <string>

#include "base/source.hpp"
#include "syntax/ast.hpp"

namespace stackc::syntax {

// Formats a file that parsed without errors.
std::string format(const base::SourceManager& sm, const ast::File& file);

}  // namespace stackc::syntax
