#include "manifests/yaml.hpp"

#include <gtest/gtest.h>

#include <string>

namespace stackc::manifests {
namespace {

struct Parsed {
  base::SourceManager sm;
  base::Collector sink;
  std::vector<Document> docs;
  explicit Parsed(std::string text, bool objects = true) {
    base::FileId id = sm.add("in.yaml", std::move(text));
    docs = parse(sm, id, sink, objects);
  }
  std::string codes() const {
    std::string out;
    for (const auto& d : sink.sorted()) out += std::string(base::info(d.code).id) + " ";
    return out;
  }
  std::string at(const base::Diagnostic& d) const {
    auto lc = sm.file(d.span.file).line_col(d.span.begin);
    return std::to_string(lc.line) + ":" + std::to_string(lc.column);
  }
};

TEST(ManifestYaml, DocumentsWithTheirKindNameAndNamespace) {
  Parsed p(
      "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  namespace: shop\n"
      "---\n---\napiVersion: v1\nkind: Service\nmetadata: {name: api}\n");
  ASSERT_EQ(p.docs.size(), 2u) << p.codes();
  EXPECT_EQ(p.docs[0].kind, "Deployment");
  EXPECT_EQ(p.docs[0].api_version, "apps/v1");
  EXPECT_EQ(p.docs[0].ns, "shop");
  EXPECT_EQ(p.docs[0].name, "api");
  EXPECT_EQ(p.docs[1].kind, "Service");
  EXPECT_EQ(p.docs[1].ns, "");
  EXPECT_EQ(p.sink.error_count(), 0u);
}

TEST(ManifestYaml, ScalarsAreTypedAsKubernetesReadsThem) {
  Parsed p(
      "a: 80\nb: \"80\"\nc: yes\nd: ~\ne: 1.5\nf: 0x1F\ng: text\nh: 'on'\ni: |\n  x\nj: 1e3\n"
      "k: !!str 5\nl:\n",
      false);
  ASSERT_EQ(p.docs.size(), 1u);
  const Node& r = p.docs[0].root;
  auto t = [&](const char* k) { return r.get(k)->type; };
  EXPECT_EQ(t("a"), Type::Int);
  EXPECT_EQ(t("b"), Type::String);
  EXPECT_EQ(t("c"), Type::Bool);
  EXPECT_EQ(t("d"), Type::Null);
  EXPECT_EQ(t("e"), Type::Float);
  EXPECT_EQ(t("f"), Type::Int);
  EXPECT_EQ(t("g"), Type::String);
  EXPECT_EQ(t("h"), Type::String);
  EXPECT_EQ(t("i"), Type::String);
  EXPECT_EQ(r.get("i")->text, "x\n");
  EXPECT_EQ(t("j"), Type::Float);
  EXPECT_EQ(t("k"), Type::String);
  EXPECT_EQ(t("l"), Type::Null);
  EXPECT_EQ(r.get("zz"), nullptr);
  EXPECT_EQ(r.size(), 12u);
  EXPECT_EQ(r.key(0).text, "a");
}

TEST(ManifestYaml, SpansPointIntoTheFile) {
  Parsed p("kind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  key: value\n");
  ASSERT_EQ(p.docs.size(), 1u);
  const Node* v = p.docs[0].root.get("data")->get("key");
  auto lc = p.sm.file(0).line_col(v->span.begin);
  EXPECT_EQ(lc.line, 5u);
  EXPECT_EQ(lc.column, 8u);
  EXPECT_EQ(p.sm.text(v->span), "value");
  EXPECT_EQ(source_lines(p.sm, p.docs[0].root.get("data")->span), "  key: value");
  EXPECT_EQ(source_lines(p.sm, p.docs[0].root.get("metadata")->span), "  name: cfg");
}

TEST(ManifestYaml, ListItemsAreDocuments) {
  Parsed p(
      "apiVersion: v1\nkind: List\nitems:\n- kind: Service\n  metadata: {name: a}\n"
      "- kind: Service\n  metadata: {name: b}\n");
  ASSERT_EQ(p.docs.size(), 2u);
  EXPECT_EQ(p.docs[1].name, "b");
}

TEST(ManifestYaml, MalformedYamlIsALocatedError) {
  Parsed p("kind: Service\nmetadata: {name: a}\n---\nkind: Service\nmetadata: [a, b\n");
  EXPECT_EQ(p.codes(), "E5001 ");
  EXPECT_EQ(p.docs.size(), 1u);                         // the document before it is kept
  EXPECT_EQ(p.at(p.sink.all()[0]).substr(0, 2), "6:");  // where yaml-cpp finds the end
}

TEST(ManifestYaml, DocumentsThatAreNotObjects) {
  Parsed p("- a\n- b\n---\nmetadata: {name: x}\n---\nkind: Service\n");
  EXPECT_EQ(p.codes(), "E5002 E5002 ");
  EXPECT_EQ(p.docs.size(), 1u);
}

TEST(ManifestYaml, RepeatedKeysAreReportedAndTheSecondLeftOut) {
  Parsed p("kind: Service\nmetadata:\n  name: a\n  name:\n    x: 1\n  labels: {}\n");
  EXPECT_EQ(p.codes(), "E5004 ");
  ASSERT_EQ(p.docs.size(), 1u);
  EXPECT_EQ(p.docs[0].name, "a");
  EXPECT_NE(p.docs[0].root.get("metadata")->get("labels"), nullptr);
  ASSERT_EQ(p.sink.all()[0].notes.size(), 1u);
}

TEST(ManifestYaml, AliasesExpandWithinABudget) {
  Parsed ok("kind: X\nbase: &b {a: 1}\nuse: *b\n");
  EXPECT_EQ(ok.codes(), "");
  EXPECT_EQ(ok.docs[0].root.get("use")->get("a")->text, "1");
  // A billion laughs: each level doubles the last.
  std::string bomb = "kind: X\na0: &a0 [x, x]\n";
  for (int i = 1; i < 40; ++i)
    bomb += "a" + std::to_string(i) + ": &a" + std::to_string(i) + " [*a" + std::to_string(i - 1) +
            ", *a" + std::to_string(i - 1) + "]\n";
  Parsed p(bomb);
  EXPECT_EQ(p.codes(), "E5003 ");
}

TEST(ManifestYaml, DeepNestingIsAnErrorNotACrash) {
  Parsed p("kind: X\nv: " + std::string(100000, '[') + "\n");
  EXPECT_NE(p.codes().find("E500"), std::string::npos);
  Parsed q("kind: X\nv: " + std::string(300, '[') + std::string(300, ']') + "\n");
  EXPECT_EQ(q.codes(), "E5003 ");
}

TEST(ManifestYaml, BinaryAndEmptyInputDoNotCrash) {
  Parsed e("");
  EXPECT_TRUE(e.docs.empty());
  static constexpr char kBinary[] = "kind: \0\xff\xfe x\n";
  Parsed b(std::string(kBinary, sizeof kBinary - 1));
  (void)b;
  Parsed c("\t\t- : : [ { ] }\n");
  EXPECT_FALSE(c.codes().empty());
}

}  // namespace
}  // namespace stackc::manifests
