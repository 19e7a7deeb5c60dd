// Pass 2: a declaration resolved for one environment: its templates (each resolved once per
// environment, in the order templates.cpp gives) and its `when ENV` blocks merged over its
// fields into one tree (tree.hpp), and the fields required once merged (E2007).

#include <algorithm>

#include <fmt/format.h>

#include "check/checker.hpp"

namespace stackc::check {

void Checker::merge(MNode& into, ast::Seq<Stmt> body, const Kind* kind, const std::string& env) {
  Slots slots(into, body.size());
  for (const auto& s : body) {
    if (s.key == "when") continue;
    const Field* f = kind ? kind->field(s.key) : nullptr;
    MNode& slot = slots.of(s);
    if (f && (f->type == Type::Block || f->type == Type::Map) && s.has_block) {
      slot.stmt = &s;
      merge(slot, s.body, f->block, env);
    } else if (f && f->type == Type::Port && f->block && s.has_block) {
      slot = MNode{&s, {}, true};  // a port is replaced whole, its settings with it
      merge(slot, s.body, f->block, env);
    } else {
      slot = MNode{&s, {}, true};
    }
  }
  for (const auto& s : body)
    if (s.key == "when" && s.labels.size() == 1 && s.labels[0].text == env)
      merge(into, s.body, kind, env);
}

// Every template resolved for one environment (by template_index_), each once: it is its
// `from` templates (already resolved, in template_order_) overlaid in order, then its body.
void Checker::prepare_templates(const std::string& env) {
  if (resolved_.count(env)) return;
  std::vector<MNode>& r = resolved_[env];
  r.resize(template_decls_.size());
  for (std::size_t i : template_order_) {
    const Decl& t = decls_[template_decls_[i]];
    apply_templates(r[i], t, t.for_kind, r);
    merge(r[i], t.stmt->body, t.for_kind, env);
  }
}

void Checker::apply_templates(MNode& into, const Decl& d, const Kind* kind,
                              const std::vector<MNode>& resolved) const {
  for (const auto& f : d.stmt->from) {
    const Decl* td = declared(SymbolKind::Template, f.text);
    if (!td) continue;
    const Decl& t = *td;
    if (t.for_kind != kind) continue;
    overlay(into, resolved[template_index_.at(static_cast<std::size_t>(td - decls_.data()))]);
  }
}

// With `version`, one version of a versioned workload: its block (and its `when ENV`) merged
// over the workload's fields as they are in the environment.
MNode Checker::resolve(const Decl& d, const std::string& env, const Stmt* version) {
  MNode root;
  root.stmt = d.stmt;
  if (!d.stmt->from.empty()) apply_templates(root, d, d.kind, resolved_.at(env));
  merge(root, d.stmt->body, d.kind, env);
  // The `version` blocks are not fields of the workload: each makes a workload of its own.
  if (d.kind->workload)
    std::erase_if(root.kids,
                  [](const MNode& k) { return k.stmt != nullptr && k.stmt->key == "version"; });
  if (version) merge(root, version->body, d.kind, env);
  return root;
}

// With `version`, one version of the workload (reported at the version's name).
void Checker::require(const MNode& n, const Kind& k, const Decl& d, const Stmt* version) {
  for (const auto& f : k.fields) {
    if (!f.required) continue;
    bool found = false;
    for (const auto& kid : n.kids)
      if (kid.stmt && kid.stmt->key == f.name) found = true;
    if (found) continue;
    if (version)
      report(Code::E2007, version->labels[0].span,
             fmt::format("version `{}` of {} `{}` has no `{}`", version->labels[0].text, k.name,
                         d.name, f.name),
             fmt::format("add `{} = ...` to `version {}`, or to `{}` for every version", f.name,
                         version->labels[0].text, d.name));
    else
      report(Code::E2007, d.name_span, fmt::format("{} `{}` has no `{}`", k.name, d.name, f.name),
             fmt::format("add `{} = ...`{}", f.name,
                         k.templated ? ", or apply a template that sets it" : ""));
  }
}

// Required fields of a nested block, after merging (a `when` may supply them).
void Checker::require_block(const MNode& n, const Kind& k, std::string_view what) {
  for (const auto& f : k.fields) {
    if (!f.required) continue;
    bool found = std::any_of(n.kids.begin(), n.kids.end(),
                             [&](const MNode& kid) { return kid.stmt && kid.stmt->key == f.name; });
    if (!found)
      report(Code::E2007, n.stmt->key_span, fmt::format("`{}` has no `{}`", what, f.name),
             fmt::format("add `{} = ...` inside `{}`", f.name, what));
  }
}

}  // namespace stackc::check
