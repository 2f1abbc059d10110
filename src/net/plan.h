// Planning the network of a sandbox (DESIGN §6), in the supervisor.
#pragma once

#include "fs/view.h"
#include "landlock/ruleset.h"
#include "launch/plan.h"
#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::net {

// --net=filtered: the ruleset text, slirp4netns's options and, with
// --allow-dns, the generated resolv.conf bound over /etc/resolv.conf.
Result<void> plan_network(const Policy& policy, fs::ViewPlan& view,
                          launch::LaunchPlan::Network& network);

// --net=host --allow-tcp: the Landlock TCP bind/connect port rules (ABI >= 4).
Result<void> allow_tcp_ports(landlock::Ruleset& ruleset, const Policy& policy);

}  // namespace sandbox::net
