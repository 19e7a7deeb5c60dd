// The Dockerfile parser (dockerfile.hpp) and the checks of `build { }` (dockerfiles.hpp), with an
// in-memory folder tree.
#include "check/dockerfile.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <random>

#include "check/check.hpp"
#include "check/dockerfiles.hpp"
#include "syntax/parse.hpp"

namespace stackc::check {
namespace {

using dockerfile::parse;

std::string at(std::string_view text, std::uint32_t b, std::uint32_t e) {
  return std::string(text.substr(b, e - b));
}

TEST(Dockerfile, StagesNamesPlatformAndArgsInFrom) {
  std::string text =
      "# syntax=docker/dockerfile:1\n"
      "ARG SDK=8.0\n"
      "ARG RUNTIME\n"
      "FROM --platform=$BUILDPLATFORM mcr.microsoft.com/dotnet/sdk:${SDK} AS Build\n"
      "RUN dotnet publish\n"
      "FROM mcr.microsoft.com/dotnet/aspnet:${RUNTIME:-8.0-noble}\n"
      "FROM build AS again\n";
  auto d = parse(text);
  EXPECT_TRUE(d.problems.empty());
  ASSERT_EQ(d.stages.size(), 3u);
  EXPECT_EQ(d.stages[0].resolved, "mcr.microsoft.com/dotnet/sdk:8.0");
  EXPECT_EQ(at(text, d.stages[0].image.begin, d.stages[0].image.end),
            "mcr.microsoft.com/dotnet/sdk:${SDK}");
  EXPECT_EQ(d.stages[0].name.text, "build");
  EXPECT_EQ(d.stages[0].platform, "$BUILDPLATFORM");
  EXPECT_EQ(d.stages[1].resolved, "mcr.microsoft.com/dotnet/aspnet:8.0-noble");
  EXPECT_TRUE(d.stages[1].unset.empty());
  EXPECT_EQ(d.stages[2].parent, 0);
  EXPECT_EQ(dockerfile::target_stage(d, "BUILD"), 0);
  EXPECT_EQ(dockerfile::target_stage(d, ""), 2);
  EXPECT_EQ(dockerfile::target_stage(d, "nope"), -1);
}

TEST(Dockerfile, UnsetArgInFromIsLocated) {
  std::string text = "ARG TAG\nFROM alpine:$TAG\nFROM alpine:${OTHER}\n";
  auto d = parse(text);
  ASSERT_EQ(d.stages.size(), 2u);
  ASSERT_EQ(d.stages[0].unset.size(), 1u);
  EXPECT_EQ(at(text, d.stages[0].unset[0].begin, d.stages[0].unset[0].end), "$TAG");
  ASSERT_EQ(d.stages[1].unset.size(), 1u);
  EXPECT_EQ(at(text, d.stages[1].unset[0].begin, d.stages[1].unset[0].end), "${OTHER}");
}

TEST(Dockerfile, ContinuationsSkipCommentsAndKeepOffsets) {
  std::string text =
      "FROM alpine:3.20 \\\n"
      "  # a comment inside the instruction\n"
      "\n"
      "  AS base\n"
      "FROM base\n"
      "USER \\\n"
      "  1000:1000\n";
  auto d = parse(text);
  EXPECT_TRUE(d.problems.empty());
  ASSERT_EQ(d.stages.size(), 2u);
  EXPECT_EQ(d.stages[0].name.text, "base");
  EXPECT_EQ(d.stages[1].parent, 0);
  ASSERT_TRUE(d.stages[1].user);
  EXPECT_EQ(d.stages[1].user->text, "1000:1000");
  EXPECT_EQ(at(text, d.stages[1].user->begin, d.stages[1].user->end), "1000:1000");
}

TEST(Dockerfile, EscapeDirectiveBacktick) {
  std::string text =
      "# escape=`\n"
      "FROM mcr.microsoft.com/windows/servercore:ltsc2022 `\n"
      "  AS build\n"
      "RUN dir C:\\\n"
      "FROM build\n";
  auto d = parse(text);
  EXPECT_EQ(d.escape, '`');
  EXPECT_TRUE(d.problems.empty());
  ASSERT_EQ(d.stages.size(), 2u);
  EXPECT_EQ(d.stages[0].name.text, "build");
}

TEST(Dockerfile, DirectivesStopAtTheFirstOtherLine) {
  auto d = parse("# a comment\n# escape=`\nFROM a:1 \\\n AS x\n");
  EXPECT_EQ(d.escape, '\\');  // not a directive after a comment
  ASSERT_EQ(d.stages.size(), 1u);
  EXPECT_EQ(d.stages[0].name.text, "x");
  auto bad = parse("# escape=x\nFROM a:1\n");
  ASSERT_EQ(bad.problems.size(), 1u);
}

TEST(Dockerfile, HeredocBodiesAreNotInstructions) {
  std::string text =
      "FROM alpine:3.20 AS build\n"
      "RUN <<EOF\n"
      "FROM evil\n"
      "USER root\n"
      "EOF\n"
      "COPY <<-\"CONF\" <<'TWO' /etc/\n"
      "\tUSER 0\n"
      "\tCONF\n"
      "FROM x\n"
      "TWO\n"
      "RUN echo \"a<<b\" && cat <<<word\n"
      "FROM scratch\n"
      "USER 65532\n";
  auto d = parse(text);
  EXPECT_TRUE(d.problems.empty()) << d.problems[0].message;
  ASSERT_EQ(d.stages.size(), 2u);
  EXPECT_FALSE(d.stages[0].user);
  ASSERT_TRUE(d.stages[1].user);
  EXPECT_EQ(d.stages[1].user->text, "65532");
}

TEST(Dockerfile, UnterminatedContinuationAndHeredocAreLocated) {
  std::string text = "FROM a:1\nRUN echo \\\n";
  auto d = parse(text);
  ASSERT_EQ(d.problems.size(), 1u);
  EXPECT_EQ(at(text, d.problems[0].begin, d.problems[0].end), "\\");
  std::string h = "FROM a:1\nRUN <<EOF\necho\n";
  auto e = parse(h);
  ASSERT_EQ(e.problems.size(), 1u);
  EXPECT_EQ(at(h, e.problems[0].begin, e.problems[0].end), "<<EOF");
  EXPECT_NE(e.problems[0].message.find("never closed"), std::string::npos);
}

TEST(Dockerfile, UnknownInstructionsAndOrder) {
  std::string text = "RUN echo\nFORM a:1\nFROM a:1\nUSR 1000\nUSER\nHEALTHCHECK --bogus=1 CMD x\n";
  auto d = parse(text);
  ASSERT_EQ(d.problems.size(), 5u);
  EXPECT_EQ(at(text, d.problems[0].begin, d.problems[0].end), "RUN");
  EXPECT_NE(d.problems[0].message.find("before the first `FROM`"), std::string::npos);
  EXPECT_EQ(at(text, d.problems[1].begin, d.problems[1].end), "FORM");
  EXPECT_EQ(d.problems[1].help, "did you mean `FROM`?");
  EXPECT_EQ(at(text, d.problems[2].begin, d.problems[2].end), "USR");
  EXPECT_EQ(at(text, d.problems[3].begin, d.problems[3].end), "USER");
  EXPECT_EQ(at(text, d.problems[4].begin, d.problems[4].end), "--bogus=1");
}

TEST(Dockerfile, MalformedFrom) {
  auto d =
      parse("FROM\nFROM a:1 AS\nFROM a:1 AS 1x\nFROM a:1 AS x\nFROM b:1 AS X\nFROM --pull a:1\n");
  EXPECT_EQ(d.problems.size(), 5u);
}

TEST(Dockerfile, UserFromEnvAndArgs) {
  auto d = parse(
      "FROM a:1 AS base\nENV APP_UID=1654\nUSER $APP_UID\n"
      "FROM base AS next\n"
      "FROM a:1\nUSER ${UNKNOWN}\n");
  ASSERT_EQ(d.stages.size(), 3u);
  ASSERT_TRUE(d.stages[0].user);
  EXPECT_EQ(d.stages[0].user->text, "1654");
  EXPECT_FALSE(d.stages[0].user_unresolved);
  int from = -1;
  auto inherited = dockerfile::effective_user(d, 1, &from);
  ASSERT_TRUE(inherited);
  EXPECT_EQ(inherited->text, "1654");
  EXPECT_EQ(from, 0);
  EXPECT_TRUE(d.stages[2].user_unresolved);
}

TEST(Dockerfile, Healthchecks) {
  auto d = parse(
      "FROM a:1 AS one\nHEALTHCHECK --interval=5s --retries=3 CMD [\"curl\", "
      "\"http://localhost:8080/healthz\"]\n"
      "FROM one AS two\n"
      "FROM a:1\nHEALTHCHECK NONE\n");
  ASSERT_EQ(d.stages.size(), 3u);
  auto h = dockerfile::effective_healthcheck(d, 1);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->command, "[\"curl\", \"http://localhost:8080/healthz\"]");
  ASSERT_TRUE(d.stages[2].healthcheck);
  EXPECT_TRUE(d.stages[2].healthcheck->none);
  EXPECT_EQ(parse("FROM a:1\nHEALTHCHECK CMD\n").problems.size(), 1u);
}

TEST(Dockerfile, ImageTags) {
  EXPECT_EQ(dockerfile::image_tag("alpine:3.20"), "3.20");
  EXPECT_EQ(dockerfile::image_tag("localhost:5000/team/app"), "");
  EXPECT_EQ(dockerfile::image_tag("localhost:5000/team/app:1.2"), "1.2");
  EXPECT_EQ(dockerfile::image_tag("alpine@sha256:abc"), "");
  EXPECT_TRUE(dockerfile::image_digest("alpine@sha256:abc"));
  EXPECT_EQ(dockerfile::image_tag("alpine:3@sha256:abc"), "3");
}

TEST(Dockerfile, LineEndsBomAndEmptyText) {
  auto d = parse(
      "\xEF\xBB\xBF"
      "FROM a:1 AS x\r\nUSER 1\r\nFROM x\r\n");
  EXPECT_TRUE(d.problems.empty());
  ASSERT_EQ(d.stages.size(), 2u);
  EXPECT_EQ(d.stages[0].user->text, "1");
  EXPECT_TRUE(parse("").stages.empty());
  EXPECT_TRUE(parse("\n\n# only a comment\n").problems.empty());
}

TEST(Dockerfile, ArbitraryBytesNeverCrashAndStayInRange) {
  std::mt19937 rng(17);
  const std::string alphabet = "FROM RUN USER ARG HEALTHCHECK CMD AS <<EOF\n\\`$'\"{}:-=#\t\r x1";
  for (int round = 0; round < 2000; ++round) {
    std::string text;
    std::size_t n = rng() % 200;
    for (std::size_t i = 0; i < n; ++i)
      text.push_back(rng() % 8 == 0 ? static_cast<char>(rng() % 256)
                                    : alphabet[rng() % alphabet.size()]);
    auto d = parse(text);
    EXPECT_LE(d.problems.size(), 20u);
    for (const auto& p : d.problems) {
      EXPECT_LE(p.begin, p.end);
      EXPECT_LE(p.end, text.size());
    }
    for (const auto& s : d.stages) {
      EXPECT_LE(s.image.end, text.size());
      EXPECT_LT(s.parent, static_cast<int>(d.stages.size()));
    }
  }
}

// ---- the checks, with an in-memory folder tree --------------------------------------------------

class Tree final : public Loader {
 public:
  Tree(base::SourceManager& sm, std::map<std::string, std::string> files)
      : sm_(sm), files_(std::move(files)) {}
  Result load(std::string_view spec, base::FileId) override {
    Result r;
    r.message = "cannot find `" + std::string(spec) + "`";
    return r;
  }
  bool is_stdlib(base::FileId) const override { return false; }
  Beside beside(std::string_view path, base::FileId, bool read, std::uint64_t max) override {
    Beside b;
    std::string p = std::filesystem::path(std::string(path)).lexically_normal().generic_string();
    if (!p.empty() && p.back() == '/') p.pop_back();
    b.path = p;
    if (p.rfind("..", 0) == 0 || p.rfind('/', 0) == 0) {
      b.status = Beside::Status::Outside;
      return b;
    }
    if (auto it = files_.find(p); it != files_.end()) {
      b.status = Beside::Status::File;
      if (it->second.size() > max && read) {
        b.status = Beside::Status::TooLarge;
        return b;
      }
      if (read) b.file = ids_.count(p) ? ids_[p] : (ids_[p] = sm_.add(p, it->second));
      return b;
    }
    for (const auto& [name, text] : files_)
      if (name.rfind(p + "/", 0) == 0) {
        b.status = Beside::Status::Folder;
        return b;
      }
    b.status = Beside::Status::Missing;
    return b;
  }

