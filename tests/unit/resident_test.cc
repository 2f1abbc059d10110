// util/resident: what the supervisor and init give back while they wait.
#include "util/resident.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>

namespace {

int g_writable = 7;
// Pointers: relocated at start-up, so they live in RELRO (or data), never in
// the ranges that are dropped.
const char* const kRelocated[] = {"a", "b"};
const char kReadOnlyText[] = "read-only data that is never written";

bool covered(const sandbox::util::CodeRanges& code, const void* p) {
  const auto a = reinterpret_cast<std::uintptr_t>(p);
  for (std::size_t i = 0; i < code.count; ++i) {
    if (a >= code.ranges[i].start && a < code.ranges[i].start + code.ranges[i].length) return true;
  }
  return false;
}

TEST(Resident, CodeRangesCoverTheTextAndSpareWhatIsWritten) {
  const auto code = sandbox::util::code_ranges();
  ASSERT_GT(code.count, 0U);
  EXPECT_TRUE(covered(code, reinterpret_cast<const void*>(&sandbox::util::code_ranges)));
  EXPECT_FALSE(covered(code, &g_writable));
  EXPECT_FALSE(covered(code, &kRelocated[0])) << "RELRO would lose its relocations";
  for (std::size_t i = 0; i < code.count; ++i) {
    EXPECT_EQ(code.ranges[i].start % 4096, 0U);
    EXPECT_EQ(code.ranges[i].length % 4096, 0U);
  }
}

TEST(Resident, EverythingStillWorksAfterTheDrop) {
  const auto code = sandbox::util::code_ranges();
  sandbox::util::drop_resident(code);
  EXPECT_EQ(g_writable, 7);
  EXPECT_STREQ(kRelocated[1], "b");
  EXPECT_EQ(std::string(kReadOnlyText).size(), std::strlen(kReadOnlyText));
  EXPECT_GT(sandbox::util::code_ranges().count, 0U);  // code faults back in
}

}  // namespace
