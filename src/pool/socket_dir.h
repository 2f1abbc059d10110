// Where the warm pool's service listens (DESIGN §14): a directory of the
// user's own, mode 0700, holding the socket pool.sock (SOCK_SEQPACKET).
//
//   $XDG_RUNTIME_DIR/sandbox/pool.sock   whoever has XDG_RUNTIME_DIR
//   /run/sandbox/pool.sock               root without XDG_RUNTIME_DIR
//   (none)                               anyone else without it: no pool
//
// /run is writable by root alone, so root's fallback cannot be prepared by
// anyone else; an unprivileged user without XDG_RUNTIME_DIR has no place
// that only it can create (a name under /tmp could be taken first), so it
// gets no pool and every launch is cold.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::pool {

// The directory for this uid, from an environment ("KEY=VALUE" strings);
// "" when there is none.
std::string socket_dir(const std::vector<std::string>& env);
std::string socket_path(const std::string& dir);

// The directory is ours: a directory (not a symlink), owned by our euid,
// mode 0700 exactly. Both sides check it: the service before it binds, the
// client before it hands anything over.
Result<void> check_dir(const std::string& dir);

// Creates the directory (its parent must exist) or checks the one there.
Result<void> make_dir(const std::string& dir);

}  // namespace sandbox::pool
