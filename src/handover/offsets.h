// Supervisor side of reopen.h: once the sandbox is gone, each reopened
// read-only file's final offset goes back to the caller's description.
#pragma once

#include <vector>

#include "handover/handed.h"

namespace sandbox::handover {

// Reads what init sent on `channel` (never blocks) and moves each caller's
// description to the offset the sandbox left its copy at.
void give_back_offsets(int channel, const std::vector<Handed>& handed) noexcept;

}  // namespace sandbox::handover
