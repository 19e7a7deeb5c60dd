// Rendering diagnostics for people (text) and machines (JSON, SARIF 2.1.0).
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"

namespace stackc::base {

enum class Format { Text, Json, Sarif };

// At most this many diagnostics are printed (the first ones, in their final order); text ends
// with a line saying how many errors and warnings were not shown, JSON has `"omitted": N` and
// SARIF `runs[0].properties.omittedResults` (both only when some were left out).
constexpr std::size_t kDiagnosticLimit = 200;

struct RenderOptions {
  Format format = Format::Text;
  bool color = false;
  std::string tool_version;
  std::size_t limit = kDiagnosticLimit;
};

// Renders diagnostics (already in their final order) to one string.
std::string render(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                   const RenderOptions& opt);

}  // namespace stackc::base
