#include <gtest/gtest.h>

#include "base/diagnostics.hpp"
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

}  // namespace
}  // namespace stackc::base
