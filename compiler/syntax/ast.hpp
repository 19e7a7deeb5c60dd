// The syntax tree of a .stack file. Every node carries its source span. Text fields are views
// into the SourceFile, which outlives the tree, or into the tree's arena (decoded string text).
//
// The nodes are plain, trivially copyable records: their lists (`Seq`) are runs of nodes in the
// arenas the File owns, written once by the parser and read-only after it. A tree costs about a
// third of what a tree of vectors did, and it is freed a block at a time, not a node at a time.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <vector>

#include "base/source.hpp"

namespace stackc::ast {

using base::Span;

// A read-only run of `T` (in an Arena, or any array that outlives the view).
template <typename T>
class Seq {
 public:
  constexpr Seq() = default;
  constexpr Seq(const T* data, std::size_t size)
      : data_(data), size_(static_cast<std::uint32_t>(size)) {}

  const T* begin() const { return data_; }
  const T* end() const { return data_ + size_; }
  const T* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  const T& operator[](std::size_t i) const { return data_[i]; }
  const T& at(std::size_t i) const {
    if (i >= size_) throw std::out_of_range("ast::Seq::at");
    return data_[i];
  }
  const T& front() const { return data_[0]; }
  const T& back() const { return data_[size_ - 1]; }

 private:
  const T* data_ = nullptr;
  std::uint32_t size_ = 0;
};

// Where a tree's nodes live: blocks of growing size, freed together with the File that owns
// them. Only trivially destructible things are put here (nothing is destroyed one by one).
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  void* allocate(std::size_t bytes, std::size_t align) {
    auto at = (reinterpret_cast<std::uintptr_t>(cur_) + (align - 1)) & ~(align - 1);
    if (cur_ == nullptr || at + bytes > reinterpret_cast<std::uintptr_t>(end_)) {
      grow(bytes + align);
      at = (reinterpret_cast<std::uintptr_t>(cur_) + (align - 1)) & ~(align - 1);
    }
    cur_ = reinterpret_cast<char*>(at + bytes);
    return reinterpret_cast<void*>(at);
  }

  // A copy of [first, first + n) in the arena.
  template <typename T>
  Seq<T> copy(const T* first, std::size_t n) {
    static_assert(std::is_trivially_copyable_v<T> && std::is_trivially_destructible_v<T>);
    if (n == 0) return {};
    auto* to = static_cast<T*>(allocate(n * sizeof(T), alignof(T)));
    std::memcpy(static_cast<void*>(to), first, n * sizeof(T));
    return {to, n};
  }
  template <typename T>
  const T* copy_one(const T& x) {
    return copy(&x, 1).data();
  }
  std::string_view copy(std::string_view s) {
    if (s.empty()) return {};
    auto* to = static_cast<char*>(allocate(s.size(), 1));
    std::memcpy(to, s.data(), s.size());
    return {to, s.size()};
  }

  // Bytes in the blocks taken so far.
  std::size_t reserved() const { return reserved_; }

 private:
  void grow(std::size_t at_least);

  std::vector<std::unique_ptr<char[]>> blocks_;
  char* cur_ = nullptr;
  char* end_ = nullptr;
  std::size_t next_ = 16 * 1024;
  std::size_t reserved_ = 0;
};

enum class ValueKind : std::uint8_t {
  String,  // "..." or """...""" (parts: literal text and ${path} interpolations)
  Number,  // 3, 0.5, 1_000, 500m, 512Mi, 5m, 70% (unit is the suffix, may be empty)
  Bool,    // true, false
  Path,    // identifier or dotted reference: minikube, postgres.host
  List,    // [a, b]
  Call,    // name(arg, key = value)
  Range,   // lo..hi (items[0], items[1])
  Arrow,   // a -> b (items[0], items[1]): a Service port and its container port, `80 -> 8080`
  Object,  // name { statements }: a tagged block as a value, e.g. `backend = vault { ... }`
};

struct StringPart {
  bool interpolation = false;
  std::string_view text;  // decoded literal text, or the dotted path of ${...}
  Span span;
};

struct Stmt;

