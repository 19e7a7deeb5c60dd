#include "emit/yaml.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <string_view>

namespace stackc::emit {
namespace {

// The quoting rule, written as plainly as it is specified (specs/targets.md, YAML writer): the
// printer's word-at-a-time version must agree with it on every string.
bool reference_needs_quotes(std::string_view s) {
  if (s.empty()) return true;
  for (const char* w : {"true",  "false", "yes", "no", "on",  "off",  "y",  "n", "null", "~",
                        "True",  "False", "Yes", "No", "On",  "Off",  "Y",  "N", "Null", "TRUE",
                        "FALSE", "YES",   "NO",  "ON", "OFF", "NULL", "<<", "="})
    if (s == w) return true;
  unsigned char c0 = static_cast<unsigned char>(s[0]);
  if ((c0 >= '0' && c0 <= '9') || ((c0 == '-' || c0 == '+' || c0 == '.') && s.size() > 1))
    return true;
  if (std::string_view("!&*-?:,[]{}#|>@`\"'%").find(s[0]) != std::string_view::npos) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  for (std::size_t i = 0; i < s.size(); ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7f) return true;
    if (c == ':' && (i + 1 == s.size() || s[i + 1] == ' ')) return true;
    if (c == '#' && i > 0 && s[i - 1] == ' ') return true;
  }
  return false;
}

bool quoted(const std::string& yaml) {
  return !yaml.empty() && yaml.front() == '"';
}

TEST(Yaml, QuotesExactlyWhatTheRuleSaysOnRandomStrings) {
  // Few letters, many of the bytes that matter, at every position of 8-byte words.
  const std::string alphabet = "ab-.+:# 0\t\n\x7f\x01\xc3\xa9/\"\\_";
  std::mt19937 rng(20261128);
  std::uniform_int_distribution<std::size_t> len(0, 40), pick(0, alphabet.size() - 1);
  for (int n = 0; n < 200000; ++n) {
    std::string s(len(rng), 'a');
    for (auto& c : s) c = alphabet[pick(rng)];
    ASSERT_EQ(quoted(yaml_string(s)), reference_needs_quotes(s)) << '"' << s << '"';
  }
}

TEST(Yaml, QuotesTheWordsYamlReadsAsSomethingElse) {
  for (const char* w : {"true", "False", "YES",  "no",   "On", "OFF", "y",  "N",  "null", "~",
                        "<<",   "=",     "",     "8080", "-",  "-x",  "+1", ".5", "1.0",  "#x",
                        "x: y", "x:",    "a #b", " a",   "a ", "@x",  "`x", "%x", "a\tb"}) {
    EXPECT_TRUE(quoted(yaml_string(w))) << w;
    EXPECT_TRUE(reference_needs_quotes(w)) << w;
  }
  for (const char* w :
       {"tRue", "nO", "yess", "nulls", "name", "x:y", "a#b", "http://x", "+", ".",
        "ghcr.io/fleet/svc-0001:1.0.1", "app.kubernetes.io/part-of", "fleet-prod", "é", "x.y"}) {
    EXPECT_FALSE(quoted(yaml_string(w))) << w;
    EXPECT_FALSE(reference_needs_quotes(w)) << w;
  }
}

TEST(Yaml, MultiLineStringsAreBlocksWhenTheyCanBeAndQuotedOtherwise) {
  Doc d;
  d["script"] = "set -e\necho ok\n";
  d["trailing"] = "a \nb";               // a line ending in a space would change: quoted
  d["list"] = Doc::array({"one\ntwo"});  // sequence items are never blocks
  EXPECT_EQ(to_yaml(d),
            "script: |\n  set -e\n  echo ok\ntrailing: \"a \\nb\"\nlist:\n- \"one\\ntwo\"\n");
}

}  // namespace
}  // namespace stackc::emit
