#include "pool/fingerprint.h"

#include "sandbox/profile.h"

namespace sandbox::pool {

std::string policy_fingerprint(Policy policy) {
  policy.timeout_seconds = 0;  // the client's deadline
  return profile::to_toml(policy);
}

}  // namespace sandbox::pool
