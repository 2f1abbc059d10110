#include "oci/console.h"

#include <poll.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace sandbox::oci {

Result<ConsoleSocket> make_console_socket() {
  char tmpl[] = "/tmp/sandbox-oci-console.XXXXXX";
  if (::mkdtemp(tmpl) == nullptr) return Error::from_errno("mkdtemp for the console socket");
  ConsoleSocket s;
  s.dir = tmpl;
  // (a failure below: the destructor removes the directory)
  s.path = s.dir + "/console.sock";
  s.listener = UniqueFd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!s.listener) return Error::from_errno("console socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  std::memcpy(addr.sun_path, s.path.c_str(), s.path.size());
  if (::bind(s.listener.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(s.listener.get(), 1) != 0) {
    return Error::from_errno("console socket " + s.path);
  }
  return s;
}

Result<UniqueFd> receive_master(const ConsoleSocket& socket) {
  pollfd p{socket.listener.get(), POLLIN, 0};
  if (::poll(&p, 1, 10000) != 1) return Error("the container did not send its terminal");
  UniqueFd conn(::accept4(socket.listener.get(), nullptr, nullptr, SOCK_CLOEXEC));
  if (!conn) return Error::from_errno("accept on the console socket");
  char buf[256];
  iovec iov{buf, sizeof buf};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  if (::recvmsg(conn.get(), &msg, MSG_CMSG_CLOEXEC) < 0) return Error::from_errno("recvmsg of the terminal");
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  if (cmsg == nullptr || cmsg->cmsg_type != SCM_RIGHTS) return Error("no terminal received");
  int fd = -1;
  std::memcpy(&fd, CMSG_DATA(cmsg), sizeof fd);
  return UniqueFd(fd);
}

void remove_console_socket(ConsoleSocket& socket) {
  if (!socket.path.empty()) ::unlink(socket.path.c_str());
  if (!socket.dir.empty()) ::rmdir(socket.dir.c_str());
  socket.path.clear();
  socket.dir.clear();
}

ConsoleSocket::~ConsoleSocket() { remove_console_socket(*this); }

void relay_console(int master, int pidfd) {
  termios saved{};
  const bool tty = ::tcgetattr(0, &saved) == 0;
  if (tty) {
    termios raw = saved;
    ::cfmakeraw(&raw);
    ::tcsetattr(0, TCSANOW, &raw);
    winsize size{};
    if (::ioctl(0, TIOCGWINSZ, &size) == 0) ::ioctl(master, TIOCSWINSZ, &size);
  }
  char buf[8192];
  bool stdin_open = true, exited = false;
  for (;;) {
    pollfd p[3] = {{master, POLLIN, 0}, {stdin_open ? 0 : -1, POLLIN, 0}, {exited ? -1 : pidfd, POLLIN, 0}};
    const int n = ::poll(p, 3, exited ? 100 : -1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;  // exited and the master drained
    if (p[0].revents & (POLLIN | POLLHUP | POLLERR)) {
      const ssize_t got = ::read(master, buf, sizeof buf);
      if (got <= 0) break;  // EIO: every slave closed
      [[maybe_unused]] const ssize_t w = ::write(1, buf, static_cast<std::size_t>(got));
    }
    if (p[1].revents & (POLLIN | POLLHUP)) {
      const ssize_t got = ::read(0, buf, sizeof buf);
      if (got <= 0) {
        stdin_open = false;
      } else {
        [[maybe_unused]] const ssize_t w = ::write(master, buf, static_cast<std::size_t>(got));
      }
    }
    if (p[2].revents & POLLIN) exited = true;
  }
  if (tty) ::tcsetattr(0, TCSANOW, &saved);
}

}  // namespace sandbox::oci
