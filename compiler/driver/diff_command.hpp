// `stackc diff FILE.stack --against PATH...`: builds one environment of the stack in memory
// (the objects `stackc build --stdout` prints) and compares them semantically with existing
// manifests (specs/diff.md). Exit 0 when they are the same apart from stackc's intended
// hardening, 1 when they differ or the stack has errors, 2 on usage and input errors.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "driver/input.hpp"

namespace stackc::driver {

struct DiffOptions {
  std::string file;
  std::vector<std::string> against;  // files, folders (*.yaml, *.yml), `-` for stdin
  std::string env;
  std::string format = "text";
  std::string color = "auto";
  std::uint64_t max_input = kMaxInputBytes;
};

// Adds the subcommand and its options to `app`.
CLI::App* add_diff_command(CLI::App& app, DiffOptions& o);

// `release_at_exit`: the process ends right after; its memory is not freed piece by piece.
int cmd_diff(const DiffOptions& o, std::istream& in, std::ostream& out, std::ostream& err,
             bool release_at_exit = false);

}  // namespace stackc::driver
