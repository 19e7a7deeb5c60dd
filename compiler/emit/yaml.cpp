#include "emit/yaml.hpp"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace stackc::emit {
namespace {

// The printer's output: appends to a std::string through a raw pointer, growing it only when an
// append would pass its end, so that each small append is a bounds check and a copy. The string
// is cut to what was written when the Out goes.
class Out {
 public:
  explicit Out(std::string& s) : s_(s) {
    std::size_t used = s_.size();
    start_ = used;
    s_.resize(used + 256);  // resize() writes the new bytes: only a few here, more when it grows
    begin_ = s_.data();
    p_ = begin_ + used;
    end_ = begin_ + s_.size();
  }
  ~Out() { s_.resize(size()); }
  Out(const Out&) = delete;
  Out& operator=(const Out&) = delete;

  Out& operator+=(char c) {
    need(1);
    *p_++ = c;
    return *this;
  }
  Out& operator+=(std::string_view v) {
    need(v.size());
    std::memcpy(p_, v.data(), v.size());
    p_ += v.size();
    return *this;
  }
  Out& operator+=(const char* c) { return *this += std::string_view(c); }
  // Indentation: spaces, eight at a time (a fixed-size copy is one store; memset is a call).
  void indent(std::size_t n) {
    need(n + 8);
    for (std::size_t i = 0; i < n; i += 8) std::memcpy(p_ + i, "        ", 8);
    p_ += n;
  }
  void append(const char* p, std::size_t n) { *this += std::string_view(p, n); }
  std::size_t size() const { return static_cast<std::size_t>(p_ - begin_); }

 private:
  void need(std::size_t n) {
    if (static_cast<std::size_t>(end_ - p_) < n) grow(n);
  }
  // resize() writes every byte it adds, so the string grows by what is needed plus as much as
  // this printer wrote so far: the bytes written twice are at most twice the output, however
  // large the string already was (its capacity doubles as std::string's does).
  void grow(std::size_t n) {
    std::size_t used = size();
    s_.resize(used + n + std::max<std::size_t>(256, used - start_));
    begin_ = s_.data();
    p_ = begin_ + used;
    end_ = begin_ + s_.size();
  }
  std::string& s_;
  std::size_t start_;  // the string's size when this printer started
  char* begin_;
  char* p_;
  char* end_;
};

// Words YAML 1.1 or 1.2 reads as something other than a string (booleans, null, merge keys and
// the `=` value key), chosen by length so that most strings are cleared by one comparison.
bool special_word(std::string_view s) {
  switch (s.size()) {
    case 1:
      return s == "y" || s == "n" || s == "~" || s == "Y" || s == "N" || s == "=";
    case 2:
      return s == "no" || s == "on" || s == "No" || s == "On" || s == "NO" || s == "ON" ||
             s == "<<";
    case 3:
      return s == "yes" || s == "off" || s == "Yes" || s == "Off" || s == "YES" || s == "OFF";
    case 4:
      return s == "true" || s == "null" || s == "True" || s == "Null" || s == "TRUE" || s == "NULL";
    case 5:
      return s == "false" || s == "False" || s == "FALSE";
    default:
      return false;
  }
}

// What each byte means to needs_quotes: kFirst quotes a string that starts with it (YAML's
// indicators and the digits), kControl quotes anywhere, kColon and kHash quote after or before a
// space.
enum : unsigned char { kFirst = 1, kControl = 2, kColon = 4, kHash = 8 };
struct ByteKinds {
  unsigned char kind[256] = {};
  constexpr ByteKinds() {
    for (int c = 0; c < 0x20; ++c) kind[c] = kControl;
    kind[0x7f] = kControl;
    for (char c : std::string_view("!&*-?:,[]{}#|>@`\"'%0123456789"))
      kind[static_cast<unsigned char>(c)] |= kFirst;
    kind[static_cast<unsigned char>(':')] |= kColon;
    kind[static_cast<unsigned char>('#')] |= kHash;
  }
};
constexpr ByteKinds kBytes;

// Whether any of the eight bytes of `x` is below 0x20, 0x7f, `:` or `#` (may also flag a byte
// next to one that is: the bytes are then looked at one by one).
bool word_flagged(std::uint64_t x) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL, highs = 0x8080808080808080ULL;
  auto has_zero = [&](std::uint64_t y) { return (y - ones) & ~y & highs; };
  return (((x - ones * 0x20) & ~x & highs) | has_zero(x ^ (ones * 0x7f)) |
          has_zero(x ^ (ones * ':')) | has_zero(x ^ (ones * '#'))) != 0;
}

