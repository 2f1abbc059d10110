// The container's label (DESIGN §4) and its keeper: so that `sandbox
// --list` shows each container and `sandbox --kill LABEL` ends it, a small
// process holds the label's control socket (the abstract "@sandbox/cA,cB"
// that reserves it) and answers the registry's requests until the
// container's first process exits. It is the only process of ours that
// stays; it holds nothing of the container (stdio is /dev/null, every
// other descriptor closed).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/cgroups.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::oci {

struct Label {
  std::string text;  // "sandbox_oci_t:s0:cA,cB"
  UniqueFd socket;   // bound and listening
};

// annotation sandbox.label ("s0:c1,c2" or a full label), or a free one.
Result<Label> reserve_label(const std::string& wanted);

// The keeper's loop, in the calling process: answers the registry's
// requests on label's socket until the container's process (pidfd) is gone
// (true), or poll fails (false). `run` in the foreground uses it instead of
// a keeper.
bool serve_label(const Label& label, int pidfd, pid_t container, const Cgroups& groups,
                 const std::vector<std::string>& command, uid_t owner);

// Forks the keeper (detached: its parent exits at once, so it belongs to
// the caller's subreaper like the container).
Result<void> start_keeper(Label label, pid_t container, const Cgroups& groups,
                          const std::vector<std::string>& command, uid_t owner);

}  // namespace sandbox::oci
