// The supervisor's side of the control socket (DESIGN §4, registry/control.h).
#pragma once

#include "supervisor/child_state.h"

namespace sandbox::supervisor {

// Accepts the pending connections on the label's listening socket and
// answers each: "info" with what the sandbox is, "kill" (owner or root only)
// by killing the whole tree and answering once init is gone. Each client is
// given a bounded time to send its request, so none can stall the loop.
void serve_control(Child::State& state);

}  // namespace sandbox::supervisor