bool needs_quotes(std::string_view s) {
  const std::size_t n = s.size();
  if (n == 0) return true;
  if (n <= 5 && special_word(s)) return true;
  // Anything that starts like a number, a date or a time is quoted, as is an indicator.
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if ((kBytes.kind[c0] & kFirst) || ((c0 == '+' || c0 == '.') && n > 1)) return true;
  if (c0 == ' ' || s.back() == ' ') return true;
  // Bytes [from, to) one by one: control characters, `: ` (or `:` at the end), ` #`.
  auto bytes = [&](std::size_t from, std::size_t to) {
    for (std::size_t i = from; i < to; ++i) {
      unsigned char k = kBytes.kind[static_cast<unsigned char>(s[i])] & (kControl | kColon | kHash);
      if (k == 0) continue;
      if (k == kControl) return true;
      if (k == kColon && (i + 1 == n || s[i + 1] == ' ')) return true;
      if (k == kHash && i > 0 && s[i - 1] == ' ') return true;
    }
    return false;
  };
  // Sixteen bytes at a time (eight without SSE2): most strings have none of the bytes that matter
  // (below 0x20, 0x7f, `:`, `#`), which one test per block shows; a block with one is looked at
  // byte by byte. The tail of a string is tested as the last block, overlapping what was seen.
#if defined(__SSE2__)
  constexpr std::size_t kBlock = 16;
  auto flagged = [](const char* p) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1f)), v);
    __m128i others = _mm_or_si128(
        _mm_cmpeq_epi8(v, _mm_set1_epi8(0x7f)),
        _mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8(':')), _mm_cmpeq_epi8(v, _mm_set1_epi8('#'))));
    return _mm_movemask_epi8(_mm_or_si128(control, others)) != 0;
  };
#else
  constexpr std::size_t kBlock = 8;
  auto flagged = [](const char* p) {
    std::uint64_t x;
    std::memcpy(&x, p, 8);
    return word_flagged(x);
  };
#endif
  if (n < kBlock) {
    // Short strings are read in place (a copy into a padded block would be read back before its
    // stores reach the cache: a store-forwarding stall on every string): from 8 bytes as two
    // overlapping words, below that byte by byte.
    const char* p = s.data();
    if (n >= 8) {
      std::uint64_t a, b;
      std::memcpy(&a, p, 8);
      std::memcpy(&b, p + n - 8, 8);
      return (word_flagged(a) || word_flagged(b)) && bytes(0, n);
    }
    unsigned char any = 0;
    for (std::size_t i = 0; i < n; ++i) any |= kBytes.kind[static_cast<unsigned char>(p[i])];
    return (any & (kControl | kColon | kHash)) != 0 && bytes(0, n);
  }
  std::size_t i = 0;
  for (; i + kBlock <= n; i += kBlock)
    if (flagged(s.data() + i) && bytes(i, i + kBlock)) return true;
  return i < n && flagged(s.data() + n - kBlock) && bytes(i, n);
}

