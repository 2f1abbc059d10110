// A real pseudo-terminal standing in for the caller's terminal, for the
// terminal attack tests and the interactive --pty test.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <termios.h>
#include <unistd.h>

#include <chrono>
#include <stdexcept>

#include "support/run.h"
#include <string>
#include <vector>

namespace attack {

class Terminal {
 public:
  Terminal() {
    winsize size{};
    size.ws_row = 30;
    size.ws_col = 100;
    if (::openpty(&master_, &slave_, nullptr, nullptr, &size) != 0) {
      throw std::runtime_error("openpty failed");
    }
    ::fcntl(master_, F_SETFD, FD_CLOEXEC);
    ::fcntl(slave_, F_SETFD, FD_CLOEXEC);
  }
  ~Terminal() {
    ::close(master_);
    ::close(slave_);
  }
  Terminal(const Terminal&) = delete;
  Terminal& operator=(const Terminal&) = delete;

  // Runs argv as a session leader whose controlling terminal is this one.
  pid_t spawn(const std::vector<std::string>& argv) const {
    const pid_t pid = ::fork();
    if (pid == 0) {
      ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlives a test killed midway
      ::setsid();
      ::ioctl(slave_, TIOCSCTTY, 0);
      for (int fd = 0; fd < 3; ++fd) ::dup2(slave_, fd);
      testing_support::exec_or_exit(argv);
    }
    return pid;
  }

  void type(const std::string& text) const {
    [[maybe_unused]] const ssize_t n = ::write(master_, text.data(), text.size());
  }
  // What the programs wrote, read until `needle` shows up or time runs out.
  std::string read_until(const std::string& needle, double seconds) {
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (output_.find(needle) == std::string::npos) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd p{master_, POLLIN, 0};
      if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
      char buf[4096];
      const ssize_t n = ::read(master_, buf, sizeof(buf));
      if (n <= 0) break;
      output_.append(buf, static_cast<std::size_t>(n));
    }
    return output_;
  }
  void drain() { read_until("\x01never\x01", 0.05); }

  termios modes() const {
    termios t{};
    ::tcgetattr(slave_, &t);
    return t;
  }
  void resize(const winsize& size) const { ::ioctl(master_, TIOCSWINSZ, &size); }
  void make_raw() const {
    termios t = modes();
    ::cfmakeraw(&t);
    ::tcsetattr(slave_, TCSANOW, &t);
  }
  // Bytes waiting as input for whoever reads this terminal (injected ones).
  int input_pending() const {
    int n = 0;
    ::ioctl(slave_, FIONREAD, &n);
    return n;
  }

 private:
  int master_ = -1;
  int slave_ = -1;
  std::string output_;
};

}  // namespace attack
