#include "driver/write.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <map>
#include <set>
#include <thread>

#include "driver/journal.hpp"

namespace stackc::driver {
namespace fs = std::filesystem;
namespace {

// The paths of the manifest in `dir`: only plain relative paths are trusted (a manifest is
// committed to a repository and can be edited by anyone).
std::vector<std::string> manifest_entries(int dir) {
  std::vector<std::string> out;
  if (dir < 0) return out;
  std::string text;
  read_at(dir, kManifest, std::size_t{64} << 20, text);
  for (std::size_t at = 0; at < text.size();) {
    auto nl = text.find('\n', at);
    std::string line = text.substr(at, nl == std::string::npos ? std::string::npos : nl - at);
    at = nl == std::string::npos ? text.size() : nl + 1;
    if (line.empty() || line[0] == '#') continue;
    if (plain_relative(line) && line.rfind(kStaging, 0) != 0) out.push_back(std::move(line));
  }
  return out;
}

}  // namespace

bool write_all(int fd, std::vector<iovec>& iov) {
  bool ok = true;
  for (std::size_t i = 0; ok && i < iov.size();) {
    int n = static_cast<int>(std::min<std::size_t>(iov.size() - i, 1024));
    ssize_t w = ::writev(fd, iov.data() + i, n);
    if (w < 0) {
      if (errno == EINTR) continue;
      ok = false;
      break;
    }
    auto left = static_cast<std::size_t>(w);
    while (i < iov.size() && left >= iov[i].iov_len) left -= iov[i++].iov_len;
    if (left > 0) {
      iov[i].iov_base = static_cast<char*>(iov[i].iov_base) + left;
      iov[i].iov_len -= left;
    }
  }
  iov.clear();
  return ok;
}

namespace {

// Copies spooled bytes to the end of what was written to `fd`: in the kernel when it can
// (copy_file_range), else through a buffer.
bool copy_spooled(int fd, const emit::Part& p) {
  auto from = static_cast<off_t>(p.offset);
  std::size_t left = p.size;
  while (left > 0) {
    ssize_t n = ::copy_file_range(p.fd, &from, fd, nullptr, left, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    left -= static_cast<std::size_t>(n);
  }
  std::vector<char> buf;
  while (left > 0) {
    buf.resize(std::min<std::size_t>(left, 1 << 20));
    std::size_t at = p.size - left;
    if (!p.read(at, buf.size(), buf.data())) return false;
    std::vector<iovec> iov{{buf.data(), buf.size()}};
    if (!write_all(fd, iov)) return false;
    left -= buf.size();
  }
  return true;
}

// Writes a file into the folder `dir` (never through a link). A file made of parts is written
// with one writev per 1024 parts, without joining them first; spooled parts are copied from their
// spool.
bool write_file(int dir, const std::string& name, const emit::File& f) {
  int fd = ::openat(dir, name.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  std::vector<iovec> iov;
  iov.reserve(1 + f.parts.size());
  auto add = [&](std::string_view s) {
    if (!s.empty()) iov.push_back({const_cast<char*>(s.data()), s.size()});
  };
  add(f.text);
  bool ok = true;
  for (const auto& part : f.parts) {
    if (!part.spooled()) {
      add(part.text());
      continue;
    }
    ok = ok && write_all(fd, iov) && copy_spooled(fd, part);
  }
  ok = ok && write_all(fd, iov);
  const int err = errno;
  ok = ::close(fd) == 0 && ok;
  if (!ok && errno == 0) errno = err;
  return ok;
}

// A spool: an unnamed file (O_TMPFILE, or made and unlinked at once), closed when the Writer
// finishes, aborts or is destroyed.
class FileSpool : public emit::Spool {
 public:
  explicit FileSpool(int fd) : fd_(fd) {}
  ~FileSpool() override { ::close(fd_); }
  FileSpool(const FileSpool&) = delete;
  FileSpool& operator=(const FileSpool&) = delete;
  bool append(std::string_view text, emit::Spooled& where) override {
    if (broken_) return false;
    std::vector<iovec> iov{{const_cast<char*>(text.data()), text.size()}};
    if (!write_all(fd_, iov)) {
      // What a failed write left is cut off again; if even that fails, nothing more is taken.
      if (::ftruncate(fd_, static_cast<off_t>(end_)) != 0 || ::lseek(fd_, 0, SEEK_END) < 0)
        broken_ = true;
      return false;
    }
    where = {fd_, end_, text.size()};
    end_ += text.size();
    return true;
  }

 private:
  int fd_;
  std::uint64_t end_ = 0;
  bool broken_ = false;
};

// What is on disk at a generated file's path.
enum class OnDisk : unsigned char { Same, Differs, Missing, Folder };

// The state of `f` at `name` in the folder `dir`: a file of another size differs without being
// read; one of the same size is read a chunk at a time into `buf` (reused from file to file) and
// compared. A link there differs (it is replaced, never followed); a folder is in the way.
OnDisk on_disk(int dir, const std::string& name, const emit::File& f, std::vector<char>& buf) {
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return errno == ENOENT ? OnDisk::Missing : OnDisk::Differs;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
    ::close(fd);
    return S_ISDIR(st.st_mode) ? OnDisk::Folder : OnDisk::Differs;
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

// Takes the lock of the folder `fd` (shared or exclusive), calling `waiting` once when another
// process holds it.
void lock(int fd, int how, const std::function<void()>& waiting) {
  if (::flock(fd, how | LOCK_NB) == 0) return;
  if (errno == EWOULDBLOCK && waiting) waiting();
  while (::flock(fd, how) != 0 && errno == EINTR) {
  }
}

// The names in the folder `fd` that are not folders.
std::vector<std::string> files_in(int fd) {
  std::vector<std::string> out;
  int copy = ::dup(fd);
  if (copy < 0) return out;
  DIR* d = ::fdopendir(copy);
  if (!d) {
    ::close(copy);
    return out;
  }
  ::rewinddir(d);
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n == "." || n == "..") continue;
    bool folder = e->d_type == DT_DIR;
    if (e->d_type == DT_UNKNOWN) {
      struct stat st {};
      folder = ::fstatat(fd, e->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode);
    }
    if (!folder) out.push_back(std::move(n));
  }
  ::closedir(d);
  return out;
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
    if ((target == "kubernetes" || target == "monitoring" || target == "backup" ||
         target == "compose") &&
        parts.size() > 2)
      env = parts[1];
    if (target == "kustomize" && parts.size() > 3 && parts[1] == "overlays") env = parts[2];
    // argocd/<env>.yaml, flux/<env>.yaml
    if ((target == "argocd" || target == "flux") && parts.size() == 2 && file.size() > 5 &&
        file.compare(file.size() - 5, 5, ".yaml") == 0)
      env = file.substr(0, file.size() - 5);
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
                  const Scope& scope, const std::vector<std::string>& also) {
  std::set<std::string> paths(also.begin(), also.end());
  for (const auto& f : out.files) paths.insert(f.path);
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    Confined folder(fd, dir.string());
    for (const auto& old : manifest_entries(fd)) {
      std::string name;
      struct stat st {};
      int at = scope(old) ? -1 : folder.parent(old, false, name);
      if (at >= 0 && ::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) paths.insert(old);
    }
  }
  std::string text =
      emit::header(source) + "# The files stackc generated here; others are never touched.\n";
  for (const auto& p : paths) text += p + "\n";
  out.add(kManifest, std::move(text));
}

Writer::Writer(fs::path dir, Mode mode) : dir_(std::move(dir)), mode_(mode) {}

Writer::~Writer() {
  if (begun_ && !done_) abort();
}

bool Writer::begin(std::string& error, const std::function<void()>& waiting) {
  begun_ = true;
  std::error_code ec;
  if (mode_ == Mode::Write) {
    made_dir_ = !fs::exists(dir_, ec);
    fs::create_directories(dir_, ec);
    if (ec) {
      error = fmt::format("cannot create `{}`: {}", dir_.string(), ec.message());
      done_ = true;
      return false;
    }
  }
  // The folder's lock: exclusive to write, shared to compare (and exclusive to repair). A folder
  // removed and made again while this process waited for its lock is opened again.
  int fd = -1;
  for (int tries = 0; tries < 8; ++tries) {
    fd = ::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) break;
    lock(fd, mode_ == Mode::Write ? LOCK_EX : LOCK_SH, waiting);
    struct stat held {
    }, now{};
    if (::fstat(fd, &held) == 0 && ::stat(dir_.c_str(), &now) == 0 && held.st_ino == now.st_ino &&
        held.st_dev == now.st_dev)
      break;
    ::close(fd);
    fd = -1;
    if (mode_ == Mode::Write) fs::create_directories(dir_, ec);
  }
  if (fd < 0) {
    if (mode_ == Mode::Compare) return true;  // nothing there: every file is missing
    error = fmt::format("cannot open `{}`: {}", dir_.string(), os_reason(errno));
    done_ = true;
    return false;
  }
  out_ = std::make_unique<Confined>(fd, dir_.string());
  // What an interrupted build left: finished (committed) or removed (not committed).
  struct stat st {};
  if (::fstatat(fd, kStaging, &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (mode_ == Mode::Compare) lock(fd, LOCK_EX, {});
    Recovery what = Recovery::Clean;
    std::string why;
    std::vector<std::string> skipped;
    if (!recover(*out_, what, why, &skipped)) {
      if (mode_ == Mode::Write) {
        error = fmt::format("an interrupted build left `{}`, and it cannot be finished: {}",
                            out_->show(kStaging), why);
        done_ = true;
        return false;
      }
      diffs_.push_back({'!', kStaging, "is what an interrupted build left, and " + why});
    } else if (what == Recovery::Finished) {
      notes_.push_back(
          fmt::format("finished the build that was interrupted in `{}`", dir_.string()));
    } else if (what == Recovery::Undone) {
      notes_.push_back(
          fmt::format("removed what an interrupted build left in `{}`", out_->show(kStaging)));
    }
    for (const auto& step : skipped)
      notes_.push_back(step + " (left as it is: the build writes its files anew)");
    if (mode_ == Mode::Compare) lock(fd, LOCK_SH, {});
  }
  old_ = manifest_entries(fd);
  if (mode_ == Mode::Compare) return true;
  // A folder that was empty has nothing to compare with: every file is new.
  fresh_ = fs::is_empty(dir_, ec);
  int staged = -1;
  if (::mkdirat(fd, kStaging, 0700) == 0) {
    std::string files = std::string(kStaging) + "/" + kStagedFiles;
    if (::mkdirat(fd, files.c_str(), 0700) == 0)
      staged = ::openat(fd, files.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  }
  if (staged < 0) {
    error = fmt::format("cannot create `{}`: {}", out_->show(kStaging), os_reason(errno));
    done_ = true;
    if (made_dir_) fs::remove(dir_, ec);
    return false;
  }
  stage_ =
      std::make_unique<Confined>(staged, out_->show(std::string(kStaging) + "/" + kStagedFiles));
  return true;
}

void Writer::put(const emit::File& f) {
  thread_local std::vector<char> buf;
  OnDisk state = OnDisk::Missing;
  std::string name, why;
  if (!plain_relative(f.path) || f.path.rfind(kStaging, 0) == 0) {
    std::lock_guard<std::mutex> lock(mu_);
    if (error_.empty()) error_ = fmt::format("`{}` is not a path below the output folder", f.path);
    return;
  }
  if (out_ && (mode_ == Mode::Compare || !fresh_)) {
    bool missing = false;
    int at = out_->parent(f.path, false, name, &why, &missing);
    if (at >= 0) {
      if (buf.size() < (1 << 20)) buf.resize(1 << 20);
      state = on_disk(at, name, f, buf);
      if (state == OnDisk::Folder) why = fmt::format("`{}` is a folder", out_->show(f.path));
    } else if (!missing) {
      state = OnDisk::Folder;  // a link or a file on the way: never followed
    }
  }
  if (state == OnDisk::Folder) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.push_back(f.path);
    if (mode_ == Mode::Compare) {
      diffs_.push_back({'!', f.path, why});
    } else if (error_.empty()) {
      unsafe_ = true;
      error_ = why + " inside the output folder, where the build writes files";
    }
    return;
  }
  if (mode_ == Mode::Compare || state == OnDisk::Same) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.push_back(f.path);
    if (state == OnDisk::Missing) diffs_.push_back({'+', f.path, {}});
    if (state == OnDisk::Differs) diffs_.push_back({'M', f.path, {}});
    return;
  }
  // New and changed files go to the staging folder; finish() moves them into place.
  int at = stage_ ? stage_->parent(f.path, true, name, &why) : -1;
  const bool ok = at >= 0 && write_file(at, name, f);
  if (!ok && at >= 0)
    why = fmt::format("cannot write `{}`: {}", stage_->show(f.path), os_reason(errno));
  std::lock_guard<std::mutex> lock(mu_);
  paths_.push_back(f.path);
  if (!ok) {
    if (error_.empty()) error_ = why;
    return;
  }
  staged_.push_back(f.path);
}

void Writer::put_all(const emit::Output& out) {
  // Two threads, each on one half of the files (sorted by path, so they mostly work in different
  // folders and do not wait on one folder's lock): creating many small files is the kernel's
  // work, and it overlaps.
  auto work = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) put(out.files[i]);
  };
  if (out.files.size() < 64) {
    work(0, out.files.size());
    return;
  }
  const std::size_t half = out.files.size() / 2;
  std::thread other(work, half, out.files.size());
  work(0, half);
  other.join();
}

