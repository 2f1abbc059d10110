#include "net/namespace.h"

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>

#include "net/loopback.h"
#include "util/fd_passing.h"
#include "util/sys.h"

namespace sandbox::net {
namespace {

// The helper: the caller's uid in the parent user namespace, so it holds
// every capability in init's (it owns it) and none on the host.
[[noreturn]] void run_helper(int init_pidfd, int channel) {
  int err = 0;
  int ns = -1;
  if (::setns(init_pidfd, CLONE_NEWUSER) != 0) {
    err = errno;
  } else if (::unshare(CLONE_NEWNET) != 0) {
    err = errno;
  } else if ((err = bring_loopback_up()) == 0) {
    ns = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    if (ns < 0) err = errno;
  }
  const int sent = util::send_fd(channel, err, ns);
  ::_exit(err == 0 && sent == 0 ? 0 : 1);
}

}  // namespace

Result<UniqueFd> start_namespace_helper(int init_pidfd, int helper_end) {
  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  const pid_t pid = sys::clone3(args);
  if (pid < 0) return Error::from_errno("cannot start the network namespace helper (clone3)");
  if (pid == 0) run_helper(init_pidfd, helper_end);
  return UniqueFd(pidfd);
}

void reap_namespace_helper(int helper_pidfd) noexcept {
  siginfo_t info;
  while (sys::waitid(sys::kPidfd, static_cast<id_t>(helper_pidfd), &info, WEXITED, nullptr) < 0 &&
         errno == EINTR) {
  }
}

int join_namespace(int init_end) noexcept {
  int word = 0;
  int ns = -1;
  int err = util::receive_fd(init_end, 0, &word, &ns);
  if (err == 0 && word != 0) err = word;
  if (err == 0 && ns < 0) err = EPIPE;
  if (err == 0 && ::setns(ns, CLONE_NEWNET) != 0) err = errno;  // EINVAL unless a network namespace
  if (ns >= 0) ::close(ns);
  ::close(init_end);
  return err;
}

}  // namespace sandbox::net
