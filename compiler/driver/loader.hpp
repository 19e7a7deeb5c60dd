// The file system side of imports: the project root, relative imports, and the embedded stdlib.
#pragma once

#include <filesystem>
#include <map>
#include <set>
#include <string>

#include "base/source.hpp"
#include "check/check.hpp"

namespace stackc::driver {

class FsLoader final : public check::Loader {
 public:
  // `root_file` is the file given on the command line (already added to `sm` as `root_id`);
  // its folder is the project root that relative imports may not leave.
  FsLoader(base::SourceManager& sm, const std::filesystem::path& root_file, base::FileId root_id);
  Result load(std::string_view spec, base::FileId from) override;
  bool is_stdlib(base::FileId file) const override { return stdlib_ids_.count(file) > 0; }

 private:
  base::SourceManager& sm_;
  base::FileId root_id_;
  std::filesystem::path root_;                          // canonical folder
  std::map<base::FileId, std::filesystem::path> real_;  // file -> canonical path (disk files)
  std::map<std::string, base::FileId> by_key_;          // canonical path or "std/x" -> file
  std::set<base::FileId> stdlib_ids_;
};

// Reads a whole file; returns false with `error` set when it cannot.
bool read_file(const std::filesystem::path& p, std::string& out, std::string& error);

}  // namespace stackc::driver
