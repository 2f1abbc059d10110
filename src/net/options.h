// The network options' setters for the option table (policy/options.cc).
#pragma once

#include <string>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::net {

Result<void> apply_mode(Policy& policy, const std::string& value);         // --net
Result<void> apply_allow_tcp(Policy& policy, const std::string& value);    // --allow-tcp
Result<void> apply_allow_net(Policy& policy, const std::string& value);    // --allow-net
Result<void> apply_deny_net(Policy& policy, const std::string& value);     // --deny-net
Result<void> apply_default(Policy& policy, const std::string& value);      // --net-default

// Checks the network options against each other (Policy::validate).
Result<void> validate(const Policy& policy);

}  // namespace sandbox::net
