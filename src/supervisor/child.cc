// Child: the supervisor's handle on a running sandbox, and its event loop.
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "supervisor/child_state.h"
#include "util/sys.h"

namespace sandbox {
namespace {

constexpr int kForwarded[] = {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH};
constexpr idtype_t kPidfd = static_cast<idtype_t>(3);  // P_PIDFD

// Blocks the forwarded signals for the duration of wait() and reads them
// from a signalfd; the previous mask comes back on destruction.
class ForwardedSignals {
 public:
  ForwardedSignals() {
    sigset_t set;
    sigemptyset(&set);
    for (int sig : kForwarded) sigaddset(&set, sig);
    ::sigprocmask(SIG_BLOCK, &set, &previous_);
    fd_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~ForwardedSignals() { ::sigprocmask(SIG_SETMASK, &previous_, nullptr); }
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;
  int fd() const { return fd_.get(); }

 private:
  sigset_t previous_{};
  UniqueFd fd_;
};

// Reads whole reports until EOF or until the pipe would block.
bool drain_reports(int fd, std::vector<launch::Report>& reports) {
  for (;;) {
    launch::Report report;
    const ssize_t n = ::read(fd, &report, sizeof(report));
    if (n == static_cast<ssize_t>(sizeof(report))) {
      reports.push_back(report);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    return n == 0;  // EOF: every writer is gone
  }
}

}  // namespace

Child::Child(std::unique_ptr<State> state) : state_(std::move(state)) {}
Child::Child(Child&&) noexcept = default;
Child& Child::operator=(Child&&) noexcept = default;

Child::~Child() {
  if (!state_ || state_->waited) return;
  sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL);
  siginfo_t info{};
  ::waitid(kPidfd, static_cast<id_t>(state_->pidfd.get()), &info, WEXITED);
}

pid_t Child::pid() const { return state_->pid; }
const std::string& Child::label() const { return state_->label; }
const std::vector<std::string>& Child::skipped() const { return state_->skipped; }

Result<void> Child::kill() {
  if (state_->waited) return success();
  if (sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL) != 0 && errno != ESRCH) {
    return Error::from_errno("cannot kill sandbox " + state_->label);
  }
  state_->killed = true;
  return success();
}

Outcome Child::wait() {
  ForwardedSignals signals;
  std::vector<launch::Report> reports;
  bool report_open = true;
  siginfo_t init_exit{};
  for (;;) {
    pollfd fds[3] = {{state_->pidfd.get(), POLLIN, 0},
                     {signals.fd(), POLLIN, 0},
                     {report_open ? state_->report.get() : -1, POLLIN, 0}};
    if (::poll(fds, 3, -1) < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      while (::read(signals.fd(), &info, sizeof(info)) == sizeof(info)) {
        sys::pidfd_send_signal(state_->pidfd.get(), static_cast<int>(info.ssi_signo));
      }
    }
    if ((fds[2].revents & (POLLIN | POLLHUP)) != 0) {
      report_open = !drain_reports(state_->report.get(), reports);
    }
    if ((fds[0].revents & POLLIN) != 0) {
      if (::waitid(kPidfd, static_cast<id_t>(state_->pidfd.get()), &init_exit, WEXITED) == 0) break;
      if (errno != EINTR) break;
    }
  }
  // init is gone and with it every process of the sandbox: read what is left.
  if (state_->timing) state_->timing->mark_exited();
  while (report_open) report_open = !drain_reports(state_->report.get(), reports);
  state_->waited = true;
  if (state_->timing) {
    const std::string text = state_->timing->report();
    [[maybe_unused]] const ssize_t n = ::write(STDERR_FILENO, text.data(), text.size());
  }
  return make_outcome(*state_, reports, init_exit);
}

}  // namespace sandbox
