// What confines the sandbox's pid 1 itself, and the command's fresh keyring
// (DESIGN §3: init is confined like the program and not dumpable).
#pragma once

namespace sandbox::init {

// PR_SET_DUMPABLE 0: nobody without CAP_SYS_PTRACE over our user namespace
// may ptrace pid 1 or read its /proc/1/{mem,environ,fd}. Returns 0 or errno.
int make_undumpable() noexcept;

// A new anonymous session keyring: the caller's session keys are no longer
// "possessed", so they cannot be read even where keyctl is allowed
// (--seccomp=log). Kernels without keys (ENOSYS) have nothing to hide.
int join_fresh_keyring() noexcept;

}  // namespace sandbox::init
