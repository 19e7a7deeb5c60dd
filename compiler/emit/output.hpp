// What the emitters produce: files by relative path. The driver writes them atomically.
#pragma once

#include <deque>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::emit {

struct File {
  std::string path;  // relative to the output folder, '/' separated
  std::string text;  // the content; with parts, its beginning
  // The rest of the content, as views into text that outlives the Output (the printed objects of
  // the lowering): the plain manifests and the Kustomize base are written without a copy.
  std::vector<std::string_view> parts;

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
  void add(std::string path, std::string text) {
    files.push_back({std::move(path), std::move(text), {}});
  }
  void add(std::string path, std::string text, std::vector<std::string_view> parts) {
    files.push_back({std::move(path), std::move(text), std::move(parts)});
  }
};

// The header every generated file starts with (`#` comments).
std::string header(const std::string& source, const std::string& comment = "#");

}  // namespace stackc::emit
