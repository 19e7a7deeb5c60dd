// `stackc import PATH... [-o FILE] [--env NAME=PATH ...]`: existing manifests -> a .stack file.
#pragma once

#include <cstdint>
#include <iosfwd>
#include <string>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"

namespace stackc::driver {

struct ImportOptions {
  std::vector<std::string> paths;  // files, folders (read recursively), `-` for stdin
  std::vector<std::string> envs;   // NAME=PATH, each an environment
  std::string out;                 // the .stack file to write; empty: stdout
  std::uint64_t max_input = 0;     // per file and in all
};

// Reads the input, imports it and writes the .stack text to `out` (the stream) or to
// `options.out`. Diagnostics go to `sink` (in `sm`) for the caller to render. Returns the exit
// status: 0, 1 (errors in the input), 2 (usage, an input that cannot be read, a file that cannot
// be written); `usage` is set for a usage error (the caller prints it).
// `note`, on success, is the one-line summary the text mode prints on stderr.
int run_import(const ImportOptions& options, base::SourceManager& sm, base::Collector& sink,
               std::ostream& out, std::string& usage, std::string& note);

}  // namespace stackc::driver
