// How a build replaces the files of the last one all at once, and how an interrupted build is
// finished or undone.
//
// A build writes every new or changed file into the staging folder, as `DIR/.stackc-tmp/files/`
// and the path it will have in DIR; nothing in DIR changes meanwhile. Then it writes the journal,
// the list of what to move into place and what to remove, as `.stackc-tmp/journal.new` and
// renames it to `.stackc-tmp/journal`: that rename is the commit point. Then it carries out the
// journal (each move a rename, each removal an unlink) and removes the staging folder.
//
// After a kill at any moment, the next build or `build --check` finds the staging folder first:
// with a journal, the build was committed and the journal is carried out again (every step can
// be done twice); without one, it was not, and the staging folder is removed. Either way DIR then
// holds exactly the old build or exactly the new one.
#pragma once

#include <string>
#include <vector>

#include "driver/confined.hpp"

namespace stackc::driver {

inline constexpr const char* kStaging = ".stackc-tmp";
// Below the staging folder: the staged files (at their paths), and beside them the journal.
inline constexpr const char* kStagedFiles = "files";

struct Step {
  char op;           // 'M': move `path` (a file or a whole folder) from the staging folder into
                     // place; 'D': remove the generated file `path`, then its folders while empty
  std::string path;  // relative to DIR and to the staging folder
};

// Writes the journal of `steps` into the staging folder of `out`, commits it, and carries it out
// (`files` is its folder of staged files). False
// with `error` when it fails; `committed` says whether it failed after the commit point (then
// the next run finishes it). `stop_after` is for tests: the steps carried out before stopping
// as a kill there would (nothing after them is done, not even the cleanup).
bool commit(Confined& out, Confined& files, const std::vector<Step>& steps, std::string& error,
            bool& committed, std::size_t stop_after = static_cast<std::size_t>(-1));

enum class Recovery { Clean, Finished, Undone };

// Finds what an interrupted build left in `out` and finishes it (a committed journal) or removes
// it (anything else in the staging folder). False with `error` when that fails.
// A move that something else stands in the way of (a folder where a file goes: only a planted
// journal or a change by hand leads there) is passed over and named in `skipped`, so that a
// hostile journal cannot stop every later build.
bool recover(Confined& out, Recovery& what, std::string& error,
             std::vector<std::string>* skipped = nullptr);

}  // namespace stackc::driver
