// The processes between the supervisor and slirp4netns (DESIGN §6).
//
// slirp4netns creates tap0 in the sandbox's network namespace from a child
// that joins the namespaces of a target pid; with --enable-sandbox its main
// process, when its euid is not 0, joins the target's user namespace and
// calls setegid(0) and seteuid(0) before it builds its own mount namespace.
// The sandbox's user namespace maps only the caller's uid and gid (0 is
// mapped only for a root caller), so for a real unprivileged caller that
// setegid(0) fails with EINVAL and slirp4netns exits before the network is
// ready.
//
// So the keeper, the supervisor's child and slirp4netns's parent, becomes
// the target: it enters the sandbox's user and network namespaces (through
// init's pidfd; the caller owns that user namespace), holds a descriptor of
// that user namespace for slirp4netns's --userns-path, and then unshares a
// user namespace of its own, a child of the sandbox's, that maps 0 to the
// caller. slirp4netns, started from the caller's user namespace:
//   - its child joins --userns-path (the sandbox's user namespace) and the
//     keeper's network namespace (the sandbox's), and creates tap0 there;
//   - its main process joins the keeper's user namespace, where 0 is the
//     caller, and builds its sandbox and seccomp filter there: it holds no
//     capability over the sandbox's user namespace, which is its parent.
// The sandboxed program cannot reach that namespace: the keeper and
// slirp4netns are outside its pid namespace.
//
// Async-signal-safe after fork: no allocation, no exceptions.
#pragma once

#include <sys/types.h>

namespace sandbox::net {

// What the keeper (or slirp4netns's process before execve) was doing when
// it reports, and then the value: an errno, or for `exited` the wait status
// of slirp4netns.
enum class KeeperStep : int {
  start = 1,  // pipe or fork
  join,       // setns into the sandbox's user and network namespaces
  hold,       // a descriptor of the sandbox's user namespace
  unshare,    // the user namespace of slirp4netns's own sandbox
  map,        // its setgroups, uid_map and gid_map
  exec,       // execve of slirp4netns
  exited,     // slirp4netns ended (value: its wait status)
};

struct KeeperReport {
  int step = 0;
  int value = 0;
};

// The descriptor numbers slirp4netns gets.
inline constexpr int kSlirpReadyFd = 3;
inline constexpr int kSlirpExitFd = 4;

// Everything the keeper needs, prepared before fork.
struct KeeperArgs {
  static constexpr int kArgSize = 64;
  char* const* argv = nullptr;  // slirp4netns's; `target` and `userns` are two of its entries
  char* target = nullptr;       // kArgSize bytes: the keeper writes its pid
  char* userns = nullptr;       // kArgSize bytes: "--userns-path=/proc/PID/fd/N"
  pid_t supervisor = -1;
  int init_pidfd = -1;
  int ready = -1;      // write end of the ready pipe (slirp4netns's --ready-fd)
  int exit_read = -1;  // read end of the exit pipe (its --exit-fd)
  int log = -1;        // its stderr
  int report = -1;     // write end of the report pipe
};

// The keeper, in the supervisor's child. Never returns.
[[noreturn]] void run_keeper(const KeeperArgs& args);

}  // namespace sandbox::net
