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
// Running sandboxes are found by their listening names (util/unix_listeners.h).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/registry.h"

namespace sandbox::registry {

// The wire format, shared by the server (supervisor/control.h) and the
// client (registry/control.cc, behind sandbox/registry.h: SandboxInfo,
// to_json, running_levels, query_all, request_kill).

enum class Request { info, kill };

Result<SandboxInfo> info_from_json(const std::string& text);
std::string request_line(Request request);
// Parses one request line (with or without its newline).
Result<Request> parse_request(const std::string& line);

}  // namespace sandbox::registry
