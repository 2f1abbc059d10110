// Path operations confined beneath a directory (DESIGN §10): every path the
// sandbox's init touches is resolved with openat2 under the new root, never
// by following `..`, an absolute symlink or a /proc magic link out of it.
//
// Child side: async-signal-safe, no allocation. Every function returns an
// fd or 0 on success and a positive errno on failure (never -1 and errno),
// so the result goes straight into a (step, errno) report.
#pragma once

#include <linux/openat2.h>

#include <cstdint>

namespace sandbox::fs {

// How a path is resolved beneath the root directory fd.
// in_root: `..` stops at the root and an absolute symlink restarts there, as
//   chroot would see it (the view being built, the new root).
// no_symlinks: no symlink at all, anywhere in the path (a destination the
//   caller's own files could redirect: the -H/-T scratch, the includes).
// Both refuse /proc magic links (/proc/self/fd/N, /proc/1/root).
enum class Resolve : std::uint8_t { in_root, no_symlinks };

std::uint64_t resolve_flags(Resolve how) noexcept;

// openat2(root_fd, path, flags, mode) under `how`. Returns the fd (>= 0) or
// -errno. A leading '/' in path names the root itself.
int open_beneath(int root_fd, const char* path, int flags, unsigned mode, Resolve how) noexcept;

// mkdir -p beneath root_fd: each missing directory of path is made in its
// parent, opened beneath the root; existing ones are fine (even on a
// read-only mount, where the kernel says EEXIST before EROFS). With
// include_last false the last component is left alone. Returns 0 or errno.
int make_dirs_beneath(int root_fd, const char* path, bool include_last, unsigned mode,
                      Resolve how) noexcept;

// mkdir -p of the whole path, then its last directory opened O_PATH:
// returns the fd (>= 0) or -errno. A mount point made and opened at once.
int open_dirs_beneath(int root_fd, const char* path, unsigned mode, Resolve how) noexcept;

// The directory holding path's last component, made (mkdir -p) when
// missing, opened O_PATH beneath the root: returns its fd (>= 0) or -errno,
// and in *name the last component (a pointer into path). A path whose last
// component is empty, "." or ".." has no such name: -EINVAL.
int open_parent_beneath(int root_fd, const char* path, unsigned mode, Resolve how,
                        const char** name) noexcept;

}  // namespace sandbox::fs
