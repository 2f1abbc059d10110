// The child side without namespaces (--best-effort on a host without user
// namespaces): no id maps, hostname, view, pivot_root or loopback. Init is
// a child subreaper that forks the command (the same run_command as in a
// sandbox) and, when the command exits, kills what is left of its tree.
// Async-signal-safe: no allocation, every failure reported as (step, errno).
#include <fcntl.h>
#include <linux/capability.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>

#include "caps/capabilities.h"
#include "cgroup/leaf.h"
#include "handover/place.h"
#include "init/confine.h"
#include "init/reaper.h"
#include "init/subreaper.h"
#include "landlock/ruleset.h"
#include "launch/child.h"
#include "launch/child_steps.h"
#include "launch/step.h"
#include "launch/timing.h"
#include "launch/vfork.h"
#include "sandbox/outcome.h"

namespace sandbox::launch {
namespace {

void check(int report_fd, StepClock* clock, Step step, int err) {
  stamp(clock, step);  // --timing only
  if (err == 0) return;
  Report report;
  report.step = step;
  report.errno_value = err;
  [[maybe_unused]] const ssize_t n = ::write(report_fd, &report, sizeof(report));
  ::_exit(kExitFailure);
}

// Without CAP_SETPCAP (an unprivileged caller on the host) the bounding set
// cannot be dropped; no_new_privs keeps file capabilities from being gained,
// and the ambient and permitted sets are still cleared.
int drop_capabilities() {
  const int err = caps::drop_all();
  if (err != EPERM) return err;
  if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
  __user_cap_data_struct data[2] = {};
  return ::syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

}  // namespace

void run_without_namespaces(const LaunchPlan& plan, int report_fd) noexcept {
  StepClock* clock = plan.step_clock;
  int children = -1;
  check(report_fd, clock, Step::death_signal, ::prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 ? 0 : errno);
  check(report_fd, clock, Step::supervisor_alive, supervisor_alive(plan));  // it may have died before the line above
  check(report_fd, clock, Step::stdio, install_stdio(plan));
  check(report_fd, clock, Step::cgroup_join, cgroup::join_groups(plan.cgroup_join));
  check(report_fd, clock, Step::subreaper, init::become_subreaper(&children));  // orphans come to us, not the host's init
  std::size_t index = 0;
  check(report_fd, clock, Step::relay_pipes, handover::place_inner_pipes(plan.handed, &index));  // before any fork
  check(report_fd, clock, Step::working_directory, enter_working_directory(plan));
  if (plan.explain_sync) check(report_fd, clock, Step::explain_attach, await_tracer(plan));  // --explain
  check(report_fd, clock, Step::init_confinement, init::make_undumpable());
  check(report_fd, clock, Step::drop_capabilities, drop_capabilities());
  check(report_fd, clock, Step::no_new_privs, caps::set_no_new_privs());
  if (plan.ruleset) check(report_fd, clock, Step::landlock, landlock::restrict_self(plan.ruleset->fd()));
  check(report_fd, clock, Step::fork_command, block_signals());      // before fork: no SIGCHLD is lost
  const pid_t command = start_command(plan, report_fd);
  if (command < 0) check(report_fd, clock, Step::fork_command, errno);
  check(report_fd, clock, Step::init_descriptors, close_all_but(report_fd, children));  // nothing of the spawning process stays open in init
  check(report_fd, clock, Step::init_filter, seccomp::install(plan.init_filter));
  init::reap(command, plan.wait_all, report_fd, report_exit, &plan.code, children);         // kills the tree before it exits
}

}  // namespace sandbox::launch
