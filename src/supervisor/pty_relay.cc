#include "supervisor/pty_relay.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sandbox::supervisor {
namespace {

constexpr std::size_t kChunk = 16384;
constexpr int kFatal[] = {SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM, SIGXCPU, SIGXFSZ,
                          SIGVTALRM, SIGPROF, SIGSYS, SIGTRAP, SIGPIPE};

// What a signal handler needs to restore the caller's terminal: set once
// while one RawTerminal is active (there is one caller's terminal).
int g_raw_fd = -1;
termios g_saved{};

void restore_and_reraise(int sig) {
  if (g_raw_fd >= 0) ::tcsetattr(g_raw_fd, TCSADRAIN, &g_saved);
  ::signal(sig, SIG_DFL);
  ::raise(sig);
}

// Writes all of data to a blocking fd (the caller's own descriptor).
bool write_all(int fd, const char* data, std::size_t size) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EAGAIN) {
      pollfd p{fd, POLLOUT, 0};
      ::poll(&p, 1, -1);
      continue;
    }
    if (n <= 0) return false;
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

}  // namespace

RawTerminal::RawTerminal(int fd, bool restore_on_fatal) {
  if (::isatty(fd) != 1 || ::tcgetattr(fd, &saved_) != 0) return;
  termios raw = saved_;
  ::cfmakeraw(&raw);
  fd_ = fd;
  if (restore_on_fatal) {
    handlers_ = true;
    g_saved = saved_;
    g_raw_fd = fd;
    struct sigaction action {};
    action.sa_handler = restore_and_reraise;
    action.sa_flags = SA_RESETHAND;
    for (int sig : kFatal) ::sigaction(sig, &action, nullptr);
  }
  ::tcsetattr(fd, TCSADRAIN, &raw);
}

RawTerminal::~RawTerminal() {
  if (fd_ < 0) return;
  ::tcsetattr(fd_, TCSADRAIN, &saved_);
  if (!handlers_) return;
  g_raw_fd = -1;
  for (int sig : kFatal) ::signal(sig, SIG_DFL);
}

PtyRelay::PtyRelay(UniqueFd socket, const bool (&replace)[3], const int (&stdio)[3])
    : socket_(std::move(socket)) {
  if (replace[0]) caller_in_ = stdio[0];
  if (replace[1]) caller_out_ = stdio[1];
  else if (replace[2]) caller_out_ = stdio[2];
  for (int fd = 0; fd < 3; ++fd) {
    if (replace[fd] && ::isatty(stdio[fd]) == 1) {
      size_fd_ = stdio[fd];
      break;
    }
  }
}

void PtyRelay::prepare(pollfd* slots) const {
  for (int i = 0; i < kSlots; ++i) slots[i] = {-1, 0, 0};
  if (!master_) {
    slots[0] = {socket_.get(), POLLIN, 0};
    return;
  }
  if (!master_open_) return;
  // Backpressure: read one side only while its bytes have been passed on.
  short master_events = 0;
  if (to_caller_.empty()) master_events |= POLLIN;
  if (!to_master_.empty()) master_events |= POLLOUT;
  slots[0] = {master_.get(), master_events, 0};
  if (to_master_.empty() && caller_in_ >= 0) slots[1] = {caller_in_, POLLIN, 0};
  if (!to_caller_.empty() && caller_out_ >= 0) slots[2] = {caller_out_, POLLOUT, 0};
}

void PtyRelay::dispatch(const pollfd* slots) {
  if (!master_) {
    if (slots[0].revents != 0) receive_master();
    return;
  }
  if ((slots[0].revents & POLLOUT) != 0) write_master();
  if ((slots[0].revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_master();
  if ((slots[1].revents & (POLLIN | POLLHUP | POLLERR)) != 0) read_caller();
  if ((slots[2].revents & (POLLOUT | POLLERR)) != 0) write_caller();
}

void PtyRelay::receive_master() {
  int fd = -1;
  const int err = init::receive_master(socket_.get(), &fd);
  if (err == EAGAIN || err == EINTR) return;
  socket_.reset();
  if (err != 0) {
    master_open_ = false;
    return;
  }
  master_ = UniqueFd(fd);
  ::fcntl(master_.get(), F_SETFL, ::fcntl(master_.get(), F_GETFL) | O_NONBLOCK);
  resize();  // the window may have changed since the plan
}

void PtyRelay::read_caller() {
  char buf[kChunk];
  const ssize_t n = ::read(caller_in_, buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {
    // The caller's input ended (a pipe under --pty): the program reads end of file.
    caller_in_ = -1;
    termios modes{};
    to_master_.push_back(::tcgetattr(master_.get(), &modes) == 0 ? static_cast<char>(modes.c_cc[VEOF])
                                                                  : '\x04');
    return;
  }
  to_master_.append(buf, static_cast<std::size_t>(n));
}

void PtyRelay::read_master() {
  char buf[kChunk];
  const ssize_t n = ::read(master_.get(), buf, sizeof(buf));
  if (n < 0 && (errno == EINTR || errno == EAGAIN)) return;
  if (n <= 0) {  // EIO: every slave is closed
    master_open_ = false;
    return;
  }
  if (caller_out_ >= 0) to_caller_.append(buf, static_cast<std::size_t>(n));
}

void PtyRelay::write_master() {
  const ssize_t n = ::write(master_.get(), to_master_.data(), to_master_.size());
  if (n > 0) to_master_.erase(0, static_cast<std::size_t>(n));
  else if (n < 0 && errno != EAGAIN && errno != EINTR) to_master_.clear();
}

void PtyRelay::write_caller() {
  if (caller_out_ < 0 || !write_all(caller_out_, to_caller_.data(), to_caller_.size())) {
    caller_out_ = -1;  // the caller stopped reading: keep draining the pty
  }
  to_caller_.clear();
}

void PtyRelay::resize() {
  winsize size{};
  if (!master_ || size_fd_ < 0 || ::ioctl(size_fd_, TIOCGWINSZ, &size) != 0) return;
  ::ioctl(master_.get(), TIOCSWINSZ, &size);
}

void PtyRelay::say(int fd, const std::string& text) {
  if (!to_caller_.empty()) write_caller();
  if (::isatty(fd) != 1) {
    write_all(fd, text.data(), text.size());
    return;
  }
  std::string lines;
  for (const char ch : text) {
    if (ch == '\n') lines.push_back('\r');
    lines.push_back(ch);
  }
  write_all(fd, lines.data(), lines.size());
}

void PtyRelay::drain() {
  if (!master_) return;
  write_caller();
  // init is gone, so is every slave: reads return what is left, then EIO.
  while (master_open_) {
    pollfd p{master_.get(), POLLIN, 0};
    if (::poll(&p, 1, 200) <= 0) break;
    read_master();
    write_caller();
  }
}

}  // namespace sandbox::supervisor
