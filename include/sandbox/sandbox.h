// The sandbox library: run a program with no ambient authority.
//
//   sandbox::Policy policy = sandbox::Policy::default_profile();
//   policy.grants.push_back({"/srv/mail", sandbox::Access::read});
//   auto sealed = sandbox::seal(policy);          // checked once, against this kernel
//   if (!sealed) { report(sealed.error().message()); return; }
//   sandbox::Command command;
//   command.argv = {"spamscan", "--quiet"};
//   command.env = {"PATH=/usr/bin:/bin", "HOME=/var/lib/spamscan"};
//   command.stdout_fd = pipe_write_end;
//   auto child = sandbox::spawn(*sealed, command);
//   if (!child) { report(child.error().message()); return; }
//   sandbox::Outcome outcome = child->wait();
//
// Thread-safe: two threads may seal and spawn at once. Nothing process-wide
// (signal dispositions and masks, stdio, the environment) is read or changed
// unless the caller opts in (Command::from_this_process,
// Command::forward_signals, hold_forwarded_signals).
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/limits.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"
#include "sandbox/seal.h"

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

  // Waits for the command to end. With Command::forward_signals, forwards
  // SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2 and SIGWINCH received
  // meanwhile to it; without, it changes no signal disposition or mask.
  Outcome wait();
  // Ends the whole sandbox (every process in it) with SIGKILL.
  Result<void> kill();

 private:
  std::unique_ptr<State> state_;
};

// Opt-in, process-wide: blocks the signals Child::wait() forwards (with
// Command::forward_signals), so that one arriving while spawn() starts the
// sandbox stays pending until wait() forwards it.
void hold_forwarded_signals();

// Starts command under the sealed policy.
Result<Child> spawn(const SealedPolicy& policy, const Command& command);

// sandbox's own informational lines for the caller's stderr (not errors),
// each "sandbox: ...\n": which mechanism enforces each limit, what
// --best-effort skipped, and the notices of what the user cannot see.
// "" when there are none. The `sandbox` command prints them before the
// program runs (unless -q); the warm pool's service makes them for its
// lean client, so that both say the same.
std::string informational_lines(const std::vector<LimitEnforcement>& limits, const std::vector<std::string>& skipped,
                                const std::vector<std::string>& notices);

// A profile by name ("web": looked up in $XDG_CONFIG_HOME/sandbox/profiles,
// /etc/sandbox/profiles, then the shipped ones) or by file (a '/' or .toml):
// its effective policy, ready to change and seal (DESIGN §5).
Result<Policy> load_profile(const std::string& name_or_file);

}  // namespace sandbox
