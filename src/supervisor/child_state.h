// What the supervisor holds for a running sandbox.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "launch/plan.h"
#include "launch/step.h"
#include "net/slirp.h"
#include "launch/timing.h"
#include "limits/resources.h"
#include "registry/label.h"
#include "scratch/shred.h"
#include "sandbox/sandbox.h"
#include "supervisor/pty_relay.h"
#include "supervisor/timeout.h"
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
  std::vector<std::string> notices;
  std::string missing_interpreter;  // names the interpreter in the exec error
  std::optional<launch::Timing> timing;  // --timing
  // Its cgroups (removed with the state) and how each limit is enforced.
  limits::Resources resources;
  std::chrono::steady_clock::time_point started;  // just before clone3
  // Management and lifecycle (supervisor/{control,timeout,pty_relay}.h).
  std::string profile;
  std::vector<std::string> argv;
  std::optional<supervisor::Deadline> deadline;  // --timeout
  std::optional<supervisor::PtyRelay> pty;       // --pty
  std::optional<net::Slirp> slirp;              // --net=filtered: stopped when init is gone
  std::vector<scratch::Shredder> shredders;  // -s: the -H/-T directories to shred at the end
  bool waited = false;
  bool killed = false;
};

// Fills in what the run used and whether the memory limit killed it, then
// kills what is left in its cgroups and removes them (resources.cc).
void settle_resources(Child::State& state, const struct rusage& usage, Outcome& outcome);

// Turns what the child reported into the Outcome (messages of DESIGN §3).
Outcome make_outcome(const Child::State& state, const std::vector<launch::Report>& reports,
                     const siginfo_t& init_exit);

}  // namespace sandbox
