// --pty (DESIGN §2, terminal): an interactive shell on a pseudo-terminal of
// its own keeps job control, the caller's terminal is raw while it runs and
// gets its modes back afterwards, and window size changes reach the program.
#include <gtest/gtest.h>
#include <signal.h>
#include <termios.h>

#include "attacks/support.h"
#include "attacks/terminal.h"

using namespace attack;

namespace {

bool same_modes(const termios& a, const termios& b) {
  return a.c_iflag == b.c_iflag && a.c_oflag == b.c_oflag && a.c_lflag == b.c_lflag &&
         a.c_cflag == b.c_cflag;
}

}  // namespace

TEST(Pty, InteractiveShellHasJobControlAndTheTerminalIsRestored) {
  Terminal terminal;
  const termios before = terminal.modes();
  ASSERT_NE(before.c_lflag & ICANON, 0U);
  const pid_t pid = terminal.spawn(sandbox({"--pty", "sh"}));
  terminal.type("echo ready-$((20+22))\n");
  ASSERT_NE(terminal.read_until("ready-42", 10).find("ready-42"), std::string::npos);
  // While the sandbox runs, the caller's terminal is raw: the relay passes
  // every byte on (this is what must be undone at the end).
  EXPECT_EQ(terminal.modes().c_lflag & ICANON, 0U);
  terminal.type("sleep 10 &\n");
  terminal.type("jobs; echo jobs-$((1+1))\n");
  const std::string out = terminal.read_until("jobs-2", 10);
  EXPECT_NE(out.find("Running"), std::string::npos) << out;
  EXPECT_NE(out.find("sleep 10"), std::string::npos) << out;
  // Its own terminal, from the sandbox's own devpts instance.
  terminal.type("tty; echo tty-$((2+2))\n");
  EXPECT_NE(terminal.read_until("tty-4", 10).find("/dev/pts/0"), std::string::npos);
  terminal.type("kill %1; exit 5\n");
  EXPECT_EQ(finish(pid, 10), 5);
  EXPECT_TRUE(same_modes(terminal.modes(), before)) << "the caller's terminal modes were not restored";
}

TEST(Pty, TerminalIsRestoredWhenTheSandboxIsHungUp) {
  Terminal terminal;
  const termios before = terminal.modes();
  const pid_t pid = terminal.spawn(sandbox({"--pty", "sh"}));
  terminal.type("echo up-$((3+4))\n");
  ASSERT_NE(terminal.read_until("up-7", 10).find("up-7"), std::string::npos);
  EXPECT_EQ(terminal.modes().c_lflag & ICANON, 0U);
  ::kill(pid, SIGHUP);  // forwarded to the shell, which ends; the relay unwinds
  finish(pid, 10);
  EXPECT_TRUE(same_modes(terminal.modes(), before));
}

TEST(Pty, WindowSizeChangesReachTheProgram) {
  Terminal terminal;
  const pid_t pid = terminal.spawn(sandbox({"--pty", "sh"}));
  terminal.type("stty size; echo size-$((5+5))\n");
  EXPECT_NE(terminal.read_until("size-10", 10).find("30 100"), std::string::npos);
  winsize size{};
  size.ws_row = 40;
  size.ws_col = 120;
  terminal.resize(size);
  ::kill(pid, SIGWINCH);  // what the terminal emulator's kernel does for it
  terminal.type("stty size; echo size-$((6+6))\n");
  EXPECT_NE(terminal.read_until("size-12", 10).find("40 120"), std::string::npos);
  terminal.type("exit\n");
  EXPECT_EQ(finish(pid, 10), 0);
}

TEST(Pty, AutomaticOnlyOnATerminalAndRefusedWithNoPty) {
  // On a terminal, a pty is the default: /dev/pts exists in the view.
  Terminal terminal;
  const pid_t pid = terminal.spawn(sandbox({"sh", "-c", "test -e /dev/pts/ptmx && echo has-pts"}));
  EXPECT_NE(terminal.read_until("has-pts", 10).find("has-pts"), std::string::npos);
  finish(pid);
  // --no-pty, or pipes: no pts in the view at all (DESIGN §2.1).
  const auto piped = run(sandbox({"sh", "-c", "test -e /dev/pts || echo no-pts"}));
  EXPECT_EQ(piped.out, "no-pts\n");
  Terminal other;
  const pid_t refused = other.spawn(sandbox({"--no-pty", "sh", "-c", "test -e /dev/pts || echo no-pts"}));
  EXPECT_NE(other.read_until("no-pts", 10).find("no-pts"), std::string::npos);
  finish(refused);
}
