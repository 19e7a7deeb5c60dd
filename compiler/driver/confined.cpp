#include "driver/confined.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace stackc::driver {

bool plain_relative(std::string_view path) {
  if (path.empty() || path.size() > 4096 || path.front() == '/') return false;
  std::size_t start = 0;
  while (true) {
    auto slash = path.find('/', start);
    auto part = path.substr(start, slash == std::string_view::npos ? slash : slash - start);
    if (part.empty() || part == "." || part == "..") return false;
    for (char c : part)
      if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f || c == '\\') return false;
    if (slash == std::string_view::npos) return true;
    start = slash + 1;
  }
}

std::string os_reason(int err) {
  return std::strerror(err);
}

Confined::Confined(int fd, std::string shown) : fd_(fd), shown_(std::move(shown)) {}

Confined::~Confined() {
  for (auto& [rel, fd] : open_) ::close(fd);
  ::close(fd_);
}

std::string Confined::show(std::string_view rel) const {
  if (rel.empty()) return shown_;
  if (shown_.empty() || shown_.back() == '/') return shown_ + std::string(rel);
  return shown_ + "/" + std::string(rel);
}

namespace {

// What stands at `name` in `dir` when it is not a folder that can be opened.
std::string why_not_a_folder(int dir, const std::string& name, int err) {
  struct stat st {};
  if (::fstatat(dir, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) == 0) {
    if (S_ISLNK(st.st_mode)) return "is a symbolic link";
    if (!S_ISDIR(st.st_mode)) return "is a file, not a folder";
  }
  return fmt::format("cannot be opened: {}", os_reason(err));
}

}  // namespace

int Confined::folder(std::string_view rel, bool create, std::string* error, bool* missing) {
  if (missing) *missing = false;
  if (rel.empty()) return fd_;
  std::lock_guard<std::mutex> lock(mu_);
  if (auto it = open_.find(rel); it != open_.end()) return it->second;
  // The deepest folder on the way that is open already, then one component at a time.
  std::size_t done = 0;  // length of the prefix whose descriptor is `at`
  int at = fd_;
  for (auto slash = rel.rfind('/'); slash != std::string_view::npos && slash > 0;
       slash = rel.rfind('/', slash - 1)) {
    if (auto it = open_.find(rel.substr(0, slash)); it != open_.end()) {
      at = it->second;
      done = slash + 1;
      break;
    }
  }
  while (done < rel.size()) {
    auto slash = rel.find('/', done);
    std::size_t end = slash == std::string_view::npos ? rel.size() : slash;
    std::string name(rel.substr(done, end - done));
    std::string prefix(rel.substr(0, end));
    int fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT && create) {
      if (::mkdirat(at, name.c_str(), 0777) != 0 && errno != EEXIST) {
        if (error)
          *error = fmt::format("cannot create the folder `{}`: {}", show(prefix), os_reason(errno));
        return -1;
      }
      fd = ::openat(at, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    }
    if (fd < 0) {
      const int err = errno;
      if (err == ENOENT) {
        if (missing) *missing = true;
        if (error) *error = fmt::format("`{}` does not exist", show(prefix));
      } else if (error) {
        *error = fmt::format("`{}` {}", show(prefix), why_not_a_folder(at, name, err));
      }
      return -1;
    }
    open_.emplace(prefix, fd);
    at = fd;
    done = end + 1;
  }
  return at;
}

int Confined::parent(std::string_view rel, bool create, std::string& name, std::string* error,
                     bool* missing) {
  auto slash = rel.rfind('/');
  name = std::string(slash == std::string_view::npos ? rel : rel.substr(slash + 1));
  return folder(slash == std::string_view::npos ? std::string_view() : rel.substr(0, slash), create,
                error, missing);
}

void Confined::forget(std::string_view rel) {
  std::lock_guard<std::mutex> lock(mu_);
  for (auto it = open_.lower_bound(rel); it != open_.end() && it->first.rfind(rel, 0) == 0;) {
    if (it->first.size() != rel.size() && it->first[rel.size()] != '/') {
      ++it;
      continue;
    }
    ::close(it->second);
    it = open_.erase(it);
  }
}

bool read_at(int dir, const char* name, std::size_t max, std::string& out) {
  out.clear();
  int fd = ::openat(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
  if (fd < 0) return false;
  struct stat st {};
  if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || static_cast<std::size_t>(st.st_size) > max) {
    ::close(fd);
    return false;
  }
  out.resize(static_cast<std::size_t>(st.st_size));
  std::size_t done = 0;
  while (done < out.size()) {
    ssize_t n = ::read(fd, out.data() + done, out.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    done += static_cast<std::size_t>(n);
  }
  ::close(fd);
  out.resize(done);
  return true;
}

bool remove_tree(int dir, const std::string& name) {
  if (::unlinkat(dir, name.c_str(), 0) == 0 || errno == ENOENT) return true;
  if (errno != EISDIR && errno != EPERM) return false;
  int fd = ::openat(dir, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  DIR* d = ::fdopendir(fd);
  if (!d) {
    ::close(fd);
    return false;
  }
  std::vector<std::string> names;
  while (dirent* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  bool ok = true;
  for (const auto& n : names) ok = remove_tree(::dirfd(d), n) && ok;
  ::closedir(d);
  return ::unlinkat(dir, name.c_str(), AT_REMOVEDIR) == 0 && ok;
}

}  // namespace stackc::driver
