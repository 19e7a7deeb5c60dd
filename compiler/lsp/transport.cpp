#include "lsp/transport.hpp"

#include <algorithm>
#include <cctype>
#include <istream>
#include <ostream>

namespace stackc::lsp {

namespace {

// One header line without its CRLF; nullopt at the end of the stream. A longer line is read to
// its end and cut.
std::optional<std::string> read_line(std::istream& in) {
  std::string line;
  bool any = false;
  for (int c; (c = in.get()) != std::char_traits<char>::eof();) {
    any = true;
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      return line;
    }
    if (line.size() < kMaxHeaderLine) line += static_cast<char>(c);
  }
  if (!any) return std::nullopt;
  return line;
}

bool iequals_prefix(const std::string& s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  return true;
}

}  // namespace

Incoming read_message(std::istream& in) {
  Incoming msg;
  std::optional<std::size_t> length;
  bool bad_length = false;
  bool any_header = false;
  for (;;) {
    auto line = read_line(in);
    if (!line) {
      msg.kind = Incoming::Kind::End;
      return msg;
    }
    if (line->empty()) {
      if (!any_header) continue;  // stray blank lines between messages
      break;
    }
    any_header = true;
    if (iequals_prefix(*line, "content-length:")) {
      std::string v = line->substr(15);
      v.erase(0, v.find_first_not_of(" \t"));
      while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
      if (v.empty() || v.size() > 12 ||
          !std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        bad_length = true;
      } else {
        length = std::stoull(v);
      }
    }
  }
  if (!length || bad_length) {
    msg.kind = Incoming::Kind::Malformed;
    msg.reason = "a message without a valid Content-Length header";
    return msg;
  }
  if (*length > kMaxMessageBytes) {
    in.ignore(static_cast<std::streamsize>(*length));
    msg.kind = in ? Incoming::Kind::Malformed : Incoming::Kind::End;
    msg.reason = "a message larger than the server accepts (" + std::to_string(*length) + " bytes)";
    return msg;
  }
  msg.body.resize(*length);
  in.read(msg.body.data(), static_cast<std::streamsize>(*length));
  if (static_cast<std::size_t>(in.gcount()) != *length) {
    msg.kind = Incoming::Kind::End;  // the stream ended inside the body
    return msg;
  }
  msg.kind = Incoming::Kind::Message;
  return msg;
}

void write_message(std::ostream& out, const std::string& body) {
  out << "Content-Length: " << body.size() << "\r\n\r\n" << body;
  out.flush();
}

}  // namespace stackc::lsp
