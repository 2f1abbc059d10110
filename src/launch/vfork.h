// Starting the command without copying init's memory.
//
// fork() copies the address space that init inherited from the supervisor
// (page tables, then copy-on-write faults on both sides): 0.3-0.5 ms of CPU
// per launch (BENCHMARKS.md). The command only sets up its own process
// attributes and execs, so it can share init's memory until then, the way
// posix_spawn does: clone(CLONE_VM | CLONE_VFORK) on a stack of its own,
// with init suspended until the command has exec'd or exited.
#pragma once

#include <sys/types.h>

namespace sandbox::launch {

// Runs fn(arg) in a new child process sharing our memory; returns its pid
// once it has exec'd or exited (-1 and errno on failure). fn must not return
// into shared state: it execs or _exits. Async-signal-safe, no allocation
// (the stack is mmap'd and unmapped here).
pid_t start_vforked(int (*fn)(void*), void* arg) noexcept;

}  // namespace sandbox::launch
