// The checker's entry: syntax trees -> the checked model, resolved per environment.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "check/symbols.hpp"
#include "model/model.hpp"
#include "syntax/ast.hpp"

namespace stackc::check {

// Resolves `import` paths. The driver's loader reads the file system (confined to the project
// root) and the stdlib embedded in the binary; tests use an in-memory one.
class Loader {
 public:
  struct Result {
    std::optional<base::FileId> file;  // set on success
    base::Code code = base::Code::E2014;
    std::string message;
    std::string help;
  };
  virtual ~Loader() = default;
  // `spec` as written in `import "..."`, imported from `from`. The same file must come back with
  // the same id, so that cycles and repeated imports are recognised.
  virtual Result load(std::string_view spec, base::FileId from) = 0;
  // True for files of the embedded stdlib.
  virtual bool is_stdlib(base::FileId file) const = 0;

  // A file or folder the stack names by a path relative to the file that writes it (a build
  // context, a Dockerfile: check/dockerfiles.cpp), confined to the project root like imports.
  struct Beside {
    enum class Status {
      File,         // a regular file (read when asked: `file` is set)
      Folder,       // a folder
      Unavailable,  // this loader reads no files (unit tests, the stdlib): nothing to check
      Outside,      // outside the project root (or an absolute path)
      Missing,      // nothing there
      NotRegular,   // a FIFO, a device, a socket
      TooLarge,     // a file over the size asked for
      Unreadable,   // the operating system refuses (`reason` says why)
    } status = Status::Unavailable;
    std::string path;    // from the project root, normalised: `services/api/Dockerfile`
    std::string reason;  // the operating system's, when it failed
    std::optional<base::FileId> file;  // read: the file, in the SourceManager
  };
  // What is at `path` (relative to the folder of `from`). With `read`, a regular file of at most
  // `max` bytes is read and added to the SourceManager, once per file.
  virtual Beside beside(std::string_view path, base::FileId from, bool read, std::uint64_t max);
  // Where the stack names a file that beside() read (a Dockerfile: its `dockerfile`, `context`
  // or `build`), so that an editor can show that file's diagnostics there too.
  virtual void named(base::FileId file, base::Span where) {
    (void)file;
    (void)where;
  }
};

struct Result {
  std::vector<ast::File> files;       // the root first, then imports in load order
  std::optional<model::Model> model;  // set when there were no errors
  // The declarations the checker resolved names by (symbols.hpp); Index::add() adds the rest.
  Index index;
};

// Parses the imports of `root`, checks everything, and builds the model. Every problem goes to
// the sink; the model is returned only when no error was reported.
Result check(const base::SourceManager& sm, ast::File root, Loader& loader, base::Sink& sink);

}  // namespace stackc::check
