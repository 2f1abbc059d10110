// Labels (DESIGN §4): TYPE:s0:cA,cB, unique among running sandboxes.
//
// Uniqueness is reserved by binding the abstract unix socket
// "@sandbox/cA,cB" in the caller's network namespace: a second bind fails,
// and the kernel frees the name when the supervisor dies, so no stale state
// is ever left behind. The socket is also the sandbox's control socket.
#pragma once

#include <string>
#include <string_view>

#include "sandbox/error.h"
#include "sandbox/registry.h"
#include "util/unique_fd.h"

namespace sandbox::registry {

// Level, parse_level and kMaxCategory are public (sandbox/registry.h).

// The abstract socket name (without the leading NUL): "sandbox/cA,cB".
std::string socket_name(const Level& level);

struct Reservation {
  Level level;
  UniqueFd socket;  // bound and listening; CLOEXEC
};

// Reserves `wanted`, refusing if it is in use.
Result<Reservation> reserve(const Level& wanted);
// Reserves a random free level.
Result<Reservation> reserve_any();

}  // namespace sandbox::registry
