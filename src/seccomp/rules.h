// The rule lists behind seccomp::compile and compile_init_filter, added to a
// libseccomp context. Internal to src/seccomp/.
#pragma once

#include <seccomp.h>

#include <cstdint>
#include <memory>

#include "sandbox/error.h"
#include "seccomp/filter.h"

namespace sandbox::seccomp {

struct ContextDeleter {
  void operator()(void* ctx) const { seccomp_release(ctx); }
};
// An owned scmp_filter_ctx.
using Context = std::unique_ptr<void, ContextDeleter>;

// The actions of the program's filter: what a denied call gets.
struct DenyActions {
  std::uint32_t deny;    // SCMP_ACT_ERRNO(EPERM), or SCMP_ACT_LOG
  std::uint32_t enosys;  // SCMP_ACT_ERRNO(ENOSYS) for clone3, or SCMP_ACT_LOG
};

// The native syscall number of `name`, or -1 when this ABI has no such call
// (vm86 on x86_64) or libseccomp does not know it and neither do we.
int resolve_syscall(const char* name);

// The deny list of DESIGN §7, with the options' additions. personality is
// not here: libseccomp cannot express its 32-bit "neither 0 nor 0xffffffff"
// test, so filter.cc prepends a hand-written check.
Result<void> add_deny_rules(scmp_filter_ctx ctx, const FilterOptions& options,
                            const DenyActions& actions);

// --explain: SCMP_ACT_TRACE(kTraceObserved) for the observed calls. Never
// on a call the deny list already names with conditions (clone gets the
// complement of its denied flags), so no rule hides a deny.
Result<void> add_observe_rules(scmp_filter_ctx ctx);

// The allow list of the sandbox's pid 1 (over a default of EPERM).
Result<void> add_init_allow_rules(scmp_filter_ctx ctx);

}  // namespace sandbox::seccomp
