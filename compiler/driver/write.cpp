#include "driver/write.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

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

// Writes a file, creating its folder once (folders already made are remembered). A file made of
// parts is written with one writev per 1024 parts, without joining them first.
bool write_file(const fs::path& p, const emit::File& f, std::set<fs::path>* made = nullptr) {
  std::error_code ec;
  fs::path parent = p.parent_path();
  if (!made || made->insert(parent).second) fs::create_directories(parent, ec);
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  std::vector<iovec> iov;
  iov.reserve(1 + f.parts.size());
  auto add = [&](std::string_view s) {
    if (!s.empty()) iov.push_back({const_cast<char*>(s.data()), s.size()});
  };
  add(f.text);
  for (auto part : f.parts) add(part);
  bool ok = true;
  for (std::size_t i = 0; ok && i < iov.size();) {
    int n = static_cast<int>(std::min<std::size_t>(iov.size() - i, 1024));
    ssize_t w = ::writev(fd, iov.data() + i, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    // Whatever a short write left is written on the next round.
    auto left = static_cast<std::size_t>(w);
    while (i < iov.size() && left >= iov[i].iov_len) left -= iov[i++].iov_len;
    if (left > 0) {
      iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + left;
      iov[i].iov_len -= left;
    }
  }
  return ::close(fd) == 0 && ok;
}

// What is on disk at a generated file's path.
enum class OnDisk : unsigned char { Same, Differs, Missing };

// The state of `f` at `p`: a file of another size differs without being read; one of the same
// size is read a chunk at a time into `buf` (reused from file to file) and compared. Missing: no
// file that can be read (nothing there, a folder, no permission).
OnDisk on_disk(const fs::path& p, const emit::File& f, std::vector<char>& buf) {
  int fd = ::open(p.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return OnDisk::Missing;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return OnDisk::Missing;
  }
  const auto size = static_cast<std::size_t>(st.st_size);
  OnDisk state = size == f.size() ? OnDisk::Same : OnDisk::Differs;
  std::size_t got = 0;
  while (state == OnDisk::Same) {
    ssize_t n = ::read(fd, buf.data(), buf.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    auto chunk = std::string_view(buf.data(), static_cast<std::size_t>(n));
    // More than its size (it grew while read), or other bytes: it differs.
    if (got + chunk.size() > size || !f.matches(got, chunk)) state = OnDisk::Differs;
    got += chunk.size();
  }
  ::close(fd);
  if (state == OnDisk::Same && got != size) state = OnDisk::Differs;
  return state;
}

// on_disk for every file of `out`, on two threads when there are many (reading and comparing
// thousands of files is the kernel's and the memory's work, and it overlaps).
std::vector<OnDisk> on_disk_all(const fs::path& dir, const emit::Output& out) {
  std::vector<OnDisk> states(out.files.size());
  auto work = [&](std::size_t from, std::size_t step) {
    std::vector<char> buf(1 << 20);
    for (std::size_t i = from; i < out.files.size(); i += step)
      states[i] = on_disk(dir / out.files[i].path, out.files[i], buf);
  };
  if (out.files.size() < 64) {
    work(0, 1);
  } else {
    std::thread other(work, 1, 2);
    work(0, 2);
    other.join();
  }
  return states;
}

}  // namespace

Scope scope_of(const std::vector<std::string>& targets, const std::vector<std::string>& envs) {
  return [targets, envs](const std::string& path) {
    std::vector<std::string> parts;
    for (std::size_t start = 0;;) {
      auto slash = path.find('/', start);
      parts.push_back(
          path.substr(start, slash == std::string::npos ? std::string::npos : slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    const std::string& target = parts[0];
    if (target != "docs" && parts.size() > 1 &&
        std::find(targets.begin(), targets.end(), target) == targets.end())
      return false;
    std::string env;  // empty: the same for every environment
    const std::string& file = parts.back();
    // The restore runbooks come with the backup target.
    if (target == "docs" && file.rfind("restore-", 0) == 0 &&
        std::find(targets.begin(), targets.end(), "backup") == targets.end())
      return false;
    if ((target == "kubernetes" || target == "monitoring" || target == "backup") &&
        parts.size() > 2)
      env = parts[1];
    if (target == "kustomize" && parts.size() > 3 && parts[1] == "overlays") env = parts[2];
    if (target == "helm" && file.rfind("values-", 0) == 0) env = file.substr(7, file.size() - 12);
    if (target == "docs" && (file.rfind("graph-", 0) == 0 || file.rfind("capacity-", 0) == 0)) {
      auto dash = file.find('-');
      auto dot = file.rfind('.');
      if (dash != std::string::npos && dot != std::string::npos && dot > dash)
        env = file.substr(dash + 1, dot - dash - 1);
    }
    return env.empty() || envs.empty() || std::find(envs.begin(), envs.end(), env) != envs.end();
  };
}

void add_manifest(emit::Output& out, const std::string& source, const fs::path& dir,
                  const Scope& scope) {
  std::set<std::string> paths;
  for (const auto& f : out.files) paths.insert(f.path);
  std::error_code ec;
  for (const auto& old : manifest_entries(dir))
    if (!scope(old) && fs::exists(dir / old, ec)) paths.insert(old);
  std::string text =
      emit::header(source) + "# The files stackc generated here; others are never touched.\n";
  for (const auto& p : paths) text += p + "\n";
  out.add(kManifest, std::move(text));
}

std::vector<Difference> compare(const fs::path& dir, const emit::Output& out, const Scope& scope) {
  std::vector<Difference> diffs;
  std::set<std::string> now;
  auto states = on_disk_all(dir, out);
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    const auto& f = out.files[i];
    now.insert(f.path);
    if (states[i] == OnDisk::Missing)
      diffs.push_back({'+', f.path});
    else if (states[i] == OnDisk::Differs)
      diffs.push_back({'M', f.path});
  }
  for (const auto& old : manifest_entries(dir)) {
    std::error_code ec;
    if (!now.count(old) && scope(old) && fs::exists(dir / old, ec)) diffs.push_back({'-', old});
  }
  std::sort(diffs.begin(), diffs.end(),
            [](const Difference& a, const Difference& b) { return a.path < b.path; });
  return diffs;
}

bool write(const fs::path& dir, const emit::Output& out, const Scope& scope, std::string& error) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) {
    error = fmt::format("cannot create `{}`: {}", dir.string(), ec.message());
    return false;
  }
  auto old = manifest_entries(dir);
  // A folder that was empty has nothing to compare with: every file is new.
  const bool fresh = fs::is_empty(dir, ec);
  std::set<fs::path> made;
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
  // Into an empty folder, every file is new: the folders are made first, then the files are
  // written by two threads (creating many small files is the kernel's work, and it overlaps).
  // Each thread takes one half of the sorted paths, so the two mostly create files in different
  // folders and do not wait on one folder's lock (about 10% less time than alternate files).
  if (fresh) {
    for (const auto& f : out.files) {
      fs::path parent = (dir / f.path).parent_path();
      if (made.insert(parent).second) fs::create_directories(parent, ec);
    }
    std::atomic<bool> ok{true};
    std::atomic<std::size_t> failed_at{out.files.size()};
    auto work = [&](std::size_t from, std::size_t to) {
      for (std::size_t i = from; i < to && ok; ++i)
        if (!write_file(dir / out.files[i].path, out.files[i])) {
          ok = false;
          failed_at = i;
        }
    };
    const std::size_t half = out.files.size() / 2;
    std::thread other(work, half, out.files.size());
    work(0, half);
    other.join();
    if (!ok) {
      for (const auto& f : out.files) fs::remove(dir / f.path, ec);
      return fail(fmt::format("cannot write `{}`", (dir / out.files[failed_at].path).string()));
    }
    return true;
  }
  auto states = on_disk_all(dir, out);
  for (std::size_t i = 0; i < out.files.size(); ++i) {
    const auto& f = out.files[i];
    fs::path dest = dir / f.path;
    if (states[i] != OnDisk::Missing) {
      if (states[i] == OnDisk::Same) continue;
      if (!write_file(tmp / f.path, f, &made))
        return fail(fmt::format("cannot write `{}`", (tmp / f.path).string()));
      changed.push_back(&f);
    } else {
      if (!write_file(dest, f, &made)) return fail(fmt::format("cannot write `{}`", dest.string()));
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
    if (now.count(p) || !scope(p)) continue;
    fs::remove(dir / p, ec);
    for (fs::path parent = (dir / p).parent_path(); parent != dir && fs::is_empty(parent, ec);
         parent = parent.parent_path())
      fs::remove(parent, ec);
  }
  return true;
}

}  // namespace stackc::driver
