// The tracer of the sandboxed tree (DESIGN §12): a thread of the supervisor
// that PTRACE_SEIZEs the sandbox's init while it is still dumpable, gets its
// command auto-attached at init's vfork and detaches init there; from then
// on every process and thread of the tree is traced. The seccomp variant of
// --explain stops the observed calls (SECCOMP_RET_TRACE): at that stop the
// tracer decodes the call (decode.h), at the syscall-exit stop it reads the
// real result. Calls of the deny list (RET_TRACE data kTraceDenied) are
// skipped and answered EPERM, as without --explain. Everything else runs
// on: signals are re-injected, group-stops are listened to (PTRACE_LISTEN,
// job control keeps working), and PTRACE_O_EXITKILL ends the tree if the
// supervisor dies.
#pragma once

#include <sys/types.h>

#include <functional>
#include <thread>

#include "explain/attempt.h"
#include "sandbox/error.h"

namespace sandbox::explain {

class Tracer {
 public:
  // Called on the tracer's thread for each observed call that failed (and
  // for each UDP connect, which a filter may drop without failing it).
  using Sink = std::function<void(Attempt&&)>;
  explicit Tracer(Sink sink) : sink_(std::move(sink)) {}
  ~Tracer() { join(); }
  Tracer(const Tracer&) = delete;
  Tracer& operator=(const Tracer&) = delete;

  // Starts the thread, which seizes init; returns once it did, or why not.
  Result<void> start(pid_t init);
  // Waits until the last traced process is gone.
  void join();

 private:
  void run(pid_t init, int ready_fd);

  Sink sink_;
  std::thread thread_;
};

}  // namespace sandbox::explain
