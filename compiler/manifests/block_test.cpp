#include "manifests/block.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace stackc::manifests {
namespace {

namespace fs = std::filesystem;

// The fast reader gives what manifests::parse gives, on every file stackc generates and on the
// shapes it accepts; it leaves the rest to manifests::parse.
void same_tree(const Node& a, const Node& b, const std::string& where) {
  ASSERT_EQ(a.type, b.type) << where;
  ASSERT_EQ(a.text, b.text) << where;
  EXPECT_EQ(a.span.begin, b.span.begin) << where << " " << a.text;
  EXPECT_EQ(a.span.end, b.span.end) << where << " " << a.text;
  ASSERT_EQ(a.items.size(), b.items.size()) << where;
  for (std::size_t i = 0; i < a.items.size(); ++i)
    same_tree(a.items[i], b.items[i], where + "/" + std::to_string(i));
}

void same_documents(const std::string& name, std::string text) {
  base::SourceManager sm;
  base::Collector sink;
  auto id = sm.add(name, std::move(text));
  auto fast = read_block(sm, id);
  ASSERT_TRUE(fast) << name << " is not read by the fast reader";
  auto slow = parse_events(sm, id, sink);
  ASSERT_EQ(sink.error_count(), 0u) << name;
  ASSERT_EQ(fast->size(), slow.size()) << name;
  for (std::size_t i = 0; i < slow.size(); ++i) {
    EXPECT_EQ((*fast)[i].kind, slow[i].kind);
    EXPECT_EQ((*fast)[i].name, slow[i].name);
    same_tree((*fast)[i].root, slow[i].root, name + "#" + std::to_string(i));
  }
}

TEST(BlockYaml, ReadsWhatManifestsParseReads) {
  std::size_t files = 0;
  for (const auto& e : fs::recursive_directory_iterator(STACKC_SOURCE_DIR "/out")) {
    if (e.path().extension() != ".yaml") continue;
    if (e.path().string().find("/kubernetes/") == std::string::npos) continue;
    std::ifstream in(e.path());
    std::stringstream ss;
    ss << in.rdbuf();
    same_documents(e.path().string(), ss.str());
    ++files;
  }
  EXPECT_GT(files, 30u);
  same_documents("shapes.yaml",
                 "# a comment\nkind: ConfigMap\nmetadata:\n  name: x   # trailing\n"
                 "  labels: {}\ndata:\n  a: 'it''s'\n  b: \"tab\\there\"\n  c: |\n    one\n\n"
                 "    two\n  d: |-\n    x\n  e: |+\n    y\n\n  f: yes\n  g: 0x1F\n  h: ~\n  i:\n"
                 "  list:\n  - a\n  -\n    b: 1\n  - k: v\n    l: w\n  \"quoted key\": 1\n"
                 "seq:\n- a\n");
}

TEST(BlockYaml, LeavesTheRestToManifestsParse) {
  for (const char* text :
       {"a: &x 1\nb: *x\n", "a: {b: 1}\n", "a: >\n  folded\n", "a: \"two\n  lines\"\n",
        "a: b\n  c\n", "a: 1\na: 2\n", "- 1\n", "a:\tb\n", "a: !!str 1\n",
        "kind: List\nitems: []\n", "a: 1\n", "%YAML 1.1\n---\nkind: A\n"}) {
    base::SourceManager sm;
    auto id = sm.add("x.yaml", text);
    EXPECT_FALSE(read_block(sm, id)) << text;
  }
}

}  // namespace
}  // namespace stackc::manifests
