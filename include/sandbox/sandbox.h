// The sandbox library: run a program with no ambient authority.
//
//   sandbox::Policy policy = sandbox::Policy::default_profile();
//   policy.grants.push_back({"/srv/mail", sandbox::Access::read});
//   auto child = sandbox::spawn(policy, {"spamscan", "--quiet"});
//   if (!child) { report(child.error().message()); return; }
//   sandbox::Outcome outcome = child->wait();
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/limits.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox {

class Child {
 public:
  struct State;
  explicit Child(std::unique_ptr<State> state);
  Child(Child&&) noexcept;
  Child& operator=(Child&&) noexcept;
  ~Child();  // kills and reaps the sandbox if it was not waited for

  // The host pid of the sandbox's init (pid 1 inside).
  pid_t pid() const;
  // "sandbox_t:s0:cA,cB"
  const std::string& label() const;
  // Layers skipped under --best-effort, one description each.
  const std::vector<std::string>& skipped() const;
  // What the caller should know, one line each: how the policy was applied
  // (a grant that follows a symlink, W^X lifted) and what the user cannot
  // see (the working directory not inside, a missing #! interpreter, a
  // command name that finds another file inside than outside). The CLI
  // prints them as "sandbox: LINE" unless -q.
  const std::vector<std::string>& notices() const;
  // Each resource limit and the mechanism enforcing it (DESIGN §8).
  const std::vector<LimitEnforcement>& limits() const;

  // Waits for the command to end; forwards SIGINT, SIGTERM, SIGHUP, SIGQUIT,
  // SIGUSR1, SIGUSR2 and SIGWINCH received meanwhile to it.
  Outcome wait();
  // Ends the whole sandbox (every process in it) with SIGKILL.
  Result<void> kill();

 private:
  std::unique_ptr<State> state_;
};

// Blocks the signals Child::wait() forwards, so that one arriving while
// spawn() starts the sandbox stays pending until wait() forwards it.
void hold_forwarded_signals();

// Starts argv under the policy. The policy must have been validated.
Result<Child> spawn(const Policy& policy, const std::vector<std::string>& argv);

}  // namespace sandbox
