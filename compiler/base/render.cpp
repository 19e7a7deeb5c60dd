#include "base/render.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <span>

#include "base/fix.hpp"

namespace stackc::base {
namespace {

using ordered_json = nlohmann::ordered_json;

// A source line longer than this many columns is shown as a window of it around the span:
// kExcerptBefore columns before the span's start, the rest after it, `...` where it is cut.
constexpr std::size_t kExcerptColumns = 120;
constexpr std::size_t kExcerptBefore = 40;

struct Style {
  bool on;
  std::string bold(std::string_view s) const { return wrap("1", s); }
  std::string red(std::string_view s) const { return wrap("1;31", s); }
  std::string yellow(std::string_view s) const { return wrap("1;33", s); }
  std::string blue(std::string_view s) const { return wrap("1;34", s); }
  std::string cyan(std::string_view s) const { return wrap("1;36", s); }
  std::string green(std::string_view s) const { return wrap("1;32", s); }
  std::string wrap(std::string_view code, std::string_view s) const {
    if (!on) return std::string(s);
    return fmt::format("\x1b[{}m{}\x1b[0m", code, s);
  }
};

// The line as it is printed: tabs and control bytes become one space and bytes that are not
// UTF-8 become `?`, one byte for one byte, so byte offsets stay valid and the output is UTF-8.
std::string printable_line(std::string_view line) {
  std::string out(line);
  for (std::size_t i = 0; i < out.size();) {
    auto c = static_cast<unsigned char>(out[i]);
    if (c < 0x20 || c == 0x7f) {
      out[i++] = ' ';
      continue;
    }
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t n = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    bool ok = n != 0 && i + n <= out.size();
    for (std::size_t k = 1; ok && k < n; ++k)
      ok = (static_cast<unsigned char>(out[i + k]) & 0xC0) == 0x80;
    if (!ok) {
      out[i++] = '?';
      continue;
    }
    i += n;
  }
  return out;
}

// Display width of the first `bytes` bytes of a line: one column per UTF-8 code point.
std::size_t display_width(std::string_view line, std::size_t bytes) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < bytes && i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) ++w;
  }
  return w;
}

// Byte offset of display column `col` (0-based) in a line, or its size.
std::size_t byte_of_column(std::string_view line, std::size_t col) {
  std::size_t w = 0;
  for (std::size_t i = 0; i < line.size(); ++i) {
    if ((static_cast<unsigned char>(line[i]) & 0xC0) == 0x80) continue;
    if (w++ == col) return i;
  }
  return line.size();
}

void render_snippet(std::string& out, const SourceManager& sm, Span span, const Style& st,
                    bool primary) {
  if (!span.valid() || span.file >= sm.size()) return;
  const auto& f = sm.file(span.file);
  auto b = f.line_col(span.begin);
  auto e = f.line_col(span.end);
  auto line = f.line_text(b.line);
  std::string num = std::to_string(b.line);
  std::string pad(num.size(), ' ');
  std::size_t start = b.column - 1;
  std::size_t stop = (e.line == b.line) ? e.column - 1 : line.size();
  if (stop > line.size()) stop = line.size();
  if (start > line.size()) start = line.size();
  std::string shown = printable_line(line);
  std::size_t col = display_width(shown, start);
  std::size_t width =
      stop > start ? display_width(std::string_view(shown).substr(start), stop - start) : 0;
  if (width == 0) width = 1;
  // A long line is shown as a window of it around the span's start, cut with `...`.
  std::size_t total = display_width(shown, shown.size());
  if (total > kExcerptColumns) {
    constexpr std::size_t body = kExcerptColumns - 6;  // room for the two `...`
    std::size_t left = col > kExcerptBefore ? col - kExcerptBefore : 0;
    std::size_t right = std::min(total, left + body);
    left = right - std::min(right, body);
    std::size_t from = byte_of_column(shown, left), to = byte_of_column(shown, right);
    shown = (left > 0 ? "..." : "") + shown.substr(from, to - from) + (right < total ? "..." : "");
    width = std::max<std::size_t>(1, std::min(width, right > col ? right - col : 0));
    col = col - left + (left > 0 ? 3 : 0);
  }
  std::string mark = primary ? "^" + std::string(width - 1, '~') : std::string(width, '-');
  out += fmt::format(" {} {} {}\n", st.blue(num), st.blue("|"), shown);
  out += fmt::format(" {} {} {}{}\n", pad, st.blue("|"), std::string(col, ' '),
                     primary ? st.red(mark) : st.cyan(mark));
}

