#include "net/namespace.h"

#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "net/attach.h"
#include "net/loopback.h"
#include "util/fd_passing.h"
#include "util/resident.h"
#include "util/sys.h"

namespace sandbox::net {
namespace {

// The helper's copy of the caller's command line (the argument area of
// /proc/self/cmdline) cleared, the way setproctitle() rewrites it: once it
// outlives the status (AfterInit), no process other than init's tree shows
// the sandbox's command, and nothing of it lingers in the process list.
// Async-signal-safe: /proc/self/stat's fields 48 and 49 give the area.
void clear_command_line() noexcept {
  const int fd = ::open("/proc/self/stat", O_RDONLY | O_CLOEXEC);
  if (fd < 0) return;
  char buf[1024];
  const ssize_t n = ::read(fd, buf, sizeof(buf) - 1);
  ::close(fd);
  if (n <= 0) return;
  buf[n] = '\0';
  const char* p = ::strrchr(buf, ')');  // the name may hold spaces; fields follow it
  if (p == nullptr) return;
  unsigned long field[52] = {};
  int index = 2;  // the state is field 3
  for (++p; *p != '\0' && index < 51; ++p) {
    if (*p == ' ') {
      ++index;
    } else if (*p >= '0' && *p <= '9') {
      field[index] = field[index] * 10 + static_cast<unsigned long>(*p - '0');
    }
  }
  const unsigned long start = field[48];
  const unsigned long end = field[49];
  if (start != 0 && end > start && end - start < (1UL << 20)) {
    ::memset(reinterpret_cast<void*>(start), 0, end - start);
  }
}

// The helper: the caller's uid in the parent user namespace, so it holds
// every capability in init's (the caller owns it) and none on the host.
[[noreturn]] void run_helper(int channel, AfterInit after_init, const util::CodeRanges& code) {
  int word = 0;
  int init = -1;
  int err = util::receive_fd(channel, 0, &word, &init);  // EPIPE: init ended first
  if (err == 0 && init < 0) err = EPIPE;
  if (err == 0 && ::setns(init, CLONE_NEWUSER) != 0) err = errno;
  if (err == 0 && ::unshare(CLONE_NEWNET) != 0) err = errno;
  if (err == 0) err = bring_loopback_up();
  int ns = -1;
  if (err == 0 && (ns = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC)) < 0) err = errno;
  const int sent = util::send_fd(channel, err, ns);
  if (after_init.run != nullptr && init >= 0) {
    clear_command_line();
    if (ns >= 0) ::close(ns);  // init holds the namespace now
    // It outlives the supervisor: of the supervisor's descriptors it keeps
    // init's pidfd alone. Not the label's socket (an ended sandbox would
    // stay listed and its label reserved), not the caller's stdio (a
    // `$(sandbox ...)` would wait for its EOF).
    int keep[] = {init};
    sys::close_all_except(0, keep, 1);
    // And it waits the sandbox's whole life: the code it ran to get here
    // (faulted in around each call, spread over the launcher's text) need
    // not stay mapped, as the supervisor and init give theirs back.
    util::drop_resident(code);
    pollfd exited{init, POLLIN, 0};  // the pidfd is readable once init has exited
    while (::poll(&exited, 1, -1) < 0 && errno == EINTR) {
    }
    after_init.run(after_init.context);
  }
  ::_exit(err == 0 && sent == 0 ? 0 : 1);
}

}  // namespace

Result<NamespaceHelper> NamespaceHelper::start(AfterInit after_init) {
  auto channel = make_channel();
  if (!channel) return std::move(channel).error();
  NamespaceHelper helper;
  helper.stays_ = after_init.run != nullptr;
  helper.helper_end_ = std::move(channel->first);
  helper.init_end_ = std::move(channel->second);
  const util::CodeRanges code = util::code_ranges();  // here: dl_iterate_phdr takes a lock
  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  const pid_t pid = sys::clone3(args);
  if (pid < 0) return Error::from_errno("cannot start the network namespace helper (clone3)");
  if (pid == 0) {
    helper.init_end_.reset();  // EOF once init and the supervisor let go of it
    run_helper(helper.helper_end_.get(), after_init, code);
  }
  helper.pidfd_ = UniqueFd(pidfd);
  return helper;
}

NamespaceHelper::~NamespaceHelper() {
  if (pidfd_) sys::pidfd_send_signal(pidfd_.get(), SIGKILL);
  reap();
}

void NamespaceHelper::reap() noexcept {
  if (!pidfd_) return;
  init_end_.reset();
  helper_end_.reset();
  siginfo_t info;
  while (sys::waitid(sys::kPidfd, static_cast<id_t>(pidfd_.get()), &info, WEXITED, nullptr) < 0 &&
         errno == EINTR) {
  }
  pidfd_.reset();
}

int ask_for_namespace(int init_end) noexcept {
  const int self = sys::pidfd_open(::getpid());  // pid 1: ourselves, in our pid namespace
  if (self < 0) return errno;
  const int err = util::send_fd(init_end, 0, self);
  ::close(self);
  return err;
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
