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

// Writes every byte of `iov` to `fd`, one writev per 1024 pieces (a short write goes on where it
// stopped). Empties `iov`.
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

// Writes a file (its folder exists). A file made of parts is written with one writev per 1024
// parts, without joining them first; spooled parts are copied from their spool.
bool write_file(const fs::path& p, const emit::File& f) {
  int fd = ::open(p.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
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
  return ::close(fd) == 0 && ok;
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
                  const Scope& scope, const std::vector<std::string>& also) {
  std::set<std::string> paths(also.begin(), also.end());
  for (const auto& f : out.files) paths.insert(f.path);
  std::error_code ec;
  for (const auto& old : manifest_entries(dir))
    if (!scope(old) && fs::exists(dir / old, ec)) paths.insert(old);
  std::string text =
      emit::header(source) + "# The files stackc generated here; others are never touched.\n";
  for (const auto& p : paths) text += p + "\n";
  out.add(kManifest, std::move(text));
}

Writer::Writer(fs::path dir, Mode mode) : dir_(std::move(dir)), mode_(mode) {}

Writer::~Writer() {
  if (begun_ && !done_) abort();
}

bool Writer::begin(std::string& error) {
  begun_ = true;
  old_ = manifest_entries(dir_);
  if (mode_ == Mode::Compare) return true;
  std::error_code ec;
  made_dir_ = !fs::exists(dir_, ec);
  fs::create_directories(dir_, ec);
  if (ec) {
    error = fmt::format("cannot create `{}`: {}", dir_.string(), ec.message());
    done_ = true;
    return false;
  }
  // A folder that was empty has nothing to compare with: every file is new.
  fresh_ = fs::is_empty(dir_, ec);
  made_.insert(dir_.native());
  tmp_ = dir_;
  tmp_ += fmt::format(".stackc-tmp-{}", static_cast<long>(::getpid()));
  fs::remove_all(tmp_, ec);
  return true;
}

// Makes the folder of `p` (the caller holds mu_), noting the folders it had to make.
void Writer::make_parent(const fs::path& p) {
  fs::path parent = p.parent_path();
  if (made_.count(parent.native())) return;
  std::error_code ec;
  std::vector<fs::path> missing;
  for (fs::path q = parent; !q.empty() && !made_.count(q.native()) && !fs::exists(q, ec);
       q = q.parent_path())
    missing.push_back(q);
  fs::create_directories(parent, ec);
  made_new_.insert(made_new_.end(), missing.rbegin(), missing.rend());
  made_.insert(parent.native());
}

void Writer::put(const emit::File& f) {
  thread_local std::vector<char> buf;
  const fs::path dest = dir_ / f.path;
  OnDisk state = OnDisk::Missing;
  if (mode_ == Mode::Compare || !fresh_) {
    if (buf.size() < (1 << 20)) buf.resize(1 << 20);
    state = on_disk(dest, f, buf);
  }
  if (mode_ == Mode::Compare || state == OnDisk::Same) {
    std::lock_guard<std::mutex> lock(mu_);
    paths_.push_back(f.path);
    if (state == OnDisk::Missing) diffs_.push_back({'+', f.path});
    if (state == OnDisk::Differs) diffs_.push_back({'M', f.path});
    return;
  }
  // New files are written in place (and removed again by abort()); changed ones to tmp_.
  const bool changes = state == OnDisk::Differs;
  const fs::path to = changes ? tmp_ / f.path : dest;
  {
    std::lock_guard<std::mutex> lock(mu_);
    make_parent(to);
  }
  const bool ok = write_file(to, f);
  std::lock_guard<std::mutex> lock(mu_);
  paths_.push_back(f.path);
  if (!changes) created_.push_back(dest.native());
  if (!ok) {
    if (error_.empty()) error_ = fmt::format("cannot write `{}`", to.string());
    return;
  }
  if (changes) changed_.push_back(f.path);
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

emit::Spool* Writer::spool() {
  if (!begun_ || done_) return nullptr;
  std::lock_guard<std::mutex> lock(mu_);
  // Beside the output when writing (where the files go anyway); when comparing, nothing is
  // written there: in the system's temporary folder.
  fs::path folder;
  std::error_code ec;
  if (mode_ == Mode::Write) {
    folder = tmp_;
    make_parent(tmp_ / ".spool");
  } else {
    folder = fs::temp_directory_path(ec);
    if (ec) return nullptr;
  }
  // An unnamed file (O_TMPFILE), or one named and unlinked at once where that is not supported.
  int fd = ::open(folder.c_str(), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
  if (fd < 0) {
    std::string name = (folder / ".stackc-spool-XXXXXX").string();
    fd = ::mkostemp(name.data(), O_CLOEXEC);
    if (fd < 0) return nullptr;
    ::unlink(name.c_str());
  }
  spools_.push_back(std::make_unique<FileSpool>(fd));
  return spools_.back().get();
}

std::vector<std::string> Writer::paths() const {
  std::lock_guard<std::mutex> lock(mu_);
  return paths_;
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
  std::error_code ec;
  // Everything is on disk: the changed files replace the old ones, each atomically.
  for (const auto& p : changed_) {
    fs::rename(tmp_ / p, dir_ / p, ec);
    if (ec) {
      error = fmt::format("cannot move `{}` into place: {}", p, ec.message());
      abort();
      return false;
    }
  }
  // The spools are closed first: an open file (on NFS, renamed rather than removed when unlinked)
  // would keep the temporary folder.
  spools_.clear();
  fs::remove_all(tmp_, ec);
  // Stale generated files go; then their folders, if empty.
  std::set<std::string> now(paths_.begin(), paths_.end());
  for (const auto& p : old_) {
    if (now.count(p) || !scope(p)) continue;
    fs::remove(dir_ / p, ec);
    for (fs::path parent = (dir_ / p).parent_path(); parent != dir_ && fs::is_empty(parent, ec);
         parent = parent.parent_path())
      fs::remove(parent, ec);
  }
  done_ = true;
  return true;
}

std::vector<Difference> Writer::differences(const Scope& scope) {
  done_ = true;
  spools_.clear();  // every file was compared: their space goes back now
  std::vector<Difference> diffs = diffs_;
  std::set<std::string> now(paths_.begin(), paths_.end());
  for (const auto& old : old_) {
    std::error_code ec;
    if (!now.count(old) && scope(old) && fs::exists(dir_ / old, ec)) diffs.push_back({'-', old});
  }
  std::sort(diffs.begin(), diffs.end(),
            [](const Difference& a, const Difference& b) { return a.path < b.path; });
  return diffs;
}

void Writer::abort() {
  done_ = true;
  if (mode_ == Mode::Compare) return;
  std::error_code ec;
  for (const auto& p : created_) fs::remove(p, ec);
  // The folders made for them, innermost first (each only if empty).
  for (auto it = made_new_.rbegin(); it != made_new_.rend(); ++it) fs::remove(*it, ec);
  spools_.clear();  // closed before their folder goes (see finish())
  fs::remove_all(tmp_, ec);
  if (made_dir_) fs::remove(dir_, ec);
}

std::vector<Difference> compare(const fs::path& dir, const emit::Output& out, const Scope& scope) {
  Writer w(dir, Writer::Mode::Compare);
  std::string error;
  w.begin(error);
  w.put_all(out);
  return w.differences(scope);
}

bool write(const fs::path& dir, const emit::Output& out, const Scope& scope, std::string& error) {
  Writer w(dir, Writer::Mode::Write);
  if (!w.begin(error)) return false;
  w.put_all(out);
  return w.finish(scope, error);
}

}  // namespace stackc::driver
