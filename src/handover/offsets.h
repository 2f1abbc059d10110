// Supervisor side of reopen.h: once the sandbox is gone, each reopened
// read-only file's final offset goes back to the caller's description.
#pragma once

#include <vector>

#include "handover/handed.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::handover {

class Offsets {
 public:
  // Keeps a duplicate of the caller's description of every file init
  // reopens (the caller may close its own descriptor before wait()).
  static Result<Offsets> keep(const std::vector<Handed>& handed);
  // Reads what init sent on `channel` (never blocks) and moves each caller's
  // description to the offset the sandbox left its copy at.
  void give_back(int channel) noexcept;

 private:
  std::vector<UniqueFd> caller_;  // by handed index; invalid when not reopened
};

}  // namespace sandbox::handover
