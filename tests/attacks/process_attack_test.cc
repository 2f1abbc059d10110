// Escapes through the process tree (DESIGN §3): daemons outliving the
// sandbox, a command ignoring SIGTERM, the supervisor SIGKILLed, signals to
// the caller's process group, ptrace and process_vm_readv of pid 1 and the
// supervisor.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <poll.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "attacks/support.h"

using namespace attack;
using testing_support::TempDir;

namespace {

// `setsid sh -c 'sleep X &'` double-forks a daemon in a new session.
std::vector<std::string> daemonize(const std::string& sleep_arg) {
  return {"sh", "-c", "setsid sh -c 'sleep " + sleep_arg + " >/dev/null 2>&1 &'; exit 0"};
}

}  // namespace

TEST(ProcessAttack, SetsidDoubleForkedDaemonDiesWithTheSandbox) {
  const std::string token = unique_sleep_argument();
  // Control: without the sandbox the daemon outlives its parent.
  EXPECT_EQ(run(daemonize(token)).status, 0);
  EXPECT_TRUE(wait_for([&] { return !processes_with(token).empty(); }, 2)) << "control daemon not seen";
  kill_all_with(token);
  ASSERT_TRUE(wait_for([&] { return processes_with(token).empty(); }, 2));

  const auto r = run(sandbox(daemonize(token)));
  EXPECT_EQ(r.status, 0) << r.err;
  EXPECT_TRUE(processes_with(token).empty()) << "a daemon outlived the sandbox";
  kill_all_with(token);
}

// Whether some process holds a flock(1) lock on `path` (shared or not).
bool lock_held(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

// The status comes back as soon as the sandbox's last process is gone, before
// its namespaces are torn down (DESIGN §14), never before that: init kills and
// reaps every process left before it reports. Daemons that ignore every
// catchable signal each hold a lock on a granted file until they die; the
// lock is tried the instant the status is back (one system call: a status
// given before the kill would leave them alive for the whole teardown of the
// namespaces), and repeated to catch that window.
TEST(ProcessAttack, NothingOfTheSandboxRunsOnceTheStatusIsBack) {
  TempDir dir(true);
  const std::string lock = dir.write("lock", "", 0666);
  const std::string token = unique_sleep_argument();
  const std::string daemons = "for i in 1 2 3 4; do setsid sh -c 'trap \"\" HUP TERM INT; exec flock -s " + lock +
                              " sleep " + token + "' </dev/null >/dev/null 2>&1 & done; sleep 0.3; exit 5";
  // Control: unconfined, the daemons still hold the lock when the command is back.
  EXPECT_EQ(run({"sh", "-c", daemons}).status, 5);
  EXPECT_TRUE(lock_held(lock)) << "control daemons hold no lock";
  kill_all_with(token);
  ASSERT_TRUE(wait_for([&] { return !lock_held(lock); }, 2));

  for (int i = 0; i < 20; ++i) {
    // stdio on /dev/null (no relay thread to stop first): the status is back
    // the moment the kernel has it.
    const pid_t supervisor = start(sandbox({"--rw", dir.path(), "sh", "-c", daemons}));
    const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, supervisor, 0));
    pollfd exited{pidfd, POLLIN, 0};
    const bool ended = ::poll(&exited, 1, 10'000) == 1;  // bounded: a hung sandbox fails, never hangs
    if (!ended) ::kill(supervisor, SIGKILL);
    int status = 0;
    ::waitpid(supervisor, &status, 0);
    const bool held = lock_held(lock);  // the instant the status is back
    ::close(pidfd);
    ASSERT_TRUE(ended) << "the sandbox did not end within 10 s";
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 5) << status;
    EXPECT_FALSE(held) << "a daemon of the sandbox still ran when its status came back (run " << i << ")";
    kill_all_with(token);
    if (held) wait_for([&] { return !lock_held(lock); }, 2);
  }
}

