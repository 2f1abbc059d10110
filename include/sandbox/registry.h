// The running sandboxes (DESIGN §4): their labels, what each runs, and
// stopping one. This is what `sandbox --list` and `sandbox --kill LABEL` use.
//
// Every sandbox holds a label TYPE:s0:cA,cB, unique among the running ones
// of this network namespace; its supervisor answers on a control socket
// named after the label. Only the owner (same uid) and root may see a
// sandbox's details or kill it.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::registry {

// The largest category number of a label.
inline constexpr int kMaxCategory = 1023;

// The level of a label, s0:cA,cB with 0 <= A < B <= kMaxCategory.
struct Level {
  int low = 0;   // A
  int high = 0;  // B, A < B
  std::string str() const;  // "s0:cA,cB"
  bool operator==(const Level&) const = default;
};

// Accepts "s0:cA,cB", "cA,cB" or a full "TYPE:s0:cA,cB" (the type is ignored).
Result<Level> parse_level(std::string_view text);

// What a running sandbox says about itself.
struct SandboxInfo {
  std::string label;  // "sandbox_t:s0:c1,c2"
  std::string profile;
  pid_t pid = -1;       // the supervisor
  pid_t init_pid = -1;  // the sandbox's pid 1, as the host sees it
  uid_t uid = 0;        // the owner
  double started = 0;   // Unix time
  std::vector<std::string> command;
};

// The info as one JSON object: {"label", "profile", "pid", "init_pid",
// "uid", "started", "command"} (the --list --json format).
std::string to_json(const SandboxInfo& info);

// The levels of the sandboxes running in our network namespace.
std::vector<Level> running_levels();

// Asks each of them at once, within timeout_ms in total (a hung supervisor
// cannot hang us): a sandbox that does not answer in time comes back with
// only its label's level filled in, and one that refuses (another user's)
// is left out.
std::vector<SandboxInfo> query_all(const std::vector<Level>& levels, int timeout_ms);

// Kills the sandbox of that level; returns once none of its processes is
// left. Fails for another user's sandbox (unless we are root), or when none
// runs at that level.
Result<void> request_kill(const Level& level);

}  // namespace sandbox::registry
