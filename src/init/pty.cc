#include "init/pty.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/fd_passing.h"

#ifndef TIOCGPTPEER
#define TIOCGPTPEER _IO('T', 0x41)
#endif

namespace sandbox::init {

Result<PtyPlan> plan_pty(PtyMode mode, const int (&stdio)[3]) {
  PtyPlan plan;
  bool tty[3];
  bool any = false;
  for (int fd = 0; fd < 3; ++fd) {
    tty[fd] = ::isatty(stdio[fd]) == 1;
    any = any || tty[fd];
  }
  plan.enabled = mode == PtyMode::always || (mode == PtyMode::automatic && tty[0] && tty[1]);
  if (!plan.enabled) return plan;
  // Every standard descriptor that is a terminal is replaced, so the caller's
  // terminal never reaches the program; with none (--pty on pipes), all three.
  for (int fd = 0; fd < 3; ++fd) plan.replace[fd] = any ? tty[fd] : true;
  for (int fd = 0; fd < 3; ++fd) {
    if (!tty[fd]) continue;
    plan.has_size = ::ioctl(stdio[fd], TIOCGWINSZ, &plan.size) == 0;
    plan.has_modes = ::tcgetattr(stdio[fd], &plan.modes) == 0;
    break;
  }
  int ends[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) {
    return Error::from_errno("cannot create the socket pair for the pseudo-terminal");
  }
  plan.child_end = UniqueFd(ends[0]);
  plan.supervisor_end = UniqueFd(ends[1]);
  return plan;
}

int open_pty(const PtyPlan& plan, int* slave) noexcept {
  // The view's own devpts instance: its numbers and nodes are the sandbox's.
  const int master = ::open("/dev/pts/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return errno;
  int err = 0;
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) != 0) err = errno;
  if (err == 0 && plan.has_modes && ::tcsetattr(master, TCSANOW, &plan.modes) != 0) err = errno;
  if (err == 0 && plan.has_size && ::ioctl(master, TIOCSWINSZ, &plan.size) != 0) err = errno;
  if (err == 0) {
    // The peer by descriptor, not by a path someone could replace.
    *slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (*slave < 0) err = errno;
  }
  if (err == 0) err = util::send_fd(plan.child_end.get(), 0, master);
  ::close(master);
  ::close(plan.child_end.get());
  ::close(plan.supervisor_end.get());
  return err;
}

int receive_master(int socket, int* master) noexcept {
  int word = 0;
  const int err = util::receive_fd(socket, MSG_DONTWAIT, &word, master);
  if (err != 0) return err;
  return *master >= 0 ? 0 : EPIPE;  // init failed before sending (it reports why) or died
}

int attach_terminal(const PtyPlan& plan, int slave) noexcept {
  if (::ioctl(slave, TIOCSCTTY, 0) != 0) return errno;  // job control: our own terminal
  for (int fd = 0; fd < 3; ++fd) {
    if (plan.replace[fd] && ::dup2(slave, fd) < 0) return errno;
  }
  if (slave > 2) ::close(slave);
  return 0;
}

}  // namespace sandbox::init
