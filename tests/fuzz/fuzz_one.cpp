#include "fuzz_one.hpp"

#include <string>

#include "base/diagnostics.hpp"
#include "base/render.hpp"
#include "check/check.hpp"
#include "model/model.hpp"
#include "stdlib/stdlib.hpp"
#include "stdlib_loader.hpp"
#include "syntax/dump.hpp"
#include "syntax/format.hpp"
#include "syntax/parse.hpp"

namespace stackc::fuzz {
namespace {

// The checked model of a parsed tree as JSON, or "" when the checker reports an error.
std::string model_of(base::SourceManager& sm, ast::File tree, base::Collector& sink) {
  StdlibLoader loader(sm);
  auto result = check::check(sm, std::move(tree), loader, sink);
  return result.model ? model::to_json(*result.model) : std::string();
}

}  // namespace

void run_one(const std::uint8_t* data, std::size_t size) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("fuzz.stack", std::string(reinterpret_cast<const char*>(data), size));
  ast::File tree = syntax::parse(sm, id, sink);
  (void)syntax::dump_json(sm, tree);
  std::string once;
  if (tree.ok) {
    once = syntax::format(sm, tree);
    // The formatter's output must parse again and be a fixed point.
    base::SourceManager sm2;
    base::Collector sink2;
    auto id2 = sm2.add("fuzz.stack", once);
    ast::File again = syntax::parse(sm2, id2, sink2);
    if (!again.ok || syntax::format(sm2, again) != once) __builtin_trap();
  }
  bool parsed = tree.ok;
  std::string model = model_of(sm, std::move(tree), sink);
  if (parsed) {
    // ... and mean the same: the same model, or errors both times.
    base::SourceManager sm2;
    base::Collector sink2;
    auto id2 = sm2.add("fuzz.stack", once);
    if (model_of(sm2, syntax::parse(sm2, id2, sink2), sink2) != model) __builtin_trap();
  }
  (void)base::render(sm, sink.sorted(), {});
  (void)base::render(sm, sink.sorted(), {base::Format::Sarif, false, "fuzz"});
}

}  // namespace stackc::fuzz
