// Observer: something that watches the sandboxed tree from the supervisor
// (`sandbox --explain`, DESIGN §12; the ptrace tracer is src/explain/).
//
// spawn() with Command::observer set (and Policy::explain on) hands the
// sandbox's init to the observer right after clone3, while init is still
// dumpable, and lets init go on only once attach() succeeded: the command,
// forked by init, is traced from its first instruction. Child::wait() writes
// what the observer has to say to the caller's standard error as it comes
// (through the pseudo-terminal's writer when one is relayed), and calls
// finish() once the sandbox is gone.
#pragma once

#include <sys/types.h>

#include <string>

#include "sandbox/error.h"

namespace sandbox {

class Observer {
 public:
  virtual ~Observer() = default;
  // init's host pid, right after clone3. Returns once init is traced, or
  // with the reason it cannot be (spawn() then fails: exit 125).
  virtual Result<void> attach(pid_t init) = 0;
  // Readable when text for the caller's stderr is waiting (-1: never).
  virtual int output_fd() const = 0;
  // The waiting text, whole lines ending in '\n'.
  virtual std::string take_output() = 0;
  // That text is written: a traced program held at its failed call may go
  // on (its own words about the failure come after ours).
  virtual void written() {}
  // After the sandbox's last process is gone: the tracer's end. Returns the
  // text still waiting.
  virtual std::string finish() = 0;
};

}  // namespace sandbox
