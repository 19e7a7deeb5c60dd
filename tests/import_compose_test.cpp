// `stackc import` of docker-compose files, end to end: the fixtures of tests/import/compose/
// (modelled on common apps, valid against the Compose Specification schema beside them) import
// without errors, the result checks and builds, the literal credentials are not in it, and the
// output is the same twice.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "run_driver.hpp"

namespace {

namespace fs = std::filesystem;

using stackc::testing::run;

class ImportCompose : public ::testing::Test {
 protected:
  void SetUp() override {
    fs::current_path(STACKC_SOURCE_DIR);
    setenv("NO_COLOR", "1", 1);
    tmp_ = fs::temp_directory_path() / ("stackc-compose-" + std::to_string(::getpid()));
    fs::create_directories(tmp_);
  }
  void TearDown() override { fs::remove_all(tmp_); }
  static std::string slurp(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  fs::path tmp_;
};

const char* const kFixtures[] = {"webapp/docker-compose.yml", "worker-queue/docker-compose.yml",
                                 "healthchecks/compose.yaml", "voting-app/docker-compose.yml",
                                 "kafka/docker-compose.yml"};

TEST_F(ImportCompose, FixturesImportCheckAndBuild) {
  for (const char* f : kFixtures) {
    SCOPED_TRACE(f);
    fs::path in = fs::path("tests/import/compose") / f;
    fs::path out = tmp_ / (fs::path(f).parent_path().string() + ".stack");
    stackc::testing::Run r = run({"import", in.string(), "-o", out.string()});
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_NE(r.err.find("0 errors"), std::string::npos) << r.err;
    std::string text = slurp(out);
    EXPECT_EQ(text.find("correct-horse-battery"), std::string::npos) << text;
    stackc::testing::Run c = run({"check", out.string()});
    EXPECT_EQ(c.code, 0) << c.err << text;
    EXPECT_EQ(c.err, "");  // not even a warning
    stackc::testing::Run b = run({"build", out.string(), "-o", (tmp_ / "out").string()});
    EXPECT_EQ(b.code, 0) << b.err;
    // The same input, the same output.
    stackc::testing::Run again = run({"import", in.string()});
    EXPECT_EQ(again.out, text);
  }
}

TEST_F(ImportCompose, TheSecretsToCreateAreListed) {
  stackc::testing::Run r = run({"import", "tests/import/compose/webapp/docker-compose.yml"});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("#   api (keys: DATABASE_PASSWORD)\nsecrets { backend = kubernetes }"),
            std::string::npos)
      << r.out;
}

TEST_F(ImportCompose, RecognisedByContentAsWellAsByName) {
  fs::path p = tmp_ / "app.yml";
  std::ofstream(p) << "services:\n  api:\n    image: ghcr.io/x/api:1.0\n    ports: [\"8080\"]\n"
                      "    deploy: {resources: {limits: {cpus: \"0.5\", memory: 256M}}}\n";
  stackc::testing::Run r = run({"import", p.string()});
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("service api {"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cpu       = 500m"), std::string::npos) << r.out;
}

TEST_F(ImportCompose, ErrorsStopTheImport) {
  fs::path p = tmp_ / "docker-compose.yml";
  std::ofstream(p) << "services:\n  api:\n    image: ghcr.io/x/api:1.0\n    depends_on: [db]\n";
  stackc::testing::Run r = run({"import", p.string()});
  EXPECT_EQ(r.code, 1);
  EXPECT_NE(r.err.find("error[E5033]"), std::string::npos) << r.err;
  EXPECT_EQ(r.out, "");
}

}  // namespace
