// Resource limits (DESIGN §8), through the real binary and kernel, as root
// (cgroup v1 controllers on this hybrid host) and as uid 65534 (rlimits).
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <cstdio>
#include <fstream>
#include <string>

#include "support/run.h"

using namespace testing_support;

namespace {

bool v1_controller(const char* name) {
  struct stat st {};
  return is_root() && ::stat((std::string("/sys/fs/cgroup/") + name + "/cgroup.procs").c_str(), &st) == 0;
}

double field(const std::string& text, const std::string& name) {
  const auto at = text.find(name + " ");
  return at == std::string::npos ? -1 : std::stod(text.substr(at + name.size() + 1));
}

}  // namespace

TEST(Limits, ForkBombNeverExceedsPids) {
  RunOptions options;
  options.timeout_seconds = 60;  // the bomb ends itself; this bounds a failure
  const auto r = run(sandbox({"--pids", "40", probe("fork_bomb")}), options);
  ASSERT_EQ(r.status, 0) << r.err;
  const double processes = field(r.out, "processes");
  EXPECT_LE(processes, 40) << r.out;
  EXPECT_GE(processes, 30) << "the bomb should reach the limit: " << r.out;
  EXPECT_NE(r.err.find(v1_controller("pids") ? "pids 40 (cgroup v1 pids)"
                                             : "pids 40 (rlimit NPROC, per user namespace)"),
            std::string::npos)
      << r.err;
}

TEST(Limits, MemoryLimitStopsAHog) {
  const auto r = run(sandbox({"--memory", "64M", probe("mem_hog"), "512"}));
  if (v1_controller("memory")) {
    EXPECT_EQ(r.status, 137) << r.err;
    EXPECT_NE(r.err.find("sandbox: limits: memory 64 MiB (cgroup v1 memory)"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sandbox: killed: out of memory (limit 64 MiB)"), std::string::npos) << r.err;
  } else {
    EXPECT_EQ(r.status, 12) << r.err;  // ENOMEM: the allocation failed under RLIMIT_AS
    EXPECT_NE(r.out.find("allocation failed"), std::string::npos) << r.out;
    EXPECT_NE(r.err.find("memory 64 MiB (rlimit AS, per process)"), std::string::npos) << r.err;
  }
  EXPECT_EQ(r.out.find("touched 512 MiB"), std::string::npos) << r.out;
}

TEST(Limits, AHogWithinTheLimitRuns) {
  const auto r = run(sandbox({"--memory", "256M", probe("mem_hog"), "32"}));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_NE(r.out.find("touched 32 MiB"), std::string::npos) << r.out;
}

// --cpus caps the share of a core; a control run shows the machine gives more.
TEST(Limits, CpusHoldsABusyLoop) {
  if (!v1_controller("cpu")) {
    const auto r = run(sandbox({"--cpus", "0.5", probe("busy_loop"), "0.1"}));
    EXPECT_EQ(r.status, 125);
    EXPECT_NE(r.err.find("cannot enforce --cpus 0.5"), std::string::npos) << r.err;
    return;
  }
  const auto control = run(sandbox({probe("busy_loop"), "1"}));
  const auto limited = run(sandbox({"--cpus", "0.1", probe("busy_loop"), "2"}));
  ASSERT_EQ(limited.status, 0) << limited.err;
  EXPECT_NE(limited.err.find("cpus 0.1 (cgroup v1 cpu)"), std::string::npos) << limited.err;
  const double share = field(limited.out, "cpu") / field(limited.out, "wall");
  const double control_share = field(control.out, "cpu") / field(control.out, "wall");
  std::printf("busy loop: %.3f of a core under --cpus 0.1, %.3f without\n", share, control_share);
  EXPECT_LE(share, 0.13) << limited.out;
  if (control_share < 0.2) GTEST_SKIP() << "machine too loaded to show the difference";
  EXPECT_GT(control_share, share * 1.5);
}

TEST(Limits, RlimitsAreSetAndCannotBeRaised) {
  auto r = run(sandbox({"--rlimit", "NOFILE=64", "sh", "-c", "ulimit -n; ulimit -c; ulimit -n 128"}));
  EXPECT_NE(r.status, 0);
  EXPECT_EQ(r.out.substr(0, 5), "64\n0\n") << r.out;
  EXPECT_NE(r.err.find("rlimit NOFILE 64 (setrlimit)"), std::string::npos) << r.err;
  // No core dumps by default, and nothing to say when nothing was asked.
  r = run(sandbox({"sh", "-c", "ulimit -c"}));
  EXPECT_EQ(r.out, "0\n");
  EXPECT_EQ(r.err.find("limits:"), std::string::npos) << r.err;
}

TEST(Limits, InvalidValuesAreRefused) {
  for (const auto& args : std::vector<std::vector<std::string>>{
           {"--memory", "lots"}, {"--memory", "1k"}, {"--pids", "0"}, {"--pids", "-3"},
           {"--cpus", "0"}, {"--cpus", "half"}, {"--rlimit", "FOO=1"}, {"--rlimit", "NOFILE"},
           {"--rlimit", "NOFILE=many"}}) {
    auto argv = args;
    argv.push_back("true");
    const auto r = run(sandbox(argv));
    EXPECT_EQ(r.status, 125) << args[0] << " " << args[1];
    EXPECT_NE(r.err.find("sandbox: " + args[0] + " " + args[1]), std::string::npos) << r.err;
  }
}

// A limit above what the caller may set is a setup error, never dropped.
TEST(Limits, UnenforceableRlimitIsAnError) {
  if (is_root()) GTEST_SKIP() << "root may raise hard limits";
  const auto r = run(sandbox({"--rlimit", "NOFILE=unlimited", "true"}));
  EXPECT_EQ(r.status, 125);
  EXPECT_NE(r.err.find("setrlimit"), std::string::npos) << r.err;
}
