// Terminal injection (DESIGN §2, §7): TIOCSTI and TIOCLINUX on the caller's
// terminal, a real pseudo-terminal here, in every mode: without a pty (new
// session, and seccomp), with --pty (the program's own terminal), with
// seccomp only logging, as root and as nobody.
#include <gtest/gtest.h>

#include <cerrno>

#include "attacks/support.h"
#include "attacks/terminal.h"

using namespace attack;

namespace {

struct Injection {
  int status = -1;   // the probe's errno
  int injected = 0;  // bytes that landed in the caller's terminal input
};

Injection try_on_terminal(const std::vector<std::string>& argv) {
  Terminal terminal;
  terminal.make_raw();  // every injected byte counts as pending input
  const pid_t pid = terminal.spawn(argv);
  terminal.drain();
  Injection result;
  result.status = finish(pid);
  terminal.drain();
  result.injected = terminal.input_pending();
  return result;
}

std::vector<std::string> boxed(std::vector<std::string> options, const std::string& name) {
  options.push_back(probe("syscall_probe"));
  options.push_back(name);
  return sandbox(options);
}

}  // namespace

TEST(TerminalAttack, TiocstiCannotInjectIntoTheCallersTerminal) {
  // Control: a program whose controlling terminal is the caller's injects.
  const Injection control = try_on_terminal({probe("syscall_probe"), "tiocsti"});
  EXPECT_EQ(control.status, 0);
  EXPECT_EQ(control.injected, 1);

  for (const char* name : {"tiocsti", "tiocsti-high"}) {
    // No pty: a new session (no controlling terminal) and seccomp.
    const Injection plain = try_on_terminal(boxed({"--no-pty"}, name));
    EXPECT_EQ(plain.status, EPERM) << name;
    EXPECT_EQ(plain.injected, 0) << name;
    // The session alone holds when seccomp only logs.
    const Injection session = try_on_terminal(boxed({"--no-pty", "--seccomp=log"}, name));
    EXPECT_EQ(session.status, EPERM) << name;
    EXPECT_EQ(session.injected, 0) << name;
    // With --pty the program's terminal is its own; seccomp denies anyway.
    const Injection pty = try_on_terminal(boxed({"--pty"}, name));
    EXPECT_EQ(pty.status, EPERM) << name;
    EXPECT_EQ(pty.injected, 0) << name;
  }
  // With --pty and seccomp only logging, TIOCSTI works on the program's own
  // terminal, and still nothing reaches the caller's.
  const Injection own = try_on_terminal(boxed({"--pty", "--seccomp=log"}, "tiocsti"));
  EXPECT_EQ(own.status, 0);
  EXPECT_EQ(own.injected, 0);
}

TEST(TerminalAttack, TioclinuxIsDenied) {
  const Injection control = try_on_terminal({probe("syscall_probe"), "tioclinux"});
  EXPECT_NE(control.status, EPERM);  // not a virtual console: the kernel's own answer
  EXPECT_EQ(try_on_terminal(boxed({"--no-pty"}, "tioclinux")).status, EPERM);
  EXPECT_EQ(try_on_terminal(boxed({"--pty"}, "tioclinux")).status, EPERM);
}
