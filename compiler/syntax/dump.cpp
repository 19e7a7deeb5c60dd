#include "syntax/dump.hpp"

#include <nlohmann/json.hpp>

namespace stackc::syntax {
namespace {

using json = nlohmann::ordered_json;

json span(const base::SourceManager& sm, base::Span s) {
  if (!s.valid()) return nullptr;
  const auto& f = sm.file(s.file);
  auto b = f.line_col(s.begin);
  auto e = f.line_col(s.end);
  return std::to_string(b.line) + ":" + std::to_string(b.column) + "-" + std::to_string(e.line) +
         ":" + std::to_string(e.column);
}

const char* kind_name(ast::ValueKind k) {
  switch (k) {
    case ast::ValueKind::String:
      return "string";
    case ast::ValueKind::Number:
      return "number";
    case ast::ValueKind::Bool:
      return "bool";
    case ast::ValueKind::Path:
      return "path";
    case ast::ValueKind::List:
      return "list";
    case ast::ValueKind::Call:
      return "call";
    case ast::ValueKind::Range:
      return "range";
    case ast::ValueKind::Arrow:
      return "arrow";
    case ast::ValueKind::Object:
      return "object";
  }
  return "";
}

json stmt(const base::SourceManager& sm, const ast::Stmt& s);

json value(const base::SourceManager& sm, const ast::Value& v) {
  json j;
  j["kind"] = kind_name(v.kind);
  j["span"] = span(sm, v.span);
  if (!v.arg_name().empty()) j["name"] = std::string(v.arg_name());
  switch (v.kind) {
    case ast::ValueKind::String: {
      json parts = json::array();
      for (const auto& p : v.parts())
        parts.push_back(json{{p.interpolation ? "ref" : "text", p.text}});
      j["parts"] = parts;
      if (v.multiline) j["multiline"] = true;
      break;
    }
    case ast::ValueKind::Number:
      j["mantissa"] = v.mantissa();
      j["scale"] = v.scale;
      j["unit"] = std::string(v.unit());
      break;
    case ast::ValueKind::Bool:
      j["value"] = v.boolean;
      break;
    case ast::ValueKind::Path:
      j["path"] = v.path_text();
      break;
    case ast::ValueKind::Call:
    case ast::ValueKind::Object:
      j["callee"] = v.path_text();
      break;
    default:
      break;
  }
  if (!v.items.empty()) {
    json items = json::array();
    for (const auto& i : v.items) items.push_back(value(sm, i));
    j["items"] = items;
  }
  if (v.kind == ast::ValueKind::Object) {
    json body = json::array();
    for (const auto& s : v.body()) body.push_back(stmt(sm, s));
    j["body"] = body;
  }
  return j;
}

json stmt(const base::SourceManager& sm, const ast::Stmt& s) {
  json j;
  j["key"] = std::string(s.key);
  j["span"] = span(sm, s.span);
  if (!s.labels.empty()) {
    json l = json::array();
    for (const auto& x : s.labels) l.push_back(x.text);
    j["labels"] = l;
  }
  if (!s.from.empty()) {
    json l = json::array();
    for (const auto& x : s.from) l.push_back(x.text);
    j["from"] = l;
  }
  if (s.has_value()) j["value"] = value(sm, s.val());
  if (s.has_block) {
    json body = json::array();
    for (const auto& c : s.body) body.push_back(stmt(sm, c));
    j["body"] = body;
  }
  return j;
}

}  // namespace

std::string dump_json(const base::SourceManager& sm, const ast::File& file) {
  json root;
  root["file"] = sm.file(file.id).path();
  json body = json::array();
  for (const auto& s : file.statements) body.push_back(stmt(sm, s));
  root["statements"] = body;
  json comments = json::array();
  for (const auto& c : file.comments) comments.push_back(std::string(sm.text(c.span)));
  root["comments"] = comments;
  return root.dump(2, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace stackc::syntax
