#include "diff/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace stackc::diff {
namespace {

constexpr std::size_t kShown = 120;  // the longest value a text line shows

std::string location(const base::Span& s, const ReportHeader& h) {
  if (!s.valid() || !h.sources || s.file == h.stack_file || s.file >= h.sources->size()) return {};
  const auto& f = h.sources->file(s.file);
  auto lc = f.line_col(s.begin);
  return fmt::format("{}:{}:{}", f.path(), lc.line, lc.column);
}

std::string shown(const Value* v) {
  if (!v) return "absent";
  return flow(*v, kShown);
}

// Of two texts of several lines that differ (a configuration file in a ConfigMap), the first
// line where they do, as `line N`, and that line of each; empty otherwise.
struct LineApart {
  std::size_t number = 0;
  std::string stack, against;
};
LineApart first_line_apart(const Value* a, const Value* b) {
  LineApart out;
  if (!a || !b || a->type != Type::String || b->type != Type::String || a->text == b->text ||
      (a->text.find('\n') == std::string::npos && b->text.find('\n') == std::string::npos))
    return out;
  std::string_view x = a->text, y = b->text;
  for (std::size_t n = 1;; ++n) {
    const std::size_t ex = std::min(x.find('\n'), x.size()), ey = std::min(y.find('\n'), y.size());
    if (x.substr(0, ex) != y.substr(0, ey) || (x.empty() != y.empty())) {
      out.number = n;
      out.stack = x.empty() ? "(no such line)" : fmt::format("{:?}", x.substr(0, ex));
      out.against = y.empty() ? "(no such line)" : fmt::format("{:?}", y.substr(0, ey));
      return out;
    }
    if (x.empty() && y.empty()) return out;
    x.remove_prefix(std::min(ex + 1, x.size()));
    y.remove_prefix(std::min(ey + 1, y.size()));
  }
}

std::string plural(std::size_t n, std::string_view one, std::string_view many) {
  return fmt::format("{} {}", n, n == 1 ? one : many);
}

nlohmann::ordered_json to_json(const Value& v) {
  switch (v.type) {
    case Type::Null:
      return nullptr;
    case Type::Bool:
      return v.text == "true";
    case Type::Int: {
      // As written when it fits a JSON number exactly, else its text.
      try {
        std::size_t used = 0;
        long long n = std::stoll(v.text, &used);
        if (used == v.text.size() && v.shown.empty()) return n;
      } catch (...) {
      }
      return v.written();
    }
    case Type::Seq: {
      auto a = nlohmann::ordered_json::array();
      for (const auto& e : v.seq) a.push_back(to_json(e));
      return a;
    }
    case Type::Map: {
      if (v.keyed) {
        // A keyed list, back as the list (its key field is in each element's key).
        auto a = nlohmann::ordered_json::array();
        for (const auto& e : v.map) {
          nlohmann::ordered_json item = nlohmann::ordered_json::object();
          item["key"] = e.key;
          auto inner = to_json(e.value);
          if (inner.is_object())
            for (auto it = inner.begin(); it != inner.end(); ++it) item[it.key()] = it.value();
          a.push_back(std::move(item));
        }
        return a;
      }
      auto o = nlohmann::ordered_json::object();
      for (const auto& e : v.map) o[e.key] = to_json(e.value);
      return o;
    }
    default:
      return v.written();
  }
}

nlohmann::ordered_json entry(const Difference& d, const ReportHeader& h) {
  nlohmann::ordered_json j;
  if (d.group != Group::None) j["group"] = std::string(group_name(d.group));
  j["object"] = d.object;
  j["kind"] = d.kind;
  j["namespace"] = d.ns;
  j["name"] = d.name;
  j["path"] = d.path;
  if (d.path.empty()) {
    j["only_in"] = d.stack ? "stack" : "against";
    j["stack"] = nullptr;
    j["against"] = nullptr;
  } else {
    j["stack"] = d.stack ? to_json(*d.stack) : nullptr;
    j["against"] = d.against ? to_json(*d.against) : nullptr;
  }
  std::string at = location(d.span, h);
  if (at.empty()) {
    j["location"] = nullptr;
  } else {
    const auto& f = h.sources->file(d.span.file);
    auto lc = f.line_col(d.span.begin);
    j["location"] = {{"file", f.path()}, {"line", lc.line}, {"column", lc.column}};
  }
  return j;
}

}  // namespace

