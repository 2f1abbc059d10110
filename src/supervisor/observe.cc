#include "supervisor/observe.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "sandbox/observer.h"

namespace sandbox::supervisor {

Result<ObserverLink> ObserverLink::prepare(const Policy& policy, const Command& command,
                                           launch::LaunchPlan& plan) {
  ObserverLink link;
  if (command.observer == nullptr) return link;
  if (policy.explain == ExplainMode::off) {
    return Error("an observer needs Policy::explain: it stops the program only for a tracer");
  }
  if (policy.allow_ptrace) return Error("--explain: the program cannot also be allowed to ptrace (one tracer per process)");
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("cannot create the --explain pipe");
  plan.explain_sync = UniqueFd(fds[0]);
  link.go_ = UniqueFd(fds[1]);
  link.observer_ = command.observer;
  return link;
}

Result<void> ObserverLink::attach(pid_t init) {
  if (observer_ == nullptr) return success();
  if (auto attached = observer_->attach(init); !attached) return std::move(attached).error();
  const char go = 1;
  if (::write(go_.get(), &go, 1) != 1) return Error::from_errno("--explain: cannot release the sandbox's init");
  go_.reset();
  return success();
}

}  // namespace sandbox::supervisor
