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

#include "policy/x11_options.h"
#include "sandbox/sandbox.h"

namespace sandbox::x11 {

// Runs argv under policy on a nested X server and returns how it ended.
// Spawns three sandboxes, so call it from the thread that waits for them
// (PR_SET_PDEATHSIG follows the thread that created a sandbox).
// The program runs as `command` says (its environment also gives DISPLAY,
// XAUTHORITY and HOME of the caller's display); the helpers get their stdio
// through their own Commands.
Result<Outcome> run_session(const Policy& policy, const Command& command);

}  // namespace sandbox::x11
