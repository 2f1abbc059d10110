// The nftables ruleset of --net=filtered (DESIGN §6), as text for libnftables.
//
// One output chain in the sandbox's own network namespace:
//   loopback and IPv6 neighbour discovery pass;
//   DNS to slirp4netns's forwarder passes only with --allow-dns;
//   slirp4netns's own network (its gateway is the host) is refused;
//   then the user's rules in order, first match wins; then --net-default.
// A refusal answers TCP with a reset (ECONNREFUSED at once, never a hang)
// and everything else with ICMP administratively prohibited.
#pragma once

#include <string>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::net {

// slirp4netns's fixed addresses (its defaults, --cidr not used).
inline constexpr const char* kSlirpNetwork4 = "10.0.2.0/24";
inline constexpr const char* kSlirpResolver4 = "10.0.2.3";
inline constexpr const char* kSlirpNetwork6 = "fd00::/64";
inline constexpr const char* kSlirpResolver6 = "fd00::3";

Result<std::string> nft_ruleset(const Policy& policy);

// The resolv.conf bound over /etc/resolv.conf with --allow-dns.
std::string resolv_conf();

}  // namespace sandbox::net
