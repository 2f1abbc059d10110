// The child side of the launch: sandbox init (pid 1) and the command.
#pragma once

#include "launch/plan.h"

namespace sandbox::launch {

// Runs in the child of clone3, inside the new namespaces. Never returns:
// on failure it reports (step, errno) on report_fd and exits 125.
[[noreturn]] void run_init(const LaunchPlan& plan, int report_fd) noexcept;

}  // namespace sandbox::launch
