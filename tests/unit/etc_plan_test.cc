// Planning the view's /etc (fs/etc.h): covers follow the /etc bind, the
// prepared tree replaces the clone, and the walk used without namespaces
// never grants the deny list or what is not world-readable.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <string>

#include "fs/etc.h"
#include "fs/view.h"

namespace sandbox::fs {
namespace {

bool granted(const EtcPlan& plan, const std::string& path) {
  return std::any_of(plan.grants.begin(), plan.grants.end(),
                     [&](const auto& g) { return g.first == path && (g.second & landlock::kRead) != 0; });
}

// Whether a grant of the plan lets a file at path be read (Landlock rules
// hold beneath the directory they name).
bool file_readable(const EtcPlan& plan, const std::string& path) {
  return std::any_of(plan.grants.begin(), plan.grants.end(), [&](const auto& g) {
    const bool beneath = path == g.first || path.rfind(g.first + "/", 0) == 0;
    return beneath && (g.second & landlock::kRead & landlock::kFileRights) != 0;
  });
}

TEST(EtcPlan, NoEtcWithoutTheSwitch) {
  Policy policy = Policy::default_profile();
  policy.bind_etc = false;
  auto plan = plan_etc(policy, ::geteuid(), true);
  ASSERT_TRUE(plan) << plan.error().message();
  EXPECT_FALSE(plan->present);
  EXPECT_TRUE(plan->grants.empty());
}

TEST(EtcPlan, CoversFollowTheEtcBindAndTheTreeIsAttached) {
  auto view = plan_view(Policy::default_profile(), Identity{"/home/alice"}, std::vector<Bind>{});
  ASSERT_TRUE(view) << view.error().message();
  EtcPlan etc;
  etc.present = true;
  etc.tree = UniqueFd(::open("/", O_PATH | O_CLOEXEC));  // stands for the prepared tree
  etc.idmapped = true;
  etc.covers = {{"/etc/machine-id", false}, {"/etc/sudoers.d", true}};
  add_etc_to_view(*view, etc);
  const auto at = std::find_if(view->ops.begin(), view->ops.end(),
                               [](const MountOp& op) { return op.target == "/etc"; });
  ASSERT_NE(at, view->ops.end());
  EXPECT_EQ(at->kind, OpKind::attach);
  ASSERT_LT(at + 2, view->ops.end());
  EXPECT_EQ((at + 1)->kind, OpKind::cover);
  EXPECT_EQ((at + 1)->target, "/etc/machine-id");
  EXPECT_FALSE((at + 1)->source_is_dir);
  EXPECT_EQ((at + 2)->target, "/etc/sudoers.d");
  EXPECT_TRUE((at + 2)->source_is_dir);
  std::vector<int> fds(view->ops.size(), -1);
  lend_etc_tree(*view, etc, fds);
  EXPECT_EQ(fds[static_cast<std::size_t>(at - view->ops.begin())], etc.tree.get());
  EXPECT_EQ(std::count(fds.begin(), fds.end(), etc.tree.get()), 1);
  EXPECT_EQ(describe(*at), "attach the prepared /etc");
  EXPECT_EQ(describe(*(at + 1)), "cover /etc/machine-id");
}

TEST(EtcPlan, WithoutAPreparedTreeEtcIsAnOrdinaryBind) {
  auto view = plan_view(Policy::default_profile(), Identity{"/home/alice"}, std::vector<Bind>{});
  ASSERT_TRUE(view) << view.error().message();
  EtcPlan etc;
  etc.present = true;
  add_etc_to_view(*view, etc);
  EXPECT_TRUE(std::any_of(view->ops.begin(), view->ops.end(), [](const MountOp& op) {
    return op.kind == OpKind::bind_ro && op.target == "/etc";
  }));
}

// Without namespaces (--best-effort) Landlock alone keeps the secrets out.
TEST(EtcPlan, TheWalkGrantsOnlyWorldReadableEntriesOffTheDenyList) {
  Policy policy = Policy::default_profile();
  policy.etc_hidden = {"/etc/os-release"};
  auto plan = plan_etc(policy, ::geteuid(), true);
  ASSERT_TRUE(plan) << plan.error().message();
  ASSERT_TRUE(plan->present);
  EXPECT_FALSE(plan->whole);
  for (const char* secret : {"/etc/shadow", "/etc/gshadow", "/etc/machine-id", "/etc/os-release", "/etc"}) {
    const bool file_rights = std::any_of(plan->grants.begin(), plan->grants.end(), [&](const auto& g) {
      return g.first == secret && (g.second & landlock::kFileRights) != 0;
    });
    EXPECT_FALSE(file_rights) << secret;
  }
  for (const auto& [path, rights] : plan->grants) {
    struct stat st {};
    ASSERT_EQ(::lstat(path.c_str(), &st), 0) << path;
    EXPECT_NE(st.st_mode & S_IROTH, 0U) << path << " is not world-readable";
  }
  if (::access("/etc/passwd", F_OK) == 0) {
    EXPECT_TRUE(granted(*plan, "/etc/passwd"));
  }
}

// A hidden entry that is a symlink within /etc hides its target as well.
TEST(EtcPlan, AHiddenSymlinkHidesItsTargetInEtc) {
  char target[PATH_MAX];
  if (::realpath("/etc/rc2.d/S01dbus", target) == nullptr ||
      std::string(target) != "/etc/init.d/dbus") {
    GTEST_SKIP() << "this host has no /etc/rc2.d/S01dbus -> /etc/init.d/dbus";
  }
  Policy policy = Policy::default_profile();
  auto before = plan_etc(policy, ::geteuid(), true);
  ASSERT_TRUE(before) << before.error().message();
  EXPECT_TRUE(file_readable(*before, "/etc/init.d/dbus"));
  policy.etc_hidden = {"/etc/rc2.d/S01dbus"};
  auto after = plan_etc(policy, ::geteuid(), true);
  ASSERT_TRUE(after) << after.error().message();
  EXPECT_FALSE(file_readable(*after, "/etc/init.d/dbus"));
  EXPECT_TRUE(file_readable(*after, "/etc/passwd"));
}

TEST(EtcPlan, TheDenyListHasTheSecretsAndIdentifiers) {
  const auto hidden = hidden_etc_entries();
  for (const char* entry : {"/etc/shadow", "/etc/gshadow", "/etc/sudoers", "/etc/ssl/private",
                            "/etc/ssh/ssh_host_ed25519_key", "/etc/machine-id", "/etc/hostid"}) {
    EXPECT_NE(std::find(hidden.begin(), hidden.end(), std::string_view(entry)), hidden.end()) << entry;
  }
}

}  // namespace
}  // namespace sandbox::fs
