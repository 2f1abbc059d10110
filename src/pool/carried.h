// What the warm pool carries (DESIGN §14): a job whose policy asks for
// something else launches cold, silently, with the same result.
#pragma once

#include "sandbox/policy.h"

namespace sandbox::pool {

// nullptr, or the first part of the policy the pool does not carry for the
// full client (supervisor/pooled.cc), which keeps --timeout, -l and the
// run report itself.
const char* not_carried(const Policy& policy);

// The same for the lean client (lean/client.cc), which has no deadline,
// label choice or run report of its own: nullptr when the service can
// take its plain `sandbox CMD` under this policy.
const char* not_carried_lean(const Policy& policy);

}  // namespace sandbox::pool
