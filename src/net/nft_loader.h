// libnftables, loaded when --net=filtered first needs it rather than at every
// start-up. Linking it made every launch map and relocate it and its five
// dependencies (about 80 page faults and 0.2-1 ms of CPU: BENCHMARKS.md), and
// only --net=filtered uses it. nft_loader.cc defines the few libnftables entry
// points that net/nft.cc calls; each forwards to the library loaded here.
#pragma once

#include "sandbox/error.h"

namespace sandbox::net {

// Loads libnftables.so.1 (once). Called by the supervisor while planning a
// --net=filtered launch, so that a missing library is a clear error before
// clone3; if it was not called, the first libnftables call loads it.
Result<void> load_nftables();

}  // namespace sandbox::net
