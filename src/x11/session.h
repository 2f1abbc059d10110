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
#include "sandbox/x11.h"  // run_session(), the public entry
