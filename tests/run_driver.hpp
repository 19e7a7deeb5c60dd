// Runs the stackc command line in-process, for the CLI and golden tests.
#pragma once

#include <sstream>
#include <string>
#include <vector>

#include "driver/driver.hpp"

namespace stackc::testing {

struct Run {
  int code;
  std::string out, err;
};

inline Run run(const std::vector<std::string>& args) {
  std::vector<const char*> argv{"stackc"};
  for (const auto& a : args) argv.push_back(a.c_str());
  std::ostringstream out, err;
  int code = stackc::driver::run(static_cast<int>(argv.size()), argv.data(), out, err);
  return {code, out.str(), err.str()};
}

}  // namespace stackc::testing
