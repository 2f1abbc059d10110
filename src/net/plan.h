// Planning the network of a sandbox (DESIGN §6), in the supervisor.
#pragma once

#include "fs/view.h"
#include "landlock/ruleset.h"
#include "net/slirp.h"
#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::net {

// --net=filtered (DESIGN §6): the nftables ruleset init installs, the
// slirp4netns the supervisor starts, and init's end of the channel on
// which it asks for it and hears that the network is ready.
struct NetworkPlan {
  bool filtered = false;
  std::string ruleset;
  SlirpOptions slirp;
  UniqueFd channel;  // SOCK_SEQPACKET; the supervisor keeps the other end
};

// --net=filtered: the ruleset text, slirp4netns's options and, with
// --allow-dns, the generated resolv.conf bound over /etc/resolv.conf.
Result<void> plan_network(const Policy& policy, fs::ViewPlan& view,
                          NetworkPlan& network);

// --net=host --allow-tcp: the Landlock TCP bind/connect port rules (ABI >= 4).
Result<void> allow_tcp_ports(landlock::Ruleset& ruleset, const Policy& policy);

}  // namespace sandbox::net
