// The base protocol of LSP over a byte stream: `Content-Length: N` headers, a blank line, and N
// bytes of JSON. Bounded: a header line or a body larger than the limits is read past, never
// kept.
#pragma once

#include <cstddef>
#include <iosfwd>
#include <optional>
#include <string>

namespace stackc::lsp {

// The largest message body accepted (a document is at most 64 MiB, as for `stackc check`, and
// JSON may escape some of it).
inline constexpr std::size_t kMaxMessageBytes = 96u << 20;
inline constexpr std::size_t kMaxHeaderLine = 4096;

struct Incoming {
  enum class Kind { Message, Malformed, End } kind = Kind::End;
  std::string body;    // Message
  std::string reason;  // Malformed: what was wrong with the framing
};

// Reads the next message. Malformed framing (no or a bad Content-Length, a body over the limit)
// gives Kind::Malformed and resynchronises at the next header; End at the end of the stream.
Incoming read_message(std::istream& in);

// Writes one message with its header and flushes.
void write_message(std::ostream& out, const std::string& body);

}  // namespace stackc::lsp
