// rlimits set in the command just before exec (child side: no allocation).
#pragma once

#include <sys/resource.h>

#include <vector>

namespace sandbox::limits {

struct Rlimit {
  int resource = 0;
  rlim_t value = 0;  // soft and hard
};

// Sets each limit, soft and hard: the sandbox has no CAP_SYS_RESOURCE in
// the initial user namespace, so it can never raise them again.
// Returns 0 or the errno of the first failure.
int apply(const std::vector<Rlimit>& rlimits) noexcept;

}  // namespace sandbox::limits
