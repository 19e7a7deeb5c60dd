#include "driver/stdout_stream.hpp"

#include <sys/sendfile.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "driver/write.hpp"

namespace stackc::driver {

StdoutStream::StdoutStream(std::string env, const std::string& source, std::size_t batch)
    : batch_(batch), prefix_("kubernetes/" + std::move(env) + "/"), head_(emit::header(source)) {}

StdoutStream::~StdoutStream() {
  for (auto& l : lanes_)
    if (l.fd >= 0) ::close(l.fd);
}

StdoutStream::Lane& StdoutStream::lane() {
  const auto me = std::this_thread::get_id();
  std::lock_guard<std::mutex> lock(mu_);
  for (auto& l : lanes_)
    if (l.owner == me) return l;
  lanes_.emplace_back();
  lanes_.back().owner = me;
  lanes_.back().index = static_cast<int>(lanes_.size() - 1);
  return lanes_.back();
}

void StdoutStream::put(const emit::File& f) {
  if (f.path.rfind(prefix_, 0) != 0) return;
  const std::size_t skip = f.text.rfind(head_, 0) == 0 ? head_.size() : 0;
  append(lane(), f, skip);
}

void StdoutStream::append(Lane& l, const emit::File& f, std::size_t skip) {
  Entry e;
  e.path = f.path;
  // The pieces as they are (the header left out), unless one is set aside elsewhere already.
  std::vector<std::string_view> pieces;
  std::uint64_t size = 0;
  auto piece = [&](std::string_view t) {
    if (t.empty()) return;
    pieces.push_back(t);
    size += t.size();
  };
  piece(std::string_view(f.text).substr(skip));
  bool spooled = false;
  for (const auto& p : f.parts) {
    spooled |= p.spooled();
    piece(p.text());
  }
  if (spooled) {  // not built by the lowering: a copy of the whole content
    e.text = f.content().substr(skip);
    l.entries.push_back(std::move(e));
    return;
  }
  // Appended to the lane's bytes, which go to its file a MiB at a time (a write per file cost
  // three times as much in the kernel: a page at a time).
  e.lane = l.index;
  e.offset = l.end;
  e.size = size;
  l.end += size;
  for (auto t : pieces) l.tail += t;
  l.entries.push_back(std::move(e));
  if (l.tail.size() >= batch_) set_aside(l);
}

void StdoutStream::set_aside(Lane& l) {
  if (l.failed || l.tail.empty()) return;
  if (l.fd < 0) l.fd = temp_file();
  std::vector<iovec> iov{{l.tail.data(), l.tail.size()}};
  if (l.fd >= 0 && write_all(l.fd, iov)) {
    l.on_file += l.tail.size();
    l.tail.clear();
    return;
  }
  // What a failed write left is cut off again; the rest of this lane stays in memory.
  if (l.fd >= 0) (void)::ftruncate(l.fd, static_cast<off_t>(l.on_file));
  l.failed = true;
}

namespace {

// Writes to `fd` in full.
bool write_fd(int fd, std::string_view text) {
  std::vector<iovec> iov{{const_cast<char*>(text.data()), text.size()}};
  return text.empty() || write_all(fd, iov);
}

// Copies `size` bytes at `offset` of `from` to `fd`: in the kernel (sendfile), else through a
// buffer.
bool copy_to_fd(int from, std::uint64_t offset, std::uint64_t size, int fd) {
  auto at = static_cast<off_t>(offset);
  while (size > 0) {
    ssize_t n = ::sendfile(fd, from, &at, std::min<std::uint64_t>(size, 1 << 30));
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    size -= static_cast<std::uint64_t>(n);
  }
  std::vector<char> buf;
  while (size > 0) {
    buf.resize(std::min<std::uint64_t>(size, 1 << 20));
    ssize_t n = ::pread(from, buf.data(), buf.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    if (!write_fd(fd, std::string_view(buf.data(), static_cast<std::size_t>(n)))) return false;
    at += n;
    size -= static_cast<std::uint64_t>(n);
  }
  return true;
}

// Copies `size` bytes at `offset` of `from` to `out`, a MiB at a time.
bool copy_to_stream(int from, std::uint64_t offset, std::uint64_t size, std::ostream& out) {
  std::vector<char> buf;
  auto at = static_cast<off_t>(offset);
  while (size > 0) {
    buf.resize(std::min<std::uint64_t>(size, 1 << 20));
    ssize_t n = ::pread(from, buf.data(), buf.size(), at);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    out.write(buf.data(), n);
    at += n;
    size -= static_cast<std::uint64_t>(n);
  }
  return true;
}

}  // namespace

bool StdoutStream::print(const emit::Output& output, std::ostream& out, int fd) {
  for (const auto& f : output.files) put(f);
  std::vector<const Entry*> order;
  for (const auto& l : lanes_)
    for (const auto& e : l.entries) order.push_back(&e);
  std::stable_sort(order.begin(), order.end(),
                   [](const Entry* a, const Entry* b) { return a->path < b->path; });
  if (fd >= 0) out.flush();
  bool ok = static_cast<bool>(out);
  // Consecutive files that follow each other in one lane's file are copied at once.
  for (std::size_t i = 0; ok && i < order.size();) {
    const Entry& e = *order[i];
    if (e.lane < 0) {
      ok = fd >= 0 ? write_fd(fd, e.text) : static_cast<bool>(out << e.text);
      ++i;
      continue;
    }
    std::uint64_t size = e.size;
    std::size_t j = i + 1;
    for (; j < order.size() && order[j]->lane == e.lane && order[j]->offset == e.offset + size; ++j)
      size += order[j]->size;
    const Lane& l = lanes_[static_cast<std::size_t>(e.lane)];
    // The bytes in the lane's file, then those still in memory.
    const std::uint64_t end = e.offset + size;
    if (e.offset < l.on_file) {
      const std::uint64_t n = std::min(end, l.on_file) - e.offset;
      ok = fd >= 0 ? copy_to_fd(l.fd, e.offset, n, fd) : copy_to_stream(l.fd, e.offset, n, out);
    }
    if (ok && end > l.on_file) {
      const std::uint64_t from = std::max(e.offset, l.on_file) - l.on_file;
      const std::string_view rest(l.tail.data() + from, end - l.on_file - from);
      ok = fd >= 0 ? write_fd(fd, rest) : static_cast<bool>(out << rest);
    }
    i = j;
  }
  if (fd < 0) out.flush();
  return ok && static_cast<bool>(out);
}

}  // namespace stackc::driver
