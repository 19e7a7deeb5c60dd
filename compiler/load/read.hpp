// Reading source files safely (the driver's inputs, the loader's imports and Dockerfiles): only
// regular files, never more than a limit, never blocking on a pipe or a device, and with the
// operating system's reason when something fails.
#pragma once

#include <cstdint>
#include <filesystem>
#include <limits>
#include <string>

#include "base/diagnostics.hpp"

namespace stackc::load {

// The most bytes stackc reads per source file, and per stack (the root file and every file it
// imports, the embedded stdlib not counted). `--max-input` changes it.
constexpr std::uint64_t kMaxInputBytes = std::uint64_t{64} << 20;

struct ReadResult {
  bool ok = false;
  // When not ok: E0001 (cannot be read), E0002 (larger than the limit) or E0003 (a directory
  // is E0001; a FIFO, device or socket is E0003).
  base::Code code = base::Code::E0001;
  std::string reason;  // "it is a named pipe (FIFO)", "No such file or directory", ...
};

// Reads the whole file `p` into `out` if it is a regular file of at most `max` bytes. The type
// is checked before the file is opened (a FIFO would block the open) and again on the open file;
// with `follow` false, a symbolic link is refused (O_NOFOLLOW).
ReadResult read_source(const std::filesystem::path& p, std::uint64_t max, bool follow,
                       std::string& out);

// "64 MiB", "1,000 bytes": a byte count as the messages print it.
std::string byte_size(std::uint64_t n);

// Reads a whole regular file; returns false with `error` set (the reason) when it cannot.
bool read_file(const std::filesystem::path& p, std::string& out, std::string& error,
               std::uint64_t max = std::numeric_limits<std::uint64_t>::max());

}  // namespace stackc::load
