// The seed transcript (DESIGN §1), run against the real binary and kernel.
#include <gtest/gtest.h>

#include "support/run.h"

using namespace testing_support;

TEST(Seed, CatShadowIsDenied) {
  const auto r = run(sandbox({"cat", "/etc/shadow"}));
  EXPECT_NE(r.status, 0);
  EXPECT_NE(r.err.find("Permission denied"), std::string::npos) << r.err;
  EXPECT_TRUE(r.out.empty());
}
