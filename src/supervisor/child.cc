// Child: the supervisor's handle on a running sandbox, and its event loop.
#include <malloc.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <iterator>

#include "init/reaper.h"
#include "supervisor/child_state.h"
#include "supervisor/control.h"
#include "util/resident.h"
#include "util/sys.h"

namespace sandbox {
namespace {

// Reaps init once it is gone. A waitid alone could take init's exit-event
// stop instead, when --explain's tracer thread (of our own thread group)
// still traces it: the tracer would then never see that stop, and init
// would stay stopped there for good. The pidfd turns readable only once
// every thread of init has exited, past every stop.
// A pidfd turns readable once its process has exited; for a pid
// namespace's init, only after the kernel has ended every other process of
// the namespace (zap_pid_ns_processes runs before init becomes a zombie).
void wait_until_gone(int pidfd) {
  pollfd gone{pidfd, POLLIN, 0};
  while (::poll(&gone, 1, -1) < 0 && errno == EINTR) {
  }
}

void reap_when_gone(int pidfd) {
  wait_until_gone(pidfd);
  siginfo_t info{};
  while (::waitid(sys::kPidfd, static_cast<id_t>(pidfd), &info, WEXITED) != 0 && errno == EINTR) {
  }
}

// Blocks the forwarded signals for the duration of wait() and reads them
// from a signalfd; the previous mask comes back on destruction. Only with
// Command::forward_signals: otherwise it does nothing and fd() is -1.
class ForwardedSignals {
 public:
  explicit ForwardedSignals(bool enabled) {
    if (!enabled) return;
    enabled_ = true;
    sigset_t set;
    sigemptyset(&set);
    for (int sig : init::kForwardedSignals) sigaddset(&set, sig);
    ::pthread_sigmask(SIG_BLOCK, &set, &previous_);
    fd_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  }
  ~ForwardedSignals() {
    if (enabled_) ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  ForwardedSignals(const ForwardedSignals&) = delete;
  ForwardedSignals& operator=(const ForwardedSignals&) = delete;
  int fd() const { return fd_.get(); }

 private:
  bool enabled_ = false;
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

// init's exit report, once read: the sandbox has ended (init::reap).
const launch::Report* exit_report(const std::vector<launch::Report>& reports) {
  for (const auto& report : reports) {
    if (report.kind == launch::Report::Kind::exited) return &report;
  }
  return nullptr;
}

// What init used with every process it reaped, as waitid would give it.
struct rusage usage_of(const launch::Report& report) {
  struct rusage usage {};
  usage.ru_utime = {static_cast<time_t>(report.user_us / 1'000'000),
                    static_cast<suseconds_t>(report.user_us % 1'000'000)};
  usage.ru_stime = {static_cast<time_t>(report.system_us / 1'000'000),
                    static_cast<suseconds_t>(report.system_us % 1'000'000)};
  usage.ru_maxrss = static_cast<long>(report.max_rss_kib);
  return usage;
}

// Whether wait() must see init gone before it returns: always unless the
// caller opted in (Command::status_before_teardown); and even then with
// --timing (it shows the teardown), with slirp4netns (it forwards what the
// program sent until the namespace is gone) and with cgroups that hold
// limits or that no helper removes (only an empty group can go). Otherwise
// the status is returned as soon as init reported it, while the kernel still
// tears the namespaces down (DESIGN §14), and init is reaped later (~Child).
bool must_reap_first(const Child::State& state) {
  if (!state.status_before_teardown || state.timing || state.slirp) return true;
  const limits::Resources& r = state.resources;
  if (!r.tracking && r.v1.empty()) return false;
  return !(r.tracking_only() && state.namespace_helper && state.namespace_helper->stays());
}

// --explain: the observer's lines to the caller's stderr, through the pty
// relay's writer when there is one.
void say(Child::State& state, const std::string& text) {
  if (text.empty()) return;
  if (state.pty) {
    state.pty->say(state.stdio[2], text);
    return;
  }
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(state.stdio[2], text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

}  // namespace

void hold_forwarded_signals() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : init::kForwardedSignals) sigaddset(&set, sig);
  ::sigprocmask(SIG_BLOCK, &set, nullptr);
}

Child::Child(std::unique_ptr<State> state) : state_(std::move(state)) {}
Child::Child(Child&&) noexcept = default;
Child& Child::operator=(Child&&) noexcept = default;

Child::~Child() {
  if (!state_) return;
  if (state_->pooled) {  // the service reaps its init
    if (!state_->waited) sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL);
    return;
  }
  if (state_->init_pending) {  // it reported and exits on its own: reaped here
    reap_when_gone(state_->pidfd.get());
    state_->resources.remove();         // unless the helper was first
    state_->namespace_helper.reset();   // killed if still there, and reaped
    return;
  }
  if (state_->waited) return;
  sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL);
  state_->resources.kill();  // the second net: everything in its cgroups
  reap_when_gone(state_->pidfd.get());
}

pid_t Child::pid() const { return state_->pid; }
const std::string& Child::label() const { return state_->label; }
const std::vector<std::string>& Child::skipped() const { return state_->skipped; }
const std::vector<std::string>& Child::notices() const { return state_->notices; }
const std::vector<LimitEnforcement>& Child::limits() const { return state_->resources.enforcement; }

Result<void> Child::kill() {
  if (state_->waited) return success();
  if (sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL) != 0 && errno != ESRCH) {
    return Error::from_errno("cannot kill sandbox " + state_->label);
  }
  state_->resources.kill();  // the second net: everything in its cgroups
  state_->killed = true;
  return success();
}

