// resolve_grants (fs/grants.h): canonicalised first, checked by what
// each path is, merged to the union.
#include "fs/grants.h"

#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <string>

namespace sandbox {
namespace {

struct Dir {
  std::string path;
  Dir() {
    char tmpl[] = "/tmp/grants-unit-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Dir() { std::filesystem::remove_all(path); }
};

Policy with(std::vector<PathGrant> grants, bool refuse = false) {
  Policy p = Policy::default_profile();
  p.grants = std::move(grants);
  p.refuse_symlinks = refuse;
  return p;
}

TEST(ResolveGrants, SpellingsOfOneDirectoryMergeToTheUnion) {
  Dir d;
  ASSERT_EQ(::mkdir((d.path + "/sub").c_str(), 0755), 0);
  auto r = resolve_grants(with({{d.path + "/sub", Access::read_write},
                                {d.path + "//sub/.", Access::execute},
                                {"sub", Access::read}}),
                          d.path);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1U);
  const ResolvedGrant& g = r->front();
  EXPECT_EQ(g.canonical, d.path + "/sub");
  EXPECT_EQ(g.typed, std::vector<std::string>{d.path + "/sub"});
  EXPECT_TRUE(g.write);
  EXPECT_TRUE(g.execute);
  EXPECT_TRUE(g.is_dir);
  EXPECT_FALSE(g.via_symlink);
  struct stat st {};
  ASSERT_EQ(::stat(g.canonical.c_str(), &st), 0);
  EXPECT_EQ(g.ino, st.st_ino);
  const auto notices = grant_notices(*r);
  ASSERT_EQ(notices.size(), 1U);
  EXPECT_NE(notices[0].find("W^X lifted"), std::string::npos) << notices[0];
}

TEST(ResolveGrants, ASymlinkIsFollowedAndRecordedOrRefused) {
  Dir d;
  ASSERT_EQ(::mkdir((d.path + "/real").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("real", (d.path + "/link").c_str()), 0);
  auto r = resolve_grants(with({{d.path + "/link/../link", Access::read}}));
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 1U);
  EXPECT_EQ(r->front().canonical, d.path + "/real");
  EXPECT_EQ(r->front().typed, std::vector<std::string>{d.path + "/link"});
  EXPECT_TRUE(r->front().via_symlink);
  EXPECT_EQ(r->front().symlink, d.path + "/link -> real");
  auto refused = resolve_grants(with({{d.path + "/link", Access::read}}, true));
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("--refuse-symlinks"), std::string::npos);
  EXPECT_EQ(refused.error().exit_status(), 125);
}

TEST(ResolveGrants, ForbiddenTreesAreRefusedHoweverSpelled) {
  for (const char* path : {"/", "/.", "//", "/proc/.", "//proc", "/proc/self/..", "/sys/.", "/dev/",
                           "/dev/shm", "/proc/self/fd/0", "/tmp/../proc", "/sys/fs/cgroup"}) {
    auto r = resolve_grants(with({{path, Access::read}}));
    ASSERT_FALSE(r) << path;
    EXPECT_NE(r.error().message().find("refusing"), std::string::npos) << path << ": " << r.error().message();
  }
}

TEST(ResolveGrants, AMissingPathNamesIt) {
  auto r = resolve_grants(with({{"/tmp/grants-unit-no-such/x", Access::read}}));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "/tmp/grants-unit-no-such/x: cannot be granted: No such file or directory (ENOENT) (check "
            "the path given to --ro, --rw or --exec)");
}

TEST(ResolveGrants, ReopenChecksTheIdentity) {
  Dir d;
  ASSERT_EQ(::mkdir((d.path + "/a").c_str(), 0755), 0);
  auto r = resolve_grants(with({{d.path + "/a", Access::read}}));
  ASSERT_TRUE(r);
  EXPECT_TRUE(reopen_granted(r->front().canonical, r->front().dev, r->front().ino));
  ASSERT_EQ(::rmdir((d.path + "/a").c_str()), 0);
  ASSERT_EQ(::mkdir((d.path + "/b").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("b", (d.path + "/a").c_str()), 0);
  auto swapped = reopen_granted(r->front().canonical, r->front().dev, r->front().ino);
  ASSERT_FALSE(swapped);
  EXPECT_EQ(swapped.error().errno_value(), ELOOP);
}

}  // namespace
}  // namespace sandbox