std::string location(const SourceManager& sm, Span span) {
  if (!span.valid() || span.file >= sm.size()) return "stackc";
  const auto& f = sm.file(span.file);
  auto lc = f.line_col(span.begin);
  return fmt::format("{}:{}:{}", f.path(), lc.line, lc.column);
}

std::string plural(std::size_t n, std::string_view word) {
  return fmt::format("{} {}{}", n, word, n == 1 ? "" : "s");
}

std::string render_text(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                        const Style& st, std::size_t limit) {
  std::string out;
  std::size_t errors = 0, warnings = 0, hidden_errors = 0, hidden_warnings = 0;
  for (const auto& d : diags) {
    const auto& ci = info(d.code);
    bool err = ci.severity == Severity::Error;
    (err ? errors : warnings)++;
    if (errors + warnings > limit) {
      (err ? hidden_errors : hidden_warnings)++;
      continue;
    }
    std::string label = fmt::format("{}[{}]", err ? "error" : "warning", ci.id);
    out += fmt::format("{}: {}: {}\n", st.bold(location(sm, d.span)),
                       err ? st.red(label) : st.yellow(label), st.bold(printable_line(d.message)));
    render_snippet(out, sm, d.span, st, true);
    for (const auto& n : d.notes) {
      if (n.span.valid()) {
        out +=
            fmt::format("{}: {}: {}\n", st.bold(location(sm, n.span)), st.cyan("note"), n.message);
        render_snippet(out, sm, n.span, st, false);
      } else {
        out += fmt::format("{}: {}\n", st.cyan("note"), n.message);
      }
    }
    if (!d.help.empty()) out += fmt::format("{}: {}\n", st.green("help"), d.help);
  }
  if (hidden_errors + hidden_warnings > 0)
    out += fmt::format("{}: {} and {} are not shown (stackc prints the first {} diagnostics)\n",
                       st.cyan("note"), plural(hidden_errors, "more error"),
                       plural(hidden_warnings, "more warning"), limit);
  if (errors + warnings > 0)
    out += fmt::format("{}, {}\n", plural(errors, "error"), plural(warnings, "warning"));
  return out;
}

ordered_json json_location(const SourceManager& sm, Span span) {
  ordered_json j;
  if (!span.valid() || span.file >= sm.size()) return j;
  const auto& f = sm.file(span.file);
  auto b = f.line_col(span.begin);
  auto e = f.line_col(span.end);
  j["file"] = f.path();
  j["line"] = b.line;
  j["column"] = b.column;
  j["end_line"] = e.line;
  j["end_column"] = e.column;
  j["offset"] = span.begin;
  j["length"] = span.end - span.begin;
  return j;
}

