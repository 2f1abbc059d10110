// The child side of the launch: sandbox init (pid 1) and the command.
#pragma once

#include <sys/types.h>

#include "launch/plan.h"

namespace sandbox::launch {

// Runs in the child of clone3, inside the new namespaces. Never returns:
// on failure it reports (step, errno) on report_fd and exits 125.
[[noreturn]] void run_init(const LaunchPlan& plan, int report_fd) noexcept;

// Forks the command (run_command: session, no authority, Landlock, seccomp,
// exec) without a pseudo-terminal. Returns its pid, or -1 and errno.
pid_t start_command(const LaunchPlan& plan, int report_fd) noexcept;

// Runs in the child of a clone3 without namespaces (--best-effort on a host
// without user namespaces; launch/child_degraded.cc). Never returns.
[[noreturn]] void run_without_namespaces(const LaunchPlan& plan, int report_fd) noexcept;

}  // namespace sandbox::launch
