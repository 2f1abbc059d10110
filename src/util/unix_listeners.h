// The names of the listening abstract Unix sockets of this network namespace:
// how the running sandboxes are found (each listens on its label's name,
// label/label.h) and which X displays are taken (x11/display.h).
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::util {

// Each name without its leading NUL ("sandbox/c1,c2"), in no particular
// order, each once. Read with NETLINK_SOCK_DIAG; from /proc/net/unix only
// where the kernel has no unix_diag (or no sock_diag socket can be made).
// A listener that exists for the whole call is never left out in practice
// (unix_listeners.cc says why).
Result<std::vector<std::string>> listening_abstract_unix_names();

// Where the names come from: the first is what the function above uses; the
// second is its fallback, named here so that the tests reach it too.
enum class ListenerSource { sock_diag, proc_net_unix };
Result<std::vector<std::string>> listening_abstract_unix_names(ListenerSource source);

}  // namespace sandbox::util
