#include "x11/stderr_tail.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>

namespace sandbox::x11 {
namespace {

constexpr std::size_t kMaxLine = 300;
constexpr int kDrainMs = 500;  // after the program ended: what is still in the pipe

void write_all(int fd, const char* data, std::size_t n) {
  while (n > 0) {
    const ssize_t w = ::write(fd, data, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;  // the caller's stderr is gone: keep reading, stop copying
    data += w;
    n -= static_cast<std::size_t>(w);
  }
}

}  // namespace

StderrTail::StderrTail(UniqueFd read, UniqueFd write, UniqueFd stop, int destination)
    : read_(std::move(read)), write_(std::move(write)), stop_(std::move(stop)), destination_(destination) {}

Result<std::unique_ptr<StderrTail>> StderrTail::start(int destination) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("-X: cannot create a pipe for the program's stderr");
  UniqueFd read(fds[0]);
  UniqueFd write(fds[1]);
  UniqueFd stop(::eventfd(0, EFD_CLOEXEC));
  if (!stop) return Error::from_errno("-X: eventfd");
  auto tail = std::unique_ptr<StderrTail>(
      new StderrTail(std::move(read), std::move(write), std::move(stop), destination));
  tail->thread_ = std::thread([t = tail.get()] { t->run(); });
  return tail;
}

void StderrTail::keep(const char* data, std::size_t n) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < n; ++i) {
    const char c = data[i];
    if (c == '\n' || c == '\r') {
      if (current_.find_first_not_of(' ') != std::string::npos) last_ = current_;
      current_.clear();
    } else if (current_.size() < kMaxLine) {
      current_ += static_cast<unsigned char>(c) < 0x20 || c == 0x7f ? '?' : c;
    }
  }
}

void StderrTail::run() {
  sigset_t all;  // signals belong to the main thread
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, nullptr);
  bool stopping = false;
  char buf[4096];
  for (;;) {
    pollfd fds[2] = {{read_.get(), POLLIN, 0}, {stop_.get(), POLLIN, 0}};
    const int ready = ::poll(fds, stopping ? 1 : 2, stopping ? kDrainMs : -1);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return;  // drained (or poll failed)
    if (!stopping && (fds[1].revents & POLLIN) != 0) stopping = true;
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    const ssize_t n = ::read(read_.get(), buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return;  // every writer gone
    write_all(destination_, buf, static_cast<std::size_t>(n));
    keep(buf, static_cast<std::size_t>(n));
  }
}

std::string StderrTail::finish() {
  write_.reset();
  if (thread_.joinable()) {
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(stop_.get(), &one, sizeof(one));
    thread_.join();
  }
  std::lock_guard<std::mutex> lock(mutex_);
  if (current_.find_first_not_of(' ') != std::string::npos) return current_;  // unterminated last line
  return last_;
}

StderrTail::~StderrTail() { finish(); }

}  // namespace sandbox::x11
