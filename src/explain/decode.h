// Decoding an observed call at its seccomp stop: which operation, on which
// path or address. Paths and socket addresses are read from the stopped
// program's memory (process_vm_readv) and made absolute with its working
// directory or directory descriptor (/proc/PID/cwd, /proc/PID/fd/N).
#pragma once

#include <sys/types.h>

#include <array>
#include <cstdint>

#include "explain/attempt.h"

namespace sandbox::explain {

// The call `nr` with these arguments, of the stopped process pid: its
// operation, path or address, command name and syscall name. For the
// observed set of the seccomp variant (seccomp/rules.cc kObserved) and the
// deny list.
Attempt decode_entry(pid_t pid, std::uint64_t nr, const std::array<std::uint64_t, 6>& args,
                     bool denied_call);

}  // namespace sandbox::explain
