// Landlock rules on the handed inodes themselves (DESIGN §2.3): reopening a
// handed regular file, FIFO or character device by name (/dev/stdin,
// /dev/fd/N, /proc/self/fd/N) reaches that one inode, with at most the
// descriptor's own access mode. A directory gets no rule (its descriptor
// grants nothing beneath it); pipes and sockets are not Landlock objects.
#pragma once

#include <cstdint>
#include <vector>

#include "handover/handed.h"
#include "landlock/ruleset.h"
#include "sandbox/error.h"

namespace sandbox::handover {

// The Landlock rights a handed descriptor grants on its own inode (0: none).
std::uint64_t rights_for(const Handed& handed);

Result<void> grant(landlock::Ruleset& ruleset, const std::vector<Handed>& handed);

}  // namespace sandbox::handover
