#include "importer/stack_text.hpp"

#include <gtest/gtest.h>

namespace stackc::importer {
namespace {

TEST(StackText, QuotesEscapeWhatTheLanguageReads) {
  EXPECT_EQ(quote("a\"b\\c"), R"("a\"b\\c")");
  EXPECT_EQ(quote("${x.y} $HOME"), R"("\${x.y} \$HOME")");
  EXPECT_EQ(quote_interpolated("${x.y}"), R"("${x.y}")");
  EXPECT_EQ(quote("l1\nl2\t\x01"), R"("l1\nl2\t\u{1}")");
}

TEST(StackText, IdentifiersAndLabels) {
  EXPECT_TRUE(is_ident("api-v2_x"));
  EXPECT_FALSE(is_ident("2api"));
  EXPECT_FALSE(is_ident("a.b"));
  EXPECT_EQ(label("prometheus.io"), "\"prometheus.io\"");
  EXPECT_EQ(label("web"), "web");
  EXPECT_EQ(list({"a", "b"}), "[a, b]");
}

TEST(StackText, PrintsFormattedText) {
  Stmt svc = Stmt::open("service api");
  svc.comments = {"from deployment.yaml:3"};
  svc.add(Stmt::assign("image", quote("ghcr.io/x/api:1.0")));
  svc.add(Stmt::assign("replicas", "2..5"));
  Stmt& env = svc.add(Stmt::open("env"));
  env.add(Stmt::assign("LOG", quote("debug")));
  EXPECT_NE(svc.find("env"), nullptr);
  std::string text = print({Stmt::open("stack shop"), svc});
  EXPECT_EQ(text,
            "stack shop {}\n"
            "\n"
            "# from deployment.yaml:3\n"
            "service api {\n"
            "  image    = \"ghcr.io/x/api:1.0\"\n"
            "  replicas = 2..5\n"
            "  env      { LOG = \"debug\" }\n"
            "}\n");
}

TEST(StackText, SplitCommonKeepsWhatAllShareAndThePortsInPlace) {
  auto variant = [](const char* replicas, const char* log, const char* port) {
    Stmt s = Stmt::open("service api");
    s.add(Stmt::assign("image", "\"api:1\""));
    s.add(Stmt::assign("port http", port));
    s.add(Stmt::assign("port metrics", "9090"));
    s.add(Stmt::assign("replicas", replicas));
    Stmt env = Stmt::open("env");
    env.add(Stmt::assign("A", "\"1\""));
    env.add(Stmt::assign("LOG", log));
    s.add(std::move(env));
    return s;
  };
  Stmt a = variant("2", "\"info\"", "80"), b = variant("5", "\"warn\"", "8080");
  b.add(Stmt::assign("grace", "45s"));
  Stmt common = Stmt::open("service api");
  std::vector<Stmt> own;
  split_common({&a, &b}, common, own);
  ASSERT_EQ(own.size(), 2u);
  // In a block the first variant's value stays in place (the env variables keep their order).
  EXPECT_EQ(text_of(common),
            "service api { image = \"api:1\"; port http = 80; port metrics = 9090; env { A = "
            "\"1\"; LOG = \"info\"; }; }");
  EXPECT_EQ(text_of(own[0]), "service api { replicas = 2; }");
  EXPECT_EQ(text_of(own[1]),
            "service api { port http = 8080; replicas = 5; env { LOG = \"warn\"; }; grace = 45s; "
            "}");
}

}  // namespace
}  // namespace stackc::importer
