// What a policy needs from the running kernel's Landlock, right by right and
// scope by scope (DESIGN §2, §11). seal() checks it against the ABI once; a
// launch that finds no user namespaces checks it again for the degraded mode.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::landlock {

struct LandlockNeed {
  std::string what;  // "the signal scope (init and processes outside cannot be signalled)"
  int abi = 1;       // the first Landlock ABI that has it
};

// Every right and scope the policy depends on beyond Landlock itself (ABI 1).
// without_namespaces: the degraded mode of --best-effort (no user, mount,
// pid or network namespace), where Landlock stands alone.
std::vector<LandlockNeed> landlock_needs(const Policy& policy, bool without_namespaces);

// Checks `abi` (0: no Landlock, `missing` says why) against the policy's
// needs. A missing piece is an error naming it, or under best_effort a line
// appended to `skipped`.
Result<void> check_landlock(const Policy& policy, int abi, const Error& missing, bool without_namespaces,
                            std::vector<std::string>& skipped);

}  // namespace sandbox::landlock
