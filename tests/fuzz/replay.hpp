// Replays every regular file below some folders through a fuzz entry (the tests that keep what
// the fuzzers found fixed). Returns how many files it replayed.
#pragma once

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace stackc::fuzz {

inline std::size_t replay(const std::vector<const char*>& dirs,
                          void (*one)(const std::uint8_t*, std::size_t)) {
  namespace fs = std::filesystem;
  fs::current_path(STACKC_SOURCE_DIR);
  std::size_t n = 0;
  for (const char* dir : dirs) {
    for (const auto& e : fs::recursive_directory_iterator(dir)) {
      if (!e.is_regular_file()) continue;
      std::ifstream in(e.path(), std::ios::binary);
      std::ostringstream ss;
      ss << in.rdbuf();
      std::string s = ss.str();
      SCOPED_TRACE(e.path().string());
      one(reinterpret_cast<const std::uint8_t*>(s.data()), s.size());
      ++n;
    }
  }
  return n;
}

}  // namespace stackc::fuzz
