#include "check/tree.hpp"

#include <fmt/format.h>

namespace stackc::check {

bool same_slot(const ast::Stmt& a, const ast::Stmt& b) {
  if (a.key != b.key || a.labels.size() != b.labels.size()) return false;
  for (std::size_t i = 0; i < a.labels.size(); ++i)
    if (a.labels[i].text != b.labels[i].text) return false;
  return true;
}

std::string slot_key(const ast::Stmt& s) {
  std::string k(s.key);
  for (const auto& l : s.labels) {
    k += fmt::format("|{}:", l.text.size());
    k += l.text;
  }
  return k;
}

MNode& MNode::slot(const ast::Stmt& s) {
  for (auto& n : kids)
    if (n.stmt && same_slot(*n.stmt, s)) return n;
  kids.push_back(MNode{});
  return kids.back();
}

const MNode* MNode::child(std::string_view k) const {
  for (const auto& n : kids)
    if (n.stmt && n.stmt->key == k && n.stmt->labels.empty()) return &n;
  return nullptr;
}

const ast::Value* MNode::value(std::string_view k) const {
  const MNode* n = child(k);
  return n && n->stmt && n->stmt->has_value() ? &n->stmt->val() : nullptr;
}

Slots::Slots(MNode& node, std::size_t incoming) : node_(node) {
  if (node.kids.size() + incoming <= kLinear) return;
  indexed_ = true;
  for (std::size_t i = 0; i < node.kids.size(); ++i)
    index_.emplace(slot_key(*node.kids[i].stmt), i);
}

MNode& Slots::of(const ast::Stmt& s) {
  if (!indexed_) return node_.slot(s);
  auto [it, fresh] = index_.emplace(slot_key(s), node_.kids.size());
  if (fresh) node_.kids.push_back(MNode{});
  return node_.kids[it->second];
}

void overlay(MNode& into, const MNode& top) {
  Slots slots(into, top.kids.size());
  for (const auto& k : top.kids) {
    MNode& slot = slots.of(*k.stmt);
    if (k.reset) {
      slot = k;
    } else {
      slot.stmt = k.stmt;
      overlay(slot, k);
    }
  }
}

}  // namespace stackc::check
