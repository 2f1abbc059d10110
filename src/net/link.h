// The sandbox side of --net=filtered: waiting for slirp4netns and the IPv6
// address it does not configure itself. Child code: no allocation.
#pragma once

namespace sandbox::net {

// The interface slirp4netns creates in the sandbox's namespace.
inline constexpr const char* kTapName = "tap0";

// Asks the supervisor to attach slirp4netns (one byte on `channel`, a
// SOCK_SEQPACKET end). Returns 0 or an errno.
int request_network(int channel) noexcept;
// Waits for the supervisor's answer: 0 once slirp4netns has configured
// tap0, ENETDOWN when the supervisor gave up (it then reports why).
int await_network(int channel) noexcept;

// slirp4netns --configure sets up IPv4 only and leaves IPv6 to router
// advertisements, which come late: give tap0 fd00::100/64 (no duplicate
// address detection) and a default route via fd00::2 over rtnetlink.
int configure_ipv6() noexcept;

}  // namespace sandbox::net
