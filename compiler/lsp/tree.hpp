// Where an offset is in a syntax tree: the chain of statements around it, each with the schema
// kind its body has (a top-level kind, a field's block, the same kind inside `when` and
// `version`, a template's `for` kind).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "check/schema.hpp"
#include "syntax/ast.hpp"

namespace stackc::lsp {

struct Frame {
  const ast::Stmt* stmt = nullptr;
  const check::Kind* parent = nullptr;  // the kind whose body holds the statement (null: top)
  const check::Field* field = nullptr;  // the statement's field in `parent`, if any
  const check::Kind* kind = nullptr;    // the kind of the statement's own body, if any
};

// The statements containing `offset`, outermost first.
std::vector<Frame> frames_at(const ast::File& file, std::uint32_t offset);

// The kind of a top-level statement's body (`template NAME for KIND` has KIND's).
const check::Kind* top_body_kind(const ast::Stmt& s);
// The kind of a nested statement's body in `parent`.
const check::Kind* inner_body_kind(const ast::Stmt& s, const check::Kind* parent);

// A field's hover and completion text (markdown): doc, type, choices, default, bounds, units.
std::string field_doc(const check::Field& f);

// What a quantity's unit suffixes mean for a field type; empty for other types.
std::string_view unit_help(check::Type t);

}  // namespace stackc::lsp
