// Command: what to run and with which descriptors, environment and working
// directory. spawn() takes everything the program gets from its caller from
// here, and nothing from the calling process (minijail's and sandbox2's shape).
#pragma once

#include <string>
#include <vector>

namespace sandbox {

class Observer;  // sandbox/observer.h

struct Command {
  // argv[0] is the command: a path (granted read + execute, naming it is the
  // grant) or a name looked up in the sandbox's PATH.
  std::vector<std::string> argv;
  // The caller's environment ("KEY=VALUE"), filtered by the policy as the
  // command line's is (DESIGN §2.4): only a short list passes unasked.
  // $HOME here names the directory the sandbox shows as $HOME.
  std::vector<std::string> env;
  // The program's working directory when it exists in the view; empty: $HOME.
  std::string cwd;
  // The caller's descriptors that become the program's 0, 1 and 2 (they are
  // duplicated, never closed or moved in the caller).
  int stdin_fd = 0;
  int stdout_fd = 1;
  int stderr_fd = 2;
  // Further descriptors handed over at the same number (--fd N), each >= 3.
  std::vector<int> fds;
  // Opt-in process-wide signal handling (the `sandbox` command opts in):
  // Child::wait() blocks SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2
  // and SIGWINCH in the calling thread and forwards them to the program, and
  // while a pseudo-terminal relays to the caller's terminal a fatal signal
  // restores the terminal first. Off: wait() touches no signal disposition or
  // mask, and the program gets signals only through Child::kill().
  bool forward_signals = false;
  // Opt-in for a launcher that exits right after wait() (the `sandbox`
  // command opts in): wait() returns as soon as the sandbox's last process is
  // gone, before init's exit has torn its namespaces down (DESIGN §14); init
  // is reaped by ~Child, or by this process's parent when it exits first.
  // Off: wait() returns once init is reaped, as a zombie-free library call.
  bool status_before_teardown = false;
  // --explain: the tracer of the tree (sandbox/observer.h), not owned; it
  // must outlive the Child. Needs Policy::explain (which selects the seccomp
  // variant that stops for it); without an observer that variant makes
  // every observed call fail with ENOSYS (fail closed).
  Observer* observer = nullptr;
  // Opt-in (the `sandbox` command opts in): hand the job to this user's
  // warm pool, `sandbox --serve` (DESIGN §14), when its socket is there and
  // the policy's creation-time part matches; otherwise launch cold, without
  // a word. The environment's SANDBOX_POOL=off never asks the pool;
  // SANDBOX_POOL=only fails instead of launching cold (tests, benches).
  bool use_pool = false;

  // The command as the calling process would run it: its environment
  // (environ), its working directory and its descriptors 0, 1 and 2. Reads
  // process-wide state: call it where that is what is meant (a command-line
  // tool), not from a library that serves other threads.
  static Command from_this_process(std::vector<std::string> argv);
};

}  // namespace sandbox
