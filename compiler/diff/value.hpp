// The tree `stackc diff` compares: a Kubernetes object read by manifests::parse, made
// comparable. Mappings keep their entries sorted by key (lookups and the comparison walk are
// merges, never searches); a list whose elements have a key (containers by name, mounts by
// mountPath...) becomes a mapping by that key, marked `keyed`, so two lists are matched
// regardless of order. A scalar keeps two texts: the one compared (canonical: `1000m` and `1`
// give the same) and the one written, which is what a report shows.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/source.hpp"
#include "manifests/yaml.hpp"

namespace stackc::diff {

using manifests::Type;

struct Value;
struct Entry;

struct Value {
  Type type = Type::Null;
  bool keyed = false;  // a mapping made of a list keyed by one of its fields
  std::string text;    // a scalar as compared
  std::string shown;   // a scalar as written, when it differs from `text`
  base::Span span;     // where it is written (invalid for values normalisation made)
  std::vector<Entry> map;
  std::vector<Value> seq;

  bool is_map() const { return type == Type::Map; }
  bool is_seq() const { return type == Type::Seq; }
  bool is_scalar() const { return type != Type::Map && type != Type::Seq; }
  // What a report prints of a scalar.
  const std::string& written() const { return shown.empty() ? text : shown; }

  // A mapping's value for `key`, or null (not a mapping, or absent). The map must be sorted
  // (sort_keys) for find(); get() also works on a map being built.
  const Value* find(std::string_view key) const;
  Value* find(std::string_view key);
  Value* get(std::string_view key);
  const Value* get(std::string_view key) const;
  // The text of a scalar entry, or "" when absent or not a scalar.
  std::string_view str(std::string_view key) const;
  // Sets `key` (appended when absent: call sort_keys() after).
  Value& set(std::string_view key, Value v);
  // Removes `key`; true when it was there.
  bool erase(std::string_view key);
  void sort_keys();
};

struct Entry {
  std::string key;
  Value value;
};

Value scalar(std::string text, Type type = Type::String);

// The tree of a YAML node: scalars typed as Kubernetes reads them (booleans `true`/`false`,
// integers in decimal), mapping keys as their text, nulls kept (normalisation drops them).
Value from_node(const manifests::Node& n);

// Two trees the same, as compared (canonical texts; keyed maps by key).
bool equal(const Value& a, const Value& b);

// A one-line text of the value, as written (`{cpu: 500m, memory: 1Gi}`, `[a, b]`); cut to
// about `limit` characters with `...` when longer (0: never).
std::string flow(const Value& v, std::size_t limit = 0);

// A canonical text of the value as compared, for sorting lists whose order does not matter.
std::string canonical(const Value& v);

// The number of scalars in the tree.
std::size_t leaves(const Value& v);

}  // namespace stackc::diff
