// fs/beneath.h and util/path.h: paths made beneath a root stay beneath it.
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "fs/beneath.h"
#include "util/path.h"

using sandbox::fs::Resolve;

namespace {

class Beneath : public ::testing::Test {
 protected:
  void SetUp() override {
    char name[] = "/tmp/beneath-test-XXXXXX";
    ASSERT_NE(::mkdtemp(name), nullptr);
    base_ = name;
    root_path_ = base_ + "/root";
    ASSERT_EQ(::mkdir(root_path_.c_str(), 0755), 0);
    root_ = ::open(root_path_.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    ASSERT_GE(root_, 0);
  }
  void TearDown() override {
    ::close(root_);
    std::filesystem::remove_all(base_);
  }
  bool exists(const std::string& path) const {
    struct stat st {};
    return ::lstat(path.c_str(), &st) == 0;
  }
  std::string base_, root_path_;
  int root_ = -1;
};

}  // namespace

TEST_F(Beneath, DotDotStopsAtTheRoot) {
  EXPECT_EQ(sandbox::fs::make_dirs_beneath(root_, "/../../escaped/x", true, 0755, Resolve::in_root), 0);
  EXPECT_FALSE(exists(base_ + "/escaped"));
  EXPECT_TRUE(exists(root_path_ + "/escaped/x"));
}

TEST_F(Beneath, AbsoluteSymlinkRestartsAtTheRoot) {
  ASSERT_EQ(::symlink(base_.c_str(), (root_path_ + "/link").c_str()), 0);  // link -> the host's base
  std::filesystem::create_directories(root_path_ + base_);                 // and the same path in the root
  EXPECT_EQ(sandbox::fs::make_dirs_beneath(root_, "link/made", true, 0755, Resolve::in_root), 0);
  EXPECT_FALSE(exists(base_ + "/made"));
  EXPECT_TRUE(exists(root_path_ + base_ + "/made"));  // as the root sees the link
  const char* name = nullptr;
  const int parent = sandbox::fs::open_parent_beneath(root_, "link/file", 0755, Resolve::in_root, &name);
  ASSERT_GE(parent, 0);
  EXPECT_STREQ(name, "file");
  const int fd = ::openat(parent, name, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
  EXPECT_GE(fd, 0);
  ::close(fd);
  ::close(parent);
  EXPECT_FALSE(exists(base_ + "/file"));
}

TEST_F(Beneath, NoSymlinksRefusesAnySymlink) {
  ASSERT_EQ(::mkdir((root_path_ + "/real").c_str(), 0755), 0);
  ASSERT_EQ(::symlink("real", (root_path_ + "/link").c_str()), 0);
  EXPECT_EQ(sandbox::fs::make_dirs_beneath(root_, "link/x", true, 0755, Resolve::no_symlinks), ELOOP);
  const char* name = nullptr;
  EXPECT_EQ(sandbox::fs::open_parent_beneath(root_, "/link/f", 0755, Resolve::no_symlinks, &name), -ELOOP);
  EXPECT_FALSE(exists(root_path_ + "/real/x"));
  EXPECT_EQ(sandbox::fs::make_dirs_beneath(root_, "real/x/y", true, 0755, Resolve::no_symlinks), 0);
  EXPECT_TRUE(exists(root_path_ + "/real/x/y"));
}

TEST_F(Beneath, MagicLinksAreRefused) {
  const std::string magic = "/proc/self/fd/" + std::to_string(root_);
  ASSERT_EQ(::symlink(magic.c_str(), (root_path_ + "/magic").c_str()), 0);
  // In the root, /proc does not exist: the link leads nowhere, not to the fd.
  EXPECT_NE(sandbox::fs::make_dirs_beneath(root_, "magic/x", true, 0755, Resolve::in_root), 0);
  EXPECT_FALSE(exists(root_path_ + "/x"));
}

TEST_F(Beneath, ParentOfANameOnly) {
  const char* name = nullptr;
  EXPECT_EQ(sandbox::fs::open_parent_beneath(root_, "a/..", 0755, Resolve::in_root, &name), -EINVAL);
  EXPECT_EQ(sandbox::fs::open_parent_beneath(root_, "a/b/", 0755, Resolve::in_root, &name), -EINVAL);
  const int top = sandbox::fs::open_parent_beneath(root_, "/top", 0755, Resolve::in_root, &name);
  EXPECT_GE(top, 0);
  EXPECT_STREQ(name, "top");
  ::close(top);
}

TEST(NormalizeAbsolute, Lexically) {
  using sandbox::util::normalize_absolute;
  EXPECT_EQ(normalize_absolute("/../../var/tmp/x"), "/var/tmp/x");
  EXPECT_EQ(normalize_absolute("//home/./u//"), "/home/u");
  EXPECT_EQ(normalize_absolute("/a/b/../c"), "/a/c");
  EXPECT_EQ(normalize_absolute("/"), "/");
  EXPECT_EQ(normalize_absolute("/.."), "/");
  EXPECT_FALSE(normalize_absolute("relative/home").has_value());
  EXPECT_FALSE(normalize_absolute("").has_value());
}
