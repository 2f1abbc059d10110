#include "x11/server.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "util/sys.h"

namespace sandbox::x11 {
namespace {

constexpr auto kStartTimeout = std::chrono::seconds(30);

Policy server_policy(const ServerSetup& s, int ready_fd) {
  Policy p = Policy::default_profile();
  p.profile = "x";
  p.type = "sandbox_xserver_t";
  p.private_scratch = true;  // its /tmp: the lock file and compiled keymaps
  p.grants = {
      // Where Xephyr creates its socket, so the program's sandbox can bind it.
      {s.socket_dir, Access::read_write, kSocketDir},
      // The caller's display: its path socket only. The abstract one lives in
      // the caller's network namespace, which Xephyr does not share.
      {s.caller.socket, Access::read_write, socket_path(s.caller.number)},
      {s.host_cookie, Access::read, kHostCookie},
      {s.nested_cookie, Access::read, kServerCookie},
  };
  p.setenv = {"DISPLAY=:" + std::to_string(s.caller.number),
              std::string("XAUTHORITY=") + kHostCookie,
              // Shared memory with the caller's server cannot work across IPC
              // namespaces; say so rather than let Xephyr find out.
              "XEPHYR_NO_SHM=1"};
  p.fds = {ready_fd};
  p.session_level = s.level;  // the program's categories, no label of its own
  return p;
}

std::vector<std::string> server_argv(const ServerSetup& s, int ready_fd) {
  const auto& o = s.options;
  return {s.xephyr,
          ":" + std::to_string(s.number),
          "-displayfd", std::to_string(ready_fd),  // written once it accepts connections
          "-auth", kServerCookie,
          "-title", s.title,
          "-screen", std::to_string(o.width) + "x" + std::to_string(o.height),
          "-dpi", std::to_string(o.dpi),
          "-resizeable",  // the nested screen follows the outer window's size (RandR)
          "-nolisten", "tcp",
          "-noreset",  // no reset, and no re-reading of the cookie, when clients leave
          "-extension", "MIT-SHM"};  // its clients live in other IPC namespaces
}

// Waits for "N\n" on ready (read end). Fails when Xephyr exits first, when
// a signal arrives, or after kStartTimeout.
Result<void> await_ready(int ready, int pidfd, int signal_fd) {
  const auto deadline = std::chrono::steady_clock::now() + kStartTimeout;
  std::string text;
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return Error("-X: Xephyr did not accept connections within 30 s");
    pollfd fds[3] = {{ready, POLLIN, 0}, {pidfd, POLLIN, 0}, {signal_fd, POLLIN, 0}};
    if (::poll(fds, 3, static_cast<int>(left.count())) < 0) {
      if (errno == EINTR) continue;
      return Error::from_errno("-X: waiting for Xephyr");
    }
    if ((fds[2].revents & POLLIN) != 0) {
      signalfd_siginfo info{};
      const ssize_t n = ::read(signal_fd, &info, sizeof(info));
      const int sig = n == sizeof(info) ? static_cast<int>(info.ssi_signo) : SIGTERM;
      return Error(std::string("-X: interrupted by ") + sigabbrev_np(sig) +
                   " while the X server started")
          .with_exit_status(128 + sig);
    }
    if ((fds[0].revents & (POLLIN | POLLHUP)) != 0) {
      char buf[32];
      const ssize_t n = ::read(ready, buf, sizeof(buf));
      if (n > 0) {
        text.append(buf, static_cast<std::size_t>(n));
        if (text.find('\n') != std::string::npos) return success();
        continue;
      }
      if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
      return Error("-X: Xephyr closed its -displayfd without reporting a display");
    }
    if ((fds[1].revents & POLLIN) != 0) return Error("-X: Xephyr exited before it was ready");
  }
}

// Xephyr reports ready once it listens; its path socket must be there for
// the clients' sandboxes to bind.
Result<void> check_socket(const ServerSetup& s) {
  const std::string path = s.socket_dir + "/X" + std::to_string(s.number);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0 || !S_ISSOCK(st.st_mode)) {
    return Error::from_errno("-X: Xephyr reported ready but made no socket at " + path);
  }
  return success();
}

}  // namespace

Result<Child> start_server(const ServerSetup& setup, const HelperLog& log, int signal_fd,
                           std::vector<std::string>* argv) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("-X: cannot create a pipe");
  UniqueFd ready(fds[0]);
  UniqueFd ready_write(fds[1]);

  const Policy policy = server_policy(setup, ready_write.get());
  if (argv != nullptr) *argv = server_argv(setup, ready_write.get());
  auto child = spawn_quietly(policy, server_argv(setup, ready_write.get()), log);
  if (!child) return std::move(child).error().wrap("-X: cannot start Xephyr");
  ready_write.reset();  // EOF when Xephyr closes or loses its copy

  UniqueFd pidfd(sys::pidfd_open(child->pid()));
  if (!pidfd) return Error::from_errno("-X: pidfd_open of Xephyr's sandbox");
  auto ok = await_ready(ready.get(), pidfd.get(), signal_fd);
  if (ok) ok = check_socket(setup);
  if (!ok) {
    (void)child->kill();
    const Outcome outcome = child->wait();
    std::string detail = log.tail(2);
    if (detail.empty()) detail = outcome.message;
    if (!detail.empty()) ok.error().with_hint("Xephyr said: " + detail);
    return std::move(ok).error();
  }
  return child;
}

}  // namespace sandbox::x11
