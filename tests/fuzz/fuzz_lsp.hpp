// The language server's message handler under arbitrary input (fuzz_lsp.cpp).
#pragma once

#include <cstddef>
#include <cstdint>

namespace stackc::fuzz {

// The first byte chooses: even, the rest is a byte stream of framed messages read and handled
// as `stackc lsp` does (after an `initialize`); odd, the rest is a document, opened, edited
// incrementally at positions taken from its bytes, and asked every request at those positions.
// Every request must be answered (a result or an error), and nothing may throw.
void run_lsp_one(const std::uint8_t* data, std::size_t size);

}  // namespace stackc::fuzz
