#include "x11/lifecycle.h"

#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>

#include <cerrno>
#include <cstdint>
#include <memory>

#include "util/sys.h"

namespace sandbox::x11 {
namespace {

sigset_t held_set() {
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT}) sigaddset(&set, sig);
  return set;
}

}  // namespace

HeldSignals::HeldSignals(bool enabled) : enabled_(enabled) {
  if (!enabled_) return;
  const sigset_t set = held_set();
  ::pthread_sigmask(SIG_BLOCK, &set, &previous_);
  fd_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
}

HeldSignals::~HeldSignals() {
  if (enabled_) ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
}

ServerWatch::ServerWatch(UniqueFd server, UniqueFd program, UniqueFd stop)
    : server_(std::move(server)), program_(std::move(program)), stop_(std::move(stop)) {}

Result<std::unique_ptr<ServerWatch>> ServerWatch::start(pid_t server, pid_t program) {
  UniqueFd server_fd(sys::pidfd_open(server));
  UniqueFd program_fd(sys::pidfd_open(program));
  UniqueFd stop_fd(::eventfd(0, EFD_CLOEXEC));
  if (!server_fd || !program_fd || !stop_fd) {
    return Error::from_errno("-X: cannot watch the X server (pidfd_open, eventfd)");
  }
  auto watch = std::unique_ptr<ServerWatch>(
      new ServerWatch(std::move(server_fd), std::move(program_fd), std::move(stop_fd)));
  watch->thread_ = std::thread([w = watch.get()] { w->run(); });
  return watch;
}

void ServerWatch::run() {
  // Signals belong to the main thread, which forwards them to the program.
  sigset_t all;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  for (;;) {
    pollfd fds[2] = {{server_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    if (::poll(fds, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return;
    }
    if ((fds[1].revents & POLLIN) != 0) return;
    if ((fds[0].revents & POLLIN) != 0) {
      server_gone_ = true;
      sys::pidfd_send_signal(program_.get(), SIGKILL);
      return;
    }
  }
}

bool ServerWatch::stop() {
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(stop_.get(), &one, sizeof(one));
    thread_.join();
  }
  return server_gone_;
}

ServerWatch::~ServerWatch() { stop(); }

}  // namespace sandbox::x11
