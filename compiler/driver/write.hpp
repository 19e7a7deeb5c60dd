// Writing the emitters' output to disk safely, and comparing it with what is there.
//
// The output folder holds a manifest, `.stackc-manifest`, that lists the files stackc generated.
// A build writes new files in place and changed files to a temporary folder, and moves the changed
// files into place only when every file was written and nothing failed (on an error, in an emitter
// or on the disk, the new files are removed again and the old ones stay as they were); generated
// files that the new build no longer produces are removed; files that stackc did not generate are
// never touched. Files may be written while the build still makes others (Writer::put).
#pragma once

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "emit/output.hpp"

namespace stackc::driver {

inline constexpr const char* kManifest = ".stackc-manifest";

// Which generated paths a build covers: a build of some targets or environments leaves the
// generated files of the others alone (they are neither stale nor removed).
using Scope = std::function<bool(const std::string& path)>;
Scope scope_of(const std::vector<std::string>& targets, const std::vector<std::string>& envs);

// Adds the manifest to `out` (call once, after every emitter ran): the files of this build (those
// of `out` and the paths in `also`, written before), and the files of the last build in `dir`
// that are outside `scope` and still there.
void add_manifest(emit::Output& out, const std::string& source, const std::filesystem::path& dir,
                  const Scope& scope, const std::vector<std::string>& also = {});

struct Difference {
  char kind;  // 'M' differs, '+' missing on disk, '-' stale generated file on disk
  std::string path;
};

// The files of one build into one folder, written (or, for `build --check`, compared with what is
// on disk) as they come: put() may be called from two threads at once (each file once). Then
// either finish() (every file put, the manifest last) or abort() (the build failed).
class Writer {
 public:
  enum class Mode { Write, Compare };
  Writer(std::filesystem::path dir, Mode mode);
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;
  ~Writer();  // aborts unless finished

  // Write: creates the folder and reads what the last build generated there. False with `error`.
  bool begin(std::string& error);
  // Writes the file now: in place when it is new, to the temporary folder when it changes, not at
  // all when it is the same. Compare: notes whether it differs or is missing. An I/O error is
  // reported by finish().
  void put(const emit::File& f);
  // put() for each file, on two threads when there are many.
  void put_all(const emit::Output& out);
  // The paths put so far.
  std::vector<std::string> paths() const;
  // After begin(): a new spool (for one thread at a time), an unnamed file that lives until the
  // Writer finishes, aborts or is destroyed, in the temporary folder beside `dir` (Write) or in the
  // system's (Compare); null when it cannot be made. Any thread.
  emit::Spool* spool();

  // Write: moves the changed files into place, then removes the generated files of the last build
  // (in `scope`) that this one did not put. False with `error` (and aborted) when a file could not
  // be written or moved.
  bool finish(const Scope& scope, std::string& error);
  // Compare: every difference, with the stale files of the last build in `scope`, by path.
  std::vector<Difference> differences(const Scope& scope);
  // Undoes what put() did: new files and folders are removed, the temporary folder too.
  void abort();

 private:
  std::filesystem::path dir_, tmp_;
  Mode mode_;
  bool begun_ = false, done_ = false, fresh_ = false, made_dir_ = false;
  std::vector<std::string> old_;  // the last build's files (its manifest)
  mutable std::mutex mu_;
  std::set<std::string> made_;                   // folders made (or known to exist), by native path
  std::vector<std::filesystem::path> made_new_;  // folders made by put() and spool(), in order
  std::vector<std::string> paths_;
  std::vector<std::string>
      created_;  // by native path (a std::filesystem::path is ~10 times larger)
  std::vector<std::string> changed_;  // written to tmp_, moved into place by finish()
  std::vector<Difference> diffs_;
  std::vector<std::unique_ptr<emit::Spool>> spools_;
  std::string error_;
  void make_parent(const std::filesystem::path& p);
};

// What `build --check` reports: every file that differs from `out`, is missing, or is extra.
std::vector<Difference> compare(const std::filesystem::path& dir, const emit::Output& out,
                                const Scope& scope);

// Writes `out` into `dir` as described above. Returns false with `error` set on an I/O error; then
// the files already in `dir` are unchanged.
bool write(const std::filesystem::path& dir, const emit::Output& out, const Scope& scope,
           std::string& error);

}  // namespace stackc::driver
