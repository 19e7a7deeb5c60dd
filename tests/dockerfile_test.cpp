// `build { }` through the real command line: hostile Dockerfiles (empty, binary, 10 MB, an
// unterminated continuation or heredoc, missing, a folder, a FIFO) end in located diagnostics,
// never a crash or a hang; every `stackc init dockerfile` language passes the checks it is
// written for; a path out of the stack's folder is refused.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "driver/init_dockerfile.hpp"
#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;
using stackc::testing::run;

class DockerfileCli : public ::testing::Test {
 protected:
  void SetUp() override {
    setenv("NO_COLOR", "1", 1);
    tmp_ = fs::temp_directory_path() / ("stackc-dockerfile-" + std::to_string(::getpid()));
    fs::remove_all(tmp_);
    fs::create_directories(tmp_ / "project");
  }
  void TearDown() override { fs::remove_all(tmp_); }
  fs::path write(const std::string& name, const std::string& text) {
    fs::path p = tmp_ / "project" / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << text;
    return p;
  }
  // A stack whose service `api` is built from `build { ... }`.
  std::string stack(const std::string& build, const std::string& extra = "") {
    return write("s.stack",
                 "stack shop { registry = \"ghcr.io/shop\"  version = \"1.0.0\" }\n"
                 "cluster local { nodes = 1  node { cpu = 4  memory = 8Gi } }\n"
                 "environment dev { cluster = local }\n"
                 "service api {\n  image = \"api\"\n  port http = 8080\n  cpu = 100m\n"
                 "  memory = 128Mi\n  build { " +
                     build + " }\n" + extra + "}\n")
        .string();
  }
  fs::path tmp_;
};

const char* kGood =
    "FROM golang:1.23 AS build\nRUN go build -o /app .\n"
    "FROM gcr.io/distroless/static-debian12:nonroot\nCOPY --from=build /app /app\n"
    "USER 65532:65532\n";

struct Hostile {
  const char* name;
  std::string dockerfile;  // written as svc/Dockerfile unless empty
  const char* code;
  const char* where;  // the start of the diagnostic's first line
};

