// --static-only (DESIGN §9): the command must be a statically linked ELF
// executable (no PT_INTERP). Only that file is granted (read + execute); no
// system tree and no /etc enter the view, and seccomp refuses memfd_create
// without MFD_NOEXEC_SEAL, so no code can be smuggled into an anonymous
// file and executed (Landlock does not cover memfds: facts/kernel.md §8).
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::launch {

// Checks that `path` is an ELF executable without an interpreter. A dynamic
// one is refused with exit status 126 and a message naming its interpreter.
Result<void> check_static_elf(const std::string& path);

struct Narrowed {
  Policy policy;
  std::vector<std::string> argv;
};

// Under --static-only: the command resolved on the host's PATH (nothing else
// is in the view to search), checked, and the policy without system trees
// or /etc. Otherwise policy and argv unchanged.
Result<Narrowed> narrow_for_static_only(const Policy& policy, const std::vector<std::string>& argv);

}  // namespace sandbox::launch
