#include "check/dockerfiles.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <set>
#include <tuple>

#include "base/suggest.hpp"
#include "check/dockerfile.hpp"
#include "model/images.hpp"

namespace stackc::check {

// Loaders that read no files (the unit tests', an editor's) check no Dockerfile.
Loader::Beside Loader::beside(std::string_view path, base::FileId, bool, std::uint64_t) {
  Beside b;
  b.path = std::filesystem::path(std::string(path)).lexically_normal().generic_string();
  return b;
}

namespace {

using base::Code;
using base::Span;
using Status = Loader::Beside::Status;

// The offset of the first byte that makes `text` not UTF-8 text (a NUL, an invalid sequence), or
// npos.
std::size_t not_text(std::string_view s) {
  std::size_t i = 0, n = s.size();
  while (i < n) {
    auto c = static_cast<unsigned char>(s[i]);
    if (c == 0) return i;
    if (c < 0x80) {
      ++i;
      continue;
    }
    std::size_t len = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 ? 3 : c >= 0xC2 && c < 0xE0 ? 2 : 0;
    if (len == 0 || i + len > n) return i;
    auto c1 = static_cast<unsigned char>(s[i + 1]);
    if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F) || (c == 0xF0 && c1 < 0x90) ||
        (c == 0xF4 && c1 > 0x8F))
      return i;
    for (std::size_t k = 1; k < len; ++k)
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return i;
    i += len;
  }
  return std::string_view::npos;
}

constexpr std::size_t kMaxPerStage = 20;

struct Parsed {
  bool usable = false;  // text that parsed (problems or not)
  dockerfile::Dockerfile d;
};

class Checks {
 public:
  Checks(const base::SourceManager& sm, Loader& loader, base::Sink& sink)
      : sm_(sm), loader_(loader), sink_(sink) {}

  void run(model::Model& m) {
    for (auto& e : m.environments)
      for (auto& w : e.workloads)
        if (w.build) workload(w);
  }

 private:
  const base::SourceManager& sm_;
  Loader& loader_;
  base::Sink& sink_;
  std::map<base::FileId, Parsed> parsed_;
  std::set<std::tuple<Code, base::FileId, std::uint32_t, std::string>> said_;
  struct Built {
    std::string context, dockerfile, target;
    Span span;
  };
  std::map<std::string, Built> images_;  // image -> the first build of it

  void report(Code c, Span s, std::string msg, std::string help,
              std::vector<base::Note> notes = {}) {
    if (!said_.emplace(c, s.file, s.begin, msg).second) return;
    auto d = base::make(c, s, std::move(msg), std::move(help));
    d.notes = std::move(notes);
    sink_.report(std::move(d));
  }

  static Span at(base::FileId f, std::uint32_t b, std::uint32_t e) { return Span{f, b, e}; }

  void workload(model::Workload& w) {
    model::Build& b = *w.build;
    if (!model::own_image(w.image)) {
      report(Code::E2061, b.span,
             fmt::format("`{}` runs the external image `{}`, which is pulled as written, never "
                         "built: `build` is for the stack's own images",
                         w.app(), w.image),
             fmt::format("write the image as a bare name (`image = \"{}\"`) to build it from this "
                         "Dockerfile, or remove `build`",
                         w.app()),
             {{w.image_span, "the image is set here"}});
      return;
    }
    std::string context = b.context.empty() ? w.image : b.context;
    Span context_at = b.context_span.valid() ? b.context_span : b.span;
    Span file_at = b.dockerfile_span.valid() ? b.dockerfile_span : context_at;
    auto ctx = loader_.beside(context, b.span.file, false, 0);
    b.context_path = ctx.path;
    std::string joined =
        (std::filesystem::path(context) / b.dockerfile).lexically_normal().generic_string();
    if (std::filesystem::path(b.dockerfile).is_absolute()) joined = b.dockerfile;
    b.dockerfile_path =
        (std::filesystem::path(ctx.path) / b.dockerfile).lexically_normal().generic_string();
    if (ctx.status == Status::Unavailable) return;
    if (!path_ok(ctx, context, context_at, "build context", true)) return;
    auto df = loader_.beside(joined, b.span.file, true, kMaxDockerfileBytes);
    if (!path_ok(df, joined, file_at, "Dockerfile", false)) return;
    b.dockerfile_path = df.path;
    if (!one_build(w, b)) return;
    if (!df.file) return;
    loader_.named(*df.file, file_at);
    const Parsed& p = parse(*df.file, b);
    if (!p.usable) return;
    stages(w, b, *df.file, p.d);
  }