// An unnamed file in `folder` (O_TMPFILE), or one named and unlinked at once where that is not
// supported; `at` is a descriptor of the folder when there is one (-1: opened by name).
static int unnamed_file_in(const fs::path& folder, int at) {
  int fd = at >= 0 ? ::openat(at, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600)
                   : ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string name = (folder / ".stackc-spool-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return -1;
    ::unlink(name.c_str());
  }
  return fd;
}

static std::unique_ptr<emit::Spool> spool_in(const fs::path& folder, int at) {
  int fd = unnamed_file_in(folder, at);
  return fd < 0 ? nullptr : std::make_unique<FileSpool>(fd);
}

int temp_file() {
  std::error_code ec;
  fs::path folder = fs::temp_directory_path(ec);
  return ec ? -1 : unnamed_file_in(folder, -1);
}

std::unique_ptr<emit::Spool> temp_spool() {
  int fd = temp_file();
  return fd < 0 ? nullptr : std::make_unique<FileSpool>(fd);
}

emit::Spool* Writer::spool() {
  if (!begun_ || done_) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  // In the staging folder when writing (where the files go anyway); when comparing, nothing is
  // written in the output folder: in the system's temporary folder.
  std::unique_ptr<emit::Spool> made;
  if (mode_ == Mode::Write) {
    if (!stage_) return nullptr;
    int staging = out_->folder(kStaging, false);
    if (staging < 0) return nullptr;
    made = spool_in(dir_ / kStaging, staging);
  } else {
    made = temp_spool();
  }
  if (!made) return nullptr;
  spools_.push_back(std::move(made));
  return spools_.back().get();
}

