// slirp4netns, the user-mode network of --net=filtered (DESIGN §6).
//
// Started by the supervisor, attached to the sandbox's user and network
// namespaces through its keeper (slirp_keeper.h: how, and why not by init's
// pid), with its own sandbox and seccomp filter, host loopback disabled. It
// never outlives the supervisor: it is killed and reaped when the sandbox
// ends (stop(), or the destructor on every other path), it reads EOF on its
// exit fd when the supervisor dies, and it has PR_SET_PDEATHSIG on its
// keeper, a process between it and the supervisor that has PR_SET_PDEATHSIG
// too (slirp.cc: why the keeper).
#pragma once

#include <sys/types.h>

#include <chrono>
#include <string>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::net {

struct SlirpOptions {
  std::string binary;  // absolute path of slirp4netns
  bool dns = false;    // its forwarder at 10.0.2.3 (--allow-dns)
};

// Finds slirp4netns in the caller's PATH (or /usr/bin), for the plan.
Result<std::string> find_slirp4netns();

class Slirp {
 public:
  // Forks the keeper, which starts slirp4netns for the namespaces of the
  // process `init_pidfd` refers to (the sandbox's init).
  static Result<Slirp> start(const SlirpOptions& options, int init_pidfd);

  // Waits until it has configured tap0 (its ready fd), at most timeout_ms.
  // Otherwise the error names the step that failed and slirp4netns's words.
  Result<void> wait_ready(int timeout_ms);
  // Kills its keeper (and so it) and reaps the keeper; idempotent.
  void stop() noexcept;
  // The sandbox has ended: lets it forward what is still queued on tap0
  // (at most kDrainBudget, slirp_drain.h), then stop().
  void finish() noexcept;
  static constexpr std::chrono::milliseconds kDrainBudget{250};
  pid_t pid() const { return pid_; }

  Slirp(Slirp&& other) noexcept;
  Slirp& operator=(Slirp&& other) noexcept;
  Slirp(const Slirp&) = delete;
  Slirp& operator=(const Slirp&) = delete;
  ~Slirp();

 private:
  Slirp() = default;
  std::string log() const;
  Error failure(const std::string& what_if_silent) const;

  pid_t pid_ = -1;  // the keeper
  UniqueFd pidfd_;
  UniqueFd ready_;  // read end of its --ready-fd
  UniqueFd exit_;   // write end of its --exit-fd: EOF when we die
  UniqueFd log_;    // memfd with its stderr
  UniqueFd report_; // read end of the keeper's reports (slirp_keeper.h)
};

}  // namespace sandbox::net
