// The one deterministic YAML writer of the emitters. Documents are nlohmann::ordered_json trees
// (keys keep the order the emitter inserted them in); the printer writes block-style YAML that
// every YAML 1.1 and 1.2 reader parses back to the same data.
#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace stackc::emit {

using Doc = nlohmann::ordered_json;

// Appends `doc` as YAML (no `---`, ends with a newline).
void write_yaml(std::string& out, const Doc& doc);
std::string to_yaml(const Doc& doc);

// Appends `doc` as YAML without its `metadata.namespace` when that is `ns` (Kustomize's bases
// and overlays), without copying the document.
void write_yaml_without_namespace(std::string& out, const Doc& doc, const std::string& ns);

// A scalar string as YAML: plain when that reads back as the same string, else double-quoted.
std::string yaml_string(const std::string& s);

}  // namespace stackc::emit
