#include "check/versions.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

namespace stackc::check {
namespace {

using ast::Stmt;
using base::Code;

// The longest workload name: it names the Deployment, its NetworkPolicy, HPA and PDB, and is a
// DNS-1123 label like every workload's name (E2006).
constexpr std::size_t kNameMax = 63;

void report(base::Sink& sink, Code c, base::Span at, std::string msg, std::string help,
            std::vector<base::Note> notes = {}) {
  auto d = base::make(c, at, std::move(msg), std::move(help));
  d.notes = std::move(notes);
  sink.report(std::move(d));
}

bool is_label(std::string_view s) {
  if (s.empty() || s.size() > kNameMax) return false;
  auto alnum = [](char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); };
  if (!alnum(s.front()) || !alnum(s.back())) return false;
  return std::all_of(s.begin(), s.end(), [&](char c) { return alnum(c) || c == '-'; });
}

std::string label_fix(std::string_view s) {
  std::string out;
  for (char c : s) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    bool ok = (l >= 'a' && l <= 'z') || (l >= '0' && l <= '9');
    if (ok)
      out += l;
    else if (!out.empty() && out.back() != '-')
      out += '-';
  }
  while (!out.empty() && out.back() == '-') out.pop_back();
  if (out.size() > 20) out.resize(20);
  return out.empty() ? "v1" : out;
}

bool is_version(const Stmt& s) {
  return s.key == "version" && s.labels.size() == 1 && !s.labels[0].is_string;
}

// `labels { version = ... }` (without a prefix): the label stackc sets on a version's pods.
void check_pod_labels(ast::Seq<Stmt> body, base::Sink& sink) {
  for (const auto& s : body) {
    if (s.key == "when" || is_version(s)) {
      check_pod_labels(s.body, sink);
      continue;
    }
    if (s.key != "labels" || !s.labels.empty() || !s.has_block) continue;
    for (const auto& e : s.body)
      if (e.key == "version")
        report(sink, Code::E2043, e.key_span,
               "`version` is a label stackc sets on the pods of a versioned workload",
               "it is the name of each pod's `version` block, and the Deployments select their "
               "pods by it; remove it");
  }
}

// What a `version` block sets: no field that every version shares, no `version` in it.
void check_version_body(ast::Seq<Stmt> body, std::string_view service, std::string_view version,
                        base::Sink& sink) {
  for (const auto& s : body) {
    if (s.key == "when") {
      check_version_body(s.body, service, version, sink);
      continue;
    }
    if (s.key == "version") {
      report(sink, Code::E2030, s.key_span,
             fmt::format("`version` cannot be nested in `version {}`", version),
             fmt::format("declare every version in `{}` itself, side by side", service));
      continue;
    }
    if (!shared_by_versions(s.key)) continue;
    std::string why =
        s.key == "port" ? "the Service in front of the versions routes to the same ports"
        : s.key == "expose" || s.key == "source_ranges"
            ? "the Service in front of the versions is exposed once, for all of them"
        : s.key == "ingress" ? "the Ingress routes to the Service, which spreads over every version"
        : s.key == "exporter"
            ? "the exporter's port is a port of the Service in front of the versions"
            : "Prometheus scrapes the versions through one job and one ServiceMonitor";
    report(sink, Code::E2031, s.key_span,
           fmt::format("`{}` cannot differ between the versions of `{}`", s.key, service),
           fmt::format("{}; set `{}` in `{}` itself, outside `version {}`", why, s.key, service,
                       version));
  }
}

// `version` inside `when` (any depth) of a declaration's body.
void check_no_version_in_when(ast::Seq<Stmt> body, base::Sink& sink) {
  for (const auto& s : body) {
    if (s.key != "when") continue;
    for (const auto& x : s.body) {
      if (x.key != "version") continue;
      report(sink, Code::E2030, x.key_span, "`version` cannot be inside `when`",
             "every environment runs the same versions: declare `version NAME { ... }` in the "
             "workload itself, and put `when ENV { ... }` inside the version to change it per "
             "environment");
    }
  }
}

}  // namespace

bool shared_by_versions(std::string_view field) {
  return field == "port" || field == "ingress" || field == "metrics" || field == "exporter" ||
         field == "expose" || field == "source_ranges";
}

