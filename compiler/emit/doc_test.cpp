#include "emit/doc.hpp"

#include <gtest/gtest.h>

#include <string>

#include "emit/yaml.hpp"

namespace stackc::emit {
namespace {

TEST(Doc, KeysAreCreatedInOrderAndFoundAgain) {
  Doc d;
  d["kind"] = "Service";
  d["metadata"]["name"] = "api";
  d["metadata"]["namespace"] = "prod";
  d["apiVersion"] = "v1";
  d["kind"] = "Deployment";  // an existing key keeps its place
  ASSERT_TRUE(d.is_object());
  EXPECT_EQ(d.size(), 3u);
  std::string keys;
  for (const auto& [k, v] : d.items()) keys += std::string(k) + ",";
  EXPECT_EQ(keys, "kind,metadata,apiVersion,");
  EXPECT_EQ(d["kind"], "Deployment");
  EXPECT_EQ(d["metadata"]["namespace"].str(), "prod");
  EXPECT_TRUE(d.contains("metadata"));
  EXPECT_FALSE(d.contains("spec"));
}

TEST(Doc, ReadingAMissingKeyOfAConstDocumentGivesNullAndAddsNothing) {
  Doc d;
  d["a"] = 1;
  const Doc& c = d;
  EXPECT_TRUE(c["missing"].is_null());
  EXPECT_EQ(c.size(), 1u);
  EXPECT_THROW((void)c.at("missing"), std::out_of_range);
  EXPECT_EQ(c.find("missing"), c.end());
}

TEST(Doc, CopiesAreDeepAndMovesLeaveNull) {
  Doc a;
  a["list"] = Doc::array({"x", "y"});
  a["n"] = 3;
  Doc b = a;
  b["list"].push_back("z");
  b["n"] = 4;
  EXPECT_EQ(a["list"].size(), 2u);
  EXPECT_EQ(a["n"], 3);
  EXPECT_EQ(b["list"].size(), 3u);
  Doc c = std::move(b);
  EXPECT_TRUE(b.is_null());  // NOLINT(bugprone-use-after-move): moved-from is null by contract
  EXPECT_EQ(c["list"][2], "z");
  // Assigning a part of a document to the document itself.
  c = c["list"];
  EXPECT_EQ(c, Doc::array({"x", "y", "z"}));
}

TEST(Doc, GrowsPastManyEntriesAndKeepsThem) {
  Doc list = Doc::array();
  Doc map = Doc::object();
  for (int i = 0; i < 10000; ++i) {
    list.push_back(i);
    map.append("k" + std::to_string(i), i);
  }
  ASSERT_EQ(list.size(), 10000u);
  ASSERT_EQ(map.size(), 10000u);
  long sum = 0;
  for (const auto& x : list) sum += x.get<long>();
  EXPECT_EQ(sum, 10000L * 9999 / 2);
  EXPECT_EQ(map["k9999"], 9999);
  EXPECT_EQ(map.find("k5000").key(), "k5000");
}

TEST(Doc, EraseKeepsTheOrderOfTheRest) {
  Doc d;
  for (const char* k : {"a", "b", "c", "d", "e"}) d[k] = k;
  EXPECT_EQ(d.erase("b"), 1u);
  EXPECT_EQ(d.erase("b"), 0u);
  d["f"] = "f";
  std::string keys;
  for (auto it = d.begin(); it != d.end(); ++it) keys += std::string(it.key());
  EXPECT_EQ(keys, "acdef");
}

TEST(Doc, NumbersCompareByValueAcrossTheirKinds) {
  EXPECT_EQ(Doc(1), Doc(1u));
  EXPECT_EQ(Doc(2), Doc(2.0));
  EXPECT_NE(Doc(-1), Doc(static_cast<std::uint64_t>(-1)));
  EXPECT_NE(Doc(1), Doc("1"));
  EXPECT_NE(Doc(true), Doc(1));
  EXPECT_EQ(Doc(), Doc(nullptr));
  // Mappings compare in order, as the written YAML does.
  Doc a, b;
  a["x"] = 1;
  a["y"] = 2;
  b["y"] = 2;
  b["x"] = 1;
  EXPECT_NE(a, b);
}

TEST(Doc, JsonConversionsRoundTripAndDumpAsNlohmannDoes) {
  Doc d;
  d["s"] = "a \"quoted\"\n\tline";
  d["i"] = -5;
  d["u"] = 7u;
  d["f"] = 0.25;
  d["b"] = false;
  d["n"] = nullptr;
  d["empty"] = Doc::object();
  d["list"] = std::vector<std::string>{"p", "q"};
  nlohmann::ordered_json j = d.to_json();
  EXPECT_EQ(Doc::from_json(j), d);
  EXPECT_EQ(d.dump(2), j.dump(2));
  EXPECT_EQ(d.dump(), R"({"s":"a \"quoted\"\n\tline","i":-5,"u":7,"f":0.25,"b":false,"n":null,)"
                      R"("empty":{},"list":["p","q"]})");
}

TEST(Doc, DiffIsTheJsonPatchBetweenTwoDocuments) {
  Doc a, b;
  a["spec"]["replicas"] = 2;
  a["spec"]["paused"] = true;
  b["spec"]["replicas"] = 3;
  Doc ops = Doc::diff(a, b);
  ASSERT_EQ(ops.size(), 2u);
  EXPECT_EQ(ops[0]["op"], "replace");
  EXPECT_EQ(ops[0]["path"], "/spec/replicas");
  EXPECT_EQ(ops[0]["value"], 3);
  EXPECT_EQ(ops[1]["op"], "remove");
}

TEST(Doc, AScopedArenaHoldsWhatIsBuiltWhileItLives) {
  std::string yaml;
  std::size_t used = 0;
  {
    DocArena scope;
    Doc d;
    d["data"]["big"] = std::string(100000, 'x');
    d["data"]["small"] = "z";
    yaml = to_yaml(d);
    used = scope.arena().bytes_reserved();
  }
  EXPECT_GE(used, 100000u);
  EXPECT_EQ(yaml.size(), std::string("data:\n  big: \n  small: z\n").size() + 100000);
}

TEST(Doc, ARefReadsAsItsTargetAndCopiesItBeforeAChange) {
  Doc target;
  target["image"] = "api:1.0";
  target["ports"] = Doc::array({80, 443});
  Doc values;
  values["containers"] = Doc::ref(target);
  values["copy"] = values["containers"];  // a copy of a ref is a ref
  const Doc& r = values["containers"];
  EXPECT_TRUE(r.is_object());
  EXPECT_EQ(r.size(), 2u);
  EXPECT_EQ(r["image"], "api:1.0");
  EXPECT_EQ(r["ports"][1], 443);
  EXPECT_EQ(r, target);
  EXPECT_EQ(to_yaml(values),
            "containers:\n  image: api:1.0\n  ports:\n  - 80\n  - 443\ncopy:\n"
            "  image: api:1.0\n  ports:\n  - 80\n  - 443\n");
  EXPECT_EQ(values.dump(), R"({"containers":{"image":"api:1.0","ports":[80,443]},)"
                           R"("copy":{"image":"api:1.0","ports":[80,443]}})");
  // Changing the ref changes a copy, never the target.
  values["containers"]["image"] = "api:2.0";
  values["copy"]["ports"].push_back(8080);
  EXPECT_EQ(target["image"], "api:1.0");
  EXPECT_EQ(target["ports"].size(), 2u);
  EXPECT_EQ(values["containers"]["image"], "api:2.0");
  EXPECT_EQ(values["copy"]["ports"].size(), 3u);
}

TEST(Doc, PrintsAsBlockYaml) {
  Doc d;
  d["metadata"]["name"] = "api";
  d["metadata"]["namespace"] = "prod";
  d["spec"]["ports"] = Doc::array();
  d["spec"]["ports"].emplace_back()["port"] = 80;
  d["spec"]["flags"] = Doc::array({"on", "8080", "x: y"});
  EXPECT_EQ(to_yaml(d),
            "metadata:\n  name: api\n  namespace: prod\nspec:\n  ports:\n  - port: 80\n"
            "  flags:\n  - \"on\"\n  - \"8080\"\n  - \"x: y\"\n");
  std::string marked;
  auto [b, e] = write_yaml_marking_namespace(marked, d, "prod");
  EXPECT_EQ(marked.substr(b, e - b), "  namespace: prod\n");
  std::string without;
  write_yaml_without_namespace(without, d, "prod");
  EXPECT_EQ(marked.substr(0, b) + marked.substr(e), without);
}

}  // namespace
}  // namespace stackc::emit
