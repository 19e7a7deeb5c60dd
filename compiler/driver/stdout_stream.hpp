// `build --stdout`: the plain manifests of one environment as one YAML stream, the files in
// name order (the order `kubectl apply -f DIR` applies them) without their headers. Nothing is
// printed before the build has ended without errors (a stream piped into `kubectl apply` must
// never be a part of the environment), so each workload's file is set aside as it is lowered, in
// an unnamed file of the temporary folder, one per lowering thread (appended to without a lock, a
// MiB at a time), of which only the order is kept in memory. print() then hands the set-aside bytes
// to stdout in the kernel (sendfile), a run of consecutive files at a time.
#pragma once

#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>
#include <vector>

#include "emit/output.hpp"

namespace stackc::driver {

class StdoutStream {
 public:
  // `batch`: what each thread holds in memory before it writes to its file.
  static constexpr std::size_t kBatch = std::size_t{1} << 20;
  StdoutStream(std::string env, const std::string& source, std::size_t batch = kBatch);
  ~StdoutStream();
  StdoutStream(const StdoutStream&) = delete;
  StdoutStream& operator=(const StdoutStream&) = delete;

  // Takes a file of the environment's plain manifests (others are ignored); any thread.
  void put(const emit::File& f);
  // Prints what it took and the environment's files of `output`, in name order, to `out`, or
  // with `fd` >= 0 to that descriptor (which `out` writes to: it is flushed first); false when
  // writing or reading back failed.
  bool print(const emit::Output& output, std::ostream& out, int fd = -1);

 private:
  struct Entry {
    std::string path;
    int lane = -1;             // the lane that holds the bytes; -1: in `text`
    std::uint64_t offset = 0;  // where in the lane's bytes
    std::uint64_t size = 0;
    std::string text;
  };
  // What one thread put: its file (-1 until needed, or when it cannot be made) and entries.
  struct Lane {
    std::thread::id owner;
    int index = 0;  // in lanes_
    int fd = -1;
    bool failed = false;        // its file could not be made or written: the rest stays in memory
    std::uint64_t end = 0;      // the bytes it took: in its file, then in `tail`
    std::uint64_t on_file = 0;  // of which in its file
    std::string tail;
    std::vector<Entry> entries;
  };
  Lane& lane();
  void append(Lane& lane, const emit::File& f, std::size_t skip);
  void set_aside(Lane& lane);  // writes its tail to its file

  std::size_t batch_;
  std::string prefix_, head_;
  std::mutex mu_;           // guards `lanes_` (its size), not a lane's contents
  std::deque<Lane> lanes_;  // one per thread that put files
};

}  // namespace stackc::driver
