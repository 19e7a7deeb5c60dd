#include "driver/write.hpp"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "driver/loader.hpp"

namespace stackc::driver {
namespace fs = std::filesystem;
namespace {

std::vector<std::string> manifest_entries(const fs::path& dir) {
  std::vector<std::string> out;
  std::string text, error;
  if (!read_file(dir / kManifest, text, error)) return out;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    // Only relative paths below the folder are trusted.
    fs::path p(line);
    if (p.is_absolute() || line.find("..") != std::string::npos) continue;
    out.push_back(line);
  }
  return out;
}

bool write_file(const fs::path& p, const std::string& text) {
  std::error_code ec;
  fs::create_directories(p.parent_path(), ec);
  std::ofstream o(p, std::ios::binary | std::ios::trunc);
  o << text;
  o.close();
  return !o.fail();
}

}  // namespace

void add_manifest(emit::Output& out, const std::string& source) {
  std::vector<std::string> paths;
  for (const auto& f : out.files) paths.push_back(f.path);
  std::sort(paths.begin(), paths.end());
  std::string text =
      emit::header(source) + "# The files stackc generated here; others are never touched.\n";
  for (const auto& p : paths) text += p + "\n";
  out.add(kManifest, std::move(text));
}

std::vector<Difference> compare(const fs::path& dir, const emit::Output& out) {
  std::vector<Difference> diffs;
  std::set<std::string> now;
  for (const auto& f : out.files) {
    now.insert(f.path);
    std::string text, error;
    if (!read_file(dir / f.path, text, error))
      diffs.push_back({'+', f.path});
    else if (text != f.text)
      diffs.push_back({'M', f.path});
  }
  for (const auto& old : manifest_entries(dir)) {
    std::error_code ec;
    if (!now.count(old) && fs::exists(dir / old, ec)) diffs.push_back({'-', old});
  }
  std::sort(diffs.begin(), diffs.end(),
            [](const Difference& a, const Difference& b) { return a.path < b.path; });
  return diffs;
}

bool write(const fs::path& dir, const emit::Output& out, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = fmt::format("cannot create `{}`: {}", dir.string(), ec.message());
    return false;
  }
  auto old = manifest_entries(dir);
  // 1. New files are written in place (and removed again if anything fails); files that change
  //    are written to a temporary folder beside the output; unchanged files are left alone.
  fs::path tmp = dir;
  tmp += fmt::format(".stackc-tmp-{}", static_cast<long>(::getpid()));
  fs::remove_all(tmp, ec);
  std::vector<fs::path> created;
  std::vector<const emit::File*> changed;
  auto fail = [&](std::string what) {
    error = std::move(what);
    for (const auto& p : created) fs::remove(p, ec);
    fs::remove_all(tmp, ec);
    return false;
  };
  for (const auto& f : out.files) {
    fs::path dest = dir / f.path;
    std::string current, err;
    if (read_file(dest, current, err)) {
      if (current == f.text) continue;
      if (!write_file(tmp / f.path, f.text))
        return fail(fmt::format("cannot write `{}`", (tmp / f.path).string()));
      changed.push_back(&f);
    } else {
      if (!write_file(dest, f.text)) return fail(fmt::format("cannot write `{}`", dest.string()));
      created.push_back(dest);
    }
  }
  // 2. Everything is on disk: the changed files replace the old ones, each atomically.
  for (const auto* f : changed) {
    fs::rename(tmp / f->path, dir / f->path, ec);
    if (ec) return fail(fmt::format("cannot move `{}` into place: {}", f->path, ec.message()));
  }
  fs::remove_all(tmp, ec);
  // 3. Stale generated files go; then their folders, if empty.
  std::set<std::string> now;
  for (const auto& f : out.files) now.insert(f.path);
  for (const auto& p : old) {
    if (now.count(p)) continue;
    fs::remove(dir / p, ec);
    for (fs::path parent = (dir / p).parent_path(); parent != dir && fs::is_empty(parent, ec);
         parent = parent.parent_path())
      fs::remove(parent, ec);
  }
  return true;
}

}  // namespace stackc::driver