Outcome Child::wait() {
  ForwardedSignals signals(state_->forward_signals);
  std::vector<launch::Report> reports;
  bool report_open = true;
  bool reported = false;  // init's exit report: every other process is gone
  bool reaped = false;
  siginfo_t init_exit{};
  struct rusage usage {};  // init's, with every process it reaped
  // The caller's terminal is raw while a pty relays to it (restored on return).
  std::optional<supervisor::RawTerminal> raw;
  if (state_->pty) raw.emplace(state_->stdio[0], state_->forward_signals);
  bool trimmed = false;  // a long run: we drop our code's resident pages once (util/resident.h)
  const int trim_after = static_cast<int>(util::kTrimAfter.count());
  for (;;) {
    constexpr int kBase = 6;
    constexpr int kControl = kBase + supervisor::PtyRelay::kSlots;
    pollfd fds[kControl + supervisor::ControlClients::kSlots] = {
        {state_->pooled ? -1 : state_->pidfd.get(), POLLIN, 0},  // pooled: the connection's end says it
        {signals.fd(), POLLIN, 0},
        {report_open ? state_->report.get() : -1, POLLIN, 0},
        {state_->reservation.socket.get(), POLLIN, 0},  // the control socket (DESIGN §4)
        {state_->deadline ? state_->deadline->fd() : -1, POLLIN, 0},
        {state_->observer ? state_->observer->output_fd() : -1, POLLIN, 0}};  // --explain
    pollfd* pty_slots = &fds[kBase];
    for (int i = 0; i < supervisor::PtyRelay::kSlots; ++i) pty_slots[i] = {-1, 0, 0};
    if (state_->pty) state_->pty->prepare(pty_slots);
    state_->control.prepare(&fds[kControl]);
    // Control clients have deadlines of their own (supervisor/control.h).
    const int idle_wait = trimmed ? -1 : trim_after;
    const int control_wait = state_->control.timeout_ms();
    const bool control_first = control_wait >= 0 && (idle_wait < 0 || control_wait < idle_wait);
    const int ready = ::poll(fds, std::size(fds), control_first ? control_wait : idle_wait);
    if (ready < 0) {
      if (errno == EINTR) continue;
      break;
    }
    if (ready == 0 && control_first) {
      state_->control.dispatch(*state_, &fds[kControl]);  // drops the clients past their deadline
      continue;
    }
    if (ready == 0) {
      util::drop_resident(util::code_ranges());
      ::malloc_trim(0);
      trimmed = true;
      continue;
    }
    if ((fds[1].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      while (::read(signals.fd(), &info, sizeof(info)) == sizeof(info)) {
        if (state_->pty && info.ssi_signo == SIGWINCH) {
          state_->pty->resize();  // the kernel tells the program's foreground group
          continue;
        }
        sys::pidfd_send_signal(state_->pidfd.get(), static_cast<int>(info.ssi_signo));
      }
    }
    state_->control.dispatch(*state_, &fds[kControl]);
    if ((fds[3].revents & POLLIN) != 0) state_->control.accept_pending(*state_);
    if ((fds[4].revents & POLLIN) != 0) state_->deadline->fire(state_->pidfd.get());
    if (state_->pty) state_->pty->dispatch(pty_slots);
    if ((fds[5].revents & POLLIN) != 0) {
      say(*state_, state_->observer->take_output());
      state_->observer->written();
    }
    if ((fds[2].revents & (POLLIN | POLLHUP)) != 0) {
      report_open = !drain_reports(state_->report.get(), reports);
      if (state_->pooled && !report_open && !reported && exit_report(reports) == nullptr) {
        // Init is gone, or going, without a word (killed: --timeout, --kill,
        // the service's end). Its connection closes as it exits, before the
        // kernel has ended the rest of its pid namespace: nothing of the
        // sandbox may run when we return, so we wait for its pidfd.
        sys::pidfd_send_signal(state_->pidfd.get(), SIGKILL);
        wait_until_gone(state_->pidfd.get());
        break;
      }
      if (!reported && exit_report(reports) != nullptr) {
        reported = true;
        if (state_->timing) state_->timing->mark_reported();
        if (!must_reap_first(*state_)) break;                   // the status, before the teardown
      }
    }
    if ((fds[0].revents & POLLIN) != 0) {
      if (sys::waitid(sys::kPidfd, static_cast<id_t>(state_->pidfd.get()), &init_exit, WEXITED, &usage) == 0) {
        reaped = true;
        break;
      }
      if (errno != EINTR) break;
    }
  }
  if (!reaped && reported) {
    usage = usage_of(*exit_report(reports));
    state_->init_pending = !state_->pooled;                       // exiting: ~Child reaps it
  }
  // init reported (every other process is gone) or is gone itself, and with
  // it every process of the sandbox: read what is left.
  if (state_->slirp) state_->slirp->finish();                     // what is queued on tap0 is sent, then it goes
  if (state_->pty) state_->pty->drain();
  if (state_->observer) say(*state_, state_->observer->finish());  // the tracer saw the last process go
  state_->relay.finish();                                         // every byte it wrote reaches the caller
  state_->offsets.give_back(state_->handover_channel.get());       // as if it had read the caller's file
  raw.reset();
  if (state_->timing) state_->timing->mark_exited();
  while (report_open && !reported) report_open = !drain_reports(state_->report.get(), reports);
  state_->waited = true;
  if (state_->timing) {
    const std::string text = state_->timing->report();
    [[maybe_unused]] const ssize_t n = ::write(state_->stdio[2], text.data(), text.size());
  }
  Outcome outcome = make_outcome(*state_, reports, init_exit);
  if (state_->deadline && state_->deadline->expired() && !state_->killed) {
    outcome = state_->deadline->outcome();
  }
  settle_resources(*state_, usage, outcome);  // OOM, usage; the cgroups are removed
  scratch::shred_all(state_->shredders, &outcome.message);  // -s: every process that could write is gone
  return outcome;
}

}  // namespace sandbox
