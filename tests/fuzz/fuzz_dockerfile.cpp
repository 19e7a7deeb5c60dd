#include "fuzz_dockerfile.hpp"

#include <cstdlib>
#include <string>
#include <string_view>

#include "base/diagnostics.hpp"
#include "base/source.hpp"
#include "check/check.hpp"
#include "check/dockerfile.hpp"
#include "check/dockerfiles.hpp"
#include "syntax/parse.hpp"

namespace stackc::fuzz {
namespace {

void require(bool ok) {
  if (!ok) std::abort();
}

// One folder `svc` with the fuzzed Dockerfile in it.
class OneDockerfile final : public check::Loader {
 public:
  OneDockerfile(base::SourceManager& sm, std::string text) : sm_(sm), text_(std::move(text)) {}
  Result load(std::string_view, base::FileId) override { return {}; }
  bool is_stdlib(base::FileId) const override { return false; }
  Beside beside(std::string_view path, base::FileId, bool read, std::uint64_t max) override {
    Beside b;
    b.path = std::string(path);
    if (path == "svc") {
      b.status = Beside::Status::Folder;
    } else if (path == "svc/Dockerfile") {
      b.status = text_.size() > max ? Beside::Status::TooLarge : Beside::Status::File;
      if (read && b.status == Beside::Status::File) {
        if (!id_) id_ = sm_.add("svc/Dockerfile", text_);
        b.file = *id_;
      }
    } else {
      b.status = Beside::Status::Missing;
    }
    return b;
  }

 private:
  base::SourceManager& sm_;
  std::string text_;
  std::optional<base::FileId> id_;
};

constexpr const char* kStack =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 1  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = c }\n"
    "service api {\n  image = \"api\"  port http = 8080  cpu = 100m  memory = 64Mi\n"
    "  health { liveness = http(\"/healthz\") }\n"
    "  build { context = \"svc\"  target = \"runtime\" }\n}\n"
    "worker jobs {\n  image = \"api\"  cpu = 100m  memory = 64Mi\n"
    "  security { run_as_user = image }\n"
    "  build { context = \"svc\"  target = \"runtime\" }\n}\n";

}  // namespace

void run_dockerfile_one(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto d = check::dockerfile::parse(text);
  auto again = check::dockerfile::parse(text);
  require(d.problems.size() == again.problems.size() && d.stages.size() == again.stages.size());
  require(d.problems.size() <= 20);
  for (std::size_t i = 0; i < d.problems.size(); ++i) {
    const auto& p = d.problems[i];
    require(p.begin <= p.end && p.end <= size);
    require(p.begin == again.problems[i].begin && p.message == again.problems[i].message);
  }
  for (std::size_t i = 0; i < d.stages.size(); ++i) {
    const auto& st = d.stages[i];
    require(st.from_begin <= st.from_end && st.from_end <= size);
    require(st.image.begin <= st.image.end && st.image.end <= size);
    require(st.parent < static_cast<int>(i));
    for (const auto& u : st.unset) require(u.begin <= u.end && u.end <= size);
    if (st.user) require(st.user->end <= size);
    if (!st.name.text.empty())
      require(check::dockerfile::target_stage(d, st.name.text) == static_cast<int>(i));
    (void)check::dockerfile::effective_user(d, static_cast<int>(i));
    (void)check::dockerfile::effective_healthcheck(d, static_cast<int>(i));
  }
  // The checks, with the Dockerfile in a stack.
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add("main.stack", kStack);
  auto tree = syntax::parse(sm, id, sink);
  OneDockerfile loader(sm, text);
  auto r = check::check(sm, std::move(tree), loader, sink);
  for (const auto& diag : sink.all()) {
    require(diag.span.valid());
    require(diag.span.begin <= diag.span.end &&
            diag.span.end <= sm.file(diag.span.file).text().size());
  }
}

}  // namespace stackc::fuzz
