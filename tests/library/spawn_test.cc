// The library as an embedder uses it (DESIGN §11): seal, a Command with its
// own descriptors, environment and directory, spawn, wait, kill, from two
// threads at once, and the host's signal dispositions left alone.
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "sandbox/sandbox.h"
#include "support.h"

using namespace library_test;

namespace {

sandbox::SealedPolicy sealed_default() {
  auto sealed = sandbox::seal(sandbox::Policy::default_profile());
  if (!sealed) ADD_FAILURE() << sealed.error().message();
  return *sealed;
}

sandbox::Command command_of(std::vector<std::string> argv) {
  sandbox::Command command;
  command.argv = std::move(argv);
  command.env = {"PATH=/usr/bin:/bin"};
  return command;
}

TEST(Library, PipesForStdinStdoutAndStderr) {
  Pipe in, out, err;
  ASSERT_GE(in.read, 0);
  sandbox::Command command = command_of({"sh", "-c", "read line; echo \"out:$line\"; echo err:x >&2; exit 3"});
  command.stdin_fd = in.read;
  command.stdout_fd = out.write;
  command.stderr_fd = err.write;
  auto child = sandbox::spawn(sealed_default(), command);
  ASSERT_TRUE(child) << child.error().message();
  in.close_read();
  out.close_write();
  err.close_write();
  ASSERT_EQ(::write(in.write, "hello\n", 6), 6);
  in.close_write();
  const std::string stdout_text = read_all(out.read);
  const std::string stderr_text = read_all(err.read);
  const sandbox::Outcome outcome = child->wait();
  EXPECT_EQ(outcome.kind, sandbox::Outcome::Kind::exited) << outcome.message;
  EXPECT_EQ(outcome.code, 3);
  EXPECT_EQ(stdout_text, "out:hello\n");
  EXPECT_EQ(stderr_text, "err:x\n");
}

TEST(Library, TheCommandsEnvironmentAndWorkingDirectory) {
  TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  sandbox::Policy policy = sandbox::Policy::default_profile();
  policy.grants.push_back({dir.path(), sandbox::Access::read});
  policy.keep_env = {"GREETING"};
  auto sealed = sandbox::seal(policy);
  ASSERT_TRUE(sealed) << sealed.error().message();
  Pipe out;
  sandbox::Command command = command_of({"sh", "-c", "echo \"$GREETING|$(pwd)|${SECRET-unset}\""});
  command.env.push_back("GREETING=hi from the caller");
  command.env.push_back("SECRET=not passed");  // not kept: the policy filters the Command's environment
  command.cwd = dir.path();
  command.stdout_fd = out.write;
  auto child = sandbox::spawn(*sealed, command);
  ASSERT_TRUE(child) << child.error().message();
  out.close_write();
  const std::string text = read_all(out.read);
  EXPECT_EQ(child->wait().exit_status(), 0);
  EXPECT_EQ(text, "hi from the caller|" + dir.path() + "|unset\n");
}

TEST(Library, KillEndsTheSandboxAndWaitReapsIt) {
  auto child = sandbox::spawn(sealed_default(), command_of({"sleep", "60"}));
  ASSERT_TRUE(child) << child.error().message();
  const pid_t pid = child->pid();
  const auto started = std::chrono::steady_clock::now();
  ASSERT_TRUE(child->kill());
  const sandbox::Outcome outcome = child->wait();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(outcome.kind, sandbox::Outcome::Kind::killed) << outcome.message;
  // Reaped: no zombie is left for the host program to collect.
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(Library, ACommandThatExitsIsReaped) {
  auto child = sandbox::spawn(sealed_default(), command_of({"true"}));
  ASSERT_TRUE(child) << child.error().message();
  const pid_t pid = child->pid();
  EXPECT_EQ(child->wait().exit_status(), 0);
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

// Command::status_before_teardown: wait() may return while init still exits
// (nothing of the sandbox runs any more); ~Child reaps it all the same.
TEST(Library, StatusBeforeTeardownStillReapsInit) {
  pid_t pid = -1;
  {
    sandbox::Command command = command_of({"sh", "-c", "exit 3"});
    command.status_before_teardown = true;
    auto child = sandbox::spawn(sealed_default(), command);
    ASSERT_TRUE(child) << child.error().message();
    pid = child->pid();
    EXPECT_EQ(child->wait().exit_status(), 3);
  }
  errno = 0;
  EXPECT_EQ(::waitpid(pid, nullptr, WNOHANG), -1);
  EXPECT_EQ(errno, ECHILD);
}

TEST(Library, TwoThreadsSpawnAtOnce) {
  const sandbox::SealedPolicy sealed = sealed_default();
  constexpr int kThreads = 2;
  constexpr int kRounds = 4;
  std::string seen[kThreads];
  int statuses[kThreads] = {-1, -1};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < kRounds; ++round) {
        Pipe out;
        sandbox::Command command = command_of({"sh", "-c", "echo thread-$0", std::to_string(t)});
        command.stdout_fd = out.write;
        auto child = sandbox::spawn(sealed, command);
        if (!child) {
          seen[t] += "error:" + child.error().message();
          return;
        }
        out.close_write();
        seen[t] += read_all(out.read);
        statuses[t] = child->wait().exit_status();
        if (statuses[t] != 0) return;
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) {
    std::string expected;
    for (int round = 0; round < kRounds; ++round) expected += "thread-" + std::to_string(t) + "\n";
    EXPECT_EQ(seen[t], expected) << "thread " << t;
    EXPECT_EQ(statuses[t], 0) << "thread " << t;
  }
}

volatile sig_atomic_t g_interrupted = 0;
void on_interrupt(int) { g_interrupted = 1; }

bool same_disposition(int sig, const struct sigaction& before) {
  struct sigaction now {};
  ::sigaction(sig, nullptr, &now);
  return now.sa_handler == before.sa_handler && now.sa_flags == before.sa_flags;
}

// The sandbox's init never execs, so CLOEXEC does not close what the host
// had open when it spawned: init closes all of it once the command runs.
// Without that, a pipe the host closed stays open in every sandbox spawned
// meanwhile (its reader waits for an end of file), and so do another
// sandbox's relayed pipes: its `cat` never sees the end of its input.
TEST(Library, ASandboxHoldsNothingTheHostHadOpen) {
  Pipe host;
  Pipe in;
  sandbox::Command reader = command_of({"cat"});
  reader.stdin_fd = in.read;
  auto first = sandbox::spawn(sealed_default(), reader);
  ASSERT_TRUE(first) << first.error().message();
  in.close_read();
  auto second = sandbox::spawn(sealed_default(), command_of({"sleep", "30"}));
  ASSERT_TRUE(second) << second.error().message();
  host.close_write();
  pollfd hangup{host.read, POLLIN, 0};
  EXPECT_EQ(::poll(&hangup, 1, 5000), 1) << "a sandbox still holds the host's pipe";
  EXPECT_NE(hangup.revents & POLLHUP, 0);
  in.close_write();
  const auto started = std::chrono::steady_clock::now();
  EXPECT_EQ(first->wait().exit_status(), 0);  // without the fix: only when `sleep 30` ends
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5))
      << "the first sandbox's input reached its end only when the second ended";
  ASSERT_TRUE(second->kill());
  second->wait();
}

