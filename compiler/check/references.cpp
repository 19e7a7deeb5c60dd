#include "check/references.hpp"

namespace stackc::check {
namespace {

using ast::Value;
using ast::ValueKind;

// The statements from the workload down to the value being read are kept on a stack, and the
// place of a reference ("env DB_URL") is written only when one is found.
struct Walker {
  std::string_view self;
  const std::function<bool(std::string_view)>& is_workload;
  std::vector<model::Reference> out;
  std::vector<const ast::Stmt*> at;

  std::string place() const {
    std::string p;
    auto add = [&](std::string_view w) {
      if (!p.empty()) p += ' ';
      p += w;
    };
    for (const ast::Stmt* s : at) {
      add(s->key);
      for (const auto& l : s->labels) add(l.text);
    }
    return p;
  }

  void value(const Value& v) {
    switch (v.kind) {
      case ValueKind::String:
        for (const auto& p : v.parts()) {
          if (!p.interpolation) continue;
          auto dot = p.text.find('.');
          if (dot == std::string_view::npos) continue;
          std::string_view root = p.text.substr(0, dot), attr = p.text.substr(dot + 1);
          if (root == self || root == "stack" || root == "env" || !workload_attr(attr) ||
              !is_workload(root))
            continue;
          out.push_back({std::string(root), std::string(attr), place(), p.span});
        }
        break;
      case ValueKind::List:
      case ValueKind::Range:
      case ValueKind::Arrow:
      case ValueKind::Call:
        for (const auto& i : v.items) value(i);
        break;
      case ValueKind::Object:
        for (const auto& s : v.body()) stmt(s);
        break;
      default:
        break;
    }
  }

  void stmt(const ast::Stmt& s) {
    at.push_back(&s);
    if (s.has_value()) value(s.val());
    for (const auto& b : s.body) stmt(b);
    at.pop_back();
  }

  void node(const MNode& n) {
    for (const auto& kid : n.kids) {
      if (!kid.stmt) continue;
      at.push_back(kid.stmt);
      if (kid.stmt->has_value()) value(kid.stmt->val());
      node(kid);
      at.pop_back();
    }
  }
};

}  // namespace

bool workload_attr(std::string_view attr) {
  if (attr == "host" || attr == "port" || attr == "address") return true;
  return attr.rfind("port.", 0) == 0 && attr.size() > 5 &&
         attr.find('.', 5) == std::string_view::npos;
}

std::vector<model::Reference> references(const MNode& n, std::string_view self,
                                         const std::function<bool(std::string_view)>& is_workload) {
  Walker w{self, is_workload, {}, {}};
  w.node(n);
  return std::move(w.out);
}

}  // namespace stackc::check
