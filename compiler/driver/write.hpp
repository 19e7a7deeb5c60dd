// Writing the emitters' output to disk safely, and comparing it with what is there.
//
// The output folder holds a manifest, `.stackc-manifest`, that lists the files stackc generated.
// A build takes a lock on the folder (a second build into it waits), writes every new or changed
// file into the staging folder `.stackc-tmp/` inside it, and only when every file was written and
// nothing failed replaces the old build with the new one through a journal (driver/journal.hpp):
// after a kill at any moment the next run finds the folder holding the old build or finishes the
// new one. Generated files that the new build no longer produces are removed; files that stackc
// did not generate are never touched. Nothing below the folder is reached through a symbolic link
// (driver/confined.hpp). Files may be written while the build still makes others (Writer::put).
#pragma once

#include <sys/uio.h>

#include <filesystem>
#include <functional>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "driver/confined.hpp"
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
  // 'M' differs, '+' missing on disk, '-' stale generated file on disk, '?' a file in a generated
  // folder that no manifest lists, '!' cannot be compared safely (`why` says what is in the way)
  char kind;
  std::string path;
  std::string why;
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

  // Takes the folder's lock (calling `waiting` first when another stackc holds it), finishes or
  // undoes what an interrupted build left there, and reads what the last build generated.
  // Write: creates the folder and the staging folder. False with `error`.
  bool begin(std::string& error, const std::function<void()>& waiting = {});
  // Whether files in generated folders that no manifest lists are reported (not for a folder
  // shared with other tools, such as `.github/`). Before begin().
  void report_unlisted(bool on) { unlisted_ = on; }
  // What the user should hear (an interrupted build finished or undone, files in generated
  // folders that stackc did not generate), one sentence each; after finish() or differences().
  const std::vector<std::string>& notes() const { return notes_; }
  // Whether the build failed because a symbolic link (or a folder) stood where it writes or
  // removes a file (E0005) rather than on an I/O error (E0001).
  bool unsafe() const { return unsafe_; }
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

  // Write: replaces the last build with this one (the changed and new files moved into place, the
  // generated files of the last build in `scope` that this one did not put removed), through the
  // journal. False with `error` when a file could not be written (then aborted: nothing changed)
  // or moved (then the journal stays, and the next run finishes it).
  bool finish(const Scope& scope, std::string& error);
  // Compare: every difference, with the stale files of the last build in `scope`, by path.
  std::vector<Difference> differences(const Scope& scope);
  // Undoes what put() did: the staging folder is removed (and the output folder, if begin() made
  // it and it is empty).
  void abort();

 private:
  std::filesystem::path dir_;
  Mode mode_;
  bool begun_ = false, done_ = false, fresh_ = false, made_dir_ = false, unlisted_ = true;
  bool unsafe_ = false;
  std::unique_ptr<Confined> out_;    // the output folder (null: it does not exist, Compare)
  std::unique_ptr<Confined> stage_;  // its staging folder (Write)
  std::vector<std::string> old_;     // the last build's files (its manifest)
  mutable std::mutex mu_;
  std::vector<std::string> paths_;
  std::vector<std::string> staged_;  // written to the staging folder: new or changed
  std::vector<Difference> diffs_;
  std::vector<std::string> notes_;
  std::vector<std::unique_ptr<emit::Spool>> spools_;
  std::string error_;
  std::vector<std::string> unlisted(const std::vector<std::string>& also_known) const;
};

// A spool in the system's temporary folder (an unnamed file, gone with the process); null when
// none can be made.
std::unique_ptr<emit::Spool> temp_spool();
// An unnamed file in the system's temporary folder, open for reading and writing (gone with the
// process, or when closed); -1 when none can be made.
int temp_file();
// Writes every byte of `iov` to `fd`, one writev per 1024 pieces (a short write goes on where it
// stopped). Empties `iov`.
bool write_all(int fd, std::vector<iovec>& iov);

// What `build --check` reports: every file that differs from `out`, is missing, or is extra.
// `unlisted`: whether files in generated folders that no manifest lists are reported.
std::vector<Difference> compare(const std::filesystem::path& dir, const emit::Output& out,
                                const Scope& scope, bool unlisted = true);

// Writes `out` into `dir` as described above. Returns false with `error` set on an I/O error; then
// the files already in `dir` are unchanged. `notes`, when given, receives Writer::notes().
bool write(const std::filesystem::path& dir, const emit::Output& out, const Scope& scope,
           std::string& error, std::vector<std::string>* notes = nullptr, bool unlisted = true,
           bool* unsafe = nullptr);

}  // namespace stackc::driver
