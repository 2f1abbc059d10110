// Who is at the other end of the pool's socket (DESIGN §14).
//
// The service is the user's own authority: "run this, as me, with these
// descriptors". Its peer must be this process's euid (SO_PEERCRED) AND in
// this process's user namespace: a program inside a sandbox runs as the
// same uid but in a user namespace of its own, and must never get a new,
// possibly looser, sandbox from the service (the research note's attack).
// The namespace is read through the peer's pidfd (SO_PEERPIDFD,
// PIDFD_GET_USER_NAMESPACE): no pid that could be reused in between.
// Every failure to tell is a refusal.
#pragma once

#include <sys/types.h>

#include "sandbox/error.h"

namespace sandbox::pool {

// The peer's pid (SO_PEERCRED, as of connect) when it passes.
Result<pid_t> check_peer(int socket);

}  // namespace sandbox::pool