  // Reports what is wrong with a path; true when it is what it should be.
  bool path_ok(const Loader::Beside& r, const std::string& written, Span where, const char* what,
               bool folder) {
    switch (r.status) {
      case Status::Outside:
        report(Code::E2060, where,
               r.reason.empty()
                   ? fmt::format("the {} `{}` is outside the stack's folder", what, written)
                   : fmt::format("the {} `{}` is an absolute path", what, written),
               "stackc reads nothing outside the folder of the .stack file given to it: write a "
               "path relative to the .stack file, inside its folder");
        return false;
      case Status::Missing:
        report(Code::E2062, where, fmt::format("cannot find the {} `{}`", what, r.path),
               folder ? fmt::format("create the folder `{}`, or point `context` at the folder "
                                    "that holds the service's sources",
                                    r.path)
                      : fmt::format("write one with `stackc init dockerfile --lang LANG SERVICE "
                                    "-o {}`, or point `dockerfile` (relative to the context) at it",
                                    r.path));
        return false;
      case Status::Folder:
        if (folder) return true;
        report(Code::E2062, where, fmt::format("the {} `{}` is a folder", what, r.path),
               "name the file: `dockerfile = \"Dockerfile\"` is relative to the context");
        return false;
      case Status::File:
        if (!folder) return true;
        report(Code::E2062, where, fmt::format("the {} `{}` is a file, not a folder", what, r.path),
               "`context` is the folder Docker sends to the build; `dockerfile` names the file "
               "in it");
        return false;
      case Status::NotRegular:
        report(Code::E2062, where,
               fmt::format("the {} `{}` is not a regular file ({})", what, r.path, r.reason),
               "point it at a regular file");
        return false;
      case Status::TooLarge:
        report(Code::E2062, where,
               fmt::format("the {} `{}` is larger than 1 MiB, the most stackc reads of a "
                           "Dockerfile",
                           what, r.path),
               "a Dockerfile is a few hundred lines; check that the path names the Dockerfile");
        return false;
      case Status::Unreadable:
        report(Code::E2062, where,
               fmt::format("cannot read the {} `{}`: {}", what, r.path, r.reason),
               "check the file's permissions and those of its folders");
        return false;
      case Status::Unavailable:
        return false;
    }
    return false;
  }

  // E2069: two builds of one image must agree, or the workflow would build it twice.
  bool one_build(const model::Workload& w, const model::Build& b) {
    Built mine{b.context_path, b.dockerfile_path, b.target, b.span};
    auto [it, fresh] = images_.emplace(w.image, mine);
    if (fresh) return true;
    const Built& first = it->second;
    if (first.context == mine.context && first.dockerfile == mine.dockerfile &&
        first.target == mine.target)
      return true;
    if (first.span == mine.span) return true;  // one block, another environment's paths
    report(Code::E2069, b.span,
           fmt::format("the image `{}` is built here from `{}`{}, and elsewhere from `{}`{}",
                       w.image, mine.dockerfile,
                       mine.target.empty() ? "" : fmt::format(" (stage `{}`)", mine.target),
                       first.dockerfile,
                       first.target.empty() ? "" : fmt::format(" (stage `{}`)", first.target)),
           "one image has one build: give the two workloads images of their own, or the same "
           "`build { }` (a template holds it once)",
           {{first.span, "the first build of the image"}});
    return false;
  }

