#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include <sstream>

#include "base/diagnostics.hpp"
#include "base/memory.hpp"
#include "base/render.hpp"
#include "base/suggest.hpp"

namespace stackc::base {
namespace {

TEST(Suggest, FindsCloseWords) {
  EXPECT_EQ(closest("replica", {"replicas", "image", "port"}), "replicas");
  EXPECT_EQ(closest("imgae", {"replicas", "image", "port"}), "image");
  EXPECT_EQ(closest("zzz", {"replicas", "image", "port"}), std::nullopt);
  EXPECT_EQ(edit_distance("abc", "acb", 3), 1u);
}

TEST(Diagnostics, CodesRoundTrip) {
  for (const auto& c : all_codes()) {
    auto back = parse_code(c.id);
    ASSERT_TRUE(back.has_value()) << c.id;
    EXPECT_EQ(*back, c.code);
  }
  EXPECT_FALSE(parse_code("E9999").has_value());
}

TEST(Render, TextHasLocationUnderlineAndHelp) {
  SourceManager sm;
  auto id = sm.add("a.stack", "service api {\n  replica = 3\n}\n");
  Collector c;
  c.report(make(Code::E2001, Span{id, 16, 23}, "unknown key `replica` in `service`",
                "did you mean `replicas`?"));
  auto text = render(sm, c.sorted(), {});
  EXPECT_EQ(text,
            "a.stack:2:3: error[E2001]: unknown key `replica` in `service`\n"
            " 2 |   replica = 3\n"
            "   |   ^~~~~~~\n"
            "help: did you mean `replicas`?\n"
            "1 error, 0 warnings\n");
}

TEST(Render, DuplicatesAreKeptOnce) {
  SourceManager sm;
  auto id = sm.add("a.stack", "x");
  Collector c;
  c.report(make(Code::E2001, Span{id, 0, 1}, "m"));
  c.report(make(Code::E2001, Span{id, 0, 1}, "m"));
  EXPECT_EQ(c.error_count(), 1u);
}

// A long line is shown as a window around the span, cut with `...`, the caret under the span.
TEST(Render, LongLinesAreCutAroundTheSpan) {
  SourceManager sm;
  std::string line = "service api { ";
  for (int i = 0; i < 1000; ++i) line += "k" + std::to_string(i) + " = 1  ";
  std::size_t at = line.find("k500 ");
  auto id = sm.add("a.stack", line + "}\n");
  Collector c;
  c.report(make(Code::E2001,
                Span{id, static_cast<std::uint32_t>(at), static_cast<std::uint32_t>(at + 4)},
                "unknown key `k500` in `service`"));
  auto text = render(sm, c.sorted(), {});
  std::istringstream lines(text);
  std::string head, shown, mark;
  std::getline(lines, head);
  std::getline(lines, shown);
  std::getline(lines, mark);
  EXPECT_EQ(shown.rfind(" 1 | ...", 0), 0u) << shown;
  EXPECT_EQ(shown.substr(shown.size() - 3), "...");
  EXPECT_LE(shown.size(), 5u + 120u);
  std::size_t caret = mark.find('^');
  ASSERT_NE(caret, std::string::npos);
  EXPECT_EQ(shown.substr(caret, 5), "k500 ") << shown << "\n" << mark;
  EXPECT_EQ(mark.substr(caret), "^~~~");
  // The span at the very end of the line: no `...` after it, the caret still under it.
  Collector end;
  auto last = static_cast<std::uint32_t>(line.size());
  end.report(make(Code::E1001, Span{id, last, last + 1}, "m"));
  std::istringstream l2(render(sm, end.sorted(), {}));
  std::getline(l2, head);
  std::getline(l2, shown);
  std::getline(l2, mark);
  EXPECT_EQ(shown.substr(shown.size() - 11), "k999 = 1  }") << shown;
  EXPECT_EQ(mark.find('^'), shown.size() - 1) << shown << "\n" << mark;
}

TEST(Render, AtMostTheLimitIsPrinted) {
  SourceManager sm;
  auto id = sm.add("a.stack", std::string(300, 'x') + "\n");
  Collector c;
  for (std::uint32_t i = 0; i < 250; ++i)
    c.report(make(i % 5 ? Code::E2001 : Code::W0001, Span{id, i, i + 1}, "m"));
  auto text = render(sm, c.sorted(), {});
  EXPECT_NE(text.find("note: 40 more errors and 10 more warnings are not shown (stackc prints the "
                      "first 200 diagnostics)\n200 errors, 50 warnings\n"),
            std::string::npos);
  std::size_t shown = 0;
  for (std::size_t p = 0; (p = text.find("a.stack:1:", p)) != std::string::npos; ++p) ++shown;
  EXPECT_EQ(shown, 200u);
  auto json = render(sm, c.sorted(), {Format::Json, false, "", 3});
  EXPECT_NE(json.find("\"omitted\": 247"), std::string::npos);
  EXPECT_EQ(json.find("\"column\": 4,"), std::string::npos);
  auto sarif = render(sm, c.sorted(), {Format::Sarif, false, "", 3});
  EXPECT_NE(sarif.find("\"omittedResults\": 247"), std::string::npos);
}

// Populating keeps what is written, at the edges of the range (not page-aligned) and inside it,
// and the pages past the written part are usable.
TEST(Memory, PopulateKeepsContents) {
  std::vector<std::uint32_t> v;
  v.reserve((3u << 20) / sizeof(std::uint32_t) + 7);
  v.resize(v.capacity() / 3);
  for (std::size_t i = 0; i < v.size(); ++i) v[i] = static_cast<std::uint32_t>(i * 2654435761u);
  populate_in_halves(v.data() + 1, v.capacity() * sizeof(std::uint32_t) - 5);
  populate_in_halves(v.data(), 100);                                  // too small: nothing
  populate(v.data() + 3, v.capacity() * sizeof(std::uint32_t) - 13);  // on this thread
  populate(v.data(), 10);                                             // less than a page
  for (std::size_t i = 0; i < v.size(); ++i)
    ASSERT_EQ(v[i], static_cast<std::uint32_t>(i * 2654435761u)) << i;
  v.resize(v.capacity(), 7u);
  EXPECT_EQ(v.back(), 7u);
}

}  // namespace
}  // namespace stackc::base