std::vector<std::string> Writer::paths() const {
  std::lock_guard<std::mutex> lock(mu_);
  return paths_;
}

// The files in the folders this build generates into (not the output folder itself, where users
// keep a README) that neither this build nor the last one's manifest lists.
std::vector<std::string> Writer::unlisted(const std::vector<std::string>& also_known) const {
  std::vector<std::string> out;
  if (!unlisted_ || !out_) return out;
  std::set<std::string> known(paths_.begin(), paths_.end());
  known.insert(also_known.begin(), also_known.end());
  std::set<std::string> folders;
  for (const auto& p : paths_)
    if (auto slash = p.rfind('/'); slash != std::string::npos) folders.insert(p.substr(0, slash));
  for (const auto& folder : folders) {
    int fd = out_->folder(folder, false);
    if (fd < 0) continue;
    for (const auto& name : files_in(fd)) {
      // A Compose project's `.env` (its secrets, copied from .env.example) is the user's.
      if (name == ".env" && folder.rfind("compose/", 0) == 0) continue;
      if (!known.count(folder + "/" + name)) out.push_back(folder + "/" + name);
    }
  }
  return out;
}

bool Writer::finish(const Scope& scope, std::string& error) {
  if (mode_ == Mode::Compare) {
    done_ = true;
    return true;
  }
  if (!error_.empty()) {
    error = error_;
    abort();
    return false;
  }
  // The steps that replace the last build with this one: each staged path moved, as a whole
  // folder where its folder is new; the stale files removed; the manifest moved last.
  std::vector<Step> steps;
  std::sort(staged_.begin(), staged_.end());
  std::map<std::string, bool> exists;  // folder below the output folder -> it is there
  auto there = [&](const std::string& folder) {
    auto it = exists.find(folder);
    if (it != exists.end()) return it->second;
    return exists[folder] = out_->folder(folder, false) >= 0;
  };
  std::string moved;  // the folder moved last (the staged paths are sorted: its files follow it)
  bool manifest = false;
  for (const auto& p : staged_) {
    if (p == kManifest) {
      manifest = true;
      continue;
    }
    if (!moved.empty() && p.rfind(moved + "/", 0) == 0) continue;
    std::string step = p;
    for (auto slash = p.find('/'); slash != std::string::npos; slash = p.find('/', slash + 1)) {
      if (!there(p.substr(0, slash))) {
        step = moved = p.substr(0, slash);
        break;
      }
    }
    steps.push_back({'M', step});
  }
  std::set<std::string> now(paths_.begin(), paths_.end());
  for (const auto& p : old_) {
    if (now.count(p) || !scope(p)) continue;
    std::string name, why;
    bool missing = false;
    if (out_->parent(p, false, name, &why, &missing) < 0 && !missing) {
      unsafe_ = true;
      error = why + " inside the output folder, where the build removes a stale file";
      abort();
      return false;
    }
    steps.push_back({'D', p});
  }
  if (manifest) steps.push_back({'M', kManifest});
  spools_.clear();  // their bytes are in the staged files now
  bool committed = false;
  if (!commit(*out_, *stage_, steps, error, committed)) {
    if (!committed) {
      abort();
      return false;
    }
    error += fmt::format("; the build was committed: the next `stackc build` into `{}` finishes it",
                         dir_.string());
    done_ = true;
    return false;
  }
  stage_.reset();
  std::vector<std::string> kept;  // the last build's files outside the scope
  for (const auto& p : old_)
    if (!scope(p)) kept.push_back(p);
  for (const auto& p : unlisted(kept))
    notes_.push_back(fmt::format(
        "`{}` is in a folder stackc generates but is not generated by stackc (`kubectl apply -f` "
        "on the folder would apply it)",
        out_->show(p)));
  done_ = true;
  out_.reset();  // the lock goes with it
  return true;
}

