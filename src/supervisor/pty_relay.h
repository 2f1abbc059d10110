// The supervisor's side of `--pty` (init/pty.h): the caller's terminal in
// raw mode, bytes relayed both ways between it and the sandbox's pty master,
// and window size changes passed on (SIGWINCH -> TIOCSWINSZ).
#pragma once

#include <poll.h>
#include <termios.h>

#include <string>

#include "init/pty.h"
#include "util/unique_fd.h"

namespace sandbox::supervisor {

// Puts a terminal in raw mode and restores its modes on destruction and on
// the fatal signals a supervisor can catch (SIGKILL cannot be caught).
class RawTerminal {
 public:
  // Does nothing unless fd is a terminal. restore_on_fatal (opt-in,
  // process-wide): a fatal signal restores the terminal before it kills.
  RawTerminal(int fd, bool restore_on_fatal);
  ~RawTerminal();
  RawTerminal(const RawTerminal&) = delete;
  RawTerminal& operator=(const RawTerminal&) = delete;

 private:
  int fd_ = -1;
  bool handlers_ = false;
  termios saved_{};
};

class PtyRelay {
 public:
  static constexpr int kSlots = 3;

  // socket: where init sends the master; replace: which of the caller's
  // 0, 1, 2 the pty stands for.
  // stdio: the caller's descriptors the program's 0, 1, 2 came from.
  PtyRelay(UniqueFd socket, const bool (&replace)[3], const int (&stdio)[3]);

  // Fills kSlots poll entries (unused ones get fd -1).
  void prepare(pollfd* slots) const;
  // Handles what poll reported on those slots.
  void dispatch(const pollfd* slots);
  // SIGWINCH: the caller's window size to the pty (the kernel signals the
  // program's foreground process group).
  void resize();
  // After init is gone: copies what the program left in the pty to the caller.
  void drain();
  // Lines of our own for the caller's fd (--explain): after what the program
  // wrote before them, with CR LF on a terminal (it is raw while we relay).
  void say(int fd, const std::string& text);

 private:
  void receive_master();
  void read_caller();
  void read_master();
  void write_master();
  void write_caller();

  UniqueFd socket_;
  UniqueFd master_;
  int caller_in_ = -1;   // the caller's fd the relay reads (0), or -1
  int caller_out_ = -1;  // the caller's fd the relay writes (1 or 2), or -1
  int size_fd_ = -1;     // a caller's terminal to take the size from
  std::string to_master_;
  std::string to_caller_;
  bool master_open_ = true;
};

}  // namespace sandbox::supervisor
