// -X's options (-W, -w, -d): parsed and checked with the rest of the policy.
// Here, not in x11/, so that the policy does not depend on the feature that
// runs it (DESIGN §11: policy is below x11).
#pragma once

#include <string>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::x11 {

// Checks -X, -W, -w and -d against each other.
Result<void> validate(const Policy::X11& options);

// Parses "WIDTHxHEIGHT" (-w) into options.
Result<void> parse_window_size(Policy::X11& options, const std::string& text);

}  // namespace sandbox::x11
