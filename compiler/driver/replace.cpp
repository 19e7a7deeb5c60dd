#include "driver/replace.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <vector>

namespace stackc::driver {
namespace {

namespace fs = std::filesystem;

bool write_all(int fd, const std::string& text) {
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return false;
    done += static_cast<std::size_t>(n);
  }
  return true;
}

std::string reason(int err) {
  if (err == ELOOP) return fmt::format("it is a symbolic link loop ({})", std::strerror(err));
  return std::strerror(err);
}

// Writes over the file itself: it keeps its inode, so its mode and owner.
bool rewrite_in_place(const fs::path& target, const std::string& text, std::string& error) {
  int fd = ::open(target.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0 || !write_all(fd, text) || ::fsync(fd) != 0) {
    error = reason(errno);
    if (fd >= 0) ::close(fd);
    return false;
  }
  if (::close(fd) != 0) {
    error = reason(errno);
    return false;
  }
  return true;
}

}  // namespace

bool replace_file(const fs::path& p, const std::string& text, std::string& error) {
  std::error_code ec;
  fs::path target = fs::canonical(p, ec);  // through every symbolic link
  if (ec) {
    error = reason(ec.value());
    return false;
  }
  struct stat st {};
  if (::stat(target.c_str(), &st) != 0) {
    error = reason(errno);
    return false;
  }
  std::string pattern = (target.parent_path() / ("." + target.filename().string() + ".XXXXXX"));
  std::vector<char> name(pattern.begin(), pattern.end());
  name.push_back('\0');
  int fd = ::mkostemp(name.data(), O_CLOEXEC);
  if (fd < 0) {
    error = fmt::format("cannot create a temporary file in `{}`: {}", target.parent_path().string(),
                        reason(errno));
    return false;
  }
  fs::path tmp(name.data());
  auto give_up = [&](int err) {
    error = reason(err);
    ::close(fd);
    ::unlink(tmp.c_str());
    return false;
  };
  if (::fchown(fd, st.st_uid, st.st_gid) != 0) {
    ::close(fd);
    ::unlink(tmp.c_str());
    return rewrite_in_place(target, text, error);
  }
  if (::fchmod(fd, st.st_mode & 07777) != 0) return give_up(errno);
  if (!write_all(fd, text) || ::fsync(fd) != 0) return give_up(errno);
  if (::close(fd) != 0) {
    error = reason(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  if (::rename(tmp.c_str(), target.c_str()) != 0) {
    error = reason(errno);
    ::unlink(tmp.c_str());
    return false;
  }
  return true;
}

}  // namespace stackc::driver
