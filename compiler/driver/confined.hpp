// A folder whose inside is reached without following symbolic links: every path below it is
// walked a component at a time with openat(O_NOFOLLOW) from a descriptor of the folder, so a link
// planted inside it (a GitOps pull request can commit one) never leads a write or a delete out of
// it. The folder itself is opened as the system resolves its path (the user named it).
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>

namespace stackc::driver {

// Whether `path` is a plain relative path: not empty, no leading `/`, every component a name
// (not empty, `.` or `..`), no control characters or backslashes, at most 4096 bytes.
bool plain_relative(std::string_view path);

// The system's words for `err` (strerror), e.g. "No space left on device".
std::string os_reason(int err);

class Confined {
 public:
  // `fd` is an open descriptor of the folder (owned from now on); `shown` is how messages name it.
  Confined(int fd, std::string shown);
  Confined(const Confined&) = delete;
  Confined& operator=(const Confined&) = delete;
  ~Confined();

  int fd() const { return fd_; }
  const std::string& shown() const { return shown_; }
  // `shown()/rel`, for messages.
  std::string show(std::string_view rel) const;

  // The descriptor of the folder `rel` ("" is the folder itself), opened once and kept; with
  // `create`, the missing folders on the way are made. -1 when it cannot be had, with `error`
  // set (when given) to a sentence naming the path: a symbolic link on the way, a file where a
  // folder must be, or what the system said; `missing` (when given) is set when it does not exist
  // (and `create` was false). Any thread.
  int folder(std::string_view rel, bool create, std::string* error = nullptr,
             bool* missing = nullptr);
  // Splits `rel` into its folder's descriptor and its last component, as folder() does.
  int parent(std::string_view rel, bool create, std::string& name, std::string* error = nullptr,
             bool* missing = nullptr);
  // Forgets the kept descriptor of `rel` and those below it (after it was moved or removed).
  void forget(std::string_view rel);

 private:
  int fd_;
  std::string shown_;
  std::mutex mu_;
  std::map<std::string, int, std::less<>> open_;  // folder below -> its descriptor
};

// Reads the regular file `name` of the folder `dir` whole, without following a link and without
// blocking on a pipe. False (and `out` empty) when there is none, it is not a regular file, or it
// is larger than `max` bytes.
bool read_at(int dir, const char* name, std::size_t max, std::string& out);

// Removes `name` in the folder `dir` with everything below it, without following links (a link
// is removed, not what it points at). True when nothing is left.
bool remove_tree(int dir, const std::string& name);

}  // namespace stackc::driver
