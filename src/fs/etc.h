// The view's /etc (DESIGN §2.2): system configuration is readable, the
// secrets and host identifiers are not, root included.
//
// What any user of the host may read ("other" read bit; for a directory, also
// "other" execute) is readable inside, as SELinux's sandbox_t reads etc_t.
// Three pieces, all decided in the supervisor before clone3:
//  - Landlock grants read on /etc as a whole (one rule, no walk per launch);
//  - DAC keeps the rest closed: a non-root caller is held by the host's mode
//    bits already; for root (uid 0 inside, no capabilities, but still the
//    owner of root's 0600 files) /etc is an idmapped mount on which every
//    entry is owned by an id nobody inside has, so only "other" applies;
//  - the deny list (secrets, host identifiers) that the program could still
//    read is covered by an empty mode-0000 file or directory: EACCES.
// Where the idmapped mount is impossible (a filesystem without idmap
// support, or no namespaces at all under --best-effort) Landlock gets one
// rule per world-readable entry instead, from a walk of /etc (slower).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "fs/view.h"
#include "landlock/ruleset.h"
#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::fs {

// The built-in deny list beneath /etc: never readable inside, whatever the
// host's mode bits. Policy::etc_hidden adds to it.
std::span<const char* const> hidden_etc_entries();

struct EtcPlan {
  bool present = false;  // /etc is in the view
  // Root caller: /etc as a detached idmapped tree (read-only), which init
  // attaches instead of cloning /etc itself. Empty otherwise.
  UniqueFd tree;
  // /etc is that idmapped tree (attached, not cloned): `tree` holds it, or
  // the plan only describes a view whose tree exists already (a warm
  // sandbox's, launch/warm.h: prepare_tree false).
  bool idmapped = false;
  // Entries of the deny list the program could read: each is covered.
  struct Cover {
    std::string path;
    bool is_directory = false;
  };
  std::vector<Cover> covers;
  // Landlock read on /etc as a whole, or (walked) one grant per entry.
  bool whole = true;
  std::vector<std::pair<std::string, std::uint64_t>> grants;  // when !whole
};

// Plans /etc for a run by `caller_uid` (its effective uid, which the
// sandbox maps to itself). without_namespaces: no view, so Landlock alone
// must keep the secrets out.
// prepare_tree false: the idmapped tree is assumed, not made (the pool's
// job plans describe a view that a warm sandbox has built already; where
// the tree cannot be made the warm plan differs and the job goes cold).
Result<EtcPlan> plan_etc(const Policy& policy, uid_t caller_uid, bool without_namespaces,
                         bool prepare_tree = true);

// The Landlock rules of the plan.
Result<void> add_etc_rules(landlock::Ruleset& ruleset, const EtcPlan& etc);

// Puts the plan into the view planned by plan_view: the prepared tree is
// attached at /etc instead of a clone, and each cover follows it.
void add_etc_to_view(ViewPlan& view, const EtcPlan& etc);
// The prepared tree's descriptor in the child's slot of its operation.
void lend_etc_tree(const ViewPlan& view, const EtcPlan& etc, std::vector<int>& source_fds);

}  // namespace sandbox::fs
