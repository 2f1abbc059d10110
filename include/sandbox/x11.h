// -X as a library feature (DESIGN §5, profile x): the program on a private
// nested X server (Xephyr) in a window of its own, with a window manager.
#pragma once

#include <string>
#include <vector>

#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/limits.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox::x11 {

// What a session started, for the run report: filled in as it starts, so a
// session that fails half-way still names what it got to.
struct SessionInfo {
  std::string label;    // the program's, "sandbox_x_t:s0:cA,cB"
  std::string display;  // the nested display, ":12"
  std::vector<std::string> server;          // Xephyr's command line
  std::string server_label;                 // "sandbox_xserver_t:s0:cA,cB"
  std::vector<std::string> window_manager;  // the window manager's command line
  std::string window_manager_label;         // "sandbox_xwm_t:s0:cA,cB"
  std::vector<LimitEnforcement> limits;     // the program's sandbox's
};

// Runs command under policy (policy.x11: window manager, size, DPI) on a
// nested X server and returns how it ended. The Command's environment gives
// the caller's DISPLAY, XAUTHORITY and HOME; Xephyr and the window manager
// get /dev/null and an in-memory log as their stdio. The program's standard
// error passes through the session, which keeps its last line: a program
// that fails (a status other than 0, or a signal) is reported with it in
// Outcome::message. Spawns three sandboxes: call it from the thread that
// waits for them (PR_SET_PDEATHSIG follows the thread that created a
// sandbox). `info`, when given, is filled in as the session starts.
Result<Outcome> run_session(const Policy& policy, const Command& command, SessionInfo* info = nullptr);

}  // namespace sandbox::x11
