// The resources of one sandbox (DESIGN §8): the cgroups made for it and the
// rlimits its command gets, chosen per limit in this order: a cgroup v2
// controller, a cgroup v1 controller (root on hybrid hosts), an rlimit.
// A limit none of them can enforce is an error, never dropped.
#pragma once

#include <sys/resource.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cgroup/hierarchy.h"
#include "cgroup/leaf.h"
#include "limits/rlimits.h"
#include "sandbox/error.h"
#include "sandbox/limits.h"
#include "util/unique_fd.h"

namespace sandbox::limits {

struct Resources {
  // The v2 leaf the child is cloned into (CLONE_INTO_CGROUP): tracking and
  // cgroup.kill, plus the limits of the v2 controllers. Absent when the
  // caller cannot create one (unprivileged, no delegated subtree).
  std::optional<cgroup::Leaf> tracking;
  // v1 children, one per hierarchy used; the child joins them first.
  std::vector<cgroup::Leaf> v1;
  // Their cgroup.procs, open for the child (moved into the launch plan).
  std::vector<UniqueFd> join;
  // The hierarchies this launch uses: every one when a limit is requested,
  // else the v2 one alone (the stale sweep covers these).
  cgroup::Hierarchies hierarchies;
  // Set in the command just before exec (moved into the launch plan).
  std::vector<Rlimit> rlimits;
  // Each limit and what enforces it, requested ones first.
  std::vector<LimitEnforcement> enforcement;
  std::optional<std::uint64_t> memory_limit;

  // Only the v2 tracking leaf: no v1 group, no limit requested, so nothing
  // is read from it once the sandbox ended and it may be removed later.
  bool tracking_only() const;
  // The group that holds the memory limit, if a cgroup does.
  const cgroup::Leaf* memory_group() const;
  // Processes the memory limit's OOM killer ended (0 without a memory group).
  std::uint64_t oom_kills() const;
  // Peak memory of the whole sandbox, when a memory group measures it.
  std::optional<std::uint64_t> peak_memory() const;
  // SIGKILL to every process in every group (the second net after the pid
  // namespace).
  void kill() const;
  // Removes every group; the destructors do it too.
  void remove();

  int memory_index = -2;  // which group holds memory: -1 the v2 leaf, i >= 0 v1[i], -2 none
};

// Creates the groups, writes the limits and plans the rlimits for a sandbox
// labelled `label`.
Result<Resources> prepare(const Limits& limits, const std::string& label);

// Removes the leaves of supervisors that died (SIGKILL) in the hierarchies
// `resources` uses (v1 ones for root only). Off the launch's path: the
// supervisor calls it while init builds the view.
void sweep_stale_groups(const Resources& resources);

// "memory 64 MiB (cgroup v1 memory), pids 40 (cgroup v1 pids)": the
// requested limits only; empty when none was requested.
std::string describe(const std::vector<LimitEnforcement>& enforcement);

}  // namespace sandbox::limits