TEST_F(DockerfileCli, HostileDockerfilesGetLocatedErrors) {
  const std::string big(10u << 20, '#');
  const std::vector<Hostile> cases = {
      {"empty", "", "E2065", "s.stack:9:"},
      {"binary",
       std::string("FROM a:1 AS b\n\x7f"
                   "ELF\0\0\x01\x02",
                   20),
       "E2063", "svc/Dockerfile:2:"},
      {"ten-megabytes", big, "E2062", "s.stack:9:"},
      {"unterminated-continuation", std::string(kGood) + "RUN make \\\n  && make install \\\n",
       "E2064", "svc/Dockerfile:7:"},
      {"unterminated-heredoc", std::string(kGood) + "RUN <<EOF\nmake\n", "E2064",
       "svc/Dockerfile:6:"},
      {"invalid-utf8", "FROM a:1 AS b\nFROM b\nUSER \xff\xfe\n", "E2063", "svc/Dockerfile:3:"},
  };
  for (const auto& c : cases) {
    SCOPED_TRACE(c.name);
    fs::remove_all(tmp_ / "project");
    std::string s = stack("context = \"svc\"");
    write("svc/Dockerfile", c.dockerfile);
    auto r = run({"check", s});
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_NE(r.err.find(std::string("[") + c.code + "]"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find(c.where), std::string::npos) << r.err;
    EXPECT_LT(r.err.size(), 4096u) << "the report stays short";
  }
}

// Near 1 MiB of what would cost quadratic time with copies per instruction, or a search per
// `${`: each must end quickly (a hang fails by the test's timeout) with a bounded report.
TEST_F(DockerfileCli, LargeDockerfilesEndWithBoundedReports) {
  std::string envs = "FROM a:1 AS s0\n", chain = envs, braces = "FROM a:1 AS s0\nFROM ", stages;
  for (int i = 0; i < 80000; ++i) envs += "ENV A" + std::to_string(i) + "=x\n";
  for (int i = 0; i < 14000; ++i)
    chain += "FROM s" + std::to_string(i) + " AS s" + std::to_string(i + 1) + "\nENV B" +
             std::to_string(i) + "=${B" + std::to_string(i > 0 ? i - 1 : 0) + "}\nUSER $B" +
             std::to_string(i) + "\n";
  for (int i = 0; i < 500000; ++i) braces += "${";
  for (int i = 0; i < 30000; ++i) stages += "FROM alpine AS s" + std::to_string(i) + "\n";
  for (const auto& text : {envs, chain, braces, stages}) {
    ASSERT_LT(text.size(), std::size_t{1} << 20);
    fs::remove_all(tmp_ / "project");
    std::string s = stack("context = \"svc\"");
    write("svc/Dockerfile", text);
    auto r = run({"check", s});
    EXPECT_TRUE(r.code == 0 || r.code == 1) << r.err.substr(0, 2000);
    std::size_t reports = 0;
    for (std::size_t at = r.err.find("error["); at != std::string::npos;
         at = r.err.find("error[", at + 1))
      ++reports;
    EXPECT_LE(reports, 45u) << r.err.substr(0, 2000);
    // The renderer prints each reported line whole, with its underline: bounded by the input.
    EXPECT_LT(r.err.size(), 4 * text.size() + (64u << 10));
  }
}

TEST_F(DockerfileCli, MissingFolderAndFifo) {
  std::string s = stack("context = \"svc\"");
  auto missing = run({"check", s});
  EXPECT_EQ(missing.code, 1);
  EXPECT_NE(missing.err.find("error[E2062]: cannot find the build context `svc`"),
            std::string::npos)
      << missing.err;
  fs::create_directories(tmp_ / "project" / "svc");
  auto no_file = run({"check", s});
  EXPECT_NE(no_file.err.find("error[E2062]: cannot find the Dockerfile `svc/Dockerfile`"),
            std::string::npos)
      << no_file.err;
  fs::create_directories(tmp_ / "project" / "svc" / "Dockerfile");
  auto folder = run({"check", s});
  EXPECT_NE(folder.err.find("error[E2062]: the Dockerfile `svc/Dockerfile` is a folder"),
            std::string::npos)
      << folder.err;
  fs::remove_all(tmp_ / "project" / "svc" / "Dockerfile");
  ASSERT_EQ(::mkfifo((tmp_ / "project" / "svc" / "Dockerfile").c_str(), 0600), 0);
  auto fifo = run({"check", s});  // must not block on the open
  EXPECT_EQ(fifo.code, 1);
  EXPECT_NE(fifo.err.find("error[E2062]"), std::string::npos) << fifo.err;
  EXPECT_NE(fifo.err.find("is not a regular file"), std::string::npos) << fifo.err;
}

TEST_F(DockerfileCli, PathsStayInTheStacksFolder) {
  write("../outside/Dockerfile", kGood);
  auto up = run({"check", stack("context = \"../outside\"")});
  EXPECT_EQ(up.code, 1);
  EXPECT_NE(up.err.find("error[E2060]: the build context `../outside` is outside the stack's "
                        "folder"),
            std::string::npos)
      << up.err;
  auto abs = run({"check", stack("context = \"/etc\"")});
  EXPECT_NE(abs.err.find("error[E2060]"), std::string::npos) << abs.err;
  fs::create_directories(tmp_ / "project" / "svc");
  auto file = run({"check", stack("context = \"svc\"  dockerfile = \"../../outside/Dockerfile\"")});
  EXPECT_NE(file.err.find("error[E2060]"), std::string::npos) << file.err;
  // A symbolic link out of the folder is followed to where it leads, and refused there.
  fs::create_symlink(tmp_ / "outside" / "Dockerfile", tmp_ / "project" / "svc" / "Dockerfile");
  auto link = run({"check", stack("context = \"svc\"")});
  EXPECT_NE(link.err.find("error[E2060]"), std::string::npos) << link.err;
}

TEST_F(DockerfileCli, EveryInitLanguagePassesTheChecks) {
  for (const auto& lang : stackc::driver::init_languages()) {
    SCOPED_TRACE(lang);
    fs::remove_all(tmp_ / "project");
    std::string s = stack("context = \"services/api\"  target = \"runtime\"");
    fs::path out = tmp_ / "project" / "services" / "api" / "Dockerfile";
    auto w = run({"init", "dockerfile", "--lang", lang, "api", "-o", out.string()});
    ASSERT_EQ(w.code, 0) << w.err;
    auto r = run({"check", s});
    EXPECT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.err, "");
    // With another pod user, the Dockerfile written for it passes, the default one does not.
    std::string other = stack("context = \"services/api\"", "  security { run_as_user = 1000 }\n");
    EXPECT_EQ(run({"check", other}).code, 1);
    fs::remove(out);
    ASSERT_EQ(
        run({"init", "dockerfile", "--lang", lang, "api", "--user", "1000", "-o", out.string()})
            .code,
        0);
    auto again = run({"check", other});
    EXPECT_EQ(again.code, 0) << again.err;
  }
}

TEST_F(DockerfileCli, InitPrintsRefusesOverwritesAndBadNames) {
  auto p = run({"init", "dockerfile", "--lang", "dotnet", "api-service"});
  EXPECT_EQ(p.code, 0);
  EXPECT_NE(p.out.find("FROM mcr.microsoft.com/dotnet/sdk:8.0 AS build"), std::string::npos);
  EXPECT_NE(p.out.find("ENTRYPOINT [\"dotnet\", \"api-service.dll\"]"), std::string::npos);
  fs::path f = write("Dockerfile", "keep me\n");
  auto o = run({"init", "dockerfile", "--lang", "go", "api", "-o", f.string()});
  EXPECT_EQ(o.code, 2);
  EXPECT_NE(o.err.find("exists already"), std::string::npos);
  std::ifstream in(f);
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_EQ(ss.str(), "keep me\n");
  EXPECT_EQ(run({"init", "dockerfile", "--lang", "go", "../x"}).code, 2);
  EXPECT_EQ(run({"init", "dockerfile", "--lang", "rust", "api"}).code, 2);
  EXPECT_EQ(run({"init"}).code, 2);
}

}  // namespace
