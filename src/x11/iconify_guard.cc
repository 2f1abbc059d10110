#include "x11/iconify_guard.h"

#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cstdint>

namespace sandbox::x11 {

IconifyGuard::IconifyGuard(XClient client, UniqueFd stop) : client_(std::move(client)), stop_(std::move(stop)) {}

Result<std::unique_ptr<IconifyGuard>> IconifyGuard::start(XClient client) {
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC));
  if (!stop) return Error::from_errno("-X: eventfd");
  auto guard = std::unique_ptr<IconifyGuard>(new IconifyGuard(std::move(client), std::move(stop)));
  guard->thread_ = std::thread([g = guard.get()] { g->run(); });
  return guard;
}

void IconifyGuard::run() {
  sigset_t all;  // signals belong to the main thread
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  for (;;) {
    auto window = client_.next_iconify_request(stop_.get());
    // Stopped, or the server is gone or misbehaves: the guard ends (the
    // session goes on; only the way back from minimizing is lost).
    if (!window || *window == 0) return;
    if (!client_.activate(*window)) return;
  }
}

void IconifyGuard::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(stop_.get(), &one, sizeof(one));
  thread_.join();
}

IconifyGuard::~IconifyGuard() { stop(); }

}  // namespace sandbox::x11
