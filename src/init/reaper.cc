#include "init/reaper.h"

#include <poll.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <ctime>

#include "init/subreaper.h"
#include "util/sys.h"

namespace sandbox::init {
namespace {


int exit_code(int wait_status) {
  if (WIFEXITED(wait_status)) return WEXITSTATUS(wait_status);
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return 125;
}

}  // namespace

void fill_signal_set(sigset_t* set) noexcept {
  sigemptyset(set);
  sigaddset(set, SIGCHLD);
  sigaddset(set, terminate_tree_signal());
  sigaddset(set, client_gone_signal());
  for (int sig : kForwardedSignals) sigaddset(set, sig);
}

void reap(pid_t command, bool wait_all, int report_fd, ReportExit report_exit, const util::CodeRanges* code,
          int children_fd) noexcept {
  sigset_t set;
  fill_signal_set(&set);
  int command_status = 0;
  bool command_done = false;
  const auto trim_after = std::chrono::duration_cast<std::chrono::nanoseconds>(util::kTrimAfter).count();
  const timespec trim_timeout{0, static_cast<long>(trim_after)};
  for (;;) {
    siginfo_t info;
    const int sig = ::sigtimedwait(&set, &info, code != nullptr ? &trim_timeout : nullptr);
    if (sig < 0 && errno == EAGAIN && code != nullptr) {  // a long run: from here on we only wait
      util::drop_resident(*code);
      code = nullptr;
    }
    if (sig < 0) continue;
    if (sig == terminate_tree_signal()) {
      signal_tree(children_fd, SIGTERM);  // every process but us; nested Landlock domains allow it
      continue;
    }
    if (sig == client_gone_signal()) {
      pollfd p{report_fd, POLLRDHUP, 0};
      if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)) != 0) signal_tree(children_fd, SIGKILL);
      continue;
    }
    if (sig != SIGCHLD) {
      // The command first; once it is gone (--wait-all), everyone left.
      if (command_done) {
        signal_tree(children_fd, sig);
      } else {
        ::kill(command, sig);
      }
      continue;
    }
    bool none_left = false;
    for (;;) {
      int status = 0;
      const pid_t pid = ::waitpid(-1, &status, WNOHANG);
      if (pid == 0) break;
      if (pid < 0) {
        none_left = errno == ECHILD;
        break;
      }
      if (pid == command) {
        command_status = status;
        command_done = true;
      }
    }
    if (command_done && (!wait_all || none_left)) break;
  }
  // Every other process of the sandbox is killed and reaped before the
  // status leaves: the supervisor may return it at once (DESIGN §14), while
  // our own exit still tears the namespaces down. Nothing of the sandbox
  // runs once the status is read; init's next step is exit.
  kill_tree(children_fd);
  // Our copies of the command's descriptors (its stdio, the handed ones) go
  // too, so a reader of a pipe the sandbox wrote sees its end with the status.
  if (report_fd > 0) sys::close_range(0, static_cast<unsigned>(report_fd) - 1);
  sys::close_range(static_cast<unsigned>(report_fd) + 1, ~0U);
  report_exit(report_fd, command_status);
  ::_exit(exit_code(command_status));
}

}  // namespace sandbox::init
