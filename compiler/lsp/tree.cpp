#include "lsp/tree.hpp"

namespace stackc::lsp {

const check::Kind* top_body_kind(const ast::Stmt& s) {
  if (s.key == "template")
    return s.labels.size() >= 3 && s.labels[1].text == "for" ? check::top_kind(s.labels[2].text)
                                                             : nullptr;
  return check::top_kind(s.key);
}

const check::Kind* inner_body_kind(const ast::Stmt& s, const check::Kind* parent) {
  if (!parent) return nullptr;
  if (s.key == "when") return parent;
  const check::Field* f = parent->field(s.key);
  if (f && f->block) return f->block;
  return nullptr;
}

namespace {

bool in(base::Span s, std::uint32_t offset) {
  return s.begin <= offset && offset <= s.end;
}

void descend(const ast::Stmt& s, const check::Kind* parent, std::uint32_t offset,
             std::vector<Frame>& out, std::size_t depth) {
  Frame f;
  f.stmt = &s;
  f.parent = parent;
  f.field = parent ? parent->field(s.key) : nullptr;
  f.kind = parent ? inner_body_kind(s, parent) : top_body_kind(s);
  out.push_back(f);
  if (depth > 128) return;
  for (const auto& b : s.body)
    if (in(b.span, offset)) return descend(b, f.kind, offset, out, depth + 1);
  // `backend = vault { ... }`: the object's statements.
  if (s.has_value() && s.value->kind == ast::ValueKind::Object)
    for (const auto& b : s.value->body())
      if (in(b.span, offset)) return descend(b, f.kind, offset, out, depth + 1);
}

}  // namespace

std::vector<Frame> frames_at(const ast::File& file, std::uint32_t offset) {
  std::vector<Frame> out;
  for (const auto& s : file.statements)
    if (in(s.span, offset)) {
      descend(s, nullptr, offset, out, 0);
      break;
    }
  return out;
}

std::string_view unit_help(check::Type t) {
  switch (t) {
    case check::Type::Cpu:
    case check::Type::CpuRange:
      return "CPU: cores (`2`, `0.5`) or millicores (`500m`); a range is request..limit";
    case check::Type::Bytes:
    case check::Type::BytesRange:
      return "bytes: binary `Ki Mi Gi Ti Pi` or decimal `k M G T P` suffixes (`512Mi`); a "
             "range is request..limit";
    case check::Type::Duration:
      return "duration: `s`, `m` (minutes), `h`, `d`, `w` (`30s`, `5m`, `15d`)";
    case check::Type::Percent:
      return "percentage: `70%`";
    default:
      return {};
  }
}

}  // namespace stackc::lsp
