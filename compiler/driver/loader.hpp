// The file system side of imports: the project root, relative imports, and the embedded stdlib.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "base/source.hpp"
#include "check/check.hpp"
#include "driver/input.hpp"

namespace stackc::driver {

class FsLoader final : public check::Loader {
 public:
  // `root_file` is the file given on the command line (already added to `sm` as `root_id`);
  // its folder is the project root that relative imports may not leave.
  // At most `max_input` bytes are read in all, the root file's included.
  FsLoader(base::SourceManager& sm, const std::filesystem::path& root_file, base::FileId root_id,
           std::uint64_t max_input = kMaxInputBytes);
  Result load(std::string_view spec, base::FileId from) override;
  bool is_stdlib(base::FileId file) const override { return stdlib_ids_.count(file) > 0; }
  Beside beside(std::string_view path, base::FileId from, bool read, std::uint64_t max) override;

 private:
  base::SourceManager& sm_;
  base::FileId root_id_;
  std::uint64_t max_input_;
  std::uint64_t read_;          // bytes read so far, the root file's included
  std::filesystem::path root_;  // canonical folder
  std::map<base::FileId, std::filesystem::path> real_;  // file -> canonical path (disk files)
  std::map<std::string, base::FileId> by_key_;          // canonical path or "std/x" -> file
  std::set<base::FileId> stdlib_ids_;
  std::map<std::string, base::FileId> beside_;  // canonical path -> file read by beside()
};

}  // namespace stackc::driver
