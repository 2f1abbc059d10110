#include "supervisor/timeout.h"

#include <signal.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "init/reaper.h"
#include "util/sys.h"

namespace sandbox::supervisor {
namespace {

int arm(int fd, unsigned seconds) {
  itimerspec spec{};
  spec.it_value.tv_sec = static_cast<time_t>(seconds);
  return ::timerfd_settime(fd, 0, &spec, nullptr);
}

}  // namespace

Result<Deadline> Deadline::start(unsigned seconds) {
  if (seconds == 0) return Deadline(UniqueFd(), 0);
  UniqueFd timer(::timerfd_create(CLOCK_MONOTONIC, TFD_CLOEXEC | TFD_NONBLOCK));
  if (!timer) return Error::from_errno("cannot create the --timeout timer");
  if (arm(timer.get(), seconds) != 0) return Error::from_errno("cannot arm the --timeout timer");
  return Deadline(std::move(timer), seconds);
}

void Deadline::fire(int init_pidfd) {
  std::uint64_t expirations = 0;
  if (::read(timer_.get(), &expirations, sizeof(expirations)) != sizeof(expirations)) return;
  if (stage_ == Stage::running) {
    stage_ = Stage::terminating;
    sys::pidfd_send_signal(init_pidfd, init::terminate_tree_signal());  // init: SIGTERM to all
    arm(timer_.get(), kTimeoutGraceSeconds);
  } else if (stage_ == Stage::terminating) {
    stage_ = Stage::killed;
    sys::pidfd_send_signal(init_pidfd, SIGKILL);  // the kernel ends the whole pid namespace
  }
}

}  // namespace sandbox::supervisor

namespace sandbox::supervisor {

Outcome Deadline::outcome() const {
  Outcome out;
  out.kind = Outcome::Kind::timed_out;
  out.message = "timed out after " + std::to_string(seconds_) + (seconds_ == 1 ? " second" : " seconds") +
                ": every process of the sandbox was ended";
  return out;
}

}  // namespace sandbox::supervisor
