// The front end's entry: text -> syntax tree, with every syntax error reported to the sink.
#pragma once

#include <string>
#include <string_view>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "syntax/ast.hpp"

namespace stackc::syntax {

// Deepest nesting of blocks, lists and calls that the parser accepts (E1004 beyond).
inline constexpr std::size_t kMaxDepth = 64;
// Syntax errors reported per file before the rest is skipped (E1008).
inline constexpr std::size_t kMaxErrors = 50;

// From this size on, a file's two halves are parsed at once on two threads when it can be cut
// between two top-level statements; the tree and the diagnostics are the same.
inline constexpr std::size_t kParallelParseFrom = 256 * 1024;

// Parses one file. Never throws; bad input yields diagnostics and a partial tree (ok = false).
// `parallel_from` is the size from which the halves are parsed at once (tests compare both ways).
ast::File parse(const base::SourceManager& sm, base::FileId file, base::Sink& sink,
                std::size_t parallel_from = kParallelParseFrom);

// Decodes the body of a string literal (the text between the quotes, or between the triple
// quotes for a multi-line string, whose common indent is removed). `offset` is the byte offset
// of `body` in its file, for the spans of the parts. The parts and their text go to `arena`.
ast::Seq<ast::StringPart> decode_string(ast::Arena& arena, std::string_view body, bool multiline,
                                        base::FileId file, std::uint32_t offset);

}  // namespace stackc::syntax
