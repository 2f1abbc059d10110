// Start-up: --timing's per-step report, and the launcher's link choices
// (BENCHMARKS.md: every shared library loaded per launch costs start-up).
#include <signal.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <regex>
#include <sstream>
#include <string>
#include <thread>

#include "attacks/support.h"
#include "support/run.h"

namespace {

using testing_support::run;
using testing_support::sandbox;

// The µs figure of the --timing line naming `step`, or -1 when absent.
long figure(const std::string& report, const std::string& step) {
  std::istringstream lines(report);
  std::string line;
  const std::regex pattern("^  (\\S+) +(.+?) +(-?[0-9]+)$");
  while (std::getline(lines, line)) {
    std::smatch m;
    if (std::regex_match(line, m, pattern) && m[2].str() == step) return std::stol(m[3].str());
  }
  return -1;
}

TEST(Startup, TimingReportsEachLaunchStepOnStderr) {
  const auto r = run(sandbox({"--timing", "sh", "-c", "echo ran"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "ran\n");  // the report never mixes with the program's output
  EXPECT_NE(r.err.find("sandbox: --timing, microseconds per launch step:"), std::string::npos) << r.err;
  // Supervisor steps, init's steps (stamped through the shared page), the
  // command's steps (stamped after the vfork), and the totals.
  for (const char* step : {"label", "plan: Landlock ruleset", "plan: seccomp filter",
                           "clone3 returned in the parent", "uid/gid maps", "pivot_root",
                           "landlock_restrict_self", "seccomp", "exec, run, exit, teardown",
                           "spawn() to init reaped"}) {
    EXPECT_GE(figure(r.err, step), 0) << step << " missing in:\n" << r.err;
  }
  const long total = figure(r.err, "spawn() to init reaped");
  EXPECT_GE(total, figure(r.err, "uid/gid maps"));
  EXPECT_GE(total, figure(r.err, "clone3 returned in the parent"));
}

TEST(Startup, NoTimingReportWithoutTheOption) {
  const auto r = run(sandbox({"true"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.err, "");
}

TEST(Startup, TimingKeepsTheCommandsFailureStatus) {
  const auto r = run(sandbox({"--timing", "/nonexistent-command"}));
  EXPECT_EQ(r.status, 127) << r.err;
  const auto s = run(sandbox({"--timing", "sh", "-c", "exit 7"}));
  EXPECT_EQ(s.status, 7) << s.err;
  EXPECT_GE(figure(s.err, "spawn() to init reaped"), 0) << s.err;
}

// Mapped code of a process in KiB (RssFile), -1 when unreadable.
long rss_file_kib(pid_t pid) {
  std::istringstream lines(testing_support::read_file("/proc/" + std::to_string(pid) + "/status"));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.rfind("RssFile:", 0) == 0) return std::stol(line.substr(8));
  }
  return -1;
}

// While the program runs, the supervisor keeps only the code its wait loop
// touches (util/resident.h): its ~3 MiB of text is mapped again otherwise.
// The trim comes 100 ms (util::kTrimAfter) into the wait, which a loaded
// machine (or --explain's tracer) can delay: the figure is sampled from the
// moment the program runs until it is under the bound, for at most 4 s.
// Cold (SANDBOX_POOL=off): through the warm pool the plain `sandbox sleep`
// is the lean client (lean/client.cc), which never maps that code at all.
TEST(Startup, TheWaitingSupervisorGivesBackItsCodePages) {
  const std::string token = attack::unique_sleep_argument();
  std::vector<std::string> argv = {"env", "SANDBOX_POOL=off"};
  for (const auto& word : sandbox({"sleep", token})) argv.push_back(word);
  const pid_t supervisor = attack::start(argv);  // env execs sandbox: the same pid
  ASSERT_TRUE(attack::wait_for([&] { return attack::processes_with(token).size() >= 2; }, 5))
      << "the program did not start";
  long kib = rss_file_kib(supervisor);
  long most = kib;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(4);
  while ((kib < 0 || kib >= 1024) && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    kib = rss_file_kib(supervisor);
    most = std::max(most, kib);
  }
  ::kill(supervisor, SIGTERM);
  attack::finish(supervisor);
  attack::kill_all_with(token);
  ASSERT_GT(kib, 0);
  EXPECT_LT(kib, 1024) << "KiB of code still resident 4 s into the wait";
  EXPECT_GT(most, kib) << "control: more was resident before the trim";
}

// The launcher is a static PIE: no shared library (no NEEDED entry, no
// interpreter) at start-up, yet a randomised address space (type DYN).
// libnftables is loaded by --net=filtered alone.
TEST(Startup, LauncherIsAStaticPie) {
  FILE* pipe = ::popen(("readelf -hld '" + testing_support::sandbox_bin() + "' 2>/dev/null").c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string text;
  char buf[4096];
  while (std::fgets(buf, sizeof(buf), pipe) != nullptr) text += buf;
  if (::pclose(pipe) != 0 || text.empty()) GTEST_SKIP() << "readelf (binutils) is not available";
  EXPECT_EQ(text.find("(NEEDED)"), std::string::npos) << "the launcher loads a shared library:\n" << text;
  EXPECT_EQ(text.find("INTERP"), std::string::npos) << "the launcher needs a dynamic loader:\n" << text;
  EXPECT_NE(text.find("DYN (Position-Independent Executable file)"), std::string::npos)
      << "the launcher is not position-independent:\n" << text;
}

}  // namespace
