// The checker's entry: syntax trees -> the checked model, resolved per environment.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
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
};

struct Result {
  std::vector<ast::File> files;       // the root first, then imports in load order
  std::optional<model::Model> model;  // set when there were no errors
};

// Parses the imports of `root`, checks everything, and builds the model. Every problem goes to
// the sink; the model is returned only when no error was reported.
Result check(const base::SourceManager& sm, ast::File root, Loader& loader, base::Sink& sink);

}  // namespace stackc::check
