// `build --stdout`: the plain manifests of one environment as one YAML stream, the files in
// name order (the order `kubectl apply -f DIR` applies them) without their headers. With one
// environment each workload's file is set aside in an unnamed temporary file as it is lowered
// (its text freed), and only the order is kept in memory.
#pragma once

#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "emit/output.hpp"

namespace stackc::driver {

class StdoutStream {
 public:
  StdoutStream(std::string env, const std::string& source);
  // Takes a file of the environment's plain manifests (others are ignored); any thread.
  void put(const emit::File& f);
  // Prints what it took and the environment's files of `output`, in name order; false when the
  // stream or a spool failed.
  bool print(const emit::Output& output, std::ostream& out);

 private:
  struct Entry {
    std::string path;
    emit::Spooled spooled;  // size 0: none
    std::string text;       // what was not spooled
  };
  std::string prefix_, head_;
  std::mutex mu_;
  std::unique_ptr<emit::Spool> spool_;
  std::vector<Entry> files_;
};

}  // namespace stackc::driver
