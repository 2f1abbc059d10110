// Scratch directories and includes (DESIGN §9), as the SELinux sandbox:
// -H DIR and -T DIR become $HOME and /tmp, -i FILE and -I LIST copy files
// into the scratch before the command starts.
//
// Scratch is writable but never executable (W^X): the binds are noexec and
// Landlock grants read and write, not execute, so a dropped payload cannot
// be run.
#pragma once

#include <sys/types.h>

#include <cstddef>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::scratch {

// -H DIR and -T DIR: each must be an existing directory the caller owns
// (not a symlink); it is bound read-write at `home` or /tmp. Appends the
// grants (host path, read_write, target in the view). An --exec grant
// beneath DIR is also bound, executable, at its place in the scratch.
Result<void> add_scratch_grants(const Policy& policy, const std::string& home,
                                std::vector<PathGrant>& grants);

// A file copied into the scratch before start: opened here, in the
// supervisor, and written by the sandbox's init after pivot_root.
struct Include {
  UniqueFd source;
  std::string target;  // absolute path inside the view (the host path itself)
  mode_t mode = 0600;
};

// -i FILE and -I LIST: regular files under $HOME (copied into the scratch
// $HOME, which needs -M or -H) or under /tmp (into /tmp: -M or -T).
Result<std::vector<Include>> plan_includes(const Policy& policy, const std::string& home);

// ---- child side: async-signal-safe, no allocation -------------------------

// Creates each target (and its parent directories) and copies the source
// into it. Returns 0 or an errno; *failed is the index of the include.
int copy_includes(const std::vector<Include>& includes, std::size_t* failed) noexcept;

}  // namespace sandbox::scratch
