// Idmapped mounts (mount_setattr MOUNT_ATTR_IDMAP): a tree shown with its
// owners translated, here to ids nobody has.
#pragma once

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::fs {

// A detached, read-only (nosuid, nodev) clone of `path` (recursive) on which
// every owner and group of the host appears unmapped, so that only the
// "other" mode bits apply to whoever reads it, root without capabilities
// included. Needs CAP_SYS_ADMIN over the filesystem (real root) and a
// filesystem with idmap support (ext4, xfs, btrfs, tmpfs; not overlayfs).
// The user namespace behind the mapping maps a single id, 4294967294, to
// the caller: a file the host gives that owner would look the caller's.
Result<UniqueFd> idmapped_tree(const char* path);

}  // namespace sandbox::fs