  const Parsed& parse(base::FileId f, const model::Build& b) {
    auto [it, fresh] = parsed_.try_emplace(f);
    Parsed& p = it->second;
    if (!fresh) return p;
    std::string_view text = sm_.file(f).text();
    if (std::size_t bad = not_text(text); bad != std::string_view::npos) {
      auto o = static_cast<std::uint32_t>(bad);
      report(Code::E2063, at(f, o, o + 1),
             fmt::format("`{}` is not text: {} at byte {}", sm_.file(f).path(),
                         text[bad] == '\0' ? std::string("a NUL byte")
                                           : fmt::format("the byte 0x{:02X}, which is not UTF-8",
                                                         static_cast<unsigned char>(text[bad])),
                         bad),
             "point `dockerfile` at the Dockerfile, a UTF-8 text file",
             {{b.dockerfile_span.valid() ? b.dockerfile_span : b.span, "named here"}});
      return p;
    }
    p.usable = true;
    p.d = dockerfile::parse(text);
    for (const auto& pr : p.d.problems)
      report(Code::E2064, at(f, pr.begin, pr.end), pr.message, pr.help);
    return p;
  }

  void stages(const model::Workload& w, const model::Build& b, base::FileId f,
              const dockerfile::Dockerfile& d) {
    const std::string& path = sm_.file(f).path();
    if (d.stages.empty()) {
      report(Code::E2065, b.dockerfile_span.valid() ? b.dockerfile_span : b.span,
             fmt::format("`{}` has no stage: it has no `FROM`", path),
             fmt::format("write a build stage and a runtime stage: `stackc init dockerfile --lang "
                         "LANG {} -o {}` writes a starting point",
                         w.app(), b.dockerfile_path));
      return;
    }
    // At most kMaxPerStage findings over the stages of one file, as the parser's problems: a
    // file of a thousand stages is not worth a thousand reports.
    std::size_t before = said_.size();
    for (const auto& st : d.stages) {
      if (said_.size() - before >= kMaxPerStage) break;
      for (const auto& u : st.unset)
        report(Code::W0063, at(f, u.begin, u.end),
               fmt::format("`{}` in `FROM` has no default: the workflow passes no build "
                           "arguments, so it is empty",
                           u.text),
               "give it a default in an `ARG` before the first `FROM`: `ARG NAME=value`");
      if (st.parent >= 0 || !st.unset.empty()) continue;
      std::string img = st.resolved;
      std::string lower = img;
      std::transform(lower.begin(), lower.end(), lower.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (lower == "scratch" || img.empty()) continue;
      std::string tag = dockerfile::image_tag(img);
      bool digest = dockerfile::image_digest(img);
      if ((tag.empty() || tag == "latest") && !digest)
        report(Code::E2067, at(f, st.image.begin, st.image.end),
               tag.empty() ? fmt::format("the base image `{}` has no tag or digest", img)
                           : fmt::format("the base image `{}` uses the `latest` tag", img),
               fmt::format("pin it: `{}:1.2.3`, or `{}:1.2.3@sha256:...`; Dependabot then "
                           "proposes each new version",
                           img.substr(0, img.size() - (tag.empty() ? 0 : tag.size() + 1)),
                           img.substr(0, img.size() - (tag.empty() ? 0 : tag.size() + 1))));
    }
    int final = dockerfile::target_stage(d, b.target);
    if (final < 0) {
      std::vector<std::string> names;
      for (const auto& st : d.stages)
        if (!st.name.text.empty()) names.push_back(st.name.text);
      std::string hint = base::did_you_mean(b.target, names);
      report(Code::E2068, b.target_span, fmt::format("`{}` has no stage `{}`", path, b.target),
             !hint.empty()   ? hint
             : names.empty() ? std::string("name the stage to build: `FROM image:tag AS runtime`")
                             : fmt::format("the stages are: {}", fmt::join(names, ", ")));
      return;
    }
    if (d.stages.size() < 2) {
      const auto& st = d.stages.front();
      report(Code::E2065, at(f, st.from_begin, st.from_end),
             fmt::format("`{}` has one stage: the compilers and sources it builds with ship in "
                         "the image",
                         path),
             "build in one stage and copy only the result into a small runtime stage: `FROM "
             "sdk:tag AS build` ... `FROM runtime:tag` + `COPY --from=build ...` (`stackc init "
             "dockerfile` writes one)",
             {{b.span, "the image of `" + w.app() + "` is built from it"}});
    }
    user(w, f, d, final);
    healthcheck(w, f, d, final);
  }

  void user(const model::Workload& w, base::FileId f, const dockerfile::Dockerfile& d, int final) {
    const model::Security& sec = w.security;
    if (sec.run_as_root) return;
    const auto& st = d.stages[static_cast<std::size_t>(final)];
    std::string stage =
        st.name.text.empty() ? std::string("final stage") : fmt::format("stage `{}`", st.name.text);
    bool image_user = sec.run_as_user == 0;  // `run_as_user = image`
    std::string pod = image_user ? std::string("the image's user (`run_as_user = image`)")
                                 : fmt::format("user {}", sec.run_as_user);
    std::vector<base::Note> notes;
    if (sec.span.valid()) notes.push_back({sec.span, "the pod's user is set here"});
    bool unresolved = false;
    auto u = dockerfile::effective_user(d, final, nullptr, &unresolved);
    if (!u) {
      report(Code::E2066, at(f, st.from_begin, st.from_end),
             fmt::format("the {} of `{}` sets no `USER`: it runs as its base image's user, root "
                         "for most images, and the pod runs as {}",
                         stage, w.app(), pod),
             image_user
                 ? std::string("add `USER 65532:65532` (a number the kubelet can check "
                               "is not root) to the stage")
                 : fmt::format("add `USER {0}:{1}` to the stage, the pod's user", sec.run_as_user,
                               sec.run_as_group ? sec.run_as_group : sec.run_as_user),
             notes);
      return;
    }
    std::string who = u->text.substr(0, u->text.find(':'));
    Span where = at(f, u->begin, u->end);
    if (unresolved) {
      report(Code::W0062, where,
             fmt::format("`USER {}` holds a variable stackc cannot resolve: it cannot compare "
                         "it with the pod's {}",
                         u->text, pod),
             "write the number: `USER 65532:65532`");
      return;
    }
    bool number = !who.empty() && std::all_of(who.begin(), who.end(),
                                              [](unsigned char c) { return std::isdigit(c) != 0; });
    if (who == "root" || (number && who.find_first_not_of('0') == std::string::npos)) {
      report(Code::E2066, where,
             fmt::format("the {} of `{}` runs as root, but the pod runs as {}: what the image "
                         "prepared for root (files, folders, ports below 1024) is not the pod's",
                         stage, w.app(), pod),
             fmt::format("end the stage with `USER {}:{}`; if the program must be root, say so "
                         "with `security {{ run_as_root = true }}`",
                         image_user ? 65532 : sec.run_as_user,
                         image_user ? 65532 : (sec.run_as_group ? sec.run_as_group : 65532)),
             notes);
      return;
    }
    if (!number) {
      if (image_user)
        report(Code::E2066, where,
               fmt::format("`USER {}` is a name: with `run_as_user = image` the kubelet cannot "
                           "check that it is not root, and refuses to start the pod",
                           u->text),
               "write the user's number: `USER 65532:65532`", notes);
      else
        report(Code::W0062, where,
               fmt::format("`USER {}` is a name: stackc cannot compare it with the pod's {}",
                           u->text, pod),
               fmt::format("write the number: `USER {}`", sec.run_as_user));
      return;
    }
    if (image_user) return;
    if (who != std::to_string(sec.run_as_user))
      report(Code::E2066, where,
             fmt::format("the {} of `{}` runs as user {}, the pod as user {}: files the image "
                         "gives its user are not the pod's",
                         stage, w.app(), who, sec.run_as_user),
             fmt::format("write `USER {}` in the Dockerfile, or `security {{ run_as_user = {} }}` "
                         "(or `image`) on the workload",
                         sec.run_as_user, who),
             notes);
  }

  // The container port a probe dials, or 0 when unknown.
  static std::int64_t probe_port(const model::Workload& w, const model::Probe& p) {
    if (!p.port_name.empty()) {
      for (const auto& port : w.ports)
        if (port.name == p.port_name) return port.container();
      return 0;
    }
    if (p.port) return p.port;
    return w.ports.empty() ? 0 : w.ports.front().container();
  }

  void healthcheck(const model::Workload& w, base::FileId f, const dockerfile::Dockerfile& d,
                   int final) {
    auto hc = dockerfile::effective_healthcheck(d, final);
    if (!hc || hc->none) return;
    Span where = at(f, hc->begin, hc->end);
    std::vector<const model::Probe*> probes;
    for (const auto* p : {&w.liveness, &w.readiness, &w.startup})
      if (*p) probes.push_back(&**p);
    if (probes.empty()) {
      report(Code::W0061, where,
             fmt::format("`{}` has a `HEALTHCHECK` but no probe: Kubernetes ignores "
                         "`HEALTHCHECK`, so nothing restarts the pod when it fails",
                         w.app()),
             "say the same in the workload: `health { liveness = http(\"/healthz\") }`");
      return;
    }
    // The URL the health check fetches from the container itself, if it names one.
    const std::string& cmd = hc->command;
    std::size_t at_url = cmd.find("://");
    if (at_url == std::string::npos) return;
    std::size_t scheme = cmd.rfind("http", at_url);
    if (scheme == std::string::npos) return;
    std::string_view rest = std::string_view(cmd).substr(at_url + 3);
    std::size_t host_end = rest.find_first_of(":/ \"',]");
    std::string_view host = rest.substr(0, host_end);
    if (host != "localhost" && host != "127.0.0.1" && host != "0.0.0.0") return;
    std::int64_t port = cmd.compare(scheme, 5, "https") == 0 ? 443 : 80;
    std::size_t k = host_end == std::string_view::npos ? rest.size() : host_end;
    if (k < rest.size() && rest[k] == ':') {
      std::int64_t n = 0;
      std::size_t j = k + 1;
      while (j < rest.size() && std::isdigit(static_cast<unsigned char>(rest[j])) && n < 100000)
        n = n * 10 + (rest[j++] - '0');
      if (j == k + 1) return;  // `:$PORT`: not a number to compare
      port = n;
      k = j;
    }
    std::string path = "/";
    if (k < rest.size() && rest[k] == '/') {
      std::size_t e = rest.find_first_of(" \"',]?;|&)", k);
      path = std::string(rest.substr(k, e == std::string_view::npos ? e : e - k));
    }
    std::vector<std::string> checked;
    for (const auto* p : probes) {
      if (p->kind != model::Probe::Kind::Http) continue;
      std::int64_t pp = probe_port(w, *p);
      if (p->path == path && (pp == port || pp == 0)) return;
      checked.push_back(fmt::format("`{}` on port {}", p->path, pp));
    }
    std::sort(checked.begin(), checked.end());
    checked.erase(std::unique(checked.begin(), checked.end()), checked.end());
    report(Code::W0060, where,
           fmt::format("the `HEALTHCHECK` fetches `{}` on port {}, the probes of `{}` check {}",
                       path, port, w.app(),
                       checked.empty() ? std::string("no HTTP path")
                                       : fmt::format("{}", fmt::join(checked, ", "))),
           "make them check the same thing, so that `docker run` and Kubernetes agree on when "
           "the service is healthy");
  }
};

}  // namespace

void check_dockerfiles(const base::SourceManager& sm, Loader& loader, model::Model& m,
                       base::Sink& sink) {
  Checks(sm, loader, sink).run(m);
}

}  // namespace stackc::check
