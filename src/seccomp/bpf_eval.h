// A user-space interpreter of classic BPF over struct seccomp_data, so that
// compiled filters are tested without loading them (sandbox2's
// bpf_evaluator idea). It accepts what the kernel's seccomp checker accepts
// and rejects a malformed program with an error instead of guessing.
#pragma once

#include <linux/filter.h>
#include <linux/seccomp.h>

#include <array>
#include <cstdint>
#include <span>

#include "sandbox/error.h"

namespace sandbox::seccomp {

// The seccomp_data the kernel would pass for syscall `nr` of ABI `arch`
// (an AUDIT_ARCH_* value) with these arguments.
seccomp_data make_syscall_data(std::uint32_t arch, int nr,
                               const std::array<std::uint64_t, 6>& args = {},
                               std::uint64_t instruction_pointer = 0);

// Runs `program` on `data` and returns its SECCOMP_RET_* verdict (action and
// data, e.g. SECCOMP_RET_ERRNO | EPERM).
Result<std::uint32_t> evaluate(std::span<const sock_filter> program, const seccomp_data& data);

}  // namespace sandbox::seccomp
