// The sandbox's network namespace (DESIGN §6), made beside init.
//
// A network namespace is the costliest namespace by far to create (0.6-0.7 ms
// here, against 0.15 ms for the user, mount, pid, ipc, uts and cgroup
// namespaces together), so clone3 does not make it. Just before clone3 the
// supervisor forks a helper that waits on a socket pair. init's first step
// sends it a pidfd of init; the helper enters init's user namespace (the
// caller owns it), unshares a network namespace (owned by that user
// namespace, as if clone3 had made it), brings `lo` up and sends the
// namespace back; init joins it once its view is built. The two run at the
// same time, on two cores, and neither waits for the supervisor to be
// scheduled after clone3.
//
// The helper stays outside the sandbox's pid namespace and cgroup, so the
// command keeps pid 2 and --pids counts only the sandbox's processes.
#pragma once

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::net {

// Work that needs init gone, run by the helper once init has exited
// (async-signal-safe, no allocation: the helper is a fork). With it, the
// helper outlives its answer: it waits for init's exit, runs it, exits; the
// supervisor need not wait for init's teardown before it returns the
// status (DESIGN §14), e.g. to remove the cgroup leaf.
struct AfterInit {
  void (*run)(const void* context) noexcept = nullptr;
  const void* context = nullptr;  // in the supervisor's memory at start(): the helper's copy
};

// The supervisor's side.
class NamespaceHelper {
 public:
  // Before clone3: makes the socket pair and forks the helper, which waits.
  static Result<NamespaceHelper> start(AfterInit after_init = {});

  // Whether the helper runs an AfterInit: it lives until init has exited.
  bool stays() const { return stays_; }

  // init's end of the pair, for the launch plan.
  UniqueFd take_init_end() { return std::move(init_end_); }

  // Closes the helper's end here (in init too, right after clone3): when
  // the helper dies, init reads EOF instead of waiting for ever.
  void close_helper_end() { helper_end_.reset(); }

  // After clone3, with init's end in init alone: waits for the helper,
  // which exits once it has answered (or read EOF: init ended first).
  void reap() noexcept;

  NamespaceHelper(NamespaceHelper&&) = default;
  NamespaceHelper& operator=(NamespaceHelper&&) = default;
  ~NamespaceHelper();  // not reaped yet (a launch that failed): killed, then reaped

 private:
  NamespaceHelper() = default;
  bool stays_ = false;
  UniqueFd pidfd_;
  UniqueFd helper_end_;
  UniqueFd init_end_;
};

// init's side, async-signal-safe. First: sends the helper a pidfd of init.
int ask_for_namespace(int init_end) noexcept;

// After the view: waits for the namespace and joins it. Returns 0, the
// helper's errno (setns, unshare or loopback) or ours; EPIPE if the helper
// died without a word. Closes `init_end`.
int join_namespace(int init_end) noexcept;

}  // namespace sandbox::net
