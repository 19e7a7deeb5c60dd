// The one deterministic YAML writer of the emitters. Documents are emit::Doc trees (keys keep the
// order the emitter inserted them in); the printer writes block-style YAML that every YAML 1.1
// and 1.2 reader parses back to the same data.
#pragma once

#include <cstddef>
#include <string>
#include <utility>

#include "emit/doc.hpp"

namespace stackc::emit {

// Appends `doc` as YAML (no `---`, ends with a newline).
void write_yaml(std::string& out, const Doc& doc);
std::string to_yaml(const Doc& doc);

// Appends the entries of the mapping `doc` at `indent` spaces, as write_yaml writes them when the
// mapping is the value of a key at `indent - 2` (so a document can be printed in pieces).
void write_yaml_members(std::string& out, const Doc& doc, int indent);

// Appends `doc` as YAML without its `metadata.namespace` when that is `ns` (Kustomize's bases
// and overlays), without copying the document.
void write_yaml_without_namespace(std::string& out, const Doc& doc, const std::string& ns);

// Appends `doc` as YAML like write_yaml, and returns the span [begin, end) of `out` that holds its
// `metadata.namespace` line when that namespace is `ns` and the metadata has other keys ({0, 0}
// otherwise): the text without that span is exactly what write_yaml_without_namespace writes.
std::pair<std::size_t, std::size_t> write_yaml_marking_namespace(std::string& out, const Doc& doc,
                                                                 const std::string& ns);

// A scalar string as YAML: plain when that reads back as the same string, else double-quoted.
std::string yaml_string(std::string_view s);
// Whether yaml_string quotes `s`.
bool yaml_needs_quotes(std::string_view s);

}  // namespace stackc::emit
