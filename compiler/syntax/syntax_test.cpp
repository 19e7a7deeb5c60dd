#include <gtest/gtest.h>

#include <fmt/format.h>

#include <limits>
#include <tao/pegtl/contrib/analyze.hpp>

#include "syntax/dump.hpp"
#include "syntax/format.hpp"
#include "syntax/grammar.hpp"
#include "syntax/parse.hpp"

namespace stackc::syntax {
namespace {

struct Parsed {
  base::SourceManager sm;
  base::Collector sink;
  ast::File file;
};

std::unique_ptr<Parsed> parse_text(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  auto id = p->sm.add("t.stack", text);
  p->file = parse(p->sm, id, p->sink);
  return p;
}

TEST(Grammar, AnalyzeFindsNoProblems) {
  EXPECT_EQ(tao::pegtl::analyze<grammar::file>(), 0u);
}

TEST(Parse, StatementsLabelsValuesAndBlocks) {
  auto p = parse_text(
      "service api from web, base {\n  port http = 8080\n  cpu = 500m..1000m\n  counter x\n}\n");
  ASSERT_TRUE(p->file.ok);
  ASSERT_EQ(p->file.statements.size(), 1u);
  const auto& s = p->file.statements[0];
  EXPECT_EQ(s.key, "service");
  ASSERT_EQ(s.labels.size(), 1u);
  EXPECT_EQ(s.labels[0].text, "api");
  ASSERT_EQ(s.from.size(), 2u);
  EXPECT_EQ(s.from[1].text, "base");
  ASSERT_EQ(s.body.size(), 3u);
  EXPECT_EQ(s.body[0].labels[0].text, "http");
  EXPECT_EQ(s.body[0].val().mantissa(), 8080);
  EXPECT_EQ(s.body[1].val().kind, ast::ValueKind::Range);
  EXPECT_EQ(s.body[1].val().items[0].unit(), "m");
  EXPECT_EQ(s.body[2].key, "counter");
  EXPECT_FALSE(s.body[2].has_value());
}

TEST(Parse, SeveralStatementsOnOneLine) {
  auto p = parse_text("node { cpu = 4  memory = 6Gi  disk = 30Gi }\n");
  ASSERT_TRUE(p->file.ok);
  ASSERT_EQ(p->file.statements[0].body.size(), 3u);
  EXPECT_EQ(p->file.statements[0].body[1].val().unit(), "Gi");
}

TEST(Parse, StringsEscapesAndInterpolation) {
  auto p = parse_text("x = \"a\\\"b\\n\\u{263A} ${stack.version}!\"\n");
  ASSERT_TRUE(p->file.ok);
  const auto& v = p->file.statements[0].val();
  ASSERT_EQ(v.parts().size(), 3u);
  EXPECT_EQ(v.parts()[0].text, "a\"b\n\xE2\x98\xBA ");
  EXPECT_TRUE(v.parts()[1].interpolation);
  EXPECT_EQ(v.parts()[1].text, "stack.version");
  EXPECT_EQ(v.parts()[2].text, "!");
}

TEST(Parse, MultiLineStringStripsCommonIndent) {
  auto p = parse_text("x = \"\"\"\n    line one\n      line two\n    \"\"\"\n");
  ASSERT_TRUE(p->file.ok);
  EXPECT_EQ(p->file.statements[0].val().string_value(), "line one\n  line two");
}

TEST(Parse, CallsListsAndObjects) {
  auto p = parse_text(
      "a = secret(\"pg\", key = \"pw\")\nb = [x, y,\n  z,\n]\nc = vault { address = \"u\" }\n");
  ASSERT_TRUE(p->file.ok);
  const auto& a = p->file.statements[0].val();
  EXPECT_EQ(a.kind, ast::ValueKind::Call);
  ASSERT_EQ(a.items.size(), 2u);
  EXPECT_EQ(a.items[1].arg_name(), "key");
  EXPECT_EQ(p->file.statements[1].val().items.size(), 3u);
  const auto& c = p->file.statements[2].val();
  EXPECT_EQ(c.kind, ast::ValueKind::Object);
  EXPECT_EQ(c.body().size(), 1u);
}

TEST(Parse, NumbersWithUnderscoresAndFractions) {
  auto p = parse_text("a = 1_000\nb = 0.5\nc = 70%\n");
  ASSERT_TRUE(p->file.ok);
  EXPECT_EQ(p->file.statements[0].val().mantissa(), 1000);
  EXPECT_EQ(p->file.statements[1].val().mantissa(), 5);
  EXPECT_EQ(p->file.statements[1].val().scale, 1);
  EXPECT_EQ(p->file.statements[2].val().unit(), "%");
}

TEST(Parse, RecoversAndReportsSeveralErrors) {
  auto p = parse_text("a = \nb = [1, 2\nc = 3\nd = \"open\ne = 4\n");
  EXPECT_FALSE(p->file.ok);
  EXPECT_GE(p->sink.error_count(), 3u);
  // The good statements are still there.
  bool saw_e = false;
  for (const auto& s : p->file.statements) saw_e |= s.key == "e";
  EXPECT_TRUE(saw_e);
  std::vector<base::Code> codes;
  for (const auto& d : p->sink.sorted()) codes.push_back(d.code);
  EXPECT_EQ(codes,
            (std::vector<base::Code>{base::Code::E1001, base::Code::E1007, base::Code::E1002}));
}

TEST(Parse, DeepNestingIsAnErrorNotACrash) {
  std::string deep(10000, '[');
  auto p = parse_text("x = " + deep + "\n");
  EXPECT_FALSE(p->file.ok);
  bool e1004 = false;
  for (const auto& d : p->sink.all()) e1004 |= d.code == base::Code::E1004;
  EXPECT_TRUE(e1004);
  std::string blocks;
  for (int i = 0; i < 10000; ++i) blocks += "a {";
  auto q = parse_text(blocks);
  EXPECT_FALSE(q->file.ok);
}

TEST(Parse, BinaryAndInvalidUtf8) {
  auto p = parse_text(std::string("a = 1\0\1\2", 8));
  ASSERT_EQ(p->sink.all().size(), 1u);
  EXPECT_EQ(p->sink.all()[0].code, base::Code::E1006);
  auto q = parse_text("a = \"\xff\"\n");
  ASSERT_GE(q->sink.all().size(), 1u);
  EXPECT_EQ(q->sink.all()[0].code, base::Code::E1005);
}

TEST(Parse, CrlfAndComments) {
  auto p = parse_text("# top\r\na = 1 # trailing\r\nb { c = 2 }\r\n");
  ASSERT_TRUE(p->file.ok);
  EXPECT_EQ(p->file.statements.size(), 2u);
  ASSERT_EQ(p->file.comments.size(), 2u);
  EXPECT_TRUE(p->file.comments[0].own_line);
  EXPECT_FALSE(p->file.comments[1].own_line);
}

// The tree and the diagnostics of a file parsed in two halves at once (from any size) and in one
// pass, as text to compare.
std::pair<std::string, std::string> both_ways(const std::string& text, std::size_t parallel_from) {
  base::SourceManager sm;
  auto id = sm.add("t.stack", text);
  base::Collector sink;
  ast::File f = parse(sm, id, sink, parallel_from);
  std::string diags;
  for (const auto& d : sink.sorted())
    diags +=
        fmt::format("{} {}-{} {}\n", base::info(d.code).id, d.span.begin, d.span.end, d.message);
  std::string comments;
  for (const auto& c : f.comments)
    comments += fmt::format("#{}-{}{}", c.span.begin, c.span.end, c.own_line ? "o" : "t");
  return {dump_json(sm, f) + comments + (f.ok ? "ok" : "not ok"), diags};
}

// `middle` between enough statements before and after it that the file's middle, where the
// parser cuts it, falls inside `middle`.
std::string around(const std::string& middle) {
  std::string side;
  for (int i = 0; side.size() < 4 * middle.size() + 64; ++i)
    side += fmt::format("service s{} {{\n  port = {}\n  tags = [\"a\", \"b\"]\n}}\n", i, i);
  return side + middle + side;
}

TEST(Parse, TwoHalvesAtOnceGiveTheOnePassResult) {
  std::string lines;
  for (int i = 0; i < 40; ++i) lines += fmt::format("line{} = {}\n", i, i);
  std::string comments;
  for (int i = 0; i < 40; ++i)
    comments +=
        fmt::format("# own {}\nservice c{} {{ # trailing \"{}\"\n  port = 1\n}}\n", i, i, i);
  std::vector<std::string> files = {
      around("service mid {\n  port = 1\n}\n"),                 // cut between statements
      around("x = \"\"\"\n" + lines + "\"\"\"\n"),              // inside a multi-line string
      around("service a {\n" + lines + "}\n"),                  // inside an unindented block
      around("y = [\n" + lines + "]\n"),                        // inside a list (an error there)
      around("service f from b,\n" + lines + "c {\n}\n"),       // inside a `from` list
      around("service e {\n  port = \n}\n" + lines),            // a syntax error in the second half
      around(lines + "service e {\n  port = \n}\n"),            // ... and in the first
      around("service u {\n" + lines),                          // a block never closed
      around(comments),                                         // comments in both halves
      around(lines + "bad = \"\xff\"\n" + lines),               // invalid UTF-8 (first half)
      around(lines + "ok = 1\n" + lines + "bad = \"\xc3\"\n"),  // ... (second half)
      around(lines + std::string("nul = 1\0\n", 9) + lines),    // a NUL byte
  };
  for (const auto& text : files) {
    auto one = both_ways(text, std::numeric_limits<std::size_t>::max());
    auto two = both_ways(text, 0);
    EXPECT_EQ(one.first, two.first) << text;
    EXPECT_EQ(one.second, two.second) << text;
  }
  // Both outcomes were exercised: the cut between statements parses clean, an error falls back.
  EXPECT_EQ(both_ways(files[0], 0).second, "");
  EXPECT_NE(both_ways(files[5], 0).second, "");
  EXPECT_EQ(both_ways(files[8], 0).second, "");
  EXPECT_NE(both_ways(files[8], 0).first.find("#"), std::string::npos);
  EXPECT_NE(both_ways(files[10], 0).second, "");
}

TEST(Arena, RunsKeepTheirContentAcrossBlocks) {
  ast::Arena arena;
  std::vector<ast::Seq<int>> runs;
  std::vector<std::string_view> texts;
  // Many small runs fill several blocks; a run larger than a block gets one of its own.
  for (int n = 0; n < 2000; ++n) {
    std::vector<int> v(static_cast<std::size_t>(n % 37), n);
    runs.push_back(arena.copy(v.data(), v.size()));
    texts.push_back(arena.copy(std::string(static_cast<std::size_t>(n % 50), 'a' + n % 26)));
  }
  std::vector<int> big(100000, 7);
  auto large = arena.copy(big.data(), big.size());
  EXPECT_GT(arena.reserved(), std::size_t{100000 * sizeof(int)});
  for (int n = 0; n < 2000; ++n) {
    ASSERT_EQ(runs[n].size(), static_cast<std::size_t>(n % 37));
    for (int x : runs[n]) ASSERT_EQ(x, n);
    ASSERT_EQ(texts[n], std::string(static_cast<std::size_t>(n % 50), 'a' + n % 26));
  }
  ASSERT_EQ(large.size(), big.size());
  EXPECT_EQ(large.back(), 7);
  EXPECT_TRUE(arena.copy(big.data(), 0).empty());
  EXPECT_THROW((void)large.at(big.size()), std::out_of_range);
}

TEST(Parse, TheTreeLivesWithItsFile) {
  // The nodes are in the File's arenas: moving the File (as the checker does when it keeps the
  // root and its imports in a vector) leaves every view valid.
  base::SourceManager sm;
  base::Collector sink;
  std::vector<ast::File> files;
  for (int i = 0; i < 20; ++i) {
    auto id = sm.add(fmt::format("f{}.stack", i),
                     fmt::format("service s{0} {{\n  env {{ A = \"x\\n${{env.name}}{0}\" }}\n"
                                 "  needs = [a, b.c]\n}}\n",
                                 i));
    files.push_back(parse(sm, id, sink));
  }
  ASSERT_TRUE(sink.all().empty());
  for (int i = 0; i < 20; ++i) {
    const auto& s = files[static_cast<std::size_t>(i)].statements.at(0);
    EXPECT_EQ(s.labels.at(0).text, fmt::format("s{}", i));
    const auto& a = s.body.at(0).body.at(0).val();
    ASSERT_EQ(a.parts().size(), 3u);
    EXPECT_EQ(a.parts()[0].text, "x\n");
    EXPECT_EQ(a.parts()[1].text, "env.name");
    EXPECT_EQ(a.parts()[2].text, fmt::format("{}", i));
    EXPECT_EQ(s.body.at(1).val().items.at(1).path_text(), "b.c");
  }
}

TEST(Format, AlignsAndIsIdempotent) {
  auto p = parse_text(
      "service api {\n  image = \"x\"\n  port http = 8080   # the port\n  replicas=3\n\n\n  health "
      "{\n liveness = http(\"/h\")\n }\n}\n");
  ASSERT_TRUE(p->file.ok);
  auto once = format(p->sm, p->file);
  EXPECT_EQ(once,
            "service api {\n"
            "  image     = \"x\"\n"
            "  port http = 8080   # the port\n"
            "  replicas  = 3\n"
            "\n"
            "  health {\n"
            "    liveness = http(\"/h\")\n"
            "  }\n"
            "}\n");
  auto q = parse_text(once);
  EXPECT_EQ(format(q->sm, q->file), once);
}

TEST(Parse, APortMappingIsAnArrowOfTwoNumbers) {
  auto p = parse_text("port http = 80 -> 8080\nport a = 1->2, port b = 3  ->  4\nport c = 80 ->\n");
  EXPECT_FALSE(p->file.ok);  // `80 ->` without its right side
  ASSERT_GE(p->file.statements.size(), 3u);
  const auto& v = p->file.statements[0].val();
  EXPECT_EQ(v.kind, ast::ValueKind::Arrow);
  EXPECT_EQ(v.raw, "80 -> 8080");
  EXPECT_EQ(v.items[0].mantissa(), 80);
  EXPECT_EQ(v.items[1].mantissa(), 8080);
  EXPECT_EQ(p->file.statements[2].val().items[1].mantissa(), 4);
  auto q = parse_text("service a {\n  port http = 80->8080\n  port dns {number=53 }\n}\n");
  ASSERT_TRUE(q->file.ok);
  auto once = format(q->sm, q->file);
  EXPECT_NE(once.find("port http = 80 -> 8080"), std::string::npos) << once;
  auto r = parse_text(once);
  EXPECT_EQ(format(r->sm, r->file), once);
}

}  // namespace
}  // namespace stackc::syntax
