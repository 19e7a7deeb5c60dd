// The loader of a stack's files, shared by `stackc check` (the driver) and `stackc lsp`: the
// embedded stdlib for `import "std/..."`, relative imports confined to the folder of the root
// file (E2014, E2015), the files a stack names beside it (`build { dockerfile }`), and the byte
// budget of a stack. Files are read from disk, or from an overlay (the editor's open buffers)
// when one is given and holds the file.
#pragma once

#include <filesystem>
#include <functional>
#include <map>
#include <set>
#include <string>

#include "base/source.hpp"
#include "check/check.hpp"
#include "load/read.hpp"

namespace stackc::load {

// The text an editor holds for a file, by the file's canonical path, in place of the file on
// disk; null when it holds none (the disk is read).
using Overlay = std::function<const std::string*(const std::string& path)>;

class Loader final : public check::Loader {
 public:
  // `root_file` is the file given on the command line (already added to `sm` as `root_id`);
  // its folder is the project root that relative imports may not leave.
  // At most `max_input` bytes are read in all, the root file's included.
  Loader(base::SourceManager& sm, const std::filesystem::path& root_file, base::FileId root_id,
         std::uint64_t max_input = kMaxInputBytes, Overlay overlay = {});
  Result load(std::string_view spec, base::FileId from) override;
  bool is_stdlib(base::FileId file) const override { return stdlib_ids_.count(file) > 0; }
  Beside beside(std::string_view path, base::FileId from, bool read, std::uint64_t max) override;
  void named(base::FileId file, base::Span where) override;

  // The canonical path of a file read from disk or the overlay (the root, imports and files
  // read beside the stack); null for the stdlib's modules.
  const std::filesystem::path* path_of(base::FileId file) const;
  // A file read beside the stack (a Dockerfile): its path from the project root, and the first
  // place the stack names it (check::Loader::named).
  struct Named {
    std::string path;
    base::Span at;
  };
  const Named* beside_file(base::FileId file) const;

 private:
  // Reads `target` (canonical) from the overlay or the disk.
  ReadResult read(const std::filesystem::path& target, std::uint64_t max, std::string& out) const;
  bool exists(const std::filesystem::path& target) const;
  // The folder of a file read from disk or the overlay; the project root for others.
  std::filesystem::path folder_of(base::FileId file) const;

  base::SourceManager& sm_;
  base::FileId root_id_;
  std::uint64_t max_input_;
  std::uint64_t read_;          // bytes read so far, the root file's included
  std::filesystem::path root_;  // canonical folder
  Overlay overlay_;
  std::map<base::FileId, std::filesystem::path> real_;  // file -> canonical path (disk files)
  std::map<std::string, base::FileId> by_key_;          // canonical path or "std/x" -> file
  std::set<base::FileId> stdlib_ids_;
  std::map<std::string, base::FileId> beside_;  // canonical path -> file read by beside()
  std::map<base::FileId, Named> named_;         // files read by beside()
};

}  // namespace stackc::load
