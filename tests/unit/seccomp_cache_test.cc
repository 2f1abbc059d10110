// The seccomp programs embedded at build time are exactly what libseccomp
// compiles now: the launcher loads them instead of compiling per launch.
#include <gtest/gtest.h>

#include <cstring>

#include "seccomp/cache.h"
#include "seccomp/filter.h"

namespace sandbox::seccomp {
namespace {

bool same(const Program& a, const Program& b) {
  return a.size() == b.size() &&
         std::memcmp(a.instructions().data(), b.instructions().data(),
                     a.size() * sizeof(sock_filter)) == 0;
}

TEST(SeccompCache, EveryVariantKeyRoundTrips) {
  for (std::uint32_t key = 0; key < kVariants; ++key) {
    EXPECT_EQ(variant_key(variant_options(key)), key);
  }
}

TEST(SeccompCache, EachEmbeddedProgramEqualsAFreshCompile) {
  for (std::uint32_t key = 0; key < kVariants; ++key) {
    const FilterOptions options = variant_options(key);
    auto embedded = prebuilt(options);
    auto fresh = compile(options);
    ASSERT_TRUE(embedded.ok() && fresh.ok()) << "variant " << key;
    EXPECT_TRUE(same(*embedded, *fresh)) << "variant " << key << ": rebuild seccomp_programs.inc";
  }
}

TEST(SeccompCache, VariantsDiffer) {
  // Each option changes the program: no two variants share one.
  for (std::uint32_t a = 0; a < kVariants; ++a) {
    for (std::uint32_t b = a + 1; b < kVariants; ++b) {
      EXPECT_FALSE(same(*prebuilt(variant_options(a)), *prebuilt(variant_options(b))))
          << a << " vs " << b;
    }
  }
}

TEST(SeccompCache, EmbeddedInitProgramEqualsAFreshCompile) {
  auto embedded = prebuilt_init();
  auto fresh = compile_init_filter();
  ASSERT_TRUE(embedded.ok() && fresh.ok());
  EXPECT_TRUE(same(*embedded, *fresh));
}

}  // namespace
}  // namespace sandbox::seccomp
