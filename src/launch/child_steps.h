// Child-side steps shared by init with namespaces (child.cc) and without
// them (child_degraded.cc). Async-signal-safe; each returns 0 or an errno.
#pragma once

#include "launch/plan.h"

namespace sandbox::launch {

// PR_SET_PDEATHSIG is lost if the supervisor died before it was set;
// getppid() is 0 in a new pid namespace, so ask the supervisor's pidfd.
int supervisor_alive(const LaunchPlan& plan);

// The Command's descriptors become 0, 1 and 2 (duplicated above 2 first, so
// that any order of sources works).
int install_stdio(const LaunchPlan& plan);

// The caller's working directory when the view has it, else $HOME, else /.
int enter_working_directory(const LaunchPlan& plan);

// Once the command runs, init closes every descriptor but `keep` and
// `also` (-1: none): it never execs, so CLOEXEC does not close them, and
// otherwise it would hold what the process that spawned it had open (a
// library host's sockets, another sandbox's relayed pipes, whose reader
// then never sees its end of file) for as long as the sandbox lives.
int close_all_but(int keep, int also);

// --explain: waits until the supervisor traces us (one byte on
// plan.explain_sync); end of file means it could not, and we stop (fail
// closed). Before we become undumpable: only then can it attach.
int await_tracer(const LaunchPlan& plan);

// Blocks the signals init forwards, and SIGCHLD: none is lost before reap().
int block_signals();

}  // namespace sandbox::launch
