// seal(): the one way from a Policy to something spawn() accepts.
//
// A Policy is a plain value anyone may build or change. seal() copies it,
// resolves every grant (canonical, checked by what it names, not how it is
// spelled: the host's /, /proc, /sys and /dev are refused however reached;
// relative grants made absolute), resolves the parents of -H and -T, checks
// the options against each other (Policy::validate), and checks the running kernel against what the policy
// needs: Landlock and each right and scope a mode depends on (the signal and
// abstract-socket scopes need ABI 6, device ioctls ABI 5, TCP ports ABI 4,
// truncate ABI 3). A missing piece is an error naming it, or, with
// best_effort, a skip recorded here and printed by the command line. The
// result cannot be changed: what was checked is what is bound.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox {

class SealedPolicy {
 public:
  // The checked policy: grants absolute, -H's and -T's parents resolved.
  const Policy& policy() const { return policy_; }
  // The Landlock ABI the sandbox uses; 0 when Landlock is skipped (best_effort).
  int landlock_abi() const { return landlock_abi_; }
  // What best_effort gave up at sealing, one description each
  // ("the signal scope (Landlock ABI 6; this kernel has 5)").
  const std::vector<std::string>& skipped() const { return skipped_; }

 private:
  friend Result<SealedPolicy> seal(const Policy& policy);
  SealedPolicy() = default;
  Policy policy_;
  int landlock_abi_ = 0;
  std::vector<std::string> skipped_;
};

Result<SealedPolicy> seal(const Policy& policy);

}  // namespace sandbox