// A named argument's name (`key = "slack"` in `secret("alerting", key = "slack")`), kept out of
// the value itself: few values are named arguments.
struct ArgName {
  std::string_view text;
  Span span;
};

// A value is 96 bytes: what every kind has (kind, span, source text) and the two lists most read
// (path, items) are fields; what one kind alone has (a number's mantissa and unit, a string's
// parts, an object's body) shares one place and is read through accessors that give the empty
// value for other kinds, as the separate fields did.
struct Value {
  ValueKind kind = ValueKind::Path;
  bool overflow = false;   // Number: the mantissa did not fit
  bool boolean = false;    // Bool
  bool multiline = false;  // String: """..."""
  std::int32_t scale = 0;  // Number: value = mantissa / 10^scale, then the unit suffix
  Span span;

 private:
  std::uint32_t unit_size_ = 0;  // Number: the unit's length (it ends `raw`)

 public:
  std::string_view raw;  // the source text of the value
  // Path: the identifiers; Call and Object: path[0] is the name.
  Seq<std::string_view> path;
  // List items, Range bounds and Arrow ends, Call arguments (named ones have arg_name set).
  Seq<Value> items;

  // Number
  std::int64_t mantissa() const { return kind == ValueKind::Number ? one_.mantissa : 0; }
  std::string_view unit() const {  // the suffix of raw after the digits: `Mi`, `m`, `%`
    return kind == ValueKind::Number ? raw.substr(raw.size() - unit_size_) : std::string_view{};
  }
  // String: literal text and ${path} interpolations
  Seq<StringPart> parts() const {
    return kind == ValueKind::String ? one_.parts : Seq<StringPart>{};
  }
  // Object body
  Seq<Stmt> body() const { return kind == ValueKind::Object ? one_.body : Seq<Stmt>{}; }
  // A named Call argument's name and where it is written (empty otherwise).
  std::string_view arg_name() const { return arg_ ? arg_->text : std::string_view{}; }
  Span arg_name_span() const { return arg_ ? arg_->span : Span{}; }

  // For the parser.
  void set_number(std::int64_t mantissa, std::size_t unit_size) {
    one_.mantissa = mantissa;
    unit_size_ = static_cast<std::uint32_t>(unit_size);
  }
  void set_parts(Seq<StringPart> parts) { one_.parts = parts; }
  void set_body(Seq<Stmt> body) { one_.body = body; }
  void set_arg_name(const ArgName* name) { arg_ = name; }

  // The literal text of a string without interpolations (joined parts).
  std::string string_value() const;
  bool has_interpolation() const;
  std::string path_text() const;

 private:
  union One {
    constexpr One() : mantissa(0) {}
    std::int64_t mantissa;
    Seq<StringPart> parts;
    Seq<Stmt> body;
  } one_;
  const ArgName* arg_ = nullptr;
};

static_assert(sizeof(Value) <= 96);

struct Label {
  std::string_view text;  // identifier, or the decoded text of a string label
  Span span;
  bool is_string = false;
};

// KEY LABEL* (from T, ...)? ( "=" value | "{" statement* "}" )?
struct Stmt {
  std::string_view key;
  Seq<Label> labels;
  Seq<Label> from;
  const Value* value = nullptr;  // in the arena; null when the statement has none
  Seq<Stmt> body;
  Span key_span;
  Span span;       // the whole statement
  Span body_span;  // from `{` to `}` inclusive, when has_block
  bool has_block = false;

  bool has_value() const { return value != nullptr; }
  const Value& val() const { return *value; }
};

static_assert(std::is_trivially_copyable_v<Value> && std::is_trivially_destructible_v<Value>);
static_assert(std::is_trivially_copyable_v<Stmt> && std::is_trivially_destructible_v<Stmt>);

struct Comment {
  Span span;  // from `#` to the end of the line, without the line end
  bool own_line = false;
};

struct File {
  base::FileId id = base::kNoFile;
  Seq<Stmt> statements;
  std::vector<Comment> comments;  // in source order
  bool ok = true;                 // false when syntax errors were reported
  // Where the nodes live (a file parsed in two halves has two arenas).
  std::vector<std::unique_ptr<Arena>> arenas;
};

}  // namespace stackc::ast
