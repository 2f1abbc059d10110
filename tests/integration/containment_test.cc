// Containment of pid 1 and the view's hygiene (DESIGN §2.1, §3): init is not
// dumpable, has no capabilities and its own seccomp filter; /dev holds only
// the documented nodes; the lifecycle options are checked.
#include <gtest/gtest.h>

#include "attacks/support.h"
#include "attacks/terminal.h"

using namespace attack;

namespace {

std::string status_field(const std::string& status, const std::string& field) {
  const auto at = status.find(field + ":");
  if (at == std::string::npos) return {};
  const auto begin = status.find_first_not_of(" \t", at + field.size() + 1);
  return status.substr(begin, status.find('\n', begin) - begin);
}

}  // namespace

TEST(Containment, InitIsConfined) {
  // init loads its filter right after the fork: wait (bounded) until it has.
  const auto r = run(sandbox({"sh", "-c",
                              "for i in $(seq 100); do grep -q 'Seccomp:.2' /proc/1/status && break; "
                              "sleep 0.02; done; cat /proc/1/status"}));
  ASSERT_EQ(r.status, 0) << r.err;
  for (const char* caps : {"CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb"}) {
    EXPECT_EQ(status_field(r.out, caps), "0000000000000000") << caps;
  }
  EXPECT_EQ(status_field(r.out, "NoNewPrivs"), "1");
  EXPECT_EQ(status_field(r.out, "Seccomp"), "2");  // its own filter (the command has another)
  EXPECT_EQ(status_field(r.out, "Seccomp_filters"), "1");
  // Not dumpable: its memory and environment are closed even to its uid.
  const auto init_env = run(sandbox({"cat", "/proc/1/environ"}));
  EXPECT_NE(init_env.status, 0);
  EXPECT_NE(init_env.err.find("Permission denied"), std::string::npos) << init_env.err;
  // Control: the command's own are readable.
  EXPECT_EQ(run(sandbox({"cat", "/proc/self/environ"})).status, 0);
}

TEST(Containment, DevHoldsOnlyTheDocumentedNodes) {
  const auto r = run(sandbox({"ls", "-A", "/dev"}));
  ASSERT_EQ(r.status, 0) << r.err;
  EXPECT_EQ(r.out, "fd\nfull\nnull\nrandom\nshm\nstderr\nstdin\nstdout\ntty\nurandom\nzero\n");
  const auto pty = run(sandbox({"--pty", "ls", "-A", "/dev"}));
  EXPECT_NE(pty.out.find("ptmx"), std::string::npos) << pty.out;
  EXPECT_NE(pty.out.find("pts"), std::string::npos) << pty.out;
}

TEST(Containment, CommandHasNoControllingTerminalWithoutAPty) {
  // Control: on the caller's terminal, /dev/tty is that terminal.
  Terminal control;
  const pid_t plain = control.spawn({"sh", "-c", "echo via-tty > /dev/tty"});
  EXPECT_NE(control.read_until("via-tty", 5).find("via-tty"), std::string::npos);
  finish(plain);
  // In the sandbox (--no-pty), the command is in a session of its own.
  Terminal terminal;
  const pid_t boxed = terminal.spawn(sandbox({"--no-pty", "sh", "-c", "echo via-tty > /dev/tty; echo rc=$?"}));
  const std::string out = terminal.read_until("rc=", 5);
  EXPECT_NE(out.find("No such device or address"), std::string::npos) << out;
  EXPECT_EQ(out.find("via-tty\r\n"), std::string::npos) << out;
  finish(boxed);
}

TEST(Containment, LifecycleOptionsAreChecked) {
  for (const char* bad : {"0", "-1", "abc", "1.5", "99999999999"}) {
    const auto r = run(sandbox({"--timeout", bad, "true"}));
    EXPECT_EQ(r.status, 125) << bad;
    EXPECT_NE(r.err.find("--timeout"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run(sandbox({"--timeout", "5", "--wait-all", "true"})).status, 0);
  EXPECT_EQ(run(sandbox({"--list", "true"})).status, 125);
}