std::string render_json(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                        std::size_t limit) {
  ordered_json arr = ordered_json::array();
  std::size_t errors = 0, warnings = 0;
  for (const auto& d : diags) {
    const auto& ci = info(d.code);
    (ci.severity == Severity::Error ? errors : warnings)++;
    if (errors + warnings > limit) continue;
    ordered_json j;
    j["code"] = ci.id;
    j["severity"] = ci.severity == Severity::Error ? "error" : "warning";
    j["message"] = d.message;
    j["location"] = json_location(sm, d.span);
    ordered_json notes = ordered_json::array();
    for (const auto& n : d.notes) {
      ordered_json nj;
      nj["message"] = n.message;
      nj["location"] = json_location(sm, n.span);
      notes.push_back(std::move(nj));
    }
    j["notes"] = std::move(notes);
    j["help"] = d.help;
    if (auto fix = fix_of(sm, d))
      j["fix"] = {{"location", json_location(sm, fix->span)}, {"replacement", fix->text}};
    arr.push_back(std::move(j));
  }
  ordered_json root;
  root["version"] = 1;
  root["errors"] = errors;
  root["warnings"] = warnings;
  if (errors + warnings > limit) root["omitted"] = errors + warnings - limit;
  root["diagnostics"] = std::move(arr);
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

// SARIF columns count UTF-16 code units by default.
std::uint32_t utf16_column(std::string_view line, std::uint32_t byte_col) {
  std::uint32_t units = 0;
  for (std::size_t i = 0; i + 1 < byte_col && i < line.size();) {
    auto c = static_cast<unsigned char>(line[i]);
    std::size_t len = c < 0x80         ? 1
                      : (c >> 5) == 6  ? 2
                      : (c >> 4) == 14 ? 3
                      : (c >> 3) == 30 ? 4
                                       : 1;
    units += len == 4 ? 2 : 1;
    i += len;
  }
  return units + 1;
}

ordered_json sarif_location(const SourceManager& sm, Span span, const std::string& message) {
  ordered_json loc;
  if (!span.valid() || span.file >= sm.size()) return loc;
  const auto& f = sm.file(span.file);
  auto b = f.line_col(span.begin);
  auto e = f.line_col(span.end);
  ordered_json region;
  region["startLine"] = b.line;
  region["startColumn"] = utf16_column(f.line_text(b.line), b.column);
  region["endLine"] = e.line;
  region["endColumn"] = utf16_column(f.line_text(e.line), e.column);
  loc["physicalLocation"]["artifactLocation"]["uri"] = f.path();
  loc["physicalLocation"]["region"] = std::move(region);
  if (!message.empty()) loc["message"]["text"] = message;
  return loc;
}

std::string render_sarif(const SourceManager& sm, const std::vector<Diagnostic>& all,
                         const std::string& version, std::size_t limit) {
  std::span<const Diagnostic> diags(all.data(), std::min(all.size(), limit));
  std::map<std::string_view, const CodeInfo*> used;
  for (const auto& d : diags) used[info(d.code).id] = &info(d.code);
  ordered_json rules = ordered_json::array();
  std::map<std::string_view, std::size_t> index;
  for (const auto& [id, ci] : used) {
    ordered_json r;
    r["id"] = ci->id;
    r["name"] = ci->slug;
    r["shortDescription"]["text"] = ci->title;
    r["helpUri"] = fmt::format("specs/diagnostics/{}.md", ci->id);
    r["defaultConfiguration"]["level"] = ci->severity == Severity::Error ? "error" : "warning";
    index[id] = rules.size();
    rules.push_back(std::move(r));
  }
  ordered_json results = ordered_json::array();
  for (const auto& d : diags) {
    const auto& ci = info(d.code);
    ordered_json r;
    r["ruleId"] = ci.id;
    r["ruleIndex"] = index[ci.id];
    r["level"] = ci.severity == Severity::Error ? "error" : "warning";
    r["message"]["text"] = d.help.empty() ? d.message : d.message + "\nhelp: " + d.help;
    ordered_json locs = ordered_json::array();
    auto l = sarif_location(sm, d.span, "");
    if (!l.is_null()) locs.push_back(std::move(l));
    r["locations"] = std::move(locs);
    ordered_json related = ordered_json::array();
    int id = 0;
    for (const auto& n : d.notes) {
      auto nl = sarif_location(sm, n.span, n.message);
      if (nl.is_null()) continue;
      nl["id"] = id++;
      related.push_back(std::move(nl));
    }
    if (!related.empty()) r["relatedLocations"] = std::move(related);
    if (auto fix = fix_of(sm, d)) {
      auto where = sarif_location(sm, fix->span, "");
      ordered_json replacement;
      replacement["deletedRegion"] = where["physicalLocation"]["region"];
      replacement["insertedContent"]["text"] = fix->text;
      ordered_json change;
      change["artifactLocation"] = where["physicalLocation"]["artifactLocation"];
      change["replacements"] = ordered_json::array({std::move(replacement)});
      ordered_json f;
      f["description"]["text"] =
          fmt::format("Replace `{}` with `{}`", sm.text(fix->span), fix->text);
      f["artifactChanges"] = ordered_json::array({std::move(change)});
      r["fixes"] = ordered_json::array({std::move(f)});
    }
    results.push_back(std::move(r));
  }
  ordered_json run;
  run["tool"]["driver"]["name"] = "stackc";
  run["tool"]["driver"]["version"] = version;
  run["tool"]["driver"]["informationUri"] = "https://github.com/stackc/stackc";
  run["tool"]["driver"]["rules"] = std::move(rules);
  run["results"] = std::move(results);
  if (all.size() > limit) run["properties"]["omittedResults"] = all.size() - limit;
  ordered_json root;
  root["$schema"] = "https://json.schemastore.org/sarif-2.1.0.json";
  root["version"] = "2.1.0";
  root["runs"] = ordered_json::array({std::move(run)});
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

std::string render(const SourceManager& sm, const std::vector<Diagnostic>& diags,
                   const RenderOptions& opt) {
  switch (opt.format) {
    case Format::Json:
      return render_json(sm, diags, opt.limit);
    case Format::Sarif:
      return render_sarif(sm, diags, opt.tool_version, opt.limit);
    case Format::Text:
      break;
  }
  return render_text(sm, diags, Style{opt.color}, opt.limit);
}

}  // namespace stackc::base
