// What the emitters produce: files by relative path. The driver writes them atomically.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::emit {

// Bytes set aside in an open file while the build runs (see Spool): content that is not held in
// memory.
struct Spooled {
  int fd = -1;
  std::uint64_t offset = 0, size = 0;
};

// Where a build sets text aside that it writes into a file later (the driver's are unnamed files
// in the output folder's staging folder, or in the system's temporary folder for `build --check`,
// gone when it ends): text that would otherwise wait in memory.
class Spool {
 public:
  virtual ~Spool() = default;
  // Appends `text` after what was appended before; false when it could not (then nothing was).
  // One thread at a time.
  virtual bool append(std::string_view text, Spooled& where) = 0;
};

// A piece of a file's content: text in memory, or spooled bytes.
struct Part {
  const char* data = nullptr;  // the text (null when spooled)
  std::size_t size = 0;
  std::uint64_t offset = 0;  // spooled: where the bytes are in `fd`
  int fd = -1;

  Part(std::string_view t) : data(t.data()), size(t.size()) {}  // NOLINT: implicit on purpose
  Part(const char* t) : Part(std::string_view(t)) {}            // NOLINT
  Part(const std::string& t) : Part(std::string_view(t)) {}     // NOLINT
  explicit Part(const Spooled& s) : size(s.size), offset(s.offset), fd(s.fd) {}
  bool spooled() const { return fd >= 0; }
  std::string_view text() const { return data ? std::string_view(data, size) : std::string_view(); }
  // A spooled part: reads `n` bytes from `at` (within the part) into `into`; false on an I/O
  // error.
  bool read(std::size_t at, std::size_t n, char* into) const;
};

// Text made in order that goes to a spool a MiB at a time rather than wait whole in memory:
// append to `rest`, call spill() after each piece, and end() after the last.
struct SpooledText {
  // Makes the spool, the first time there is a MiB to set aside (unset or null: all stays in
  // memory).
  std::function<Spool*()> make_spool;
  Spool* spool = nullptr;
  Spooled spooled;   // what the spool took (size 0: nothing)
  std::string rest;  // what it has not
  // Sets `rest` aside once it holds a MiB. When the spool fails, the text stays in memory from
  // there on.
  void spill();
  // After the last piece: what is left (less than a MiB) stays in memory, in a block its size.
  void end() { rest.shrink_to_fit(); }
  // The content as parts: the spooled bytes, then `rest` (a view).
  void parts(std::vector<Part>& into) const;
};

struct File {
  std::string path;  // relative to the output folder, '/' separated
  std::string text;  // the content; with parts, its beginning
  // The rest of the content: views into text that outlives the Output (the printed objects of
  // the lowering; the plain manifests and the Kustomize base are written without a copy), or
  // bytes spooled to a file (the chart's values and the Prometheus Operator files of a large
  // stack).
  std::vector<Part> parts;

  std::size_t size() const;
  // The whole content (a copy when there are parts).
  std::string content() const;
  // True when `chunk` is what the content holds from byte `at` on (a file on disk is compared a
  // chunk at a time, without joining the parts).
  bool matches(std::size_t at, std::string_view chunk) const;
};

struct Output {
  std::vector<File> files;
  // Texts that parts of files refer to, kept as long as the Output (their bytes never move).
  std::deque<std::string> kept;
  std::string_view keep(std::string text) { return kept.emplace_back(std::move(text)); }
  // When set, each file added is offered to `put` first (the driver writes it at once, from the
  // thread that made it): a file it takes is not kept in `files`, and its text is freed.
  std::function<bool(const File&)> put;
  void add(std::string path, std::string text) { add(std::move(path), std::move(text), {}); }
  void add(std::string path, std::string text, std::vector<Part> parts) {
    File f{std::move(path), std::move(text), std::move(parts)};
    if (put && put(f)) return;
    files.push_back(std::move(f));
  }
  // A file of `t`'s content (what is left of it in memory is kept, unless `put` takes the file).
  void add(std::string path, SpooledText t);
  // When set, where an emitter may set a large file's text aside as it makes it
  // (SpooledText::make_spool).
  std::function<Spool*()> spool;
};

// The header every generated file starts with (`#` comments).
std::string header(const std::string& source, const std::string& comment = "#");

}  // namespace stackc::emit
