// The sandbox's label, reserved for as long as the returned socket lives
// (DESIGN §4): the one asked for (-l), the session's level, or any free one.
#pragma once

#include "label/label.h"
#include "sandbox/policy.h"

namespace sandbox::supervisor {

Result<registry::Reservation> reserve_label(const Policy& policy);

}  // namespace sandbox::supervisor
