#include <gtest/gtest.h>

#include "label/label.h"

using sandbox::registry::Level;
using sandbox::registry::parse_level;

TEST(Label, ParsesTheLevelForms) {
  for (const char* text : {"s0:c1,c2", "c1,c2", "sandbox_t:s0:c1,c2"}) {
    auto level = parse_level(text);
    ASSERT_TRUE(level) << text;
    EXPECT_EQ(*level, (Level{1, 2}));
  }
  EXPECT_EQ(parse_level("s0:c0,c1023")->str(), "s0:c0,c1023");
}

TEST(Label, RefusesMalformedLevels) {
  for (const char* text : {"", "s0", "s0:c2,c1", "s0:c1,c1", "s0:c1,c1024", "s0:c-1,c2",
                           "s0:c1;c2", "s0:x1,c2", "s0:c1,c2,c3", "s0:c1,", "s0:c01x,c2"}) {
    EXPECT_FALSE(parse_level(text)) << text;
  }
}

TEST(Label, ReservationIsExclusiveAndFreedOnClose) {
  auto first = sandbox::registry::reserve_any();
  ASSERT_TRUE(first) << first.error().message();
  auto second = sandbox::registry::reserve(first->level);
  ASSERT_FALSE(second);
  EXPECT_NE(second.error().message().find("in use"), std::string::npos);
  const Level level = first->level;
  first->socket.reset();
  EXPECT_TRUE(sandbox::registry::reserve(level));
}

TEST(Label, RandomLevelsAreOrderedAndInRange) {
  for (int i = 0; i < 50; ++i) {
    auto r = sandbox::registry::reserve_any();
    ASSERT_TRUE(r);
    EXPECT_LT(r->level.low, r->level.high);
    EXPECT_LE(r->level.high, sandbox::registry::kMaxCategory);
    EXPECT_GE(r->level.low, 0);
  }
}
