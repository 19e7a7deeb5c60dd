#include <gtest/gtest.h>

#include <string>
#include <utility>

#include "model/model.hpp"

namespace stackc::model {
namespace {

struct Counted {
  int n = 0;
  bool operator==(const Counted&) const = default;
};

// A boxed value behaves as the std::optional it replaces: empty by default, a copy is its own,
// a move leaves the source empty, and equality compares the values.
TEST(Boxed, BehavesAsAnOptional) {
  Boxed<Ingress> a;
  EXPECT_FALSE(a);
  EXPECT_FALSE(a.has_value());
  a.emplace().host = "shop.example.com";
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "shop.example.com");

  Boxed<Ingress> b = a;  // a deep copy
  b->host = "admin.example.com";
  EXPECT_EQ(a->host, "shop.example.com");
  EXPECT_EQ((*b).host, "admin.example.com");

  Boxed<Ingress> c = std::move(b);
  EXPECT_FALSE(b);  // NOLINT(bugprone-use-after-move): moved-from is empty, as documented
  EXPECT_EQ(c->host, "admin.example.com");

  Boxed<Counted> d;
  d = Counted{5};
  Boxed<Counted> e = d;
  EXPECT_TRUE(d == e);
  e->n = 6;
  EXPECT_FALSE(d == e);
  e.reset();
  EXPECT_FALSE(e);
  EXPECT_FALSE(d == e);
  EXPECT_TRUE(Boxed<Counted>() == e);
  const Boxed<Counted>& same = d;
  d = same;  // assigned itself, it keeps its value
  EXPECT_EQ(d->n, 5);
}

// Few workloads have these parts: boxed, an empty one costs a pointer, not its full size.
TEST(Boxed, KeepsTheWorkloadSmall) {
  static_assert(sizeof(Boxed<Exporter>) == sizeof(void*));
  EXPECT_LT(sizeof(Workload), 2400u);
}

}  // namespace
}  // namespace stackc::model
