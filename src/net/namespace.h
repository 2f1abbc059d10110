// The sandbox's network namespace (DESIGN §6), made beside init.
//
// A network namespace is the costliest namespace by far to create (0.6-0.7 ms
// here, against 0.15 ms for the user, mount, pid, ipc, uts and cgroup
// namespaces together), so clone3 does not make it. Right after clone3 the
// supervisor forks a helper that enters init's user namespace, unshares a
// network namespace (owned by that user namespace, as if clone3 had made it),
// brings `lo` up and sends the namespace to init, which joins it once its
// view is built: the two run at the same time, on two cores.
//
// The helper stays outside the sandbox's pid namespace and cgroup, so the
// command keeps pid 2 and --pids counts only the sandbox's processes.
#pragma once

#include <sys/types.h>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::net {

// In the supervisor, after clone3: forks the helper, which sends the
// namespace (or its errno) to init over `helper_end`, its end of a
// net::make_channel() pair. Returns the helper's pidfd.
Result<UniqueFd> start_namespace_helper(int init_pidfd, int helper_end);

// In the supervisor: reaps the helper (it exits right after sending).
void reap_namespace_helper(int helper_pidfd) noexcept;

// In init: waits for the helper's namespace and joins it. Returns 0, the
// helper's errno (setns, unshare or loopback) or ours; EPIPE if the helper
// died without a word. Async-signal-safe.
int join_namespace(int init_end) noexcept;

}  // namespace sandbox::net
