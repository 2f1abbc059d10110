// -X as a library feature (DESIGN §5, profile x): the program on a private
// nested X server (Xephyr) in a window of its own, with a window manager.
#pragma once

#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox::x11 {

// Runs command under policy (policy.x11: window manager, size, DPI) on a
// nested X server and returns how it ended. The Command's environment gives
// the caller's DISPLAY, XAUTHORITY and HOME; Xephyr and the window manager
// get /dev/null and an in-memory log as their stdio. Spawns three
// sandboxes: call it from the thread that waits for them (PR_SET_PDEATHSIG
// follows the thread that created a sandbox).
Result<Outcome> run_session(const Policy& policy, const Command& command);

}  // namespace sandbox::x11
