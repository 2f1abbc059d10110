// The supervisor's side of --explain (DESIGN §12): the pipe on which init
// waits for its tracer, and the hand-over of init to Command::observer.
// Three calls in spawn(): prepare before clone3, close_child_end in the
// child, attach once the Child exists (a failure then kills the sandbox).
#pragma once

#include <sys/types.h>

#include "launch/plan.h"
#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/policy.h"
#include "util/unique_fd.h"

namespace sandbox::supervisor {

class ObserverLink {
 public:
  // Nothing to do without Command::observer; plan.explain_sync gets init's
  // end otherwise.
  static Result<ObserverLink> prepare(const Policy& policy, const Command& command,
                                      launch::LaunchPlan& plan);
  // In the child of clone3: our end is not init's.
  void close_child_end() { go_.reset(); }
  // The observer traces init, then init goes on. Without an observer: nothing.
  Result<void> attach(pid_t init);

 private:
  Observer* observer_ = nullptr;
  UniqueFd go_;
};

}  // namespace sandbox::supervisor
