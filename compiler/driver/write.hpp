// Writing the emitters' output to disk safely, and comparing it with what is there.
//
// The output folder holds a manifest, `.stackc-manifest`, that lists the files stackc generated.
// A build runs only after every emitter succeeded. It writes new files in place and changed files
// to a temporary folder, and moves the changed files into place only when all files were written
// (on an error, the new files are removed again and the old ones stay as they were); generated
// files that the new build no longer produces are removed; files that stackc did not generate are
// never touched.
#pragma once

#include <filesystem>
#include <functional>
#include <string>
#include <vector>

#include "emit/output.hpp"

namespace stackc::driver {

inline constexpr const char* kManifest = ".stackc-manifest";

// Which generated paths a build covers: a build of some targets or environments leaves the
// generated files of the others alone (they are neither stale nor removed).
using Scope = std::function<bool(const std::string& path)>;
Scope scope_of(const std::vector<std::string>& targets, const std::vector<std::string>& envs);

// Adds the manifest to `out` (call once, after every emitter ran): the files of this build, and
// the files of the last build in `dir` that are outside `scope` and still there.
void add_manifest(emit::Output& out, const std::string& source, const std::filesystem::path& dir,
                  const Scope& scope);

struct Difference {
  char kind;  // 'M' differs, '+' missing on disk, '-' stale generated file on disk
  std::string path;
};

// What `build --check` reports: every file that differs from `out`, is missing, or is extra.
std::vector<Difference> compare(const std::filesystem::path& dir, const emit::Output& out,
                                const Scope& scope);

// Writes `out` into `dir` as described above. Returns false with `error` set on an I/O error; then
// the files already in `dir` are unchanged.
bool write(const std::filesystem::path& dir, const emit::Output& out, const Scope& scope,
           std::string& error);

}  // namespace stackc::driver
