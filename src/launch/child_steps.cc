#include "launch/child_steps.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "init/reaper.h"
#include "util/sys.h"

namespace sandbox::launch {

int supervisor_alive(const LaunchPlan& plan) {
  pollfd p{plan.supervisor_pidfd.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0 ? 0 : ESRCH;
}

int install_stdio(const LaunchPlan& plan) {
  if (plan.stdio[0] == 0 && plan.stdio[1] == 1 && plan.stdio[2] == 2) return 0;
  int high[3] = {-1, -1, -1};
  int err = 0;
  for (int i = 0; i < 3 && err == 0; ++i) {
    high[i] = ::fcntl(plan.stdio[i], F_DUPFD_CLOEXEC, 3);
    if (high[i] < 0) err = errno;
  }
  for (int i = 0; i < 3 && err == 0; ++i) {
    if (::dup2(high[i], i) < 0) err = errno;  // dup2 clears close-on-exec
  }
  for (int fd : high) {
    if (fd >= 0) ::close(fd);
  }
  return err;
}

int enter_working_directory(const LaunchPlan& plan) {
  if (::chdir(plan.cwd.c_str()) == 0) return 0;
  if (::chdir(plan.home.c_str()) == 0) return 0;
  return ::chdir("/") == 0 ? 0 : errno;
}

int close_all_but(int keep, int also) {
  int fds[] = {keep, also};
  return sys::close_all_except(0, fds, 2);
}

int await_tracer(const LaunchPlan& plan) {
  char byte = 0;
  for (;;) {
    const ssize_t n = ::read(plan.explain_sync.get(), &byte, 1);
    if (n == 1) return 0;
    if (n == 0) return ECHILD;  // the supervisor closed it untraced: no tracer, no command
    if (errno != EINTR) return errno;
  }
}

int block_signals() {
  sigset_t set;
  init::fill_signal_set(&set);
  return ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0 ? 0 : errno;
}

}  // namespace sandbox::launch
