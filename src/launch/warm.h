// A warm sandbox of the pool (`sandbox --serve`, DESIGN §14): an init made
// ahead of its job.
//
// The service plans a launch of the default profile for a placeholder
// command and clones a child into new user and pid namespaces; the child
// makes its mount, network, ipc, uts and cgroup namespaces itself (all off
// the job's critical path, see kWarmUnshareNamespaces). That child runs the
// creation-time part of run_init's sequence at once (maps, hostname, the
// view, pivot_root, loopback), says `ready` on `control` and waits. The job
// arrives as a `dispatch` message (pool/message.h): argv, environment,
// working directory, rlimits, the job's Landlock ruleset (planned by the
// service from the client's job with make_plan, as the cold path plans it)
// and the descriptors: the client's connection and its 0, 1, 2. The rest
// is run_init's sequence from the Landlock rules of the view on: the job's
// own Landlock domain, its own seccomp filter in the command, and the
// status straight to the client before the teardown. If the client hangs
// up, init kills the sandbox (init::client_gone_signal); if the service
// dies, PR_SET_PDEATHSIG kills init and with it its pid namespace.
//
// The service is single-threaded, so after the fork the child may
// allocate (it parses the job). Never returns; a failure before the job is
// reported on `control`, one after it on the client's connection.
#pragma once

#include <sched.h>

#include <cstdint>

#include "launch/plan.h"

namespace sandbox::launch {

// The namespaces the service's clone3 makes (the user namespace, which owns
// the others, and the pid namespace, whose pid 1 the child is), and those
// the child makes itself with unshare() once its id maps are written: made
// there, on the child's CPU, they keep the single-threaded service blocked
// in clone3 for less time per warm sandbox (a network namespace alone costs
// ~0.65 ms), while a job may be waiting for it. Every warm sandbox has all
// seven of its own either way.
inline constexpr std::uint64_t kWarmCloneNamespaces = CLONE_NEWUSER | CLONE_NEWPID;
inline constexpr std::uint64_t kWarmUnshareNamespaces =
    CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWCGROUP;

[[noreturn]] void run_warm_init(LaunchPlan& plan, int control_fd) noexcept;

// The per-job part the service sends a warm init (pool::Kind::dispatch),
// and what it needs besides: fds are {connection, 0, 1, 2, ruleset or -1}.
std::vector<std::string> dispatch_fields(const LaunchPlan& job);

// The creation-time part of a plan, one line per item: identity maps,
// hostname, network mode, every mount of the view. A warm sandbox made
// from one plan serves a job whose plan has the same lines.
std::vector<std::string> creation_part(const LaunchPlan& plan);
// Why a job's plan cannot run in a warm sandbox of creation part `warm`
// ("" when it can): another view or identity, or a per-job part the pool
// does not carry (a pseudo-terminal, descriptors beyond 0-2, a handed file
// init must reopen read-only, -i files, --net=filtered).
std::string misfit(const LaunchPlan& job, const std::vector<std::string>& warm);

}  // namespace sandbox::launch
