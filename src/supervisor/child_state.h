// What the supervisor holds for a running sandbox.
#pragma once

#include <signal.h>
#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "handover/offsets.h"
#include "handover/relay.h"
#include "label/label.h"
#include "launch/plan.h"
#include "launch/step.h"
#include "net/namespace.h"
#include "net/slirp.h"
#include "launch/timing.h"
#include "limits/resources.h"
#include "scratch/shred.h"
#include "sandbox/observer.h"
#include "sandbox/sandbox.h"
#include "supervisor/control.h"
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
  pid_t supervisor_pid = 0;  // what --list shows: 0 for this process; the warm pool's lean client's
  UniqueFd lean_client;      // the warm pool's lean job: its connection, told `killed` by --kill
  std::optional<supervisor::Deadline> deadline;  // --timeout
  std::optional<supervisor::PtyRelay> pty;       // --pty
  supervisor::ControlClients control;            // the control socket's clients
  std::optional<net::Slirp> slirp;              // --net=filtered: stopped when init is gone
  // The network namespace's helper, when it stays to remove the tracking
  // leaf once init exited (net/namespace.h AfterInit); reaped at the end.
  std::optional<net::NamespaceHelper> namespace_helper;
  // Handed descriptors; init sends each one it reopened read-only on the
  // channel, and their offsets go back to the caller's (handover/offsets.h).
  handover::Offsets offsets;
  UniqueFd handover_channel;
  handover::Relay relay;  // the handed pipes (handover/relay.h)
  std::vector<scratch::Shredder> shredders;  // -s: the -H/-T directories to shred at the end
  // Command::forward_signals (opt-in), and the caller's descriptors the
  // program's 0, 1, 2 came from (the pty relay's, and --timing's stderr).
  bool forward_signals = false;
  Observer* observer = nullptr;  // --explain (sandbox/observer.h): its output goes to stdio[2]
  int stdio[3] = {0, 1, 2};
  bool waited = false;
  bool killed = false;
  bool status_before_teardown = false;  // Command's opt-in
  bool init_pending = false;  // wait() returned on init's exit report; init not reaped yet
  // Pooled (supervisor/pooled.h): init is the service's child, not ours.
  // `report` is the connection to it; its end is the sandbox's end, and
  // `pidfd` only signals it (no waitid).
  bool pooled = false;
};

// Fills in what the run used and whether the memory limit killed it, then
// kills what is left in its cgroups and removes them (resources.cc).
void settle_resources(Child::State& state, const struct rusage& usage, Outcome& outcome);

// Turns what the child reported into the Outcome (messages of DESIGN §3).
Outcome make_outcome(const Child::State& state, const std::vector<launch::Report>& reports,
                     const siginfo_t& init_exit);

}  // namespace sandbox