std::vector<const Stmt*> versions_of(const Stmt& decl) {
  std::vector<const Stmt*> out;
  for (const auto& s : decl.body)
    if (is_version(s) && s.has_block) out.push_back(&s);
  return out;
}

void check_versions(const Stmt& decl, bool is_template, base::Sink& sink) {
  check_no_version_in_when(decl.body, sink);
  std::vector<const Stmt*> seen;
  bool any = false;
  for (const auto& s : decl.body) {
    if (!is_version(s)) continue;
    any = true;
    const auto& name = s.labels[0];
    if (is_template) {
      report(sink, Code::E2030, s.key_span, "a template cannot declare versions",
             "declare `version NAME { ... }` in the workloads that use the template");
      continue;
    }
    const std::string_view service = decl.labels.empty() ? "" : decl.labels[0].text;
    if (!is_label(name.text)) {
      report(
          sink, Code::E2006, name.span,
          fmt::format("`{}` is not a valid version name: names must be DNS-1123 labels", name.text),
          fmt::format("use lower-case letters, digits and `-`: `{}`", label_fix(name.text)));
    }
    auto first = std::find_if(seen.begin(), seen.end(),
                              [&](const Stmt* x) { return x->labels[0].text == name.text; });
    if (first != seen.end()) continue;  // E2002, as for any slot set twice
    seen.push_back(&s);
    check_version_body(s.body, service, name.text, sink);
    if (s.has_block && s.body.empty())
      report(sink, Code::W0030, name.span,
             fmt::format("version `{}` of `{}` sets nothing of its own", name.text, service),
             fmt::format("its Deployment runs the same pods as `{}` declares; set what differs, "
                         "e.g. `image = \"...\"`, or remove it",
                         service));
  }
  if (any && !is_template) check_pod_labels(decl.body, sink);
}

std::map<std::string, VersionName, std::less<>> version_names(
    const std::vector<DeclaredWorkload>& workloads, base::Sink& sink) {
  std::map<std::string, VersionName, std::less<>> out;
  std::map<std::string_view, base::Span> declared;
  for (const auto& w : workloads) declared.emplace(w.name, w.span);
  for (const auto& w : workloads) {
    std::vector<std::string_view> done;
    for (const Stmt* v : versions_of(*w.stmt)) {
      const auto& label = v->labels[0];
      if (std::find(done.begin(), done.end(), label.text) != done.end()) continue;  // E2002
      done.push_back(label.text);
      std::string name = fmt::format("{}-{}", w.name, label.text);
      if (name.size() > kNameMax) {
        report(sink, Code::E2033, label.span,
               fmt::format("the workload of version `{}` would be named `{}`, {} characters; "
                           "Kubernetes allows {}",
                           label.text, name, name.size(), kNameMax),
               fmt::format("shorten the version or `{}` by {} characters", w.name,
                           name.size() - kNameMax),
               {{w.span, "the versioned workload"}});
        continue;
      }
      if (auto it = declared.find(name); it != declared.end()) {
        report(sink, Code::E2032, label.span,
               fmt::format("version `{}` of `{}` would be the workload `{}`, which is declared",
                           label.text, w.name, name),
               "rename the version or the other workload: each Deployment needs its own name",
               {{it->second, fmt::format("`{}` is declared here", name)}});
        continue;
      }
      if (auto it = out.find(name); it != out.end()) {
        report(sink, Code::E2032, label.span,
               fmt::format("version `{}` of `{}` would be the workload `{}`, as version `{}` of "
                           "`{}` is",
                           label.text, w.name, name, it->second.version, it->second.service),
               "rename one of the versions: each Deployment needs its own name",
               {{it->second.span, "the other version"}});
        continue;
      }
      out.emplace(std::move(name),
                  VersionName{std::string(w.name), std::string(label.text), label.span});
    }
  }
  return out;
}

bool report_version_reference(const std::map<std::string, VersionName, std::less<>>& names,
                              std::string_view name, base::Span at, base::Sink& sink) {
  auto it = names.find(name);
  if (it == names.end()) return false;
  const auto& v = it->second;
  report(sink, Code::E2034, at,
         fmt::format("`{}` is version `{}` of `{}`, not a workload to depend on", name, v.version,
                     v.service),
         fmt::format("write `{}`: dependents reach the Service `{}`, which spreads over every "
                     "version",
                     v.service, v.service),
         {{v.span, "the version is declared here"}});
  return true;
}

}  // namespace stackc::check
