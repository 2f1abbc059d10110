// The network layer: the sandbox's own namespace (DESIGN §6).
#pragma once

namespace sandbox::net {

// Brings `lo` up in the calling (new) network namespace. Returns 0 or errno.
int bring_loopback_up() noexcept;

}  // namespace sandbox::net
