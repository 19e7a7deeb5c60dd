#include "fuzz_one.hpp"

#include <string>

#include "base/diagnostics.hpp"
#include "base/render.hpp"
#include "check/check.hpp"
#include "model/model.hpp"
#include "stdlib/stdlib.hpp"
#include "syntax/dump.hpp"
#include "syntax/format.hpp"
#include "syntax/parse.hpp"

namespace stackc::fuzz {
namespace {

// Imports resolve against the embedded stdlib only; relative imports are reported missing.
class StdlibLoader final : public check::Loader {
 public:
  explicit StdlibLoader(base::SourceManager& sm) : sm_(sm) {}
  Result load(std::string_view spec, base::FileId) override {
    Result r;
    auto text = stdlib::find(spec);
    if (!text) {
      r.message = "not found";
      return r;
    }
    std::string key(spec);
    for (const auto& [k, id] : loaded_)
      if (k == key) {
        r.file = id;
        return r;
      }
    r.file = sm_.add(key, std::string(*text));
    loaded_.emplace_back(key, *r.file);
    return r;
  }
  bool is_stdlib(base::FileId) const override { return true; }

 private:
  base::SourceManager& sm_;
  std::vector<std::pair<std::string, base::FileId>> loaded_;
};

}  // namespace

void run_one(const std::uint8_t* data, std::size_t size) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("fuzz.stack", std::string(reinterpret_cast<const char*>(data), size));
  ast::File tree = syntax::parse(sm, id, sink);
  (void)syntax::dump_json(sm, tree);
  if (tree.ok) {
    std::string once = syntax::format(sm, tree);
    // The formatter's output must parse again and be a fixed point.
    base::SourceManager sm2;
    base::Collector sink2;
    auto id2 = sm2.add("fuzz.stack", once);
    ast::File again = syntax::parse(sm2, id2, sink2);
    if (!again.ok || syntax::format(sm2, again) != once) __builtin_trap();
  }
  StdlibLoader loader(sm);
  auto result = check::check(sm, std::move(tree), loader, sink);
  if (result.model) (void)model::to_json(*result.model);
  (void)base::render(sm, sink.sorted(), {});
  (void)base::render(sm, sink.sorted(), {base::Format::Sarif, false, "fuzz"});
}

}  // namespace stackc::fuzz
