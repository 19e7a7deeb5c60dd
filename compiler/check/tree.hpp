// The merged statement tree of pass 2: a declaration's fields after its templates and its
// `when` blocks are merged in, one node per slot (key and labels).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "syntax/ast.hpp"

namespace stackc::check {

// Do two statements set the same slot (same key and labels)?
bool same_slot(const ast::Stmt& a, const ast::Stmt& b);

// The slot a statement sets, as one string (equal for statements same_slot calls the same).
std::string slot_key(const ast::Stmt& s);

// A statement tree merged from templates, the declaration and its `when` blocks.
struct MNode {
  const ast::Stmt* stmt = nullptr;  // the statement that holds this slot now
  std::vector<MNode> kids;
  // Replaced whole by a statement without a block at some point: what was under it before is
  // gone (see overlay).
  bool reset = false;

  MNode& slot(const ast::Stmt& s);
  const MNode* child(std::string_view k) const;
  const ast::Value* value(std::string_view k) const;
};

// Finds the kid of a node that holds a statement's slot, adding one when there is none. With
// many kids (a large `env` block) the kids are indexed by slot_key, so that merging n statements
// costs n look-ups rather than n * n comparisons.
class Slots {
 public:
  Slots(MNode& node, std::size_t incoming);
  // Valid until the next call.
  MNode& of(const ast::Stmt& s);

 private:
  static constexpr std::size_t kLinear = 32;
  MNode& node_;
  bool indexed_ = false;
  std::unordered_map<std::string, std::size_t> index_;
};

// Lays `top` over `into` with the effect of merging, into `into`, the statements `top` was merged
// from: a resolved template is applied this way, so each is resolved once.
void overlay(MNode& into, const MNode& top);

}  // namespace stackc::check
