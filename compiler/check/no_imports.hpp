// A Loader for stacks of one file, as the unit tests write them: every import fails (E2014,
// "cannot find").
#pragma once

#include <string>
#include <string_view>

#include "check/check.hpp"

namespace stackc::check {

class NoImports final : public Loader {
 public:
  Result load(std::string_view spec, base::FileId) override {
    Result r;
    r.message = "cannot find `" + std::string(spec) + "`";
    return r;
  }
  bool is_stdlib(base::FileId) const override { return false; }
};

}  // namespace stackc::check