TEST(ProcessAttack, WaitAllWaitsForTheDaemonWithinTheTimeout) {
  // --wait-all: the daemon keeps the sandbox alive until --timeout ends it all.
  const auto begin = std::chrono::steady_clock::now();
  const auto r = run(sandbox({"--wait-all", "--timeout", "1", "sh", "-c",
                              "setsid sh -c 'sleep 30 &'; exit 0"}));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_GE(elapsed, 0.9);
  EXPECT_LT(elapsed, 5.0);
  // Without the daemon, --wait-all returns when the command does.
  const auto quick = run(sandbox({"--wait-all", "--timeout", "5", "sh", "-c", "exit 3"}));
  EXPECT_EQ(quick.status, 3) << quick.err;
}

TEST(ProcessAttack, CommandIgnoringSigtermIsKilledAfterTheGracePeriod) {
  const std::string token = unique_sleep_argument();
  const auto begin = std::chrono::steady_clock::now();
  const auto r = run(sandbox({"--timeout", "1", "sh", "-c", "trap '' TERM; sleep " + token + "; true"}));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(r.status, 124) << r.err;
  // SIGTERM alone did not end it (the trap held): only the SIGKILL after the
  // 2 s grace period did, so it took longer than the timeout itself.
  EXPECT_GE(elapsed, 2.5);
  EXPECT_LT(elapsed, 6.0);
  EXPECT_NE(r.err.find("timed out"), std::string::npos) << r.err;
  EXPECT_TRUE(processes_with(token).empty());
  kill_all_with(token);
}

TEST(ProcessAttack, TimeoutEndsAPlainCommandWithin3Seconds) {
  const auto begin = std::chrono::steady_clock::now();
  const auto r = run(sandbox({"--timeout", "1", "sleep", "20"}));
  const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - begin).count();
  EXPECT_EQ(r.status, 124) << r.err;
  EXPECT_LT(elapsed, 3.0);
}

TEST(ProcessAttack, SupervisorSigkillKillsTheWholeSandbox) {
  const std::string token = unique_sleep_argument();
  // Control: an ordinary parent SIGKILLed leaves its child running.
  const pid_t plain = start({"sh", "-c", "sleep " + token + " & wait"});
  ASSERT_TRUE(wait_for([&] { return !processes_with(token).empty(); }, 5));
  ::kill(plain, SIGKILL);
  finish(plain);
  EXPECT_FALSE(processes_with(token).empty()) << "control: the orphan should survive";
  kill_all_with(token);
  ASSERT_TRUE(wait_for([&] { return processes_with(token).empty(); }, 2));

  const pid_t supervisor =
      start(sandbox({"sh", "-c", "setsid sh -c 'sleep " + token + " &'; sleep " + token}));
  ASSERT_TRUE(wait_for([&] { return processes_with(token).size() >= 2; }, 5));
  ::kill(supervisor, SIGKILL);
  finish(supervisor);
  EXPECT_TRUE(wait_for([&] { return processes_with(token).empty(); }, 2))
      << "processes of the sandbox outlived its supervisor";
  kill_all_with(token);
}

TEST(ProcessAttack, KillZeroDoesNotReachTheCallersProcessGroup) {
  // The sandbox runs in the process group of a sentinel, as a shell job would.
  const std::string token = unique_sleep_argument();
  const pid_t sentinel = start({"sleep", token});
  // Control: the same probe without the sandbox kills its whole group.
  const pid_t control = start({probe("attack_probe"), "kill-group"}, sentinel);
  finish(control);
  EXPECT_EQ(finish(sentinel, 2), 128 + SIGTERM) << "control: kill(0) should reach the group";

  const pid_t sentinel2 = start({"sleep", token});
  const pid_t boxed = start(sandbox({probe("attack_probe"), "kill-group"}), sentinel2);
  EXPECT_EQ(finish(boxed), 0);  // kill(0) worked on its own (new) session's group
  EXPECT_EQ(::kill(sentinel2, 0), 0) << "the sandbox signalled the caller's process group";
  ::kill(sentinel2, SIGKILL);
  finish(sentinel2);
}

TEST(ProcessAttack, KillMinusOneReachesOnlyTheSandbox) {
  const std::string token = unique_sleep_argument();
  const pid_t sentinel = start({"sleep", token});
  const auto r = run(sandbox({probe("attack_probe"), "kill-all"}));
  // kill(-1) works inside (it terminated the probe's own child)...
  EXPECT_EQ(r.status, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("own child terminated"), std::string::npos) << r.out;
  // ...and nothing outside the sandbox received it.
  EXPECT_EQ(::kill(sentinel, 0), 0);
  ::kill(sentinel, SIGKILL);
  finish(sentinel);
}

