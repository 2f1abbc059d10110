// The program's own pseudo-terminal (DESIGN §2, terminal; `--pty`).
//
// Decided and prepared in the supervisor before clone3 (plan_pty): whether a
// pty is used, which of 0, 1, 2 it replaces, the caller's window size and
// modes, and a socketpair. In the child, init opens the master in the view's
// own devpts instance (open_pty), sends it to the supervisor over the
// socketpair (SCM_RIGHTS) and keeps the slave; the command makes the slave
// its controlling terminal after setsid (attach_terminal), so it keeps job
// control while the caller's terminal never reaches it. The supervisor then
// relays between the caller's terminal and the master (supervisor/pty_relay.h).
#pragma once

#include <sys/ioctl.h>
#include <termios.h>

#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::init {

struct PtyPlan {
  bool enabled = false;
  bool replace[3] = {false, false, false};  // which of 0, 1, 2 become the slave
  bool has_size = false;                    // the caller's window size, if it has one
  winsize size{};
  bool has_modes = false;                   // the caller's terminal modes, copied to the pty
  termios modes{};
  UniqueFd child_end;       // init sends the master over it
  UniqueFd supervisor_end;  // the supervisor receives it
};

// Decides from the mode and the descriptors that become the program's 0, 1
// and 2 (the Command's): automatic means a pty when stdin and stdout are
// both terminals.
Result<PtyPlan> plan_pty(PtyMode mode, const int (&stdio)[3]);

// ---- child side: async-signal-safe, no allocation -------------------------

// In init, while it may still open /dev/pts/ptmx: opens the master, copies the
// caller's modes and size to it, sends it to the supervisor and closes both
// socket ends; the slave (O_CLOEXEC) is returned in *slave. Returns 0 or errno.
int open_pty(const PtyPlan& plan, int* slave) noexcept;

// In the supervisor: receives the master init sent (O_CLOEXEC). Returns 0,
// EAGAIN when nothing is there yet, or another errno when none will come.
int receive_master(int socket, int* master) noexcept;

// In the command, after setsid: the slave becomes its controlling terminal
// and replaces the planned standard descriptors. Returns 0 or errno.
int attach_terminal(const PtyPlan& plan, int slave) noexcept;

}  // namespace sandbox::init
