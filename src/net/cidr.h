// Network targets of --allow-net / --deny-net (DESIGN §6): CIDR[:PORTS].
//
//   10.0.0.0/8            a subnet, every port and protocol
//   198.51.100.7:80,443   one host, TCP and UDP ports 80 and 443
//   192.0.2.0/24:8000-8080
//   2001:db8::/32         IPv6; with ports after the prefix length
//   2001:db8::/32:443     or in brackets: [2001:db8::1]:443
// Ports are one port, a range A-B, or a comma list of those.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::net {

struct PortRange {
  std::uint16_t first = 0;
  std::uint16_t last = 0;
  bool operator==(const PortRange&) const = default;
};

struct Target {
  int family = 4;                          // 4 or 6
  std::array<std::uint8_t, 16> address{};  // network byte order; host bits cleared
  int prefix = 32;
  std::vector<PortRange> ports;  // empty: every port (and every protocol)

  // "10.0.0.0/8", "2001:db8::/32": the subnet as nft writes it.
  std::string subnet() const;
};

// "80", "8000-8080", "80,443,8000-8080". Port 0 is refused.
Result<std::vector<PortRange>> parse_ports(const std::string& text);

// CIDR[:PORTS] as above. A bare address is a /32 (/128).
Result<Target> parse_target(const std::string& text);

}  // namespace sandbox::net
