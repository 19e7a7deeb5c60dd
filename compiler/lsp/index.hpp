// The symbol index the server reads is the checker's (check/symbols.hpp), by the names the
// server's files use.
#pragma once

#include "check/symbols.hpp"

namespace stackc::lsp {

using check::Index;
using check::kind_name;
using check::Reference;
using check::Symbol;
using check::SymbolKind;

}  // namespace stackc::lsp
