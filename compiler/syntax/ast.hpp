// The syntax tree of a .stack file. Every node carries its source span. Text fields are views
// into the SourceFile, which outlives the tree.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/source.hpp"

namespace stackc::ast {

using base::Span;

enum class ValueKind : std::uint8_t {
  String,  // "..." or """...""" (parts: literal text and ${path} interpolations)
  Number,  // 3, 0.5, 1_000, 500m, 512Mi, 5m, 70% (unit is the suffix, may be empty)
  Bool,    // true, false
  Path,    // identifier or dotted reference: minikube, postgres.host
  List,    // [a, b]
  Call,    // name(arg, key = value)
  Range,   // lo..hi (items[0], items[1])
  Object,  // name { statements }: a tagged block as a value, e.g. `backend = vault { ... }`
};

struct StringPart {
  bool interpolation = false;
  std::string text;  // decoded literal text, or the dotted path of ${...}
  Span span;
};

struct Stmt;

struct Value {
  ValueKind kind = ValueKind::Path;
  Span span;
  std::string_view raw;  // the source text of the value
  // Number: value = mantissa / 10^scale, then the unit suffix.
  std::int64_t mantissa = 0;
  std::int32_t scale = 0;
  bool overflow = false;
  std::string_view unit;
  // Bool
  bool boolean = false;
  // String
  std::vector<StringPart> parts;
  bool multiline = false;
  // Path: the identifiers; Call and Object: path[0] is the name.
  std::vector<std::string_view> path;
  // List items, Range bounds, Call arguments (named ones have arg_name set).
  std::vector<Value> items;
  std::string_view arg_name;
  Span arg_name_span;
  // Object body
  std::vector<Stmt> body;

  // The literal text of a string without interpolations (joined parts).
  std::string string_value() const;
  bool has_interpolation() const;
  std::string path_text() const;
};

struct Label {
  std::string text;  // identifier, or the decoded text of a string label
  Span span;
  bool is_string = false;
};

// KEY LABEL* (from T, ...)? ( "=" value | "{" statement* "}" )?
struct Stmt {
  std::string_view key;
  Span key_span;
  std::vector<Label> labels;
  std::vector<Label> from;
  std::optional<Value> value;
  bool has_block = false;
  std::vector<Stmt> body;
  Span span;       // the whole statement
  Span body_span;  // from `{` to `}` inclusive, when has_block

  bool has_value() const { return value.has_value(); }
  const Value& val() const { return *value; }
};

struct Comment {
  Span span;  // from `#` to the end of the line, without the line end
  bool own_line = false;
};

struct File {
  base::FileId id = base::kNoFile;
  std::vector<Stmt> statements;
  std::vector<Comment> comments;  // in source order
  bool ok = true;                 // false when syntax errors were reported
};

}  // namespace stackc::ast
