#include "pool/peer.h"

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/unique_fd.h"

namespace sandbox::pool {
namespace {

constexpr int kSoPeerPidfd = 77;                      // SO_PEERPIDFD (Linux 6.5)
constexpr unsigned long kPidfdGetUserNamespace = 0xFF09;  // _IO(PIDFS_IOCTL_MAGIC, 9) (Linux 6.11)

}  // namespace

Result<pid_t> check_peer(int socket) {
  ucred cred{};
  socklen_t length = sizeof(cred);
  if (::getsockopt(socket, SOL_SOCKET, SO_PEERCRED, &cred, &length) != 0) {
    return Error::from_errno("cannot read the peer's credentials");
  }
  if (cred.uid != ::geteuid()) {
    return Error("the peer is uid " + std::to_string(cred.uid) + ", not ours", EPERM);
  }
  int pidfd = -1;
  length = sizeof(pidfd);
  if (::getsockopt(socket, SOL_SOCKET, kSoPeerPidfd, &pidfd, &length) != 0 || pidfd < 0) {
    return Error::from_errno("cannot read the peer's pidfd");
  }
  const UniqueFd peer(pidfd);
  const int ns = ::ioctl(peer.get(), kPidfdGetUserNamespace, 0);
  if (ns < 0) return Error::from_errno("cannot read the peer's user namespace");
  const UniqueFd peer_ns(ns);
  struct stat theirs {};
  struct stat ours {};
  if (::fstat(peer_ns.get(), &theirs) != 0 || ::stat("/proc/self/ns/user", &ours) != 0) {
    return Error::from_errno("cannot compare user namespaces");
  }
  if (theirs.st_dev != ours.st_dev || theirs.st_ino != ours.st_ino) {
    return Error("the peer is in another user namespace (inside a sandbox?)", EPERM);
  }
  return cred.pid;
}

}  // namespace sandbox::pool
