#include "oci/keeper.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

#include "label/label.h"
#include "label/protocol.h"
#include "sandbox/registry.h"
#include "util/sys.h"

namespace sandbox::oci {
namespace {

constexpr const char* kType = "sandbox_oci_t";

void answer(int fd, const std::string& text) {
  const std::string line = text + "\n";
  [[maybe_unused]] const ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
}

registry::SandboxInfo make_info(const Label& label, pid_t container, const std::vector<std::string>& command,
                                uid_t owner) {
  registry::SandboxInfo info;
  info.label = label.text;
  info.profile = "oci";
  info.init_pid = container;
  info.uid = owner;
  timespec now{};
  ::clock_gettime(CLOCK_REALTIME, &now);
  info.started = static_cast<double>(now.tv_sec) + static_cast<double>(now.tv_nsec) / 1e9;
  info.command = command;
  info.pid = ::getpid();
  return info;
}

// Answers until the container's process is gone (true) or poll fails (false).
bool keep(const Label& label, int pidfd, const Cgroups& groups, const registry::SandboxInfo& info, uid_t owner) {
  for (;;) {
    pollfd p[2] = {{label.socket.get(), POLLIN, 0}, {pidfd, POLLIN, 0}};
    if (::poll(p, 2, -1) < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    if (p[1].revents != 0) return true;  // the container's process is gone
    if ((p[0].revents & POLLIN) == 0) continue;
    UniqueFd client(::accept4(label.socket.get(), nullptr, nullptr, SOCK_CLOEXEC));
    if (!client) continue;
    const timeval timeout{1, 0};
    ::setsockopt(client.get(), SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
    char buf[64];
    const ssize_t n = ::recv(client.get(), buf, sizeof buf - 1, 0);
    if (n <= 0) continue;
    auto request = registry::parse_request(std::string(buf, static_cast<std::size_t>(n)));
    ucred cred{};
    socklen_t len = sizeof cred;
    const bool allowed = ::getsockopt(client.get(), SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 &&
                         (cred.uid == owner || cred.uid == 0);
    if (!request || !allowed) {
      answer(client.get(), R"({"ok": false, "error": "not permitted"})");
      continue;
    }
    if (*request == registry::Request::info) {
      answer(client.get(), registry::to_json(info));
      continue;
    }
    sys::pidfd_send_signal(pidfd, SIGKILL);
    kill_cgroups(groups, SIGKILL, 3000);
    answer(client.get(), R"({"ok": true})");
  }
}

}  // namespace

Result<Label> reserve_label(const std::string& wanted) {
  Result<registry::Reservation> reservation = Error("no label");
  if (wanted.empty()) {
    reservation = registry::reserve_any();
  } else {
    auto level = registry::parse_level(wanted);
    if (!level) return std::move(level).error().wrap("annotations.sandbox.label");
    reservation = registry::reserve(*level);
  }
  if (!reservation) return std::move(reservation).error();
  Label label;
  label.text = std::string(kType) + ":" + reservation->level.str();
  label.socket = std::move(reservation->socket);
  return label;
}

Result<void> start_keeper(Label label, pid_t container, const Cgroups& groups,
                          const std::vector<std::string>& command, uid_t owner) {
  UniqueFd pidfd(sys::pidfd_open(container));
  if (!pidfd) return Error::from_errno("pidfd of the container for its keeper");
  const pid_t middle = ::fork();
  if (middle < 0) return Error::from_errno("fork of the keeper");
  if (middle == 0) {
    if (::fork() != 0) ::_exit(0);
    ::setsid();
    const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
    for (int fd = 0; fd < 3; ++fd) ::dup2(null, fd);
    // Only the socket and the pidfd stay; they are CLOEXEC and we never exec.
    const unsigned a = static_cast<unsigned>(std::min(label.socket.get(), pidfd.get()));
    const unsigned b = static_cast<unsigned>(std::max(label.socket.get(), pidfd.get()));
    if (a > 3) sys::close_range(3, a - 1, 0);
    if (b > a + 1) sys::close_range(a + 1, b - 1, 0);
    sys::close_range(b + 1, ~0U, 0);
    ::signal(SIGPIPE, SIG_IGN);
    const registry::SandboxInfo info = make_info(label, container, command, owner);
    ::_exit(keep(label, pidfd.get(), groups, info, owner) ? 0 : 1);
  }
  int status = 0;
  while (::waitpid(middle, &status, 0) < 0 && errno == EINTR) {
  }
  return success();
}

bool serve_label(const Label& label, int pidfd, pid_t container, const Cgroups& groups,
                 const std::vector<std::string>& command, uid_t owner) {
  const registry::SandboxInfo info = make_info(label, container, command, owner);
  return keep(label, pidfd, groups, info, owner);
}

}  // namespace sandbox::oci
