// What the supervisor holds for a running sandbox.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "launch/plan.h"
#include "launch/step.h"
#include "launch/timing.h"
#include "registry/label.h"
#include "sandbox/sandbox.h"
#include "util/unique_fd.h"

namespace sandbox {

struct Child::State {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd report;          // read end of the child's report pipe
  registry::Reservation reservation;
  std::string label;
  std::string command;      // argv[0] as given
  std::vector<std::string> exec_candidates;
  std::vector<std::string> mount_descriptions;  // describe(op) per view op
  std::vector<std::string> skipped;
  std::optional<launch::Timing> timing;  // --timing
  bool waited = false;
  bool killed = false;
};

// Turns what the child reported into the Outcome (messages of DESIGN §3).
Outcome make_outcome(const Child::State& state, const std::vector<launch::Report>& reports,
                     const siginfo_t& init_exit);

}  // namespace sandbox
