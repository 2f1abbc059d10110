// Child side (init, before the staging mount hides any host path): each
// handed read-only regular file or directory is reopened through a private
// read-only mount of that one file, and takes its number in init (so in the
// command). fchmod, futimens, fsetxattr, a write reopen, and the same through
// /proc/self/fd/N then get EROFS; the caller's own mount is untouched.
//
// The new description starts at the caller's offset; init sends it to the
// supervisor over `channel`, which gives the final offset back to the
// caller's description at the end (offsets.h), so that
// `{ sandbox head -n1; sandbox head -n1; } < file` reads two lines, as bare.
//
// A file whose path no longer names the same inode (renamed, from another
// mount namespace, unreachable by path) keeps the caller's descriptor:
// Landlock still limits any reopen to its access mode.
#pragma once

#include <vector>

#include "handover/handed.h"

namespace sandbox::handover {

// Whether any handed descriptor is reopened (the supervisor then makes the
// offset channel).
bool any_reopened(const std::vector<Handed>& handed);

// Async-signal-safe, no allocation. Returns 0 or errno; *failed is the index.
int reopen_read_only(const std::vector<Handed>& handed, int channel, std::size_t* failed) noexcept;

}  // namespace sandbox::handover
