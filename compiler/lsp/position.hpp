// Positions as the Language Server Protocol counts them (0-based lines, UTF-16 code units within
// a line) against the byte offsets of spans, and `file://` URIs against paths.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace stackc::lsp {

struct Position {
  std::uint32_t line = 0;       // 0-based
  std::uint32_t character = 0;  // UTF-16 code units from the line's start
  friend bool operator==(const Position&, const Position&) = default;
};

struct Range {
  Position start, end;
  friend bool operator==(const Range&, const Range&) = default;
};

// The line starts of one text, for converting offsets and positions both ways. The text must
// outlive the index. Lines end at LF (a CR before it is part of the line, as the parser has it);
// invalid UTF-8 counts one code unit per byte.
class LineIndex {
 public:
  LineIndex() = default;
  explicit LineIndex(std::string_view text);
  Position position(std::uint32_t offset) const;
  // A position past the end of its line is the line's end; past the last line, the text's end.
  std::uint32_t offset(Position p) const;
  Range range(std::uint32_t begin, std::uint32_t end) const {
    return {position(begin), position(end)};
  }
  std::uint32_t line_count() const { return static_cast<std::uint32_t>(starts_.size()); }
  std::uint32_t line_start(std::uint32_t line) const;
  std::uint32_t line_end(std::uint32_t line) const;  // before the LF (and a CR before it)
  std::string_view text() const { return text_; }

 private:
  std::string_view text_;
  std::vector<std::uint32_t> starts_{0};
};

// UTF-16 code units of a UTF-8 text.
std::uint32_t utf16_length(std::string_view s);

// `file:///a/b%20c.stack` -> `/a/b c.stack`; empty when it is not a file URI.
std::string uri_to_path(std::string_view uri);
std::string path_to_uri(std::string_view path);

}  // namespace stackc::lsp
