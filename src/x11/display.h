// The caller's X display, and a free number for the nested one.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::x11 {

// The directory of the local X sockets, on the host and inside sandboxes.
inline constexpr const char* kSocketDir = "/tmp/.X11-unix";

// "/tmp/.X11-unix/X<n>"
std::string socket_path(unsigned number);

// The display number of a local DISPLAY value: ":0", ":0.1", "unix:0".
// A TCP display ("host:0") or a malformed value is an error naming it.
Result<unsigned> parse_local_display(const std::string& display);

struct CallerDisplay {
  unsigned number = 0;
  std::string socket;      // its path socket, which must exist
  std::string xauthority;  // $XAUTHORITY or ~/.Xauthority; may be missing
};

// From the caller's environment: fails with a clear line when DISPLAY is
// unset, remote, or its socket is missing.
// From the caller's environment ("K=V" entries).
Result<CallerDisplay> caller_display(const std::vector<std::string>& env);

// A display number that nothing on the host uses (no socket, no lock file,
// no abstract socket in our network namespace) and that is not `avoid`,
// so that ":<caller>" inside the sandbox can never mean the nested server.
Result<unsigned> free_display_number(unsigned avoid);

}  // namespace sandbox::x11
