#include "launch/child_steps.h"

#include <poll.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>

#include "init/reaper.h"

namespace sandbox::launch {

int supervisor_alive(const LaunchPlan& plan) {
  pollfd p{plan.supervisor_pidfd.get(), POLLIN, 0};
  return ::poll(&p, 1, 0) == 0 ? 0 : ESRCH;
}

int enter_working_directory(const LaunchPlan& plan) {
  if (::chdir(plan.cwd.c_str()) == 0) return 0;
  if (::chdir(plan.home.c_str()) == 0) return 0;
  return ::chdir("/") == 0 ? 0 : errno;
}

int block_signals() {
  sigset_t set;
  init::fill_signal_set(&set);
  return ::sigprocmask(SIG_BLOCK, &set, nullptr) == 0 ? 0 : errno;
}

}  // namespace sandbox::launch
