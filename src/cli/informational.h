// sandbox's own informational lines on stderr (not errors): which mechanism
// enforces each limit, what --best-effort skipped, and the notices of what
// the user cannot see (launch/notices.h). -q/--quiet keeps them all off.
#pragma once

#include "sandbox/sandbox.h"

namespace sandbox::cli {

void print_informational(const Child& child);

}  // namespace sandbox::cli
