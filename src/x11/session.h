// -X: a GUI program on a private nested X server (DESIGN §5, profile x).
//
//   caller's display  <-  Xephyr (sandbox_xserver_t: the caller's X socket
//                         and a copy of its cookie, nothing else)
//                           ^ nested socket, bound at /tmp/.X11-unix/X<n>
//                           |-- window manager (sandbox_xwm_t)
//                           `-- the program (sandbox_x_t, scratch $HOME and /tmp)
//
// The program can reach only the nested server: not the caller's display
// socket, its abstract X sockets (own network namespace), its Xauthority,
// D-Bus or any other desktop socket. When the program ends, the window
// manager and Xephyr go too; when Xephyr's window is closed, the program's
// sandbox is killed as a whole.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox::x11 {

// Checks -X, -W, -w and -d against each other.
Result<void> validate(const Policy::X11& options);

// Parses "WIDTHxHEIGHT" (-w) into options.
Result<void> parse_window_size(Policy::X11& options, const std::string& text);

// Runs argv under policy on a nested X server and returns how it ended.
// Spawns three sandboxes, so call it from the thread that waits for them
// (PR_SET_PDEATHSIG follows the thread that created a sandbox).
Result<Outcome> run_session(const Policy& policy, const std::vector<std::string>& argv);

}  // namespace sandbox::x11
