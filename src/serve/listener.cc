#include "serve/listener.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "pool/socket_dir.h"
#include "util/env.h"

namespace sandbox::service {
namespace {

// systemd's socket activation: fd 3, when LISTEN_PID names us.
int passed_socket() {
  const char* pid = std::getenv("LISTEN_PID");
  const char* fds = std::getenv("LISTEN_FDS");
  if (pid == nullptr || fds == nullptr) return -1;
  if (std::strtol(pid, nullptr, 10) != ::getpid() || std::strtol(fds, nullptr, 10) < 1) return -1;
  int type = 0;
  socklen_t length = sizeof(type);
  if (::getsockopt(3, SOL_SOCKET, SO_TYPE, &type, &length) != 0 || type != SOCK_SEQPACKET) return -1;
  ::fcntl(3, F_SETFD, FD_CLOEXEC);
  ::unsetenv("LISTEN_PID");
  ::unsetenv("LISTEN_FDS");
  ::unsetenv("LISTEN_FDNAMES");
  return 3;
}

}  // namespace

Result<Listener> listen_for_jobs() {
  Listener listener;
  if (const int fd = passed_socket(); fd >= 0) {
    listener.fd = UniqueFd(fd);
    return listener;
  }
  const std::string dir = pool::socket_dir(util::this_environment());
  if (dir.empty()) {
    return Error("no place for the pool's socket: XDG_RUNTIME_DIR is not set")
        .with_hint("set XDG_RUNTIME_DIR to a directory of your own (systemd sets it for a login session)");
  }
  if (auto made = pool::make_dir(dir); !made) return std::move(made).error();
  listener.path = pool::socket_path(dir);
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (listener.path.size() >= sizeof(address.sun_path)) return Error("the pool's socket path is too long");
  std::memcpy(address.sun_path, listener.path.c_str(), listener.path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) return Error::from_errno("cannot create the pool's socket");
  {
    UniqueFd probe(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
    if (probe && ::connect(probe.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) == 0) {
      return Error("a service already listens on " + listener.path, EADDRINUSE);
    }
  }
  ::unlink(listener.path.c_str());  // a stale socket of a service that died (the directory is ours alone)
  const mode_t old_mask = ::umask(0177);
  const int bound = ::bind(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address));
  ::umask(old_mask);
  if (bound != 0) return Error::from_errno("cannot bind " + listener.path);
  if (::listen(fd.get(), 64) != 0) return Error::from_errno("cannot listen on " + listener.path);
  listener.fd = std::move(fd);
  listener.bound_here = true;
  return listener;
}

}  // namespace sandbox::service
