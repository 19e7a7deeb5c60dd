// Writing a .stack file from what the importers found: a small tree of statements, printed and
// then laid out by the formatter behind `stackc fmt`, so imported files are canonical.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace stackc::importer {

// One statement: `head = value`, or a block `head { body }` (a kind and its name, `env`,
// `port http`, `when production`...). Comments are written on the lines above it.
struct Stmt {
  std::string head;
  std::string value;       // a .stack expression; unused for a block
  std::vector<Stmt> body;  // a block's statements
  bool block = false;
  std::vector<std::string> comments;  // each without its `#`

  static Stmt assign(std::string head, std::string value) {
    Stmt s;
    s.head = std::move(head);
    s.value = std::move(value);
    return s;
  }
  static Stmt open(std::string head) {
    Stmt s;
    s.head = std::move(head);
    s.block = true;
    return s;
  }
  // A comment alone (no statement): `head` and `value` empty, not a block.
  static Stmt comment(std::vector<std::string> lines) {
    Stmt s;
    s.comments = std::move(lines);
    return s;
  }
  Stmt& add(Stmt s) {
    body.push_back(std::move(s));
    return body.back();
  }
  // The statement of this block whose head is `head`, or null.
  Stmt* find(std::string_view head);
  const Stmt* find(std::string_view head) const;
};

// A .stack string literal of `text`: quoted, with `"`, `\`, `$`, control characters escaped
// (a `${` in the input is text, not an interpolation).
std::string quote(std::string_view text);
// A .stack string literal that keeps `${a.b}` in `text` as an interpolation.
std::string quote_interpolated(std::string_view text);
// True when `s` is an identifier of the language ([A-Za-z_][A-Za-z0-9_-]*).
bool is_ident(std::string_view s);
// `s` as a label: the identifier itself, or a quoted string when it is not one.
std::string label(std::string_view s);
// `[a, b, c]` of already written expressions.
std::string list(const std::vector<std::string>& items);

// A statement without its comments, as printed on one line (to compare statements).
std::string text_of(const Stmt& s);

// Splits the bodies of `variants` (the same declaration in several environments, or the versions
// of one workload) into what they all share (`common`) and what each has of its own (`own[i]`),
// by the merge rules of language.md §5.4: a block present in every variant is split field by
// field; a statement whose head starts with one of `atomic` (`port `: their order decides the
// first port), and inside a block every value (their order is the order of the env variables),
// stays in `common` with the first variant's value and goes to `own[i]` where it differs; any
// other statement is common only when all variants have it, equal. `common` keeps the order of
// the first variant; comments stay with the first variant's statements.
void split_common(const std::vector<const Stmt*>& variants, Stmt& common, std::vector<Stmt>& own,
                  const std::vector<std::string>& atomic = {"port "});

// The statements printed (two-space indent, a blank line between top-level blocks) and run
// through the formatter. Text that would not parse (a bug of an importer: the tests parse every
// importer's output) is returned as printed, so that `stackc check` shows where.
std::string print(const std::vector<Stmt>& top);

}  // namespace stackc::importer
