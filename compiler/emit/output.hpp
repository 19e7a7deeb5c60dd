// What the emitters produce: files by relative path. The driver writes them atomically.
#pragma once

#include <string>
#include <vector>

namespace stackc::emit {

struct File {
  std::string path;  // relative to the output folder, '/' separated
  std::string text;
};

struct Output {
  std::vector<File> files;
  void add(std::string path, std::string text) {
    files.push_back({std::move(path), std::move(text)});
  }
};

// The header every generated file starts with (`#` comments).
std::string header(const std::string& source, const std::string& comment = "#");

}  // namespace stackc::emit
