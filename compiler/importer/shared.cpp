// Helpers shared by the files of the Kubernetes mapping: the comments that keep what has no
// .stack form (W0040), durations, the exporter container.
#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "importer/kubernetes.hpp"

namespace stackc::importer {

using manifests::Node;
using manifests::Type;

// An integer scalar (decimal, 0x hex, 0-led octal as YAML 1.1 reads them) into `out`.
bool as_int(const Node* n, std::int64_t& out) {
  if (!n || n->type != Type::Int) return false;
  try {
    std::size_t used = 0;
    long long v = std::stoll(n->text, &used, 0);
    if (used != n->text.size()) return false;
    out = v;
    return true;
  } catch (...) {
    return false;
  }
}

// Whether `s` is one of `set`.
bool one_of(std::string_view s, std::initializer_list<std::string_view> set) {
  return std::find(set.begin(), set.end(), s) != set.end();
}

// The lines of `text`, each indented by two, without the indentation they share.
std::vector<std::string> quoted_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t b = 0;
  while (b <= text.size() && !text.empty()) {
    auto e = text.find('\n', b);
    if (e == std::string_view::npos) e = text.size();
    std::string line(text.substr(b, e - b));
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(std::move(line));
    b = e + 1;
  }
  std::size_t indent = std::string::npos;
  for (const auto& l : lines) {
    auto first = l.find_first_not_of(' ');
    if (first != std::string::npos) indent = std::min(indent, first);
  }
  if (indent == std::string::npos) indent = 0;
  for (auto& l : lines) l = "  " + (l.size() >= indent ? l.substr(indent) : std::string());
  return lines;
}

// A Go duration (`1h`, `90m`, `1h30m`, `45s`) in seconds; 0 when it is none.
std::int64_t go_seconds(const Node* n) {
  if (!n || !n->is_scalar()) return 0;
  std::int64_t total = 0, v = 0;
  bool digits = false;
  for (char ch : n->text) {
    if (ch >= '0' && ch <= '9') {
      if (v > 100000000) return 0;
      v = v * 10 + (ch - '0');
      digits = true;
      continue;
    }
    std::int64_t unit = ch == 'h' ? 3600 : ch == 'm' ? 60 : ch == 's' ? 1 : 0;
    if (!unit || !digits) return 0;
    total += v * unit;
    v = 0;
    digits = false;
  }
  return digits ? 0 : total;
}

std::string duration_text(std::int64_t s) {
  if (s % 86400 == 0) return fmt::format("{}d", s / 86400);
  if (s % 3600 == 0) return fmt::format("{}h", s / 3600);
  if (s % 60 == 0) return fmt::format("{}m", s / 60);
  return fmt::format("{}s", s);
}

const Node* path(const Node* n, std::initializer_list<const char*> keys) {
  for (const char* k : keys) {
    if (!n) return nullptr;
    n = n->get(k);
  }
  return n;
}

bool made_by_stackc(const manifests::Document& d) {
  const Node* l = path(&d.root, {"metadata", "labels"});
  return l && l->str("app.kubernetes.io/managed-by") == "stackc";
}

bool is_exporter(const Node& k) {
  std::string_view name = k.str("name");
  const Node* ports = k.get("ports");
  return name.size() >= 8 && name.substr(name.size() - 8) == "exporter" && ports &&
         ports->is_seq() && ports->items.size() == 1 && ports->items[0].get("containerPort");
}

std::vector<std::string> keep(Context& c, const Node& key, const Node& value,
                              const std::string& what) {
  base::Span span = key.span;
  if (value.span.valid() && value.span.file == span.file && value.span.end > span.end)
    span.end = value.span.end;
  const std::string& k = key.text;
  c.sink.report(base::make(
      base::Code::W0040, key.span,
      k.empty() ? fmt::format("{} has no .stack form: it is kept as a comment", what)
                : fmt::format("`{}` of {} has no .stack form: it is kept as a comment", k, what),
      "the comment above the workload keeps the YAML; the built objects will not have it"));
  if (c.out->kept_at.insert({key.span.file, key.span.begin}).second) c.out->fields_kept++;
  std::vector<std::string> lines{k.empty() ? fmt::format("not imported ({}):", what)
                                           : fmt::format("not imported: `{}` of {}:", k, what)};
  for (auto& l : quoted_lines(manifests::source_lines(c.sm, span))) lines.push_back(l);
  return lines;
}

}  // namespace stackc::importer
