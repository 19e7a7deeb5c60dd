// A fast reader for the plain block YAML that `stackc build` prints (and most tools write):
// block mappings and sequences, plain, single- and double-quoted scalars on one line, `{}` and
// `[]`, literal block scalars (`|`, `|-`, `|+`) and comments. It gives the documents that
// manifests::parse gives for such a file (the same nodes, types and positions), about twenty
// times faster than yaml-cpp's event parser. Anything else (anchors, tags, flow collections,
// folded or multi-line scalars, a repeated key, a document that is not a Kubernetes object...)
// makes it give up on the file, which is then read by manifests::parse: errors are always
// reported by that one reader.
#pragma once

#include <optional>
#include <vector>

#include "base/source.hpp"
#include "manifests/yaml.hpp"

namespace stackc::diff {

// The documents of `file`, or nothing when the file is not entirely in the plain subset.
std::optional<std::vector<manifests::Document>> read_block_yaml(const base::SourceManager& sm,
                                                                base::FileId file);

// The documents of `file`: through read_block_yaml when it can, else manifests::parse.
std::vector<manifests::Document> read_manifests(const base::SourceManager& sm, base::FileId file,
                                                base::Sink& sink);

}  // namespace stackc::diff
