// The template graph: which template builds on which through `from`. Checked once for cycles
// (E2021, one report per cycle) and for chains longer than kTemplateChainLimit (E2026), in time
// linear in the templates and their `from` names, without recursion (a chain may be 100,000
// templates long). Its order lets the checker resolve each template once, after those it names.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"

namespace stackc::check {

// The most templates one chain of `from` may stack (a template on a template on ...).
constexpr std::size_t kTemplateChainLimit = 32;

struct TemplateNode {
  struct Edge {
    std::size_t to;   // index of the template named
    base::Span span;  // the name in `from`
  };
  std::string_view name;
  base::Span name_span;
  std::vector<Edge> from;  // in the order written
};

// Reports E2021 once per strongly connected set of templates (at the one declared first, i.e.
// the lowest index, with one cycle through it as the path) and E2026 at every `from` that makes
// a chain longer than kTemplateChainLimit. Returns every template not on or above a cycle, each
// after the templates its `from` names.
std::vector<std::size_t> check_templates(const std::vector<TemplateNode>& nodes, base::Sink& sink);

// "a -> b -> c -> a", with the middle of a long path left out: "a -> b -> ... 95 more ... -> a".
std::string cycle_path(const std::vector<std::string_view>& names);

}  // namespace stackc::check
