#include "check/objects.hpp"

#include <fmt/format.h>

#include <map>
#include <string>

#include "check/checker.hpp"

namespace stackc::check {
namespace {

void report(base::Sink& sink, Code c, Span at, std::string msg, std::string help,
            std::vector<base::Note> notes = {}) {
  auto d = base::make(c, at, std::move(msg), std::move(help));
  d.notes = std::move(notes);
  sink.report(std::move(d));
}

bool is_object(const Stmt& s) {
  return s.key == "object" && s.labels.size() == 1 && !s.labels[0].is_string && s.has_block;
}

// The labels and annotations stackc writes on the object of `kind` itself, which `object KIND`
// cannot set (E2043). The `app.kubernetes.io` labels are validate_prefix's, on every labels block.
void check_reserved(const Stmt& object, std::string_view kind, bool versioned, base::Sink& sink) {
  for (const auto& b : object.body) {
    if ((b.key != "labels" && b.key != "annotations") || !b.has_block) continue;
    const std::string_view prefix = b.labels.size() == 1 ? b.labels[0].text : "";
    for (const auto& e : b.body) {
      if (prefix == "stackc.dev")
        report(sink, Code::E2043, e.key_span,
               fmt::format("`stackc.dev/{}`: `stackc.dev` is the prefix of stackc's own {}", e.key,
                           b.key),
               "stackc marks its objects with `stackc.dev/...`; use a prefix of your own, such as "
               "`\"example.com\"`");
      else if (b.key == "labels" && prefix.empty() && e.key == "version" && versioned &&
               kind == "controller")
        report(sink, Code::E2043, e.key_span,
               "`version` is a label stackc sets on the Deployments of a versioned workload",
               "it is the name of each Deployment's `version` block; remove it");
      else if (b.key == "annotations" && prefix == "argocd.argoproj.io" && e.key == "sync-wave" &&
               kind == "controller")
        report(sink, Code::E2043, e.key_span,
               "`argocd.argoproj.io/sync-wave` is an annotation stackc sets on every controller",
               "stackc orders the workloads by their `needs` (the waves of targets.md); remove it");
    }
  }
}

void walk(ast::Seq<Stmt> body, bool versioned, std::string_view in_version, base::Sink& sink) {
  for (const auto& s : body) {
    if (s.key == "when" && s.has_block) {
      walk(s.body, versioned, in_version, sink);
      continue;
    }
    if (s.key == "version" && s.labels.size() == 1 && s.has_block && in_version.empty()) {
      walk(s.body, versioned, s.labels[0].text, sink);
      continue;
    }
    if (!is_object(s)) continue;
    const auto& kind = s.labels[0];
    if (!is_object_kind(kind.text)) {
      report(sink, Code::E2070, kind.span,
             fmt::format("`{}` is not an object of a workload", kind.text),
             "write `object controller { ... }` (the Deployment, StatefulSet, Job or CronJob), "
             "`object service { ... }` or `object service_account { ... }`");
      continue;
    }
    if (!in_version.empty() && kind.text != "controller") {
      report(sink, Code::E2031, s.key_span,
             fmt::format("`object {}` cannot differ between the versions", kind.text),
             fmt::format("the versions share one {}; write `object {} {{ ... }}` in the workload "
                         "itself, outside `version {}`",
                         kind.text == "service" ? "Service" : "ServiceAccount", kind.text,
                         in_version));
      continue;
    }
    check_reserved(s, kind.text, versioned, sink);
  }
}

// The ServiceAccount a workload runs as (kubernetes.cpp makes it so).
std::string_view account_of(const model::Workload& w) {
  return w.service_account.empty() ? std::string_view(w.name) : w.service_account;
}

void add_missing(std::vector<std::pair<std::string, std::string>>& into,
                 const std::vector<std::pair<std::string, std::string>>& from) {
  for (const auto& kv : from) {
    bool has = false;
    for (const auto& x : into) has = has || x.first == kv.first;
    if (!has) into.push_back(kv);
  }
}

}  // namespace

bool is_object_kind(std::string_view kind) {
  return kind == "controller" || kind == "service" || kind == "service_account";
}

void check_objects(const Stmt& decl, bool versioned, base::Sink& sink) {
  walk(decl.body, versioned, "", sink);
}

void settle_objects(model::Environment& e, base::Sink& sink) {
  using K = model::Workload::Kind;
  for (const auto& w : e.workloads) {
    const bool job = w.kind == K::Job || w.kind == K::Cron;
    if (w.service_meta.span.valid() && (job || w.ports.empty()))
      report(sink, Code::E2071, w.service_meta.span,
             fmt::format("`{}` has no Service to label", w.group.empty() ? w.name : w.group),
             job ? "a job or a cron has no Service; remove `object service`"
                 : "stackc makes a Service for a workload with a `port`; add one, or remove "
                   "`object service`");
  }
  // A shared ServiceAccount: every workload that runs as it may label it, one value per key.
  std::map<std::string_view, std::map<std::string, std::pair<std::string, const model::Workload*>>>
      seen;
  for (const auto& w : e.workloads) {
    if (!w.account_meta.span.valid()) continue;
    auto& keys = seen[account_of(w)];
    for (const auto* list : {&w.account_meta.labels, &w.account_meta.annotations}) {
      const char* what = list == &w.account_meta.labels ? "label" : "annotation";
      for (const auto& [k, v] : *list) {
        auto [it, fresh] = keys.emplace(fmt::format("{} {}", what, k), std::pair{v, &w});
        if (fresh || it->second.first == v) continue;
        const model::Workload& o = *it->second.second;
        report(sink, Code::E2072, w.account_meta.span,
               fmt::format("the ServiceAccount `{}` gets two values of the {} `{}`: \"{}\" "
                           "from `{}`, \"{}\" from `{}`",
                           account_of(w), what, k, it->second.first, o.name, v, w.name),
               "the workloads that share a ServiceAccount label one object: give the key one "
               "value, or write it in one of them",
               {{o.account_meta.span, "the other value is set here"}});
      }
    }
  }
  // Each ServiceAccount's keys, on every workload that runs as it.
  std::map<std::string_view, model::Workload::ObjectMeta> accounts;
  for (const auto& w : e.workloads) {
    if (w.account_meta.empty()) continue;
    auto& a = accounts[account_of(w)];
    add_missing(a.labels, w.account_meta.labels);
    add_missing(a.annotations, w.account_meta.annotations);
  }
  for (auto& w : e.workloads)
    if (auto it = accounts.find(account_of(w)); it != accounts.end()) {
      w.account_meta.labels = it->second.labels;
      w.account_meta.annotations = it->second.annotations;
    }
}

// `object KIND { ... }` of the merged workload (templates, `when`, version): read into the
// model, prefixes joined to the keys, annotations interpolated.
void Checker::object_meta(const MNode& n, const model::Model& m, const model::Environment& e,
                          model::Workload& w) {
  for (const auto& kid : n.kids) {
    const Stmt* s = kid.stmt;
    if (!s || !is_object(*s)) continue;
    const std::string_view kind = s->labels[0].text;
    model::Workload::ObjectMeta* o = kind == "controller"        ? &w.controller_meta
                                     : kind == "service"         ? &w.service_meta
                                     : kind == "service_account" ? &w.account_meta
                                                                 : nullptr;
    if (!o) continue;  // E2070
    o->span = s->labels[0].span;
    for (const auto& block : kid.kids) {
      const Stmt* b = block.stmt;
      if (!b || (b->key != "labels" && b->key != "annotations") || !b->has_block) continue;
      auto& out = b->key == "labels" ? o->labels : o->annotations;
      const std::string prefix = b->labels.empty() ? "" : std::string(b->labels[0].text) + "/";
      for (const auto& entry : block.kids) {
        if (!entry.stmt || !entry.stmt->has_value()) continue;
        const Value& v = entry.stmt->val();
        out.emplace_back(prefix + std::string(entry.stmt->key),
                         v.kind == ValueKind::String ? interpolate(v, m, e) : std::string(v.raw));
      }
    }
  }
}

}  // namespace stackc::check
