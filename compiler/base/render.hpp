// Rendering diagnostics for people (text) and machines (JSON, SARIF 2.1.0).
#pragma once

#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"

namespace stackc::base {

enum class Format { Text, Json, Sarif };

struct RenderOptions {
  Format format = Format::Text;
  bool color = false;
  std::string tool_version;
};

// Renders diagnostics (already in their final order) to one string.
std::string render(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                   const RenderOptions& opt);

}  // namespace stackc::base
