// The nested X server: Xephyr in a sandbox of its own that can reach the
// caller's display socket and nothing else of the caller.
#pragma once

#include <string>

#include "sandbox/policy.h"
#include "sandbox/sandbox.h"
#include "x11/display.h"
#include "x11/quiet_spawn.h"

namespace sandbox::x11 {

// Where the session's files appear inside its sandboxes.
inline constexpr const char* kClientCookie = "/tmp/.Xauthority";         // the nested cookie
inline constexpr const char* kServerCookie = "/tmp/.Xauthority-server";  // Xephyr -auth
inline constexpr const char* kHostCookie = "/tmp/.Xauthority-host";      // caller's display

struct ServerSetup {
  std::string xephyr;       // the host path of Xephyr
  unsigned number = 0;      // the nested display
  std::string title;        // of Xephyr's window on the caller's display
  std::string level;        // the session's, "s0:cA,cB"
  Policy::X11 options;      // size and DPI
  CallerDisplay caller;
  std::string socket_dir;   // host directory bound at /tmp/.X11-unix
  std::string nested_cookie;  // host file: the nested server's cookie
  std::string host_cookie;    // host file: the caller's cookie for its display
};

// Starts Xephyr and waits until it accepts connections (-displayfd), until
// it exits, or until a signal arrives on signal_fd (a signalfd; -1: none).
// argv, when given, receives Xephyr's command line.
Result<Child> start_server(const ServerSetup& setup, const HelperLog& log, int signal_fd,
                           std::vector<std::string>* argv = nullptr);

}  // namespace sandbox::x11