 private:
  base::SourceManager& sm_;
  std::map<std::string, std::string> files_;
  std::map<std::string, base::FileId> ids_;
};

struct Checked {
  base::SourceManager sm;
  base::Collector sink;
  Result result;
  std::vector<std::string> codes() const {
    std::vector<std::string> out;
    for (const auto& d : sink.sorted()) out.emplace_back(base::info(d.code).id);
    return out;
  }
  std::string text() const {
    std::string out;
    for (const auto& d : sink.sorted()) out += d.message + "\n";
    return out;
  }
};

const char* kStack =
    "stack s { registry = \"ghcr.io/s\"  version = \"1.0.0\" }\n"
    "cluster c { nodes = 2  node { cpu = 4  memory = 8Gi } }\n"
    "environment dev { cluster = c }\n"
    "environment prod { cluster = c }\n";

const char* kGood =
    "FROM golang:1.23 AS build\nRUN go build -o /app .\n"
    "FROM gcr.io/distroless/static-debian12:nonroot AS runtime\n"
    "COPY --from=build /app /app\nUSER 65532:65532\nENTRYPOINT [\"/app\"]\n";

std::unique_ptr<Checked> check_with(const std::string& service,
                                    std::map<std::string, std::string> files) {
  auto c = std::make_unique<Checked>();
  auto id = c->sm.add("main.stack", std::string(kStack) + service);
  auto tree = syntax::parse(c->sm, id, c->sink);
  Tree loader(c->sm, std::move(files));
  c->result = check(c->sm, std::move(tree), loader, c->sink);
  return c;
}

std::string api(const std::string& extra) {
  return "service api {\n  image = \"api\"  port http = 8080  cpu = 100m  memory = 64Mi\n" + extra +
         "\n}\n";
}

TEST(Dockerfiles, AGoodDockerfilePassesAndFillsThePaths) {
  auto c = check_with(api("build { context = \"services/api/\"  target = \"runtime\" }"),
                      {{"services/api/Dockerfile", kGood}});
  EXPECT_TRUE(c->codes().empty()) << c->text();
  ASSERT_TRUE(c->result.model);
  const auto& w = c->result.model->environments[0].workloads[0];
  ASSERT_TRUE(w.build);
  EXPECT_EQ(w.build->context_path, "services/api");
  EXPECT_EQ(w.build->dockerfile_path, "services/api/Dockerfile");
  EXPECT_EQ(w.build->target, "runtime");
}

TEST(Dockerfiles, DefaultContextIsTheImageName) {
  auto c = check_with(api("build { }"), {{"api/Dockerfile", kGood}});
  EXPECT_TRUE(c->codes().empty()) << c->text();
}

TEST(Dockerfiles, PathsAndFiles) {
  EXPECT_EQ(check_with(api("build { context = \"../elsewhere\" }"), {})->codes(),
            std::vector<std::string>{"E2060"});
  EXPECT_EQ(check_with(api("build { context = \"svc\" }"), {})->codes(),
            std::vector<std::string>{"E2062"});
  EXPECT_EQ(check_with(api("build { context = \"svc\" }"), {{"svc/Other", kGood}})->codes(),
            std::vector<std::string>{"E2062"});
  EXPECT_EQ(check_with(api("build { context = \"svc\"  dockerfile = \"d\" }"),
                       {{"svc/d/Dockerfile", kGood}})
                ->codes(),
            std::vector<std::string>{"E2062"});
  EXPECT_EQ(check_with(api("build { context = \"svc\" }"),
                       {{"svc/Dockerfile", std::string(2 << 20, '#')}})
                ->codes(),
            std::vector<std::string>{"E2062"});
  EXPECT_EQ(check_with(api("build { context = \"${stack.name}\" }"), {})->codes(),
            std::vector<std::string>{"E2060"});
}

TEST(Dockerfiles, HostileContents) {
  auto codes = [](const std::string& text) {
    return check_with(api("build { context = \"svc\" }"), {{"svc/Dockerfile", text}})->codes();
  };
  EXPECT_EQ(codes(""), std::vector<std::string>{"E2065"});
  EXPECT_EQ(codes(std::string("FROM a:1\0\x01", 11)), std::vector<std::string>{"E2063"});
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM \xC3\x28\n"), std::vector<std::string>{"E2063"});
  auto cont = codes(std::string(kGood) + "RUN echo \\\n");
  EXPECT_EQ(cont, std::vector<std::string>{"E2064"});
  auto here = codes(std::string(kGood) + "RUN <<EOF\necho\n");
  EXPECT_EQ(here, std::vector<std::string>{"E2064"});
}

TEST(Dockerfiles, StagesUsersAndBases) {
  auto codes = [](const std::string& text, const std::string& extra = "") {
    return check_with(api("build { context = \"svc\" }\n" + extra), {{"svc/Dockerfile", text}})
        ->codes();
  };
  EXPECT_EQ(codes("FROM alpine:3.20\nUSER 65532\n"), std::vector<std::string>{"E2065"});
  EXPECT_EQ(codes("FROM alpine AS b\nFROM b\nUSER 65532\n"), std::vector<std::string>{"E2067"});
  EXPECT_EQ(codes("FROM alpine:latest AS b\nFROM b\nUSER 65532\n"),
            std::vector<std::string>{"E2067"});
  EXPECT_TRUE(codes("FROM alpine@sha256:0123 AS b\nFROM scratch\nUSER 65532\n").empty());
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\n"), std::vector<std::string>{"E2066"});
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\nUSER root\n"), std::vector<std::string>{"E2066"});
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\nUSER 1000\n"), std::vector<std::string>{"E2066"});
  EXPECT_TRUE(
      codes("FROM a:1 AS b\nFROM a:1\nUSER 1000\n", "security { run_as_user = 1000 }").empty());
  EXPECT_TRUE(
      codes("FROM a:1 AS b\nFROM a:1\nUSER 1000\n", "security { run_as_user = image }").empty());
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\nUSER app\n", "security { run_as_user = image }"),
            std::vector<std::string>{"E2066"});
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\nUSER app\n"), std::vector<std::string>{"W0062"});
  // Root by choice: no E2066, only the Pod Security warning of run_as_root.
  EXPECT_EQ(codes("FROM a:1 AS b\nFROM a:1\n", "security { run_as_root = true }"),
            std::vector<std::string>{"W0033"});
  EXPECT_EQ(codes("ARG V\nFROM a:$V AS b\nFROM b\nUSER 65532\n"),
            std::vector<std::string>{"W0063"});
}

