// The control protocol of a running sandbox (DESIGN §4).
//
// Each supervisor serves its label's abstract socket "@sandbox/cA,cB" (the
// one that reserves the label). A client connects, sends one request line
// ("info\n" or "kill\n") and reads one JSON object back:
//   info -> {"label", "profile", "pid" (supervisor), "init_pid", "uid",
//            "started" (Unix seconds), "command" [argv]}, or
//           {"ok": false, "error": "..."} to anyone but the owner and root
//   kill -> {"ok": true} once no process of the sandbox is left, or
//           {"ok": false, "error": "..."}; only the owner (same uid, checked
//           with SO_PEERCRED) or root may kill.
// Running sandboxes are found by their listening names in /proc/net/unix.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "registry/label.h"
#include "sandbox/error.h"

namespace sandbox::registry {

struct SandboxInfo {
  std::string label;  // "sandbox_t:s0:c1,c2"
  std::string profile;
  pid_t pid = -1;       // the supervisor
  pid_t init_pid = -1;  // the sandbox's pid 1, as the host sees it
  uid_t uid = 0;        // the owner
  double started = 0;   // Unix time
  std::vector<std::string> command;
};

enum class Request { info, kill };

std::string to_json(const SandboxInfo& info);
Result<SandboxInfo> info_from_json(const std::string& text);
std::string request_line(Request request);
// Parses one request line (with or without its newline).
Result<Request> parse_request(const std::string& line);

// The levels whose control sockets are listening in our network namespace.
std::vector<Level> running_levels();

// Client side; each call is bounded in time (a hung supervisor cannot hang us).
// Asks all of them at once, within timeout_ms in total; a sandbox that does
// not answer in time comes back with only its label's level filled in, and
// one that refuses (another user's: info is for the owner and root only)
// is left out.
std::vector<SandboxInfo> query_all(const std::vector<Level>& levels, int timeout_ms);
Result<void> request_kill(const Level& level);

}  // namespace sandbox::registry