std::vector<Difference> Writer::differences(const Scope& scope) {
  done_ = true;
  spools_.clear();  // every file was compared: their space goes back now
  std::vector<Difference> diffs = diffs_;
  std::set<std::string> now(paths_.begin(), paths_.end());
  std::vector<std::string> kept;
  for (const auto& old : old_) {
    if (now.count(old)) continue;
    if (!scope(old)) {
      kept.push_back(old);
      continue;
    }
    std::string name;
    struct stat st {};
    int at = out_ ? out_->parent(old, false, name) : -1;
    if (at >= 0 && ::fstatat(at, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0)
      diffs.push_back({'-', old, {}});
  }
  for (auto& p : unlisted(kept)) diffs.push_back({'?', std::move(p), {}});
  std::sort(diffs.begin(), diffs.end(),
            [](const Difference& a, const Difference& b) { return a.path < b.path; });
  out_.reset();
  return diffs;
}

void Writer::abort() {
  done_ = true;
  if (mode_ == Mode::Compare) return;
  spools_.clear();  // closed before their folder goes (on NFS an open file would keep it)
  stage_.reset();
  std::error_code ec;
  if (out_) {
    out_->forget(kStaging);
    remove_tree(out_->fd(), kStaging);
  }
  if (made_dir_) fs::remove(dir_, ec);  // only when empty
  out_.reset();
}

std::vector<Difference> compare(const fs::path& dir, const emit::Output& out, const Scope& scope,
                                bool unlisted) {
  Writer w(dir, Writer::Mode::Compare);
  w.report_unlisted(unlisted);
  std::string error;
  w.begin(error);
  w.put_all(out);
  return w.differences(scope);
}

bool write(const fs::path& dir, const emit::Output& out, const Scope& scope, std::string& error,
           std::vector<std::string>* notes, bool unlisted, bool* unsafe) {
  Writer w(dir, Writer::Mode::Write);
  w.report_unlisted(unlisted);
  if (!w.begin(error)) return false;
  w.put_all(out);
  bool ok = w.finish(scope, error);
  if (notes) *notes = w.notes();
  if (unsafe) *unsafe = w.unsafe();
  return ok;
}

}  // namespace stackc::driver
