// --best-effort on a host without user namespaces (DESIGN §1, issue 4):
// what the supervisor does when clone3 with the namespaces fails.
#pragma once

#include <string>
#include <vector>

#include "launch/plan.h"
#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::supervisor {

// Called with the errno of the failed clone3. Without --best-effort, or when
// the errno does not mean "no user namespaces", the error to return (naming
// the missing layer and how to enable it). With it, replans `plan` for a
// launch without namespaces (launch::run_without_namespaces) and adds what
// is skipped; options that need the view are refused.
Result<void> plan_without_namespaces(const SealedPolicy& sealed, const Command& command,
                                     const std::string& label, int clone_errno,
                                     launch::LaunchPlan& plan);

}  // namespace sandbox::supervisor