TEST(Library, TheHostsSignalHandlersAndMaskAreItsOwnAfterWait) {
  struct sigaction ignore {};
  ignore.sa_handler = SIG_IGN;
  struct sigaction handler {};
  handler.sa_handler = on_interrupt;
  struct sigaction old_pipe {}, old_int {}, old_term {};
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old_pipe), 0);
  ASSERT_EQ(::sigaction(SIGINT, &handler, &old_int), 0);
  ASSERT_EQ(::sigaction(SIGTERM, &handler, &old_term), 0);
  struct sigaction pipe_before {}, int_before {}, term_before {};
  ::sigaction(SIGPIPE, nullptr, &pipe_before);
  ::sigaction(SIGINT, nullptr, &int_before);
  ::sigaction(SIGTERM, nullptr, &term_before);
  sigset_t mask_before;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mask_before);

  // The program's stdout is a pipe nobody reads any more: the host ignores
  // SIGPIPE and must still be alive and unchanged afterwards.
  Pipe out;
  sandbox::Command command = command_of({"sh", "-c", "sleep 0.2; echo into-a-closed-pipe; exit 0"});
  command.stdout_fd = out.write;
  auto child = sandbox::spawn(sealed_default(), command);
  ASSERT_TRUE(child) << child.error().message();
  out.close_write();
  out.close_read();
  // A SIGINT to the host while it waits is the host's: its handler runs, the
  // sandbox is not told (no forwarding unless Command::forward_signals).
  std::thread interrupter([] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    ::kill(::getpid(), SIGINT);
  });
  const sandbox::Outcome outcome = child->wait();
  interrupter.join();
  EXPECT_EQ(g_interrupted, 1);
  // sh got EPIPE or SIGPIPE writing; either way it was not interrupted by us.
  EXPECT_NE(outcome.kind, sandbox::Outcome::Kind::setup_failed) << outcome.message;
  EXPECT_FALSE(outcome.kind == sandbox::Outcome::Kind::signaled && outcome.code == SIGINT);

  EXPECT_TRUE(same_disposition(SIGPIPE, pipe_before));
  EXPECT_TRUE(same_disposition(SIGINT, int_before));
  EXPECT_TRUE(same_disposition(SIGTERM, term_before));
  sigset_t mask_after;
  ::pthread_sigmask(SIG_SETMASK, nullptr, &mask_after);
  for (int sig = 1; sig < 32; ++sig) {
    EXPECT_EQ(sigismember(&mask_before, sig), sigismember(&mask_after, sig)) << "signal " << sig;
  }
  ::sigaction(SIGPIPE, &old_pipe, nullptr);
  ::sigaction(SIGINT, &old_int, nullptr);
  ::sigaction(SIGTERM, &old_term, nullptr);
}