TEST(ProcessAttack, CannotSignalInit) {
  // Landlock's signal scope: the command's domain is nested in init's.
  EXPECT_EQ(attack_probe({}, "kill", {"1"}), EPERM);
  // Control: the probe can signal a process it may reach (its own parent).
  EXPECT_EQ(unconfined("attack_probe", {"kill", std::to_string(::getpid())}), 0);
}

TEST(ProcessAttack, CannotPtraceInitOrTheSupervisor) {
  EXPECT_EQ(syscall_probe({}, "ptrace-attach", {"1"}), EPERM);
  EXPECT_EQ(syscall_probe({}, "process_vm_readv", {"1"}), EPERM);
  // Even with ptrace allowed, pid 1 is out of reach (undumpable, outer Landlock domain)...
  EXPECT_EQ(syscall_probe({"--allow-ptrace"}, "ptrace-attach", {"1"}), EPERM);
  EXPECT_EQ(syscall_probe({"--allow-ptrace"}, "process_vm_readv", {"1"}), EPERM);
  // ...while the probe can trace its own processes there: the probe works.
  const auto own = run(sandbox({"--allow-ptrace", "--exec", probe("syscall_probe"), "sh", "-c", "sleep 5 & exec " +
                                probe("syscall_probe") + " ptrace-attach $!"}));
  EXPECT_EQ(own.status, 0) << own.out << own.err;
  const auto own_read = run(sandbox({"--allow-ptrace", "--exec", probe("syscall_probe"), "sh", "-c", "sleep 5 & exec " +
                                     probe("syscall_probe") + " process_vm_readv $!"}));
  EXPECT_EQ(own_read.status, EFAULT) << own_read.out << own_read.err;  // allowed: bad address
  // The supervisor is not in the sandbox's pid namespace: it cannot be named.
  const std::string token = unique_sleep_argument();
  const pid_t supervisor = start(sandbox({"sleep", token}));
  ASSERT_TRUE(wait_for([&] { return !processes_with(token).empty(); }, 5));
  EXPECT_EQ(syscall_probe({"--allow-ptrace"}, "ptrace-attach", {std::to_string(supervisor)}), ESRCH);
  EXPECT_EQ(attack_probe({}, "kill", {std::to_string(supervisor)}), ESRCH);
  // Control: outside, the same uid may trace it.
  EXPECT_EQ(unconfined("syscall_probe", {"process_vm_readv", std::to_string(supervisor)}), EFAULT);
  ::kill(supervisor, SIGKILL);
  finish(supervisor);
  kill_all_with(token);
}

// setgroups "succeeds" in the sandbox (xterm's initgroups() as root) but
// changes nothing: the user namespace denies it for good and the program has
// no capability. A program that joins the group of a host file it could not
// read still cannot read it; one that drops its groups keeps them.
TEST(ProcessAttack, SetgroupsSucceedsButGivesAndDropsNoGroup) {
  const std::string file = "/var/log/apt/term.log";  // root:adm 0640 on Debian
  struct stat st {};
  if (::stat(file.c_str(), &st) != 0 || (st.st_mode & 0044) != 0040) GTEST_SKIP() << file << " is not group-only here";
  const std::string script = R"(
import os, sys
before = os.getgroups()
os.setgroups([int(sys.argv[2])])
print("same" if os.getgroups() == before else "changed")
os.setgroups([])
print("same" if os.getgroups() == before else "changed")
try:
    open(sys.argv[1]).read(1)
    print("read")
except PermissionError:
    print("denied")
)";
  const auto r = run(sandbox({"--ro", file, "python3", "-c", script, file, std::to_string(st.st_gid)}));
  ASSERT_EQ(r.status, 0) << r.err;
  // Root owns the file (it reads it as its owner); anyone else joined no group.
  EXPECT_EQ(r.out, ::geteuid() == st.st_uid ? "same\nsame\nread\n" : "same\nsame\ndenied\n");
}
