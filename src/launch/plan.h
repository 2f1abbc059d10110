// The launch plan: everything the child needs, prepared before clone3.
//
// Everything that parses, allocates, resolves paths, opens files or
// compiles BPF happens here, in the supervisor. The child is a simple
// interpreter of a `const LaunchPlan&` and allocates nothing.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "fs/etc.h"
#include "fs/view.h"
#include "handover/handed.h"
#include "init/pty.h"
#include "landlock/ruleset.h"
#include "net/plan.h"
#include "limits/rlimits.h"
#include "launch/timing.h"
#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/seal.h"
#include "scratch/scratch.h"
#include "seccomp/filter.h"
#include "util/resident.h"
#include "util/unique_fd.h"

namespace sandbox::launch {

struct LaunchPlan {
  // Identity: the caller's uid and gid, mapped to themselves.
  std::string uid_map;  // "1000 1000 1\n"
  std::string gid_map;
  // The view, and one slot per operation for the child's cloned sources.
  fs::ViewPlan view;
  mutable std::vector<int> source_fds;
  fs::EtcPlan etc;  // /etc: its idmapped tree (root), covers and Landlock grants (fs/etc.h)
  // The command.
  std::vector<std::string> argv;
  std::vector<std::string> env;
  std::vector<std::string> exec_candidates;  // absolute paths tried in order
  std::vector<char*> argv_ptrs;              // NULL-terminated views of the above
  std::vector<char*> env_ptrs;
  std::string cwd;
  std::string home;
  std::string hostname = "sandbox";  // --hostname
  // The caller's descriptors that become the command's 0, 1 and 2 (Command).
  int stdio[3] = {0, 1, 2};
  // Descriptors beyond 0..2 that the command keeps (sorted): Command::fds and
  // the pipes the arguments name (handover/arguments.h).
  std::vector<int> keep_fds;
  // Every handed descriptor, 0..2 included (handover/handed.h), and init's
  // end of the channel on which it sends the reopened files' descriptions
  // (handover/reopen.h); the supervisor keeps the other end.
  std::vector<handover::Handed> handed;
  UniqueFd handover_channel;
  // Landlock: absent only when seal() recorded its skip (--best-effort).
  std::optional<landlock::Ruleset> ruleset;
  // --explain: init's end of the pipe on which the supervisor says that its
  // tracer is attached (launch/child_steps.h await_tracer); empty otherwise.
  UniqueFd explain_sync;
  // seccomp: never optional; an empty program fails the launch.
  seccomp::Program filter;
  seccomp::Program init_filter;
  bool new_network = true;
  UniqueFd network_namespace;  // init's end: the helper sends the namespace over it (net/namespace.h)
  // --net=filtered (net/plan.h).
  net::NetworkPlan network;
  // Lifecycle and terminal (DESIGN §3): wait for every process, and the
  // program's own pseudo-terminal when one is used (init/pty.h).
  bool wait_all = false;
  util::CodeRanges code;  // the launcher's read-only segments: init drops them once it only waits
  init::PtyPlan pty;
  // Resources (DESIGN §8, limits/resources.h): the cgroup.procs of the v1
  // groups the child joins first, and the rlimits set just before exec.
  std::vector<UniqueFd> cgroup_join;
  std::vector<limits::Rlimit> rlimits;
  // The supervisor, so the child can tell whether it already died.
  UniqueFd supervisor_pidfd;
  // -i, -I: files init copies into the scratch after pivot_root.
  std::vector<scratch::Include> includes;
  // What --best-effort skipped, for one line on stderr each.
  std::vector<std::string> skipped;
  // What the caller should know, one line each: how the policy was applied
  // (a grant through a symlink, W^X lifted) and what the user cannot see
  // from outside (launch/notices.h).
  std::vector<std::string> notices;
  // The command's #! interpreter that is not inside, for the exec error.
  std::string missing_interpreter;
  // --timing: the page the child stamps each step into; null otherwise.
  StepClock* step_clock = nullptr;
};

// Plans a run of command under the sealed policy, labelled `label`
// ("sandbox_t:s0:c1,c2"); everything it reads of the caller comes from
// `command` (environment, working directory, descriptors).
// With --timing, `timing` receives a mark per planning phase.
// without_namespaces (--best-effort, no user namespaces): no network
// namespace either, so Landlock handles TCP (no port granted) and seccomp
// denies UDP and raw sockets, unless --net=host asked for the host's; no
// pseudo-terminal; the Landlock needs of that mode are checked again.
// for_warm_sandbox: the plan of a job for the pool's warm sandbox, whose
// view exists already (launch/warm.h): nothing is prepared for the view
// (root's idmapped /etc is described, not made).
Result<LaunchPlan> make_plan(const SealedPolicy& sealed, const Command& command,
                             const std::string& label, Timing* timing = nullptr,
                             bool without_namespaces = false, bool for_warm_sandbox = false);

// Whether path is dir or beneath it.
bool covered_by(const std::string& path, const std::string& dir);
// Under a system tree: bound from the host at the same path, read-only.
bool under_system_tree(const Policy& policy, const std::string& path);

// Whether the view can show a file at path when the command starts (a system
// tree, a mount, a file or a symlink of the view at or above it; a tmpfs only
// when scratch_filled: -i copies files in); false only when it cannot.
bool may_be_in_view(const Policy& policy, const fs::ViewPlan& view, const std::string& path, bool scratch_filled);

// The caller's PATH search on the host, for hints: "" when not found.
std::string find_on_host(const std::string& command);

}  // namespace sandbox::launch
