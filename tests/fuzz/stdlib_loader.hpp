// Imports for the fuzz targets: the embedded stdlib only; relative imports are reported missing.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "check/check.hpp"
#include "stdlib/stdlib.hpp"

namespace stackc::fuzz {

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

}  // namespace stackc::fuzz
