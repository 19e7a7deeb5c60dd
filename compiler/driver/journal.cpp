#include "driver/journal.hpp"

#include <fcntl.h>
#include <fmt/format.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <memory>

namespace stackc::driver {
namespace {

constexpr const char* kJournal = "journal";
constexpr const char* kJournalNew = "journal.new";
constexpr const char* kHead = "stackc journal 1\n";
constexpr std::size_t kMaxJournal = std::size_t{256} << 20;

std::string text_of(const std::vector<Step>& steps) {
  std::string text = kHead;
  for (const auto& s : steps) {
    text += s.op;
    text += ' ';
    text += s.path;
    text += '\n';
  }
  text += "end\n";
  return text;
}

// The steps of a whole journal; false for anything else (a journal that was never committed is
// not there at all, so a torn or hostile one is treated as not committed).
bool parse(const std::string& text, std::vector<Step>& steps) {
  if (text.rfind(kHead, 0) != 0) return false;
  std::size_t at = std::string(kHead).size();
  while (at < text.size()) {
    auto nl = text.find('\n', at);
    if (nl == std::string::npos) return false;
    std::string_view line(text.data() + at, nl - at);
    at = nl + 1;
    if (line == "end") return at == text.size();
    if (line.size() < 3 || (line[0] != 'M' && line[0] != 'D') || line[1] != ' ') return false;
    std::string_view path = line.substr(2);
    if (!plain_relative(path) || path == kStaging ||
        path.rfind(std::string(kStaging) + "/", 0) == 0)
      return false;
    steps.push_back({line[0], std::string(path)});
  }
  return false;
}

bool write_text(int dir, const char* name, const std::string& text) {
  int fd = ::openat(dir, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t done = 0;
  while (done < text.size()) {
    ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      ::close(fd);
      return false;
    }
    done += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0;
}

// Removes the folders of `path` while they are empty (never the output folder itself).
void prune(Confined& out, std::string folder) {
  while (!folder.empty()) {
    std::string name;
    int at = out.parent(folder, false, name);
    if (at < 0 || ::unlinkat(at, name.c_str(), AT_REMOVEDIR) != 0) return;
    out.forget(folder);
    auto slash = folder.rfind('/');
    folder.resize(slash == std::string::npos ? 0 : slash);
  }
}

// Carries out the steps; each can be done again after it was done (a kill in the middle is
// finished by the next run).
// With `skipped`, a move that something not stackc's stands in the way of (a folder where the
// file goes, a file where a folder goes) is noted there and passed over instead of failing: the
// build that follows a recovery rewrites every file it generates anyway.
bool carry_out(Confined& out, Confined& staging, const std::vector<Step>& steps, std::string& error,
               std::size_t stop_after = static_cast<std::size_t>(-1),
               std::vector<std::string>* skipped = nullptr) {
  for (const auto& s : steps) {
    if (stop_after-- == 0) return true;
    std::string name, why;
    bool missing = false;
    if (s.op == 'M') {
      int from = staging.parent(s.path, false, name, &why, &missing);
      if (from < 0) {
        if (missing) continue;  // moved already (a whole folder with it)
        if (skipped) {          // a link planted in the staging folder: never followed
          skipped->push_back(why);
          continue;
        }
        error = why;
        return false;
      }
      struct stat st {};
      if (::fstatat(from, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
        if (errno == ENOENT) continue;  // moved already
        error = fmt::format("cannot read `{}`: {}", staging.show(s.path), os_reason(errno));
        return false;
      }
      int to = out.parent(s.path, true, name, &why);
      if (to < 0) {
        if (skipped) {
          skipped->push_back(why);
          continue;
        }
        error = why;
        return false;
      }
      if (::renameat(from, name.c_str(), to, name.c_str()) != 0) {
        const int err = errno;
        std::string what =
            fmt::format("cannot move `{}` into place: {}", out.show(s.path), os_reason(err));
        if (skipped && (err == EISDIR || err == ENOTEMPTY || err == EEXIST || err == ENOTDIR)) {
          skipped->push_back(std::move(what));
          continue;
        }
        error = std::move(what);
        return false;
      }
      staging.forget(s.path);
    } else {
      int at = out.parent(s.path, false, name, &why, &missing);
      if (at < 0) continue;  // gone already, or behind a link: never followed
      if (::unlinkat(at, name.c_str(), 0) != 0 && errno != ENOENT && errno != EISDIR) {
        error = fmt::format("cannot remove `{}`: {}", out.show(s.path), os_reason(errno));
        return false;
      }
      auto slash = s.path.rfind('/');
      if (slash != std::string::npos) prune(out, s.path.substr(0, slash));
    }
  }
  return true;
}

}  // namespace

bool commit(Confined& out, Confined& files, const std::vector<Step>& steps, std::string& error,
            bool& committed, std::size_t stop_after) {
  committed = false;
  std::string why;
  const int staging = out.folder(kStaging, false, &why);
  if (staging < 0) {
    error = why;
    return false;
  }
  const std::string shown = out.show(std::string(kStaging) + "/" + kJournal);
  if (!write_text(staging, kJournalNew, text_of(steps)) ||
      ::renameat(staging, kJournalNew, staging, kJournal) != 0) {
    error = fmt::format("cannot write `{}`: {}", shown, os_reason(errno));
    return false;
  }
  committed = true;
  if (!carry_out(out, files, steps, error, stop_after)) return false;
  if (stop_after != static_cast<std::size_t>(-1)) return true;
  // Done: the journal goes first (a kill from here on leaves a staging folder that the next run
  // simply removes), then the rest.
  ::unlinkat(staging, kJournal, 0);
  out.forget(kStaging);
  remove_tree(out.fd(), kStaging);
  return true;
}

bool recover(Confined& out, Recovery& what, std::string& error, std::vector<std::string>* skipped) {
  what = Recovery::Clean;
  struct stat st {};
  if (::fstatat(out.fd(), kStaging, &st, AT_SYMLINK_NOFOLLOW) != 0) return true;
  what = Recovery::Undone;
  std::vector<Step> steps;
  std::string text;
  if (S_ISDIR(st.st_mode)) {
    int fd = ::openat(out.fd(), kStaging, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd >= 0) {
      if (read_at(fd, kJournal, kMaxJournal, text) && parse(text, steps)) {
        ::mkdirat(fd, kStagedFiles, 0700);  // (all moved, or a planted journal)
        int files_fd = ::openat(fd, kStagedFiles, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (files_fd >= 0) {
          what = Recovery::Finished;
          Confined files(files_fd, out.show(std::string(kStaging) + "/" + kStagedFiles));
          std::vector<std::string> passed;
          if (!carry_out(out, files, steps, error, static_cast<std::size_t>(-1), &passed)) {
            ::close(fd);
            return false;
          }
          ::unlinkat(fd, kJournal, 0);
          if (skipped) *skipped = std::move(passed);
        }
      }
      ::close(fd);
    }
  }
  out.forget(kStaging);
  if (!remove_tree(out.fd(), kStaging)) {
    error = fmt::format("cannot remove `{}`: {}", out.show(kStaging), os_reason(errno));
    return false;
  }
  return true;
}

}  // namespace stackc::driver
