// --explain and --learn (DESIGN §12): every denial of a run named, with the
// option that would grant it. The program runs under the usual enforcement;
// the Explainer only observes it, as the Observer of spawn() (it traces the
// tree with ptrace from the supervisor, src/explain/).
//
//   sandbox::Policy policy = ...;  policy.explain = sandbox::ExplainMode::text;
//   auto explainer = sandbox::explain::Explainer::create(policy, command);
//   command.observer = explainer.get();
//   auto child = sandbox::spawn(*sandbox::seal(policy), command);
//   child->wait();                              // the lines went to stderr
//   for (const auto& d : explainer->denials()) ...
#pragma once

#include <sys/types.h>

#include <memory>
#include <string>
#include <vector>

#include "sandbox/command.h"
#include "sandbox/error.h"
#include "sandbox/observer.h"
#include "sandbox/policy.h"

namespace sandbox::explain {

// One distinct denial: (operation, object), and how often it happened.
struct Denial {
  long pid = 0;         // the first process it happened to (host pid)
  std::string comm;     // its command name
  std::string syscall;  // "openat"
  std::string op;       // read, write, create, remove, rename, exec, stat, connect, bind, socket, signal, fork, syscall
  std::string object;   // a path, "tcp 127.0.0.1:8080", "signal 15 to pid 1", a syscall
  int errno_value = 0;  // what the call got
  std::string cause;    // "exists outside, not in the view"
  struct Grant {
    std::string option;  // "--ro", "-M"
    std::string value;   // "" for a flag
  };
  std::vector<Grant> grants;  // empty: no option grants this (cause says why)
  bool sensitive = false;     // a secret: never granted by --learn on its own
  bool probe = false;         // the program only looked (stat): --learn comments it out
  unsigned count = 1;
};

// "sandbox: denied: read /x (exists outside, not in the view) -> --ro /x\n"
std::string text_line(const Denial& denial);
// One JSON object and '\n': pid, comm, syscall, op, path or address, errno,
// cause, grant ({option, value} or null), also (further options), sensitive,
// probe, count.
std::string json_line(const Denial& denial);
// The options that grant every denial that has one (secrets and probes
// left out), each once, as command-line words.
std::vector<std::string> grant_words(const std::vector<Denial>& denials);

class Explainer final : public Observer {
 public:
  // mode: the lines it writes for the caller (text or json); `home` is the
  // sandbox's $HOME (Command::env's HOME when empty).
  static std::unique_ptr<Explainer> create(const Policy& policy, const Command& command,
                                           ExplainMode mode = ExplainMode::text);
  ~Explainer() override;
  Explainer(const Explainer&) = delete;
  Explainer& operator=(const Explainer&) = delete;

  Result<void> attach(pid_t init) override;
  int output_fd() const override;
  std::string take_output() override;
  void written() override;
  std::string finish() override;

  // Every distinct denial so far, in the order first seen.
  std::vector<Denial> denials() const;

  struct Impl;

 private:
  explicit Explainer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// --learn FILE: runs `command` under `policy` with --explain, adds the
// grants of each new denial and runs again until a run has none (at most
// policy.learn_runs runs; not converging is an error), then writes FILE
// atomically as a profile that includes the policy's base profile (merged
// with FILE's own keys when it exists). Returns the last run's exit status.
// The program runs several times: stderr says so.
Result<int> learn(const Policy& policy, const Command& command);

}  // namespace sandbox::explain
