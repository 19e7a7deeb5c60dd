// A fast reader for the plain block YAML that `stackc build` prints (and most tools write):
// block mappings and sequences, plain, single- and double-quoted scalars on one line, `{}` and
// `[]`, literal block scalars (`|`, `|-`, `|+`) and comments. It gives the documents that
// manifests::parse gives for such a file (the same nodes, types and positions), about twenty
// times faster than yaml-cpp's event parser. Anything else (anchors, tags, flow collections,
// folded or multi-line scalars, a repeated key, a document that is not a Kubernetes object...)
// makes it give up on the file, which is then read by yaml-cpp: errors are always reported by
// that one reader. manifests::parse tries it first.
#pragma once

#include <optional>
#include <vector>

#include "base/source.hpp"
#include "manifests/yaml.hpp"

namespace stackc::manifests {

// The documents of `file` (Kubernetes objects, as parse() gives them), or nothing when the file
// is not entirely in the plain subset.
std::optional<std::vector<Document>> read_block(const base::SourceManager& sm, base::FileId file);

}  // namespace stackc::manifests
