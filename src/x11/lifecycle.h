// The session's lifecycle helpers: signals held during setup, and a watch
// that ends the program's sandbox when the nested server goes away.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <memory>
#include <thread>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::x11 {

// Blocks SIGINT, SIGTERM, SIGHUP and SIGQUIT while it lives and offers them
// on a signalfd, so an interrupted setup still cleans up. Child::wait()
// forwards them to the program once it runs. Only when the caller opted in
// (Command::forward_signals); otherwise it does nothing and fd() is -1.
class HeldSignals {
 public:
  explicit HeldSignals(bool enabled);
  ~HeldSignals();
  HeldSignals(const HeldSignals&) = delete;
  HeldSignals& operator=(const HeldSignals&) = delete;
  int fd() const { return fd_.get(); }

 private:
  bool enabled_ = false;
  sigset_t previous_{};
  UniqueFd fd_;
};

// Watches the nested server's sandbox from a thread of its own (which never
// creates a sandbox, so PR_SET_PDEATHSIG is unaffected): when it ends — the
// user closed Xephyr's window — the program's sandbox is killed as a whole.
class ServerWatch {
 public:
  // Both pids are sandboxes' inits, children of this process not yet reaped.
  static Result<std::unique_ptr<ServerWatch>> start(pid_t server, pid_t program);
  ~ServerWatch();  // stop()
  ServerWatch(const ServerWatch&) = delete;
  ServerWatch& operator=(const ServerWatch&) = delete;
  // Ends the watch; returns whether the server had gone first.
  bool stop();

 private:
  ServerWatch(UniqueFd server, UniqueFd program, UniqueFd stop);
  void run();
  UniqueFd server_;
  UniqueFd program_;
  UniqueFd stop_;  // an eventfd
  std::atomic<bool> server_gone_{false};
  std::thread thread_;
};

}  // namespace sandbox::x11
