// Reading existing manifests: YAML text (Kubernetes objects, docker-compose files) -> a tree of
// located nodes, with yaml-cpp's event parser. `stackc import` and `stackc diff` read their
// input through here; every node keeps its span, so what they report points into the file.
//
// Scalars are typed as Kubernetes reads them (sigs.k8s.io/yaml, YAML 1.1 booleans included):
// a plain `80` is an integer, `"80"` a string, `yes` a boolean, `~` null. Anchors and aliases are
// expanded (within a budget: an alias bomb is an error, never a hang); merge keys (`<<`) are
// ordinary keys.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"

namespace stackc::manifests {

enum class Type : std::uint8_t { Null, Bool, Int, Float, String, Seq, Map };

struct Node {
  Type type = Type::Null;
  // A scalar's text; a collection's, from its first entry to the end of its last one.
  base::Span span;
  std::string text;  // a scalar as written (decoded); empty for collections
  // A sequence's elements; a mapping's keys and values, alternating (key, value, key, value...).
  std::vector<Node> items;

  bool is_map() const { return type == Type::Map; }
  bool is_seq() const { return type == Type::Seq; }
  bool is_scalar() const { return type != Type::Seq && type != Type::Map; }
  // A mapping's number of entries, a sequence's number of elements.
  std::size_t size() const { return type == Type::Map ? items.size() / 2 : items.size(); }
  // A mapping's value for a scalar key, or null when absent (or not a mapping).
  const Node* get(std::string_view key) const;
  // A mapping's entry i: its key and value.
  const Node& key(std::size_t i) const { return items[2 * i]; }
  const Node& value(std::size_t i) const { return items[2 * i + 1]; }
  // The value of a key that is a string scalar, or "" (absent, or not a scalar).
  std::string_view str(std::string_view key) const;
};

// One YAML document that holds a Kubernetes object (or, for compose files, the whole file).
struct Document {
  Node root;
  base::Span span;  // where the document starts
  // From the root mapping; empty when absent.
  std::string api_version, kind, ns, name;
};

// The deepest nesting read (E5003 beyond); yaml-cpp's own limit is higher.
inline constexpr std::size_t kMaxDepth = 200;

// Reads every document of `file`. Empty documents are skipped; the items of a `kind: List` are
// documents of their own. Malformed YAML is E5001 at its place (the documents before it are
// kept); a document that is not a mapping, or has no `kind`, is E5002 (when `objects`, i.e.
// Kubernetes input); an alias that expands beyond the budget or nesting deeper than kMaxDepth is
// E5003; a key given twice in one mapping is E5004. Never throws.
// Kubernetes input in plain block YAML (what `stackc build` prints) is read by a faster reader
// (block.hpp) that gives the same documents; anything else by yaml-cpp.
std::vector<Document> parse(const base::SourceManager& sm, base::FileId file, base::Sink& sink,
                            bool objects = true);

// parse() with yaml-cpp only (to test the faster reader against).
std::vector<Document> parse_events(const base::SourceManager& sm, base::FileId file,
                                   base::Sink& sink, bool objects = true);

// How Kubernetes (go-yaml v2, YAML 1.1) types a plain (unquoted, untagged) scalar.
Type plain_scalar_type(std::string_view text);

// The lines of the source that `span` covers, whole (for comments that quote the input).
std::string_view source_lines(const base::SourceManager& sm, base::Span span);

}  // namespace stackc::manifests
