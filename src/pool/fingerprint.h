// The part of a policy a warm sandbox must match (DESIGN §14).
//
// A warm sandbox is made for the service's default profile; a job may go to
// it when the caller's sealed policy is that profile, except for the parts
// that are applied per job outside the sandbox's making: --timeout (the
// client's own deadline against init's pidfd, as the supervisor's cold).
// Both sides compare this text, never the whole policy, and their mount
// namespaces.
#pragma once

#include <string>

#include "sandbox/policy.h"

namespace sandbox::pool {

std::string policy_fingerprint(Policy policy);

// "dev:ino" of what path names ("" when unreadable; stat follows /proc's
// magic links), then ":" and the link's own text when with_link: how the
// pool compares binaries and namespaces (the lean client writes the same).
std::string file_identity(const char* path, bool with_link = false);

// "dev:ino" of this process's mount namespace ("" when unreadable): a warm
// view is a copy of the service's mount table, so the client must be in the
// same mount namespace.
std::string mount_namespace_id();

}  // namespace sandbox::pool