TEST(Dockerfiles, TargetAndHealthcheck) {
  auto codes = [](const std::string& text, const std::string& extra = "") {
    return check_with(api(extra), {{"svc/Dockerfile", text}})->codes();
  };
  EXPECT_EQ(codes(kGood, "build { context = \"svc\"  target = \"runtim\" }"),
            std::vector<std::string>{"E2068"});
  EXPECT_TRUE(codes(kGood, "build { context = \"svc\"  target = \"build\" }") ==
              std::vector<std::string>{"E2066"});  // the build stage runs as root
  std::string hc =
      std::string(kGood) + "HEALTHCHECK CMD [\"/app\", \"http://localhost:8080/ok\"]\n";
  EXPECT_EQ(codes(hc, "build { context = \"svc\" }"), std::vector<std::string>{"W0061"});
  EXPECT_EQ(codes(hc, "build { context = \"svc\" }\nhealth { liveness = http(\"/healthz\") }"),
            std::vector<std::string>{"W0060"});
  EXPECT_TRUE(
      codes(hc, "build { context = \"svc\" }\nhealth { liveness = http(\"/ok\") }").empty());
  EXPECT_TRUE(codes(hc,
                    "build { context = \"svc\" }\nhealth { liveness = tcp(8080)  readiness = "
                    "http(\"/ok\", port = http) }")
                  .empty());
}

