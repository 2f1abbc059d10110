// --timeout (DESIGN §8): a wall-clock deadline on a timerfd in the
// supervisor's event loop. At the deadline init is told to SIGTERM the whole
// tree; after a grace period init is SIGKILLed, which ends every process of
// the pid namespace. The run then ends as Outcome::Kind::timed_out (124).
#pragma once

#include "sandbox/error.h"
#include "sandbox/outcome.h"
#include "util/unique_fd.h"

namespace sandbox::supervisor {

inline constexpr unsigned kTimeoutGraceSeconds = 2;

class Deadline {
 public:
  // seconds == 0: no deadline (fd() is -1 and never fires).
  static Result<Deadline> start(unsigned seconds);

  int fd() const { return timer_.get(); }
  bool expired() const { return stage_ != Stage::running; }
  // Called when fd() is readable: the next stage against init's pidfd.
  void fire(int init_pidfd);
  // The end of a run whose deadline expired: timed_out, exit 124.
  Outcome outcome() const;

 private:
  enum class Stage { running, terminating, killed };
  Deadline(UniqueFd timer, unsigned seconds) : timer_(std::move(timer)), seconds_(seconds) {}
  UniqueFd timer_;
  unsigned seconds_ = 0;
  Stage stage_ = Stage::running;
};

}  // namespace sandbox::supervisor
