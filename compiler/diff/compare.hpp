// The comparison: the stack's objects and the manifests' matched by kind, namespace and name
// (an object of the manifests without a namespace matches the stack's object of that kind and
// name in whichever namespace), then walked field by field after normalisation. Linear in the
// size of both sides: objects and keyed lists are matched through hash maps and sorted keys.
#pragma once

#include <array>
#include <deque>
#include <string>
#include <vector>

#include "diff/hardening.hpp"
#include "diff/normalize.hpp"

namespace stackc::diff {

struct Difference {
  std::string object;  // "Deployment/shop/api"
  std::string kind, ns, name;
  std::string path;                // "" for a whole object one side lacks
  const Value* stack = nullptr;    // null: absent in the stack
  const Value* against = nullptr;  // null: absent in the manifests
  // Where the manifests have it: the value, or (absent there) the mapping it would be in, or
  // the object.
  base::Span span;
  Group group = Group::None;
};

struct Result {
  Side stack, against;
  std::vector<Difference> differences;  // the differences, then the hardening; each by object
  std::size_t objects_stack = 0, objects_against = 0, matched = 0;
  std::size_t fields = 0;  // scalars compared in the objects both sides have
  std::array<std::size_t, kGroups> per_group{};
  std::size_t count(Group g) const { return per_group[static_cast<std::size_t>(g)]; }
  std::size_t intended() const;  // the hardening (every group but None)
  std::deque<Value> made;        // values the comparison made (a container's name)
};

Result compare(Side stack, Side against);

}  // namespace stackc::diff
