// Letting slirp4netns forward what the sandbox sent before it is killed.
//
// A datagram the program sent just before it exited lies in tap0's queue
// until slirp4netns reads and forwards it; killing slirp4netns as soon as
// the sandbox ends lost such a datagram now and then on a busy machine (1 in
// 40 runs with both CPUs taken; a real network keeps what was sent). So at
// the end the supervisor first waits, for a bounded time, until slirp4netns
// has read everything from tap0 and is back waiting: it takes a copy of
// slirp4netns's tun descriptor (pidfd_getfd: slirp4netns is a descendant of
// the supervisor, in a user namespace the caller owns) and polls it.
// Best effort: a step that fails (an older kernel, a process gone) ends the
// wait, and the caller kills slirp4netns as before.
#pragma once

#include <sys/types.h>

#include <chrono>

namespace sandbox::net {

// keeper: the process whose only child is slirp4netns (slirp_keeper.h).
void drain_tap(pid_t keeper, std::chrono::milliseconds budget) noexcept;

}  // namespace sandbox::net