void append_quoted(Out& out, std::string_view s) {
  out += '"';
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        if (c < 0x20 || c == 0x7f) {
          static constexpr char hex[] = "0123456789abcdef";
          out += "\\x";
          out += hex[c >> 4];
          out += hex[c & 15];
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  out += '"';
}

void append_string(Out& out, std::string_view s) {
  if (needs_quotes(s))
    append_quoted(out, s);
  else
    out += s;
}

void append_unsigned(Out& out, std::uint64_t v, bool negative) {
  char buf[24];
  char* end = buf + sizeof buf;
  char* p = end;
  do {
    *--p = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  if (negative) *--p = '-';
  out.append(p, static_cast<std::size_t>(end - p));
}

void append_scalar(Out& out, const Doc& d) {
  switch (d.type()) {
    case Doc::value_t::string:
      append_string(out, d.str());
      return;
    case Doc::value_t::boolean:
      out += d.get<bool>() ? "true" : "false";
      return;
    case Doc::value_t::number_integer: {
      auto v = d.get<std::int64_t>();
      append_unsigned(
          out, v < 0 ? 0 - static_cast<std::uint64_t>(v) : static_cast<std::uint64_t>(v), v < 0);
      return;
    }
    case Doc::value_t::number_unsigned:
      append_unsigned(out, d.get<std::uint64_t>(), false);
      return;
    case Doc::value_t::number_float:
      out += d.dump();
      return;
    case Doc::value_t::object:
      out += "{}";
      return;
    case Doc::value_t::array:
      out += "[]";
      return;
    default:
      out += "null";
      return;
  }
}

bool is_collection(const Doc& d) {
  return (d.is_object() || d.is_array()) && !d.empty();
}

// Text over several lines reads best as a literal block (`|`); it must not need escapes, must not
// start with a space (the indentation would change) and no line may end in a space.
bool literal_block(const Doc& d) {
  if (!d.is_string()) return false;
  const auto& s = d.str();
  if (s.find('\n') == std::string::npos || s.front() == ' ' || s.front() == '\n') return false;
  for (std::size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\n') || c == 0x7f) return false;
    if (c == '\n' && i > 0 && (s[i - 1] == ' ' || s[i - 1] == '\n')) return false;
  }
  return true;
}

void write_block(Out& out, std::string_view s, int indent) {
  out += s.back() == '\n' ? "|\n" : "|-\n";
  std::size_t start = 0;
  while (start < s.size()) {
    std::size_t nl = s.find('\n', start);
    std::string_view line(s.data() + start, (nl == std::string::npos ? s.size() : nl) - start);
    out.indent(static_cast<std::size_t>(indent));
    out += line;
    out += '\n';
    if (nl == std::string::npos) break;
    start = nl + 1;
  }
}

void write_node(Out& out, const Doc& d, int indent);

void append_key(Out& out, std::string_view k) {
  if (Arena::plain_key(k))
    out += k;
  else
    append_quoted(out, k);
}

// `key: value` at `indent` (the key's own indentation already written). `k` is a key of a Doc's
// mapping (see Arena::plain_key).
void write_entry(Out& out, std::string_view k, const Doc& v, int indent) {
  append_key(out, k);
  out += ':';
  if (is_collection(v)) {
    out += '\n';
    // Sequences under a key are not indented further (the Kubernetes style).
    write_node(out, v, v.is_array() ? indent : indent + 2);
  } else if (v.is_string()) {
    // Plain, or (with a line break, which needs quotes) a literal block, or quoted.
    std::string_view text = v.str();
    out += ' ';
    if (!needs_quotes(text)) {
      out += text;
      out += '\n';
    } else if (literal_block(v)) {
      write_block(out, text, indent + 2);
    } else {
      append_quoted(out, text);
      out += '\n';
    }
  } else {
    out += ' ';
    append_scalar(out, v);
    out += '\n';
  }
}

void write_object(Out& out, const Doc& d, int indent, bool first_inline) {
  bool first = true;
  for (const auto& [k, v] : d.items()) {
    if (!(first && first_inline)) out.indent(static_cast<std::size_t>(indent));
    first = false;
    write_entry(out, k, v, indent);
  }
}

void write_array(Out& out, const Doc& d, int indent) {
  for (const auto& v : d) {
    out.indent(static_cast<std::size_t>(indent));
    out += "- ";
    if (v.is_object() && !v.empty()) {
      write_object(out, v, indent + 2, true);
    } else if (v.is_array() && !v.empty()) {
      out += '\n';
      write_array(out, v, indent + 2);
    } else {
      append_scalar(out, v);
      out += '\n';
    }
  }
}

void write_node(Out& out, const Doc& d, int indent) {
  if (d.is_object() && !d.empty()) {
    write_object(out, d, indent, false);
  } else if (d.is_array() && !d.empty()) {
    write_array(out, d, indent);
  } else {
    out.indent(static_cast<std::size_t>(indent));
    append_scalar(out, d);
    out += '\n';
  }
}

}  // namespace

std::string yaml_string(std::string_view s) {
  std::string text;
  {
    Out out(text);
    append_string(out, s);
  }
  return text;
}

bool yaml_needs_quotes(std::string_view s) {
  return needs_quotes(s);
}

void write_yaml(std::string& text, const Doc& doc) {
  Out out(text);
  write_node(out, doc, 0);
}

void write_yaml_members(std::string& text, const Doc& doc, int indent) {
  Out out(text);
  write_object(out, doc, indent, false);
}

void write_yaml_without_namespace(std::string& text, const Doc& doc, const std::string& ns) {
  Out out(text);
  if (!doc.is_object() || !doc.contains("metadata") || !doc["metadata"].contains("namespace") ||
      doc["metadata"]["namespace"] != ns) {
    write_node(out, doc, 0);
    return;
  }
  for (const auto& [k, v] : doc.items()) {
    if (k != "metadata") {
      write_entry(out, k, v, 0);
      continue;
    }
    Doc md = v;  // small: the metadata alone is copied
    md.erase("namespace");
    write_entry(out, k, md, 0);
  }
}

std::pair<std::size_t, std::size_t> write_yaml_marking_namespace(std::string& text, const Doc& doc,
                                                                 const std::string& ns) {
  const Doc* md = nullptr;
  if (doc.is_object()) {
    auto m = doc.find("metadata");
    if (m != doc.end() && m->is_object() && m->size() > 1) {
      auto n = m->find("namespace");
      if (n != m->end() && n->is_string() && n->str() == ns) md = &*m;
    }
  }
  Out out(text);
  if (md == nullptr) {
    write_node(out, doc, 0);
    return {0, 0};
  }
  std::pair<std::size_t, std::size_t> span{0, 0};
  for (const auto& [k, v] : doc.items()) {
    if (&v != md) {
      write_entry(out, k, v, 0);
      continue;
    }
    // What write_entry writes for a non-empty mapping, with the namespace line's span noted.
    append_key(out, k);
    out += ":\n";
    for (const auto& [mk, mv] : v.items()) {
      std::size_t begin = out.size();
      out.indent(2);
      write_entry(out, mk, mv, 2);
      if (mk == "namespace") span = {begin, out.size()};
    }
  }
  return span;
}

std::string to_yaml(const Doc& doc) {
  std::string out;
  write_yaml(out, doc);
  return out;
}

}  // namespace stackc::emit
