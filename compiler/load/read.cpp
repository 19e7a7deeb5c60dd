#include "load/read.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "base/memory.hpp"

namespace stackc::load {
namespace {

// Why a file that is not regular cannot be read, or empty for a regular file.
std::string not_regular(mode_t mode) {
  if (S_ISREG(mode)) return {};
  if (S_ISDIR(mode)) return "it is a directory";
  if (S_ISFIFO(mode)) return "it is a named pipe (FIFO), not a regular file";
  if (S_ISCHR(mode)) return "it is a character device, not a regular file";
  if (S_ISBLK(mode)) return "it is a block device, not a regular file";
  if (S_ISSOCK(mode)) return "it is a socket, not a regular file";
  return "it is not a regular file";
}

std::string os_reason(int err) {
  if (err == ELOOP) return fmt::format("it is a symbolic link loop ({})", std::strerror(err));
  return std::strerror(err);
}

ReadResult fail(base::Code code, std::string reason) {
  ReadResult r;
  r.code = code;
  r.reason = std::move(reason);
  return r;
}

ReadResult check_stat(const struct stat& st, std::uint64_t max) {
  if (auto why = not_regular(st.st_mode); !why.empty())
    return fail(S_ISDIR(st.st_mode) ? base::Code::E0001 : base::Code::E0003, why);
  if (static_cast<std::uint64_t>(st.st_size) > max)
    return fail(base::Code::E0002,
                fmt::format("it is {}; stackc reads source files of at most {}",
                            byte_size(static_cast<std::uint64_t>(st.st_size)), byte_size(max)));
  ReadResult ok;
  ok.ok = true;
  return ok;
}

}  // namespace

std::string byte_size(std::uint64_t n) {
  if (n >= (std::uint64_t{1} << 20) && n % (std::uint64_t{1} << 20) == 0)
    return fmt::format("{} MiB", n >> 20);
  std::string digits = std::to_string(n), out;
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out += ',';
    out += digits[i];
  }
  return out + (n == 1 ? " byte" : " bytes");
}

ReadResult read_source(const std::filesystem::path& p, std::uint64_t max, bool follow,
                       std::string& out) {
  out.clear();
  struct stat st {};
  if ((follow ? ::stat(p.c_str(), &st) : ::lstat(p.c_str(), &st)) != 0)
    return fail(base::Code::E0001, os_reason(errno));
  if (!follow && S_ISLNK(st.st_mode))
    return fail(base::Code::E0001, "it is a symbolic link that changed while it was read");
  if (auto r = check_stat(st, max); !r.ok) return r;
  // Checked again on the open file: the path may have been replaced since. O_NONBLOCK keeps the
  // open of a FIFO put there meanwhile from waiting for a writer.
  int fd = ::open(p.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC | (follow ? 0 : O_NOFOLLOW));
  if (fd < 0) return fail(base::Code::E0001, os_reason(errno));
  ReadResult r;
  if (::fstat(fd, &st) != 0) {
    r = fail(base::Code::E0001, os_reason(errno));
  } else if (r = check_stat(st, max); r.ok) {
    out.reserve(static_cast<std::size_t>(st.st_size));
    // From a MiB, its pages at once, on two threads (a large file is read through): not a fault
    // or a trap at each page as the reads fill it. A smaller file takes its few faults.
    base::populate_in_halves(out.data(), out.capacity());
    char buf[1 << 16];
    while (true) {
      ssize_t n = ::read(fd, buf, sizeof buf);
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) {
        r = fail(base::Code::E0001, os_reason(errno));
        break;
      }
      if (n == 0) break;
      if (out.size() + static_cast<std::uint64_t>(n) > max) {  // it grew while being read
        r = fail(base::Code::E0002,
                 fmt::format("it is larger than {}, the most stackc reads of a source file",
                             byte_size(max)));
        break;
      }
      out.append(buf, static_cast<std::size_t>(n));
    }
  }
  ::close(fd);
  if (!r.ok) out.clear();
  return r;
}

bool read_file(const std::filesystem::path& p, std::string& out, std::string& error,
               std::uint64_t max) {
  auto r = read_source(p, max, true, out);
  if (!r.ok) error = r.reason;
  return r.ok;
}

}  // namespace stackc::load
