// Init without a pid namespace (--best-effort on a host without user
// namespaces): a child subreaper, so every orphan of the tree is reparented
// to it, which it reaches through its /proc/thread-self/children, opened
// before Landlock and seccomp (reads of an open file are not checked).
#pragma once

#include <sys/types.h>

namespace sandbox::init {

// Becomes a child subreaper and opens its own children list into *fd.
// Returns 0 or an errno. Async-signal-safe.
int become_subreaper(int* fd) noexcept;

// Sends sig to every current child of ours (children_fd from
// become_subreaper); with children_fd < 0 (pid namespace init), to every
// process in the namespace (kill(-1)).
void signal_tree(int children_fd, int sig) noexcept;

// Kills and reaps every descendant: SIGKILL to each child, reap one, repeat
// (a dead child's children are reparented to us) until none is left.
void kill_tree(int children_fd) noexcept;

}  // namespace sandbox::init
