// PromQL checking: the check of a label matcher's regular expression (see RegexCheck).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "check/promql/text.hpp"

namespace stackc::check::promql {

// Regular expressions: the syntax of Go's regexp package (RE2, Perl flags), which Prometheus
// compiles label matchers with, both as written and anchored as ^(?:re)$. Checks the syntax and
// whether the anchored expression matches the empty string (for the non-empty matcher rule).
// Go's limits are modelled too: repeat counts (1000, also multiplied through nesting) and the
// parse tree's height (1000), the latter closely but not exactly (Go's factoring of
// alternations is not reproduced); its size limit (~3.3M instructions) is not.

class RegexCheck {
 public:
  explicit RegexCheck(std::string_view s) : s_(s) {}

  // False with error() set when Go would not compile `s`; nullable() is whether it can match "".
  bool run();
  const std::string& error() const { return error_; }
  bool nullable() const { return nullable_; }

 private:
  // What the checks need of a node of Go's parse tree.
  struct Operand {
    bool nullable = false;
    int height = 1;         // height of the tree, which Go limits to 1000
    std::int64_t need = 0;  // smallest repeat budget it fits (Go's repeatIsValid, 1000)
    bool literal = false;   // a literal string, which Go merges with the literals beside it
    bool single = false;    // one character or class: Go turns a|b|[cd] into one class
    bool fold = false;      // (?i) in force for the literal
    int flat = 0;  // 1: a concatenation, 2: an alternation, merged into a parent of its kind
    int child_height = 0;  // when flat: the height of its children
  };
  struct Frame {
    bool capture = false;
    bool saved_fold = false;  // (?i) state to restore at ")"
    // Alternatives so far.
    int alts = 0;
    bool alt_nullable = false, all_single = true;
    Operand first;  // the first alternative
    int alt_height = 0;
    std::int64_t alt_need = 0;
    // The concatenation so far, `last` not included.
    int items = 0;
    bool cat_nullable = true;
    int cat_height = 0;
    std::int64_t cat_need = 0;
    Operand tail;  // the last of those items, as merged
    bool has_last = false;
    Operand last;
  };

  bool fail(std::string code, std::string_view part) {
    error_ = std::move(code);
    if (!part.empty()) error_ += " " + quoted(part);
    return false;
  }
  void fold_last(Frame& f);
  bool push(Operand op);
  bool push_literal();
  void end_alternative(Frame& f);
  Operand close(Frame& f);
  bool repeat(std::size_t op_begin, int min, int max, bool counted);
  bool perl_flags();
  bool escape(char32_t& value);
  bool unicode_class();
  bool char_class();
  bool class_char(char32_t& value, std::size_t class_begin);
  bool parse_repeat(std::size_t p, int& min, int& max, std::size_t& after) const;

  std::string_view s_;
  std::size_t pos_ = 0;
  std::vector<Frame> frames_;
  std::size_t colon_bracket_ = 0;  // where the next ":]" is, for POSIX classes
  bool fold_ = false;              // (?i) in force
  std::string error_;
  bool nullable_ = false;
};

}  // namespace stackc::check::promql
