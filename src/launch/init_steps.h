// The steps of init and of the command, shared by the cold launch
// (child.cc) and the warm sandboxes of the pool (warm.cc). Async-signal-
// safe: no allocation; each returns 0 or an errno unless it says otherwise.
#pragma once

#include <unistd.h>

#include <cstdint>

#include "launch/plan.h"
#include "launch/step.h"
#include "launch/timing.h"
#include "sandbox/outcome.h"

namespace sandbox::launch {

// Reports a failed step and exits; the supervisor turns it into one line.
class Reporter {
 public:
  Reporter(int fd, StepClock* clock) : fd_(fd), clock_(clock) {}
  int fd() const { return fd_; }
  void check(Step step, int err, std::uint32_t index = 0) const {
    stamp(clock_, step);  // --timing only
    if (err != 0) fail(step, err, index);
  }
  [[noreturn]] void fail(Step step, int err, std::uint32_t index = 0) const {
    Report report;
    report.step = step;
    report.errno_value = err;
    report.index = index;
    [[maybe_unused]] const ssize_t n = ::write(fd_, &report, sizeof(report));
    ::_exit(step == Step::exec ? (err == ENOENT ? kExitNotFound : kExitCannotExecute)
                               : kExitFailure);
  }

 private:
  int fd_;
  StepClock* clock_;
};

// The caller's uid and gid mapped to themselves; setgroups denied first.
int write_id_maps(const LaunchPlan& plan);
int set_hostname(const LaunchPlan& plan);
// Nothing we mount reaches the host.
int make_mounts_private();
// pivot_root(".", "."): the old root ends up stacked on the new one.
int pivot_into(int root_fd);
int detach_old_root();
int make_root_read_only();
// Landlock rules for what exists only inside the view (its /proc, /dev,
// scratch); *index names the mount operation that failed.
int add_view_rules(const LaunchPlan& plan, std::uint32_t* index);
// The command's start under start_vforked(): its own session, no inherited
// authority, Landlock, seccomp, exec (child.cc run_command).
struct CommandStart {
  const LaunchPlan* plan;
  const Reporter* reporter;
  int slave;  // the pty's slave, or -1
};
int command_main(void* arg);

}  // namespace sandbox::launch
