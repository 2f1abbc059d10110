// --timing: how long each launch step took, in microseconds, on stderr.
//
// The supervisor marks its own steps (label, plan, clone3) in an ordinary
// list. The child cannot allocate, so it stamps CLOCK_MONOTONIC per Step into
// a MAP_SHARED|MAP_ANONYMOUS page mapped before clone3: the page stays shared
// across clone3 and init's fork, and the supervisor reads it after init exits.
#pragma once

#include <atomic>
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "launch/step.h"
#include "sandbox/error.h"

namespace sandbox::launch {

// The shared page: written by the child (init and the command), read by the
// supervisor once they are gone.
struct StepClock {
  static constexpr std::uint32_t kCapacity = 120;
  struct Entry {
    Step step;
    std::uint32_t pid;  // the writer's pid in the sandbox (1 = init)
    std::int64_t ns;    // CLOCK_MONOTONIC
  };
  std::atomic<std::uint32_t> count;
  Entry entries[kCapacity];
};

// Child side: records that `step` just finished. Async-signal-safe, no
// allocation; does nothing when clock is null (no --timing).
void stamp(StepClock* clock, Step step) noexcept;

// The monotonic clock in nanoseconds.
std::int64_t monotonic_ns() noexcept;

class Timing {
 public:
  // Maps the shared page.
  static Result<Timing> create();
  Timing(Timing&& other) noexcept;
  Timing& operator=(Timing&& other) noexcept;
  Timing(const Timing&) = delete;
  Timing& operator=(const Timing&) = delete;
  ~Timing();

  // The supervisor finished `what` (a string literal).
  void mark(const char* what);
  // Right before clone3: the child's first step is measured from here.
  void mark_clone_start();
  // The supervisor read init's exit report (the sandbox's end).
  void mark_reported();
  // The supervisor saw init exit.
  void mark_exited();
  StepClock* clock() const { return clock_; }

  // One line per step, supervisor then child, the program's own run last
  // (from the last child step to init's exit).
  std::string report() const;

 private:
  explicit Timing(StepClock* clock);
  struct Mark {
    const char* what;
    std::int64_t ns;
  };
  StepClock* clock_ = nullptr;
  std::int64_t start_ns_ = 0;
  std::int64_t clone_start_ns_ = 0;
  std::int64_t reported_ns_ = 0;
  std::int64_t exited_ns_ = 0;
  std::vector<Mark> marks_;
};

}  // namespace sandbox::launch
