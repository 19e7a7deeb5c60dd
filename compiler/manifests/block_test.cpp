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

namespace stackc::manifests {
namespace {

// Random edits of a manifest (characters replaced, inserted, deleted; lines duplicated): the fast
// reader never crashes, and whenever it reads a file, yaml-cpp reads the same documents from it
// without an error.
void edited_manifests(const std::string& base);

TEST(BlockYaml, AgreesWithYamlCppOnEditedManifests) {
  // A workload's objects, and a ConfigMap of configuration files (block scalars).
  for (const char* file : {"/out/sock-shop/kubernetes/production/02-front-end.yaml",
                           "/out/personage/kubernetes/production/02-alertmanager.yaml"}) {
    SCOPED_TRACE(file);
    std::ifstream in(std::string(STACKC_SOURCE_DIR) + file);
    std::stringstream ss;
    ss << in.rdbuf();
    edited_manifests(ss.str());
  }
}

void edited_manifests(const std::string& base) {
  ASSERT_FALSE(base.empty());
  std::uint64_t seed = 0x9E3779B97F4A7C15ull;
  auto next = [&seed] {
    seed ^= seed << 13;
    seed ^= seed >> 7;
    seed ^= seed << 17;
    return seed;
  };
  const std::string alphabet = " :-#\n\"'|>{}[]&*!%@`,?abc019~";
  std::size_t read = 0;
  for (int round = 0; round < 2000; ++round) {
    std::string text = base;
    int edits = 1 + static_cast<int>(next() % 3);
    for (int e = 0; e < edits; ++e) {
      std::size_t at = next() % text.size();
      char c = alphabet[next() % alphabet.size()];
      switch (next() % 4) {
        case 0:
          text[at] = c;
          break;
        case 1:
          text.insert(text.begin() + static_cast<std::ptrdiff_t>(at), c);
          break;
        case 2:
          text.erase(at, 1 + next() % 3);
          break;
        default: {
          std::size_t b = text.rfind('\n', at);
          std::size_t f = text.find('\n', at);
          b = b == std::string::npos ? 0 : b + 1;
          if (f != std::string::npos) text.insert(b, text.substr(b, f - b + 1));
        }
      }
      if (text.empty()) text = "x";
    }
    base::SourceManager sm;
    base::Collector sink;
    auto id = sm.add("edited.yaml", text);
    auto fast = read_block(sm, id);
    if (!fast) continue;
    ++read;
    auto slow = parse_events(sm, id, sink);
    ASSERT_EQ(sink.error_count(), 0u) << "yaml-cpp refuses what the fast reader read:\n" << text;
    ASSERT_EQ(fast->size(), slow.size()) << text;
    for (std::size_t i = 0; i < slow.size(); ++i) {
      SCOPED_TRACE(text);
      same_tree((*fast)[i].root, slow[i].root, "#" + std::to_string(i));
      if (::testing::Test::HasFatalFailure()) return;
    }
  }
  EXPECT_GT(read, 100u);  // the edits that stay in the plain subset are compared
}

}  // namespace
}  // namespace stackc::manifests
