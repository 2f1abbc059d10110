// The default profile (DESIGN §2.2, §5) and Policy::validate.
#include <fcntl.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <string>

#include "fs/etc.h"
#include "sandbox/policy.h"

namespace sandbox {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

TEST(DefaultProfile, GrantsTheSystemTreesAndNoUserData) {
  const Policy p = Policy::default_profile();
  EXPECT_EQ(p.profile, "default");
  EXPECT_EQ(p.type, "sandbox_t");
  EXPECT_TRUE(p.label.empty());
  for (const char* tree : {"/usr", "/bin", "/sbin", "/lib", "/lib64", "/opt"}) {
    EXPECT_TRUE(contains(p.system_trees, tree)) << tree;
  }
  for (const auto& tree : p.system_trees) {
    for (const char* user : {"/home", "/root", "/tmp", "/run", "/var", "/etc", "/"}) {
      EXPECT_NE(tree, user);
    }
  }
  EXPECT_TRUE(p.grants.empty());
  EXPECT_TRUE(p.fds.empty());
  EXPECT_FALSE(p.private_scratch);
  EXPECT_EQ(p.net, NetMode::none);
  EXPECT_EQ(p.seccomp, SeccompMode::enforce);
  EXPECT_FALSE(p.allow_ptrace);
  EXPECT_FALSE(p.best_effort);
}

TEST(DefaultProfile, EtcIsInTheViewAndItsDenyListHasTheSecrets) {
  const Policy p = Policy::default_profile();
  EXPECT_TRUE(p.bind_etc);
  EXPECT_TRUE(p.etc_hidden.empty());  // the built-in list applies to every policy
  const auto hidden = fs::hidden_etc_entries();
  for (const char* secret : {"/etc/shadow", "/etc/shadow-", "/etc/gshadow", "/etc/gshadow-",
                             "/etc/sudoers", "/etc/sudoers.d", "/etc/ssh/ssh_host_ed25519_key",
                             "/etc/ssh/ssh_host_rsa_key", "/etc/ssl/private", "/etc/machine-id",
                             "/etc/hostid"}) {
    EXPECT_NE(std::find(hidden.begin(), hidden.end(), std::string_view(secret)), hidden.end()) << secret;
  }
  for (const char* entry : hidden) EXPECT_EQ(std::string_view(entry).rfind("/etc/", 0), 0U) << entry;
}

TEST(DefaultProfile, Validates) {
  auto ok = Policy::default_profile().validate();
  EXPECT_TRUE(ok) << ok.error().message();
}

TEST(Validate, AcceptsAnOpenExtraDescriptor) {
  const int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  ASSERT_GE(fd, 3);
  Policy p = Policy::default_profile();
  p.fds = {fd};
  EXPECT_TRUE(p.validate());
  ::close(fd);
  // Closed now: refused, with errno and a hint.
  auto closed = p.validate();
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().errno_value(), EBADF);
  EXPECT_EQ(closed.error().exit_status(), 125);
}

TEST(Validate, RefusesGrantsWithNul) {
  Policy p = Policy::default_profile();
  p.grants.emplace_back();
  p.grants.back().path = std::string("/tmp/a\0b", 8);
  auto ok = p.validate();
  ASSERT_FALSE(ok);
  EXPECT_NE(ok.error().message().find("NUL"), std::string::npos);
}

TEST(Validate, RefusesMalformedLabelTypes) {
  for (const char* type : {"", "sandbox_t:s0"}) {
    Policy p = Policy::default_profile();
    p.type = type;
    auto ok = p.validate();
    ASSERT_FALSE(ok) << type;
    EXPECT_NE(ok.error().message().find("label type"), std::string::npos);
  }
}

TEST(Validate, TheFirstProblemWins) {
  Policy p = Policy::default_profile();
  p.grants.emplace_back();
  p.grants.back().path = "/";
  p.setenv.push_back("broken");
  auto ok = p.validate();
  ASSERT_FALSE(ok);
  EXPECT_EQ(ok.error().message().rfind("--ro /:", 0), 0U) << ok.error().message();
}

TEST(Error, MessageIsOneLineWithErrnoAndHint) {
  Error e("cannot bind /srv", ENOENT, "check the path");
  e.wrap("planning the view");
  EXPECT_EQ(e.message(),
            "planning the view: cannot bind /srv: No such file or directory (ENOENT) (check the path)");
  EXPECT_EQ(e.message().find('\n'), std::string::npos);
  EXPECT_EQ(e.exit_status(), 125);
  EXPECT_EQ(Error("x").with_exit_status(127).exit_status(), 127);
  EXPECT_EQ(errno_name(EPERM), "EPERM");
}

}  // namespace
}  // namespace sandbox
