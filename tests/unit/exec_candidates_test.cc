// Which PATH candidates the plan keeps (launch::may_be_in_view): only those
// the view cannot show are dropped before the child's execve tries them.
#include <gtest/gtest.h>

#include <string>

#include "fs/view.h"
#include "launch/plan.h"

namespace sandbox::launch {
namespace {

fs::MountOp op(fs::OpKind kind, const std::string& target) {
  fs::MountOp o;
  o.kind = kind;
  o.target = target;
  return o;
}

// A view like the default one for a caller whose home is /home/alice:
// /home and /root made empty, the home a fresh tmpfs, a project granted
// beneath it, /bin a symlink, a cover over a denied path.
fs::ViewPlan sample_view() {
  fs::ViewPlan view;
  view.ops = {op(fs::OpKind::dir, "/home"),          op(fs::OpKind::dir, "/root"),
              op(fs::OpKind::tmpfs, "/home/alice"),  op(fs::OpKind::bind_ro, "/home/alice/project"),
              op(fs::OpKind::symlink, "/bin"),       op(fs::OpKind::cover, "/srv/secret"),
              op(fs::OpKind::bind_exec, "/srv/tools")};
  return view;
}

TEST(ExecCandidates, WhatNoMountShowsIsDropped) {
  const Policy policy = Policy::default_profile();
  const fs::ViewPlan view = sample_view();
  EXPECT_FALSE(may_be_in_view(policy, view, "/root/.cargo/bin/true", false));   // an empty directory
  EXPECT_FALSE(may_be_in_view(policy, view, "/home/alice/.local/bin/true", false));  // an empty tmpfs
  EXPECT_FALSE(may_be_in_view(policy, view, "/srv/secret/true", false));          // a cover
  EXPECT_FALSE(may_be_in_view(policy, view, "/nowhere/true", false));             // nothing at all
}

TEST(ExecCandidates, WhatTheViewMayShowIsKept) {
  const Policy policy = Policy::default_profile();
  const fs::ViewPlan view = sample_view();
  EXPECT_TRUE(may_be_in_view(policy, view, "/usr/bin/true", false));                 // a system tree
  EXPECT_TRUE(may_be_in_view(policy, view, "/home/alice/project/bin/tool", false));  // a grant
  EXPECT_TRUE(may_be_in_view(policy, view, "/bin/true", false));                     // through a symlink
  EXPECT_TRUE(may_be_in_view(policy, view, "/srv/tools/run", false));
  EXPECT_TRUE(may_be_in_view(policy, view, "/home/alice/.local/bin/true", true));   // -i fills the scratch
}

TEST(ExecCandidates, PathsThatAreNotPlainAreKept) {
  const Policy policy = Policy::default_profile();
  const fs::ViewPlan view = sample_view();
  for (const char* path : {"bin/true", "./true", "/root/../usr/bin/true", "/root/./x", "/root//x", "/root/..",
                           "/root/.", "/root/x/", ""}) {
    EXPECT_TRUE(may_be_in_view(policy, view, path, false)) << path;
  }
}

}  // namespace
}  // namespace sandbox::launch
