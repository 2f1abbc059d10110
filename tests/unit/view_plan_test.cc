// Planning the view (DESIGN §2.1): fs::plan_view decides every mount from
// the policy and what the host offers, before clone3.
#include <sys/stat.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "fs/view.h"
#include "landlock/ruleset.h"

namespace sandbox::fs {
namespace {

ViewPlan plan(const Policy& policy, const std::string& home = "/home/alice",
              const std::vector<PathGrant>& grants = {}) {
  auto result = plan_view(policy, Identity{home}, grants);
  EXPECT_TRUE(result) << result.error().message();
  return result ? std::move(*result) : ViewPlan{};
}

// The operations on target, in order.
std::vector<MountOp> ops_on(const ViewPlan& view, const std::string& target) {
  std::vector<MountOp> out;
  std::copy_if(view.ops.begin(), view.ops.end(), std::back_inserter(out),
               [&](const MountOp& op) { return op.target == target; });
  return out;
}

bool has(const ViewPlan& view, OpKind kind, const std::string& target) {
  return std::any_of(view.ops.begin(), view.ops.end(),
                     [&](const MountOp& op) { return op.kind == kind && op.target == target; });
}

std::ptrdiff_t index_of(const ViewPlan& view, OpKind kind, const std::string& target) {
  const auto it = std::find_if(view.ops.begin(), view.ops.end(), [&](const MountOp& op) {
    return op.kind == kind && op.target == target;
  });
  return it == view.ops.end() ? -1 : it - view.ops.begin();
}

PathGrant grant(const std::string& path, Access access) {
  PathGrant g;
  g.path = path;
  g.access = access;
  return g;
}

// A scratch directory on the host for grants.
class HostDir {
 public:
  HostDir() {
    char templ[] = "/tmp/view-plan-XXXXXX";
    path_ = ::mkdtemp(templ);
  }
  ~HostDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

TEST(ViewPlan, SystemTreesAreBoundOrSymlinkedExactlyAsOnTheHost) {
  const Policy policy = Policy::default_profile();
  const ViewPlan view = plan(policy);
  for (const auto& tree : policy.system_trees) {
    struct stat st {};
    const auto ops = ops_on(view, tree);
    if (::lstat(tree.c_str(), &st) != 0) {
      EXPECT_TRUE(ops.empty()) << tree << " is absent on the host but planned";
    } else if (S_ISLNK(st.st_mode)) {
      ASSERT_EQ(ops.size(), 1U) << tree;
      EXPECT_EQ(ops[0].kind, OpKind::symlink);
      EXPECT_EQ(std::filesystem::read_symlink(tree).string(), ops[0].link);
    } else {
      ASSERT_EQ(ops.size(), 1U) << tree;
      EXPECT_EQ(ops[0].kind, OpKind::bind_exec);
      EXPECT_EQ(ops[0].source, tree);
    }
  }
  EXPECT_TRUE(has(view, OpKind::bind_exec, "/usr"));
}

TEST(ViewPlan, EtcIsBoundReadOnlyOnlyWhenAsked) {
  Policy policy = Policy::default_profile();
  EXPECT_TRUE(has(plan(policy), OpKind::bind_ro, "/etc"));
  policy.bind_etc = false;
  EXPECT_TRUE(ops_on(plan(policy), "/etc").empty());
}

TEST(ViewPlan, NothingOfTheUserIsBound) {
  const ViewPlan view = plan(Policy::default_profile());
  for (const auto& op : view.ops) {
    if (op.kind != OpKind::bind_ro && op.kind != OpKind::bind_rw && op.kind != OpKind::bind_exec) {
      continue;
    }
    for (const char* host : {"/home", "/root", "/tmp", "/run", "/var", "/srv", "/mnt", "/"}) {
      EXPECT_NE(op.source, host);
    }
    EXPECT_NE(op.kind, OpKind::bind_rw) << op.target;
  }
}

TEST(ViewPlan, EmptyPlacesAndTheirTmpfsMounts) {
  const ViewPlan view = plan(Policy::default_profile());
  for (const char* dir : {"/tmp", "/var/tmp", "/run", "/home", "/root", "/mnt", "/media", "/srv"}) {
    EXPECT_TRUE(has(view, OpKind::dir, dir)) << dir;
  }
  const auto tmp = ops_on(view, "/tmp");
  ASSERT_EQ(tmp.size(), 2U);
  EXPECT_EQ(tmp[1].kind, OpKind::tmpfs);
  EXPECT_EQ(tmp[1].mode, 01777U);
  EXPECT_TRUE(has(view, OpKind::proc, "/proc"));
  EXPECT_TRUE(has(view, OpKind::tmpfs, "/dev"));
  EXPECT_TRUE(has(view, OpKind::tmpfs, "/dev/shm"));
  EXPECT_TRUE(has(view, OpKind::bind_device, "/dev/null"));
  EXPECT_TRUE(has(view, OpKind::remount_ro, "/proc/sys"));
  for (const char* link : {"/dev/fd", "/dev/stdin", "/dev/stdout", "/dev/stderr"}) {
    EXPECT_TRUE(has(view, OpKind::symlink, link)) << link;
  }
  // /dev is mounted before the nodes in it; /proc before its overmounts.
  EXPECT_LT(index_of(view, OpKind::tmpfs, "/dev"), index_of(view, OpKind::bind_device, "/dev/null"));
  EXPECT_LT(index_of(view, OpKind::proc, "/proc"), index_of(view, OpKind::remount_ro, "/proc/sys"));
}

TEST(ViewPlan, ScratchIsWritableForLandlockOnlyWithMount) {
  Policy policy = Policy::default_profile();
  for (bool scratch : {false, true}) {
    policy.private_scratch = scratch;
    const ViewPlan view = plan(policy, "/home/alice");
    const std::uint64_t want = scratch ? (landlock::kRead | landlock::kWrite) : 0;
    for (const char* place : {"/tmp", "/home/alice"}) {
      const auto ops = ops_on(view, place);
      ASSERT_FALSE(ops.empty()) << place;
      EXPECT_EQ(ops.back().kind, OpKind::tmpfs) << place;
      EXPECT_EQ(ops.back().child_rights, want) << place << " scratch=" << scratch;
    }
  }
}

TEST(ViewPlan, HomeGetsATmpfsUnlessItIsAFixedPlace) {
  const Policy policy = Policy::default_profile();
  const auto home = ops_on(plan(policy, "/home/alice"), "/home/alice");
  ASSERT_EQ(home.size(), 2U);
  EXPECT_EQ(home[0].kind, OpKind::dir);
  EXPECT_EQ(home[1].kind, OpKind::tmpfs);
  EXPECT_EQ(home[1].mode, 0700U);
  // nobody's HOME=/nonexistent is made; / and places inside bound trees are not.
  EXPECT_TRUE(has(plan(policy, "/nonexistent"), OpKind::tmpfs, "/nonexistent"));
  for (const char* fixed : {"/", "/tmp", "/usr/share/x", "/etc", "/proc/1", "/dev"}) {
    const ViewPlan view = plan(policy, fixed);
    const auto count = std::count_if(view.ops.begin(), view.ops.end(), [](const MountOp& op) {
      return op.kind == OpKind::tmpfs && op.mode == 0700U;
    });
    EXPECT_EQ(count, 0) << fixed;
  }
}

TEST(ViewPlan, GrantsAreBoundWithTheirAccessParentsFirst) {
  HostDir dir;
  const std::string sub = dir.path() + "/sub";
  const std::string file = dir.path() + "/file";
  ASSERT_EQ(::mkdir(sub.c_str(), 0755), 0);
  ASSERT_TRUE(std::filesystem::copy_file("/etc/passwd", file));
  const ViewPlan view = plan(Policy::default_profile(), "/home/alice",
                             {grant(sub, Access::read_write), grant(file, Access::execute),
                              grant(dir.path(), Access::read)});
  const auto parent = index_of(view, OpKind::bind_ro, dir.path());
  const auto child = index_of(view, OpKind::bind_rw, sub);
  const auto exec = index_of(view, OpKind::bind_exec, file);
  ASSERT_GE(parent, 0);
  ASSERT_GE(child, 0);
  ASSERT_GE(exec, 0);
  EXPECT_LT(parent, child);
  EXPECT_LT(parent, exec);
  EXPECT_TRUE(view.ops[static_cast<std::size_t>(parent)].source_is_dir);
  EXPECT_FALSE(view.ops[static_cast<std::size_t>(exec)].source_is_dir);
  EXPECT_EQ(view.ops[static_cast<std::size_t>(child)].source, sub);
  // Grants come after the fixed places, so /tmp's tmpfs cannot hide them.
  EXPECT_LT(index_of(view, OpKind::tmpfs, "/tmp"), parent);
}

TEST(ViewPlan, AMissingGrantIsAnErrorNamingThePath) {
  const std::string missing = "/tmp/view-plan-missing-" + std::to_string(::getpid());
  auto result = plan_view(Policy::default_profile(), Identity{"/home/alice"}, {grant(missing, Access::read)});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().errno_value(), ENOENT);
  EXPECT_NE(result.error().message().find(missing), std::string::npos);
}

TEST(ViewPlan, DescribeNamesEachOperation) {
  MountOp op;
  op.kind = OpKind::bind_ro;
  op.source = "/srv/data";
  op.target = "/srv/data";
  EXPECT_EQ(describe(op), "bind /srv/data read-only");
  op.kind = OpKind::bind_rw;
  EXPECT_EQ(describe(op), "bind /srv/data read-write");
  op.kind = OpKind::tmpfs;
  EXPECT_EQ(describe(op), "mount a tmpfs at /srv/data");
  op.kind = OpKind::symlink;
  op.link = "usr/bin";
  EXPECT_EQ(describe(op), "create the symlink /srv/data -> usr/bin");
  op.kind = OpKind::bind_rw_exec;
  op.target = "/home/alice/data";
  EXPECT_EQ(describe(op), "bind /srv/data read-write, executable at /home/alice/data");
}

TEST(ViewPlan, BindsCarryTheirRightsAndIdentity) {
  Bind both;
  both.source = "/srv/proj";
  both.target = "/srv/proj";
  both.write = true;
  both.execute = true;
  both.dev = 7;
  both.ino = 42;
  Bind alias = both;
  alias.target = "/home/alice/proj";  // typed through a symlink
  alias.write = false;
  auto view = plan_view(Policy::default_profile(), Identity{"/home/alice"}, std::vector<Bind>{alias, both});
  ASSERT_TRUE(view) << view.error().message();
  const auto at_source = ops_on(*view, "/srv/proj");
  ASSERT_EQ(at_source.size(), 1U);
  EXPECT_EQ(at_source[0].kind, OpKind::bind_rw_exec);
  EXPECT_EQ(at_source[0].source_dev, 7U);
  EXPECT_EQ(at_source[0].source_ino, 42U);
  const auto at_alias = ops_on(*view, "/home/alice/proj");
  ASSERT_EQ(at_alias.size(), 1U);
  EXPECT_EQ(at_alias[0].kind, OpKind::bind_exec);
  EXPECT_EQ(at_alias[0].source, "/srv/proj");
  // Parents first: the alias (deeper) after the home tmpfs it lands in.
  EXPECT_LT(index_of(*view, OpKind::tmpfs, "/home/alice"), index_of(*view, OpKind::bind_exec, "/home/alice/proj"));
}

}  // namespace
}  // namespace sandbox::fs