TEST(Dockerfiles, HealthchecksThatCannotBeComparedAreNot) {
  auto codes = [](const std::string& hc) {
    return check_with(api("build { context = \"svc\" }\nhealth { liveness = http(\"/healthz\") }"),
                      {{"svc/Dockerfile", std::string(kGood) + hc}})
        ->codes();
  };
  EXPECT_TRUE(codes("HEALTHCHECK CMD curl -f http://localhost:$PORT/x\n").empty());
  EXPECT_TRUE(codes("HEALTHCHECK CMD /app -check\n").empty());
  EXPECT_TRUE(codes("HEALTHCHECK CMD curl -f http://example.com/x\n").empty());
  EXPECT_TRUE(codes("HEALTHCHECK NONE\n").empty());
  EXPECT_EQ(codes("HEALTHCHECK CMD curl -f http://127.0.0.1:8080/x?y=1\n"),
            std::vector<std::string>{"W0060"});
  EXPECT_TRUE(codes("HEALTHCHECK CMD curl -f http://127.0.0.1:8080/healthz?y=1\n").empty());
  EXPECT_EQ(codes("HEALTHCHECK CMD curl -f http://localhost/healthz\n"),
            std::vector<std::string>{"W0060"});  // port 80, the probe dials 8080
}

TEST(Dockerfiles, ExternalImagesAndTwoBuildsOfOneImage) {
  auto c = check_with(
      "service api {\n  image = \"nginx:1.27\"  port http = 8080  cpu = 100m  memory = 64Mi\n"
      "  build { context = \"svc\" }\n}\n",
      {{"svc/Dockerfile", kGood}});
  EXPECT_EQ(c->codes(), std::vector<std::string>{"E2061"});
  auto two = check_with(api("build { context = \"svc\" }") +
                            "worker w {\n  image = \"api\"  cpu = 100m  memory = 64Mi\n"
                            "  build { context = \"svc\"  target = \"build\" }\n}\n",
                        {{"svc/Dockerfile", kGood}});
  EXPECT_EQ(two->codes(), std::vector<std::string>{"E2069"});
}

}  // namespace
}  // namespace stackc::check
