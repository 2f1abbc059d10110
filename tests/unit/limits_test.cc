// Limit values, mountinfo parsing and leaf names (src/limits, src/cgroup).
#include <gtest/gtest.h>

#include <sys/resource.h>

#include "cgroup/hierarchy.h"
#include "cgroup/leaf.h"
#include "limits/parse.h"
#include "limits/resources.h"

using namespace sandbox;

TEST(LimitsParse, Sizes) {
  EXPECT_EQ(*limits::parse_size("64M"), 64ULL << 20);
  EXPECT_EQ(*limits::parse_size("64MiB"), 64ULL << 20);
  EXPECT_EQ(*limits::parse_size("1.5g"), 3ULL << 29);
  EXPECT_EQ(*limits::parse_size("512k"), 512ULL << 10);
  EXPECT_EQ(*limits::parse_size("4096"), 4096ULL);
  for (const char* bad : {"", "M", "64X", "-1", "1k", "64 M", "1e3", "0"}) {
    EXPECT_FALSE(limits::parse_size(bad).ok()) << bad;
  }
}

TEST(LimitsParse, PidsAndCpus) {
  EXPECT_EQ(*limits::parse_pids("40"), 40U);
  EXPECT_FALSE(limits::parse_pids("0").ok());
  EXPECT_FALSE(limits::parse_pids("4x").ok());
  EXPECT_FALSE(limits::parse_pids("99999999").ok());
  EXPECT_DOUBLE_EQ(*limits::parse_cpus("0.5"), 0.5);
  EXPECT_DOUBLE_EQ(*limits::parse_cpus("2"), 2.0);
  for (const char* bad : {"0", "0.001", "-1", "half", "", "1.5x"}) {
    EXPECT_FALSE(limits::parse_cpus(bad).ok()) << bad;
  }
}

TEST(LimitsParse, Rlimits) {
  auto r = limits::parse_rlimit("nofile=256");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->name, "NOFILE");
  EXPECT_EQ(r->resource, RLIMIT_NOFILE);
  EXPECT_EQ(r->value, 256U);
  EXPECT_EQ(limits::parse_rlimit("FSIZE=10M")->value, 10ULL << 20);
  EXPECT_EQ(limits::parse_rlimit("STACK=unlimited")->value, kRlimitUnlimited);
  for (const char* bad : {"NOFILE", "FOO=1", "NOFILE=10M", "CPU=-1", "=5", "NOFILE="}) {
    EXPECT_FALSE(limits::parse_rlimit(bad).ok()) << bad;
  }
}

TEST(LimitsParse, Formatting) {
  EXPECT_EQ(limits::format_bytes(64ULL << 20), "64 MiB");
  EXPECT_EQ(limits::format_bytes(3ULL << 29), "1.5 GiB");
  EXPECT_EQ(limits::format_bytes(100), "100 B");
  EXPECT_EQ(limits::format_cpus(0.5), "0.5");
  EXPECT_EQ(limits::format_cpus(2), "2");
}

TEST(CgroupHierarchy, HybridMountinfo) {
  const std::string mountinfo =
      "31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755\n"
      "35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory\n"
      "37 31 0:40 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,cpu,cpuacct\n"
      "39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids\n"
      "40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd\n"
      "41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw\n"
      "50 31 0:32 /sub /mnt/memory\\040bind rw - cgroup cgroup rw,memory\n"
      "60 31 0:38 / /other/unified rw - cgroup2 cgroup2 rw\n";
  const auto h = cgroup::parse_mountinfo(mountinfo, false);
  ASSERT_TRUE(h.v2.has_value());
  EXPECT_EQ(h.v2->mount, "/sys/fs/cgroup/unified");  // the first one
  ASSERT_NE(h.v1_for("memory"), nullptr);
  EXPECT_EQ(h.v1_for("memory")->mount, "/sys/fs/cgroup/memory");  // not the bind of a subtree
  ASSERT_NE(h.v1_for("cpu"), nullptr);
  EXPECT_EQ(h.v1_for("cpu"), h.v1_for("cpuacct"));  // co-mounted: one hierarchy
  EXPECT_EQ(h.v1_for("cpu")->mount, "/sys/fs/cgroup/cpu,cpuacct");
  ASSERT_NE(h.v1_for("pids"), nullptr);
  EXPECT_EQ(h.v1_for("pids")->mount, "/sys/fs/cgroup/pids");
  EXPECT_EQ(h.v1_for("freezer"), nullptr);
}

TEST(CgroupHierarchy, PureV2Mountinfo) {
  const auto h = cgroup::parse_mountinfo("29 23 0:26 / /sys/fs/cgroup rw - cgroup2 cgroup2 rw,nsdelegate\n", false);
  ASSERT_TRUE(h.v2.has_value());
  EXPECT_EQ(h.v2->mount, "/sys/fs/cgroup");
  EXPECT_TRUE(h.v1.empty());
}

TEST(CgroupLeaf, NamesCarryLabelAndSupervisor) {
  EXPECT_EQ(cgroup::leaf_name("sandbox_t:s0:c12,c345", 4242), "sandbox-c12.c345-4242");
}

TEST(LimitsDescribe, RequestedOnly) {
  std::vector<LimitEnforcement> e = {{"memory", 67108864.0, "64 MiB", "cgroup v1 memory", true},
                                     {"pids", 40.0, "40", "rlimit NPROC, per user namespace", true},
                                     {"rlimit CORE", 0.0, "0", "setrlimit", false}};
  EXPECT_EQ(limits::describe(e), "memory 64 MiB (cgroup v1 memory), pids 40 (rlimit NPROC, per user namespace)");
  EXPECT_EQ(limits::describe({e[2]}), "");
}

TEST(LimitsValidate, LibraryValues) {
  Limits ok;
  ok.memory_bytes = 1 << 20;
  ok.pids = 10;
  ok.cpus = 0.5;
  ok.rlimits.push_back(*limits::parse_rlimit("NOFILE=64"));
  EXPECT_TRUE(limits::validate(ok).ok());
  Limits bad_pids;
  bad_pids.pids = 0;
  EXPECT_FALSE(limits::validate(bad_pids).ok());
  Limits bad_cpus;
  bad_cpus.cpus = 0;
  EXPECT_FALSE(limits::validate(bad_cpus).ok());
  Limits bad_rlimit;
  bad_rlimit.rlimits.push_back({"NOFILE", RLIMIT_CPU, 1});
  EXPECT_FALSE(limits::validate(bad_rlimit).ok());
}
