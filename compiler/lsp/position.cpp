#include "lsp/position.hpp"

#include <algorithm>

namespace stackc::lsp {

namespace {

// Bytes of the UTF-8 sequence that starts with `c` (1 for a stray continuation byte).
std::size_t sequence_length(unsigned char c) {
  if (c < 0xC0) return 1;
  if (c < 0xE0) return 2;
  if (c < 0xF0) return 3;
  if (c < 0xF8) return 4;
  return 1;
}

}  // namespace

std::uint32_t utf16_length(std::string_view s) {
  std::uint32_t n = 0;
  for (std::size_t i = 0; i < s.size();) {
    std::size_t len = std::min(sequence_length(static_cast<unsigned char>(s[i])), s.size() - i);
    n += len == 4 ? 2 : 1;
    i += len;
  }
  return n;
}

LineIndex::LineIndex(std::string_view text) : text_(text) {
  for (std::size_t i = 0; i < text.size(); ++i)
    if (text[i] == '\n') starts_.push_back(static_cast<std::uint32_t>(i + 1));
}

std::uint32_t LineIndex::line_start(std::uint32_t line) const {
  if (line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  return starts_[line];
}

std::uint32_t LineIndex::line_end(std::uint32_t line) const {
  if (line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  std::uint32_t end =
      line + 1 < starts_.size() ? starts_[line + 1] - 1 : static_cast<std::uint32_t>(text_.size());
  if (end > starts_[line] && line + 1 < starts_.size() && text_[end - 1] == '\r') --end;
  return end;
}

Position LineIndex::position(std::uint32_t offset) const {
  offset = std::min<std::uint32_t>(offset, static_cast<std::uint32_t>(text_.size()));
  auto it = std::upper_bound(starts_.begin(), starts_.end(), offset);
  auto line = static_cast<std::uint32_t>(it - starts_.begin() - 1);
  std::uint32_t start = starts_[line];
  // An offset inside a UTF-8 sequence counts from the sequence's start.
  return {line, utf16_length(text_.substr(start, offset - start))};
}

std::uint32_t LineIndex::offset(Position p) const {
  if (p.line >= starts_.size()) return static_cast<std::uint32_t>(text_.size());
  std::uint32_t i = starts_[p.line];
  const std::uint32_t end = p.line + 1 < starts_.size() ? starts_[p.line + 1] - 1
                                                        : static_cast<std::uint32_t>(text_.size());
  std::uint32_t units = 0;
  while (i < end && units < p.character) {
    std::size_t len =
        std::min<std::size_t>(sequence_length(static_cast<unsigned char>(text_[i])), end - i);
    units += len == 4 ? 2 : 1;
    i += static_cast<std::uint32_t>(len);
  }
  return i;
}

std::string uri_to_path(std::string_view uri) {
  constexpr std::string_view scheme = "file://";
  if (uri.substr(0, scheme.size()) != scheme) return {};
  uri.remove_prefix(scheme.size());
  // file://host/path: only the local host (empty or localhost) is a path here.
  if (uri.substr(0, 9) == "localhost") uri.remove_prefix(9);
  if (uri.empty() || uri[0] != '/') return {};
  std::string out;
  auto hex = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  for (std::size_t i = 0; i < uri.size(); ++i) {
    if (uri[i] == '%' && i + 2 < uri.size()) {
      int hi = hex(uri[i + 1]), lo = hex(uri[i + 2]);
      if (hi >= 0 && lo >= 0) {
        out += static_cast<char>(hi * 16 + lo);
        i += 2;
        continue;
      }
    }
    if (uri[i] == '?' || uri[i] == '#') break;
    out += uri[i];
  }
  if (out.find('\0') != std::string::npos) return {};
  return out;
}

std::string path_to_uri(std::string_view path) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out = "file://";
  for (char ch : path) {
    auto c = static_cast<unsigned char>(ch);
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (plain) {
      out += ch;
    } else {
      out += '%';
      out += digits[c >> 4];
      out += digits[c & 15];
    }
  }
  return out;
}

}  // namespace stackc::lsp
