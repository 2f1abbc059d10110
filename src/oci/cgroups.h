// A container's cgroups: one directory per hierarchy (the cgroup v2 one for
// tracking, cgroup.kill and cgroup.freeze; the v1 controllers of a hybrid
// host for the limits), made by create and removed by delete. Unlike the
// library's cgroup::Leaf this is not RAII: the container outlives the
// command that made its groups.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "oci/spec.h"
#include "sandbox/error.h"

namespace sandbox::oci {

struct Cgroups {
  std::vector<std::string> dirs;  // absolute directories; the v2 one first when present
  std::string v2;                 // the v2 directory, "" without
  std::string freezer;            // the v1 freezer directory, "" without
  // Whether create moves the process into the v1 groups: not with a v2
  // group (it tracks, kills, freezes) and no limit in the spec.
  bool v1_join = true;
  // Whether the container's process is in dir (one of dirs).
  bool joined(const std::string& dir) const { return dir == v2 || v1_join; }
};

// "/libpod_parent/libpod-ID", "system.slice:libpod:ID" (systemd form, made
// as cgroupfs), or "" for /sandbox-oci/ID.
std::string cgroup_relative_path(const std::string& cgroups_path, const std::string& id);

// Makes the directories and writes the limits. An unprivileged caller
// without a delegated tree gets none, unless limits were asked for.
Result<Cgroups> make_cgroups(const Spec& spec, const std::string& id, std::vector<std::string>& warnings);
// Moves pid into every group (but the v2 one when in_v2: it was cloned into it).
Result<void> join_cgroups(const Cgroups& groups, pid_t pid, bool in_v2 = false);
// Kills every process in the groups (cgroup.kill where there is one, else
// each pid listed), and waits up to timeout_ms for them to be gone.
bool kill_cgroups(const Cgroups& groups, int signal, int timeout_ms);
// The pids in the container's groups.
std::vector<pid_t> cgroup_pids(const Cgroups& groups);
Result<void> freeze_cgroups(const Cgroups& groups, bool frozen);
bool cgroups_frozen(const Cgroups& groups);
// Removes the directories (waits a little for exiting processes).
void remove_cgroups(const Cgroups& groups);

}  // namespace sandbox::oci
