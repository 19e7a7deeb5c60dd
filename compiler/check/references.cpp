#include "check/references.hpp"

namespace stackc::check {
namespace {

using ast::Value;
using ast::ValueKind;

struct Walker {
  std::string_view self;
  const std::function<bool(std::string_view)>& is_workload;
  std::vector<model::Reference> out;

  static std::string place(const std::string& prefix, const ast::Stmt& s) {
    std::string p = prefix;
    auto add = [&](std::string_view w) {
      if (!p.empty()) p += ' ';
      p += w;
    };
    add(s.key);
    for (const auto& l : s.labels) add(l.text);
    return p;
  }

  void value(const Value& v, const std::string& why) {
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
          out.push_back({std::string(root), std::string(attr), why, p.span});
        }
        break;
      case ValueKind::List:
      case ValueKind::Range:
      case ValueKind::Arrow:
      case ValueKind::Call:
        for (const auto& i : v.items) value(i, why);
        break;
      case ValueKind::Object:
        for (const auto& s : v.body()) stmt(s, why);
        break;
      default:
        break;
    }
  }

  void stmt(const ast::Stmt& s, const std::string& prefix) {
    std::string why = place(prefix, s);
    if (s.has_value()) value(s.val(), why);
    for (const auto& b : s.body) stmt(b, why);
  }

  void node(const MNode& n, const std::string& prefix) {
    for (const auto& kid : n.kids) {
      if (!kid.stmt) continue;
      std::string why = place(prefix, *kid.stmt);
      if (kid.stmt->has_value()) value(kid.stmt->val(), why);
      node(kid, why);
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
  Walker w{self, is_workload, {}};
  w.node(n, "");
  return std::move(w.out);
}

}  // namespace stackc::check
