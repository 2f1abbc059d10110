// Child side of relay.h: init puts each inner pipe end at the handed number
// and closes the supervisor's ends (or the command would never see the end
// of its input). Async-signal-safe; returns 0 or errno, *failed the index.
#pragma once

#include <cstddef>
#include <vector>

#include "handover/handed.h"

namespace sandbox::handover {

int place_inner_pipes(const std::vector<Handed>& handed, std::size_t* failed) noexcept;

}  // namespace sandbox::handover
