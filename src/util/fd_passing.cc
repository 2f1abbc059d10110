#include "util/fd_passing.h"

#include <sys/socket.h>

#include <cerrno>
#include <cstring>

namespace sandbox::util {
namespace {

struct FdMessage {
  int word = 0;
  iovec iov{&word, sizeof(word)};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))] = {};
  msghdr msg{};
  FdMessage() {
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = sizeof(control);
  }
};

}  // namespace

int send_fd(int socket, int word, int fd) noexcept {
  FdMessage m;
  m.word = word;
  if (fd >= 0) {
    cmsghdr* cmsg = CMSG_FIRSTHDR(&m.msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int));
    std::memcpy(CMSG_DATA(cmsg), &fd, sizeof(int));
  } else {
    m.msg.msg_control = nullptr;
    m.msg.msg_controllen = 0;
  }
  ssize_t n;
  while ((n = ::sendmsg(socket, &m.msg, MSG_NOSIGNAL)) < 0 && errno == EINTR) {
  }
  if (n < 0) return errno;
  return n == static_cast<ssize_t>(sizeof(m.word)) ? 0 : EIO;
}

int receive_fd(int socket, int flags, int* word, int* fd) noexcept {
  FdMessage m;
  *fd = -1;
  ssize_t n;
  while ((n = ::recvmsg(socket, &m.msg, MSG_CMSG_CLOEXEC | flags)) < 0 && errno == EINTR) {
  }
  if (n < 0) return errno;
  if (n != static_cast<ssize_t>(sizeof(m.word))) return EPIPE;  // closed without a word
  *word = m.word;
  const cmsghdr* cmsg = CMSG_FIRSTHDR(&m.msg);
  if (cmsg != nullptr && cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS &&
      cmsg->cmsg_len == CMSG_LEN(sizeof(int))) {
    std::memcpy(fd, CMSG_DATA(cmsg), sizeof(int));
  }
  return 0;
}

}  // namespace sandbox::util
