// Diagnostics: the registry of stable codes, the diagnostic record and the sink stages report to.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "base/source.hpp"

namespace stackc::base {

enum class Severity : std::uint8_t { Error, Warning };

enum class Code : std::uint16_t {
#define STACKC_DIAG(code, sev, slug, title) code,
#include "base/diagnostic_kinds.def"
#undef STACKC_DIAG
};

struct CodeInfo {
  Code code;
  std::string_view id;  // "E2001"
  Severity severity;
  std::string_view slug;   // "unknown-key"
  std::string_view title;  // one line
};

const CodeInfo& info(Code code);
std::span<const CodeInfo> all_codes();
std::optional<Code> parse_code(std::string_view id);

struct Note {
  Span span;  // may be invalid: a note without a location
  std::string message;
};

struct Diagnostic {
  Code code;
  Span span;
  std::string message;
  std::vector<Note> notes;
  std::string help;
  Severity severity() const { return info(code).severity; }
};

// Where every stage reports. Stages never print and never throw diagnostics.
class Sink {
 public:
  virtual ~Sink() = default;
  virtual void report(Diagnostic d) = 0;
  virtual std::size_t error_count() const = 0;
};

// Keeps diagnostics in memory; identical reports (same code, span and message) are kept once,
// so a check that runs once per environment reports a shared source line once.
class Collector final : public Sink {
 public:
  void report(Diagnostic d) override;
  std::size_t error_count() const override { return errors_; }
  std::size_t warning_count() const { return warnings_; }
  // In a deterministic order: by file, position, code, message.
  std::vector<Diagnostic> sorted() const;
  const std::vector<Diagnostic>& all() const { return diags_; }

 private:
  std::vector<Diagnostic> diags_;
  std::unordered_set<std::string> seen_;
  std::size_t errors_ = 0;
  std::size_t warnings_ = 0;
};

// Builder helpers so call sites read as sentences.
Diagnostic make(Code code, Span span, std::string message, std::string help = {});

}  // namespace stackc::base
