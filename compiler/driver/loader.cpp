#include "driver/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>

#include "base/suggest.hpp"
#include "stdlib/stdlib.hpp"

namespace stackc::driver {

namespace fs = std::filesystem;

bool read_file(const fs::path& p, std::string& out, std::string& error) {
  std::error_code ec;
  if (fs::is_directory(p, ec)) {
    error = "it is a directory";
    return false;
  }
  std::FILE* f = std::fopen(p.c_str(), "rb");
  if (!f) {
    error = std::strerror(errno);
    return false;
  }
  out.clear();
  char buf[1 << 16];
  auto size = fs::file_size(p, ec);
  if (!ec) out.reserve(size);
  while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) out.append(buf, n);
  bool bad = std::ferror(f) != 0;
  std::fclose(f);
  if (bad) {
    error = "read error";
    return false;
  }
  return true;
}

FsLoader::FsLoader(base::SourceManager& sm, const fs::path& root_file, base::FileId root_id)
    : sm_(sm), root_id_(root_id) {
  std::error_code ec;
  fs::path real = fs::weakly_canonical(fs::absolute(root_file, ec), ec);
  root_ = real.parent_path();
  real_[root_id] = real;
  by_key_[real.string()] = root_id;
}

namespace {

bool inside(const fs::path& root, const fs::path& p) {
  auto r = root.begin();
  auto q = p.begin();
  for (; r != root.end(); ++r, ++q) {
    if (q == p.end() || *r != *q) return false;
  }
  return true;
}

}  // namespace

check::Loader::Result FsLoader::load(std::string_view spec_view, base::FileId from) {
  Result res;
  std::string spec(spec_view);
  if (spec.rfind("std/", 0) == 0) {
    std::string key = spec;
    if (key.size() > 6 && key.substr(key.size() - 6) == ".stack") key.resize(key.size() - 6);
    if (auto it = by_key_.find(key); it != by_key_.end()) {
      res.file = it->second;
      return res;
    }
    auto text = stdlib::find(key);
    if (!text) {
      res.code = base::Code::E2014;
      res.message = fmt::format("the stdlib has no module `{}`", key);
      auto hint = base::did_you_mean(key, stdlib::modules());
      res.help = hint.empty()
                     ? fmt::format("the stdlib modules are: {}", fmt::join(stdlib::modules(), ", "))
                     : hint;
      return res;
    }
    base::FileId id = sm_.add(key + ".stack", std::string(*text));
    by_key_[key] = id;
    stdlib_ids_.insert(id);
    res.file = id;
    return res;
  }
  if (spec.rfind("./", 0) != 0 && spec.rfind("../", 0) != 0) {
    res.code = base::Code::E2014;
    res.message = fmt::format("`{}` is not an import path", spec);
    res.help =
        "import a stdlib module as `std/NAME` or a file of the project as `./path/file.stack`";
    return res;
  }
  if (stdlib_ids_.count(from)) {
    res.code = base::Code::E2015;
    res.message = fmt::format("a stdlib module cannot import `{}` from the project", spec);
    res.help = "stdlib modules import only `std/...`";
    return res;
  }
  if (fs::path(spec).extension() != ".stack" && !spec.empty() && spec.back() != '/') {
    std::error_code dir_ec;
    auto from_dir = real_.count(from) ? real_[from].parent_path() : root_;
    if (!fs::is_directory(from_dir / spec, dir_ec)) {
      res.code = base::Code::E2014;
      res.message = fmt::format("`{}` is not a .stack file", spec);
      res.help = "imports name .stack files: `import \"./common.stack\"`";
      return res;
    }
  }
  auto from_it = real_.find(from);
  fs::path base_dir = from_it != real_.end() ? from_it->second.parent_path() : root_;
  std::error_code ec;
  fs::path target = fs::weakly_canonical(base_dir / spec, ec);
  if (ec || !inside(root_, target)) {
    res.code = base::Code::E2015;
    res.message = fmt::format("`{}` is outside the project root (the folder of `{}`)", spec,
                              fs::path(sm_.file(root_id_).path()).filename().string());
    res.help =
        "imports stay inside the folder of the file given to stackc; move the file into the "
        "project";
    return res;
  }
  if (auto it = by_key_.find(target.string()); it != by_key_.end()) {
    res.file = it->second;
    return res;
  }
  // Display path: the importer's display folder joined with the spec.
  fs::path shown = (fs::path(sm_.file(from).path()).parent_path() / spec).lexically_normal();
  if (!fs::exists(target, ec)) {
    res.code = base::Code::E2014;
    res.message = fmt::format("cannot find `{}`", spec);
    std::vector<std::string> siblings;
    for (const auto& e : fs::directory_iterator(target.parent_path(), ec))
      if (e.path().extension() == ".stack") siblings.push_back("./" + e.path().filename().string());
    std::sort(siblings.begin(), siblings.end());
    std::string file_name = "./" + target.filename().string();
    auto hint = base::did_you_mean(file_name, siblings);
    res.help = hint.empty() ? fmt::format("no file `{}` exists", shown.string()) : hint;
    return res;
  }
  std::string text, error;
  if (!read_file(target, text, error)) {
    res.code = base::Code::E2014;
    res.message = fmt::format("cannot import `{}`: {}", spec, error);
    res.help = fs::is_directory(target, ec) ? "import a .stack file, not a folder"
                                            : "check the file's permissions";
    return res;
  }
  base::FileId id = sm_.add(shown.string(), std::move(text));
  by_key_[target.string()] = id;
  real_[id] = target;
  res.file = id;
  return res;
}

}  // namespace stackc::driver
