// The keeper and slirp4netns's process up to execve (slirp_keeper.h: why).
#include "net/slirp_keeper.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/sys.h"

namespace sandbox::net {
namespace {

void report(int fd, KeeperStep step, int value) noexcept {
  const KeeperReport r{static_cast<int>(step), value};
  [[maybe_unused]] const ssize_t n = ::write(fd, &r, sizeof(r));  // a pipe: atomic, never partial
}

// Appends text to [*at, end) and keeps a terminating NUL; false when it does not fit.
bool append(char** at, char* end, const char* text) noexcept {
  const std::size_t n = std::strlen(text);
  if (n >= static_cast<std::size_t>(end - *at)) return false;
  std::memcpy(*at, text, n + 1);
  *at += n;
  return true;
}

bool append_number(char** at, char* end, long value) noexcept {
  char digits[24];
  char* d = digits + sizeof(digits);
  *--d = '\0';
  do {
    *--d = static_cast<char>('0' + value % 10);
    value /= 10;
  } while (value > 0 && d > digits);
  return append(at, end, d);
}

int write_file(const char* path, const char* text) noexcept {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const std::size_t size = std::strlen(text);
  const ssize_t n = ::write(fd, text, size);
  const int err = n == static_cast<ssize_t>(size) ? 0 : (n < 0 ? errno : EIO);
  ::close(fd);
  return err;
}

// "0 ID 1": 0 in the new user namespace is ID in the sandbox's.
int map_root_to(const char* path, unsigned id) noexcept {
  char line[48];
  char* at = line;
  if (!append(&at, line + sizeof(line), "0 ") || !append_number(&at, line + sizeof(line), id) ||
      !append(&at, line + sizeof(line), " 1\n")) {
    return EOVERFLOW;
  }
  return write_file(path, line);
}

// slirp4netns's process: waits for the keeper's word, then execs. Never returns.
[[noreturn]] void exec_slirp(const KeeperArgs& a, pid_t keeper, int go) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != keeper) ::_exit(127);
  char word = 0;
  ssize_t n;
  while ((n = ::read(go, &word, 1)) < 0 && errno == EINTR) {
  }
  if (n != 1) ::_exit(127);  // the keeper failed and said why
  // Move the descriptors above the target numbers first.
  const int ready = ::fcntl(a.ready, F_DUPFD_CLOEXEC, 10);
  const int exit_read = ::fcntl(a.exit_read, F_DUPFD_CLOEXEC, 10);
  const int log = ::fcntl(a.log, F_DUPFD_CLOEXEC, 10);
  const int report_fd = ::fcntl(a.report, F_DUPFD_CLOEXEC, 10);
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (ready < 0 || exit_read < 0 || log < 0 || report_fd < 0 || null < 0) {
    report(report_fd >= 0 ? report_fd : a.report, KeeperStep::exec, errno);
    ::_exit(127);
  }
  // stdout carries only its banner; stderr says what failed.
  if (::dup2(null, 0) < 0 || ::dup2(null, 1) < 0 || ::dup2(log, 2) < 0 ||
      ::dup2(ready, kSlirpReadyFd) != kSlirpReadyFd || ::dup2(exit_read, kSlirpExitFd) != kSlirpExitFd) {
    report(report_fd, KeeperStep::exec, errno);
    ::_exit(127);
  }
  sigset_t none;
  ::sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);  // the supervisor's blocked signals are its own
  // Everything else closes at execve; the report pipe stays usable until then.
  sys::close_range(kSlirpExitFd + 1, ~0U, CLOSE_RANGE_CLOEXEC);
  char* const env[] = {nullptr};
  ::execve(a.argv[0], a.argv, env);
  report(report_fd, KeeperStep::exec, errno);
  ::_exit(127);
}

// The keeper's own namespaces: the sandbox's network namespace, and a user
// namespace beneath the sandbox's where 0 is the caller. Holds a descriptor
// of the sandbox's user namespace at `held`. Returns 0, or the errno and *step.
int enter_namespaces(const KeeperArgs& a, int held, KeeperStep* step) noexcept {
  *step = KeeperStep::join;
  if (::setns(a.init_pidfd, CLONE_NEWUSER | CLONE_NEWNET) != 0) return errno;
  const uid_t uid = ::geteuid();  // the caller, as the sandbox's user namespace maps it
  const gid_t gid = ::getegid();
  *step = KeeperStep::hold;
  const int userns = ::open("/proc/thread-self/ns/user", O_RDONLY | O_CLOEXEC);
  if (userns < 0) return errno;
  const int moved = ::dup3(userns, held, O_CLOEXEC);
  const int err = moved < 0 ? errno : 0;
  ::close(userns);
  if (err != 0) return err;
  *step = KeeperStep::unshare;
  if (::unshare(CLONE_NEWUSER) != 0) return errno;
  *step = KeeperStep::map;
  if (int e = write_file("/proc/self/setgroups", "deny"); e != 0) return e;
  if (int e = map_root_to("/proc/self/uid_map", uid); e != 0) return e;
  return map_root_to("/proc/self/gid_map", gid);
}

}  // namespace

void run_keeper(const KeeperArgs& a) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != a.supervisor) ::_exit(127);  // the supervisor died before the line above
  const pid_t keeper = ::getpid();
  // A descriptor number reserved now, for the sandbox's user namespace
  // later: slirp4netns's arguments name it before it exists.
  const int held = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int go[2] = {-1, -1};
  if (held < 0 || ::pipe2(go, O_CLOEXEC) != 0) {
    report(a.report, KeeperStep::start, errno);
    ::_exit(1);
  }
  char* at = a.target;
  char* userns = a.userns;
  if (!append_number(&at, a.target + KeeperArgs::kArgSize, keeper) ||
      !append(&userns, a.userns + KeeperArgs::kArgSize, "--userns-path=/proc/") ||
      !append_number(&userns, a.userns + KeeperArgs::kArgSize, keeper) ||
      !append(&userns, a.userns + KeeperArgs::kArgSize, "/fd/") ||
      !append_number(&userns, a.userns + KeeperArgs::kArgSize, held)) {
    report(a.report, KeeperStep::start, EOVERFLOW);
    ::_exit(1);
  }
  // Forked before the keeper leaves the caller's user namespace: slirp4netns
  // must start there, where the caller owns the sandbox's.
  const pid_t slirp = ::fork();
  if (slirp < 0) {
    report(a.report, KeeperStep::start, errno);
    ::_exit(1);
  }
  if (slirp == 0) {
    ::close(go[1]);
    exec_slirp(a, keeper, go[0]);
  }
  ::close(go[0]);
  KeeperStep step = KeeperStep::join;
  const int err = enter_namespaces(a, held, &step);
  if (err != 0) report(a.report, step, err);
  if (err == 0 && ::write(go[1], "g", 1) != 1) report(a.report, KeeperStep::start, errno);
  ::close(go[1]);  // EOF: slirp4netns's process exits without a word
  int status = 0;
  while (::waitpid(slirp, &status, 0) < 0 && errno == EINTR) {
  }
  if (err == 0) report(a.report, KeeperStep::exited, status);
  ::_exit(0);
}

}  // namespace sandbox::net
