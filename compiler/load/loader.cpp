#include "load/loader.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "base/suggest.hpp"
#include "stdlib/stdlib.hpp"

namespace stackc::load {

namespace fs = std::filesystem;

Loader::Loader(base::SourceManager& sm, const fs::path& root_file, base::FileId root_id,
               std::uint64_t max_input, Overlay overlay)
    : sm_(sm),
      root_id_(root_id),
      max_input_(max_input),
      read_(sm.file(root_id).text().size()),
      overlay_(std::move(overlay)) {
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

check::Loader::Result Loader::load(std::string_view spec_view, base::FileId from) {
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
    if (!fs::is_directory(folder_of(from) / spec, dir_ec)) {
      res.code = base::Code::E2014;
      res.message = fmt::format("`{}` is not a .stack file", spec);
      res.help = "imports name .stack files: `import \"./common.stack\"`";
      return res;
    }
  }
  std::error_code ec;
  fs::path target = fs::weakly_canonical(folder_of(from) / spec, ec);
  if (ec) {
    res.code = base::Code::E2014;
    res.message = ec.value() == ELOOP
                      ? fmt::format("cannot import `{}`: it is a symbolic link loop ({})", spec,
                                    std::strerror(ELOOP))
                      : fmt::format("cannot import `{}`: {}", spec, std::strerror(ec.value()));
    res.help = ec.value() == ELOOP ? "point the symbolic link at a .stack file, or import the "
                                     "file itself"
                                   : "check the path and the permissions of its folders";
    return res;
  }
  if (!inside(root_, target)) {
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
  if (!exists(target)) {
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
  std::string text;
  auto read = this->read(target, max_input_, text);
  if (!read.ok) {
    res.code = read.code == base::Code::E0001 ? base::Code::E2014 : read.code;
    res.message = fmt::format("cannot import `{}`: {}", spec, read.reason);
    res.help = read.code == base::Code::E0003   ? "import a regular .stack file"
               : read.code == base::Code::E0002 ? "split the file, or raise the limit with "
                                                  "`--max-input=BYTES`"
               : fs::is_directory(target, ec)   ? "import a .stack file, not a folder"
                                                : "check the file's permissions";
    return res;
  }
  if (read_ + text.size() > max_input_) {
    res.code = base::Code::E0002;
    res.message = fmt::format(
        "cannot import `{}` ({}): the stack would be larger than {}, the most stackc reads "
        "(the files before it take {})",
        spec, byte_size(text.size()), byte_size(max_input_), byte_size(read_));
    res.help = "split the stack, or raise the limit with `--max-input=BYTES`";
    return res;
  }
  read_ += text.size();
  base::FileId id = sm_.add(shown.string(), std::move(text));
  by_key_[target.string()] = id;
  real_[id] = target;
  res.file = id;
  return res;
}

check::Loader::Beside Loader::beside(std::string_view path_view, base::FileId from, bool read,
                                     std::uint64_t max) {
  Beside b;
  fs::path path{std::string(path_view)};
  b.path = path.lexically_normal().generic_string();
  if (stdlib_ids_.count(from)) return b;  // Unavailable: the stdlib names no files
  if (path.is_absolute()) {
    b.status = Beside::Status::Outside;
    b.reason = "it is an absolute path";
    return b;
  }
  std::error_code ec;
  fs::path target = fs::weakly_canonical(folder_of(from) / path, ec);
  if (ec) {
    b.status = Beside::Status::Unreadable;
    b.reason = std::strerror(ec.value());
    return b;
  }
  if (!inside(root_, target)) {
    b.status = Beside::Status::Outside;
    return b;
  }
  b.path = target.lexically_relative(root_).generic_string();
  if (b.path.empty()) b.path = ".";
  auto st = fs::symlink_status(target, ec);
  bool held = overlay_ && overlay_(target.string()) != nullptr;  // an editor's buffer
  if (held) {
    b.status = Beside::Status::File;
  } else if (ec || !fs::exists(st)) {
    b.status = Beside::Status::Missing;
    return b;
  } else if (fs::is_directory(st)) {
    b.status = Beside::Status::Folder;
    return b;
  } else if (!fs::is_regular_file(st)) {
    b.status = Beside::Status::NotRegular;
    b.reason = "it is not a regular file";
  } else {
    b.status = Beside::Status::File;
  }
  if (!read || b.status != Beside::Status::File) return b;
  if (auto it = beside_.find(target.string()); it != beside_.end()) {
    b.file = it->second;
    return b;
  }
  std::string text;
  auto r = this->read(target, max, text);
  if (!r.ok) {
    b.status = r.code == base::Code::E0002   ? Beside::Status::TooLarge
               : r.code == base::Code::E0003 ? Beside::Status::NotRegular
                                             : Beside::Status::Unreadable;
    b.reason = r.reason;
    return b;
  }
  fs::path shown = (fs::path(sm_.file(from).path()).parent_path() / path).lexically_normal();
  base::FileId id = sm_.add(shown.string(), std::move(text));
  beside_[target.string()] = id;
  real_[id] = target;
  named_[id] = Named{b.path, {}};
  b.file = id;
  return b;
}

fs::path Loader::folder_of(base::FileId file) const {
  auto it = real_.find(file);
  return it != real_.end() ? it->second.parent_path() : root_;
}

void Loader::named(base::FileId file, base::Span where) {
  auto it = named_.find(file);
  if (it != named_.end() && !it->second.at.valid()) it->second.at = where;
}

const fs::path* Loader::path_of(base::FileId file) const {
  auto it = real_.find(file);
  return it == real_.end() ? nullptr : &it->second;
}

const Loader::Named* Loader::beside_file(base::FileId file) const {
  auto it = named_.find(file);
  return it == named_.end() ? nullptr : &it->second;
}

ReadResult Loader::read(const fs::path& target, std::uint64_t max, std::string& out) const {
  if (const std::string* held = overlay_ ? overlay_(target.string()) : nullptr) {
    ReadResult r;
    if (held->size() > max) {
      r.code = base::Code::E0002;
      r.reason = fmt::format("it is {}; stackc reads source files of at most {}",
                             byte_size(held->size()), byte_size(max));
      out.clear();
      return r;
    }
    out = *held;
    r.ok = true;
    return r;
  }
  // The path is canonical: a symbolic link there now was put there since (O_NOFOLLOW).
  return read_source(target, max, false, out);
}

bool Loader::exists(const fs::path& target) const {
  std::error_code ec;
  return (overlay_ && overlay_(target.string()) != nullptr) || fs::exists(target, ec);
}

}  // namespace stackc::load