std::string text(const Result& r, const ReportHeader& h) {
  std::string o;
  const std::size_t real = r.count(Group::None);
  o += fmt::format("stackc diff: {}{} against {}\n", h.stack,
                   h.environment.empty() ? "" : fmt::format(" (environment {})", h.environment),
                   fmt::join(h.against, ", "));
  std::size_t i = 0;
  if (real) o += fmt::format("\n{}:\n", plural(real, "difference", "differences"));
  for (; i < r.differences.size() && r.differences[i].group == Group::None; ++i) {
    const auto& d = r.differences[i];
    std::string at = location(d.span, h);
    std::string where = at.empty() ? "" : fmt::format(" ({})", at);
    if (d.path.empty()) {
      o +=
          fmt::format("  {}: only in the {}{}\n", d.object, d.stack ? "stack" : "manifests", where);
      continue;
    }
    if (auto line = first_line_apart(d.stack, d.against); line.number) {
      o += fmt::format("  {}: {}, line {}\n    stack:   {}\n    against: {}{}\n", d.object, d.path,
                       line.number, line.stack, line.against, where);
      continue;
    }
    o += fmt::format("  {}: {}\n    stack:   {}\n    against: {}{}\n", d.object, d.path,
                     shown(d.stack), shown(d.against), where);
  }
  if (r.intended())
    o += fmt::format("\n{} (stackc's hardening, not a failure):\n",
                     plural(r.intended(), "intended difference", "intended differences"));
  // By group, one line per object: its paths, the first few of them (the JSON has all).
  constexpr std::size_t kPaths = 4;
  Group current = Group::None;
  while (i < r.differences.size()) {
    const auto& d = r.differences[i];
    if (d.group != current) {
      current = d.group;
      o += fmt::format("  {} ({}): {}\n", group_name(current), r.count(current),
                       group_reason(current));
    }
    std::size_t k = i;
    std::vector<std::string> paths;
    for (; k < r.differences.size() && r.differences[k].group == current &&
           r.differences[k].object == d.object;
         ++k)
      if (!r.differences[k].path.empty()) paths.push_back(r.differences[k].path);
    if (paths.empty()) {
      o += fmt::format("    {}: only in the stack\n", d.object);
    } else {
      std::vector<std::string> first(paths.begin(), paths.begin() + std::min(paths.size(), kPaths));
      o += fmt::format(
          "    {}: {}{}\n", d.object, fmt::join(first, ", "),
          paths.size() > kPaths ? fmt::format(" and {} more", paths.size() - kPaths) : "");
    }
    i = k;
  }
  o += fmt::format("\n{} in the stack, {} in the manifests, {} matched; {} compared: {}, {}\n",
                   plural(r.objects_stack, "object", "objects"), r.objects_against, r.matched,
                   plural(r.fields, "field", "fields"), plural(real, "difference", "differences"),
                   plural(r.intended(), "intended", "intended"));
  return o;
}

std::string json(const Result& r, const ReportHeader& h) {
  nlohmann::ordered_json j;
  j["version"] = 1;
  j["stack"] = h.stack;
  j["environment"] = h.environment;
  j["against"] = h.against;
  j["objects"] = {
      {"stack", r.objects_stack}, {"against", r.objects_against}, {"matched", r.matched}};
  j["fields_compared"] = r.fields;
  auto groups = nlohmann::ordered_json::object();
  for (int g = 1; g < kGroups; ++g)
    groups[std::string(group_name(static_cast<Group>(g)))] = r.per_group[g];
  j["summary"] = {
      {"differences", r.count(Group::None)}, {"intended", r.intended()}, {"groups", groups}};
  auto diffs = nlohmann::ordered_json::array();
  auto intended = nlohmann::ordered_json::array();
  for (const auto& d : r.differences)
    (d.group == Group::None ? diffs : intended).push_back(entry(d, h));
  j["differences"] = std::move(diffs);
  j["intended"] = std::move(intended);
  return j.dump(2) + "\n";
}

}  // namespace stackc::diff
