// The sandbox's pid 1 after the command is forked (DESIGN §3): it reaps
// every orphan, forwards signals to the command, and exits with the
// command's status; when it exits the kernel kills what is left.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include "util/resident.h"

namespace sandbox::init {

// The signal the supervisor sends init to end the tree gracefully
// (--timeout): init sends SIGTERM to every process in the sandbox.
inline int terminate_tree_signal() noexcept { return SIGRTMIN + 2; }

// The signal a pooled init gets when the client's connection (its report
// fd) may have hung up (O_ASYNC, launch/warm.h): if it has, init kills every
// process of the sandbox, as the cold path's init dies with its supervisor.
inline int client_gone_signal() noexcept { return SIGRTMIN + 3; }

// The signals forwarded to the command: by the supervisor to init, by init
// to the command.
inline constexpr int kForwardedSignals[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT,
                                            SIGUSR1, SIGUSR2, SIGWINCH};

// The signals init forwards, plus SIGCHLD, terminate_tree_signal() and client_gone_signal(). Blocked in init before the fork
// and unblocked in the command before exec.
void fill_signal_set(sigset_t* set) noexcept;

// Never returns: kills and reaps every process left in the sandbox, then
// reports the command's wait status on report_fd and exits (the status is
// the sandbox's end: nothing of it runs any more, only init's own exit and
// the teardown of its namespaces follow).
// With wait_all, waits until the last process in the sandbox is gone.
// children_fd >= 0: init is a subreaper without a pid namespace
// (init/subreaper.h): the tree is signalled through it, and killed before
// init exits.
// Once the command has run for util::kTrimAfter, init drops the resident
// pages of `code` (nothing when null): it only waits from then on.
// report_exit writes the wait status in the launch's report format
// (launch/step.h): init does not depend on the launch that runs it.
using ReportExit = void (*)(int report_fd, int wait_status) noexcept;
[[noreturn]] void reap(pid_t command, bool wait_all, int report_fd, ReportExit report_exit,
                       const util::CodeRanges* code, int children_fd = -1) noexcept;

}  // namespace sandbox::init