TEST(Library, ProfilesLoadByName) {
  auto web = sandbox::load_profile("default");
  ASSERT_TRUE(web) << web.error().message();
  auto sealed = sandbox::seal(*web);
  ASSERT_TRUE(sealed) << sealed.error().message();
  auto missing = sandbox::load_profile("no-such-profile-anywhere");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message().find("no-such-profile-anywhere"), std::string::npos);
}

TEST(Library, SealRefusesTheHostsTreesHoweverSpelledAndFixesRelativeGrants) {
  for (const char* spelled : {"/proc/.", "/proc/", "//proc", "/sys/.", "/dev/", "/usr/.."}) {
    sandbox::Policy policy = sandbox::Policy::default_profile();
    policy.grants.push_back({spelled, sandbox::Access::read});
    auto sealed = sandbox::seal(policy);
    EXPECT_FALSE(sealed) << spelled;
    if (!sealed) {
      EXPECT_NE(sealed.error().message().find("refusing"), std::string::npos) << sealed.error().message();
    }
  }
  // A relative grant is made absolute when sealed: the plan resolves the
  // same path whatever directory the process is in by then.
  char cwd[4096];
  ASSERT_NE(::getcwd(cwd, sizeof(cwd)), nullptr);
  sandbox::Policy policy = sandbox::Policy::default_profile();
  policy.grants.push_back({".", sandbox::Access::read});
  auto sealed = sandbox::seal(policy);
  ASSERT_TRUE(sealed) << sealed.error().message();
  EXPECT_EQ(sealed->policy().grants.back().path, std::string(cwd) + "/.");
}

TEST(Library, ACommandWithoutOpenDescriptorsIsRefused) {
  sandbox::Command command = command_of({"true"});
  command.stdout_fd = 1000;  // not open
  auto child = sandbox::spawn(sealed_default(), command);
  ASSERT_FALSE(child);
  EXPECT_NE(child.error().message().find("standard output"), std::string::npos) << child.error().message();
  sandbox::Command relative = command_of({"true"});
  relative.cwd = "relative/dir";
  auto refused = sandbox::spawn(sealed_default(), relative);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("not an absolute path"), std::string::npos);
}

// --explain without a tracer: the explain variant of the seccomp filter
// stops the observed calls for a tracer, and with none every one of them
// fails with ENOSYS. The command's own execve is one: it never runs.
TEST(Library, ExplainWithoutATracerFailsClosedWithEnosys) {
  sandbox::Policy policy = sandbox::Policy::default_profile();
  policy.explain = sandbox::ExplainMode::text;
  auto sealed = sandbox::seal(policy);
  ASSERT_TRUE(sealed) << sealed.error().message();
  auto child = sandbox::spawn(*sealed, command_of({"/bin/true"}));
  ASSERT_TRUE(child) << child.error().message();
  const sandbox::Outcome outcome = child->wait();
  EXPECT_EQ(outcome.kind, sandbox::Outcome::Kind::cannot_execute) << outcome.message;
  EXPECT_EQ(outcome.errno_value, ENOSYS) << outcome.message;
}

}  // namespace
