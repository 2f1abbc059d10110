// Capabilities and no_new_privs: the identity layer (DESIGN §2).
#pragma once

namespace sandbox::caps {

// Drops every capability: bounding, ambient, effective, permitted,
// inheritable. Returns 0 or errno; async-signal-safe.
int drop_all() noexcept;

// prctl(PR_SET_NO_NEW_PRIVS): setuid binaries and file caps gain nothing.
int set_no_new_privs() noexcept;

}  // namespace sandbox::caps
