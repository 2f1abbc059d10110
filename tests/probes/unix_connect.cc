// unix_connect PATH | @NAME: one connect() to a unix stream socket, by path
// or by abstract name; prints "connect TARGET: <errno name>" and exits with
// that errno (0 when connected). Tests run it inside the sandbox to show
// that a socket of the caller (an X display, D-Bus) is out of reach.
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: unix_connect PATH|@NAME\n");
    return 254;
  }
  const char* target = argv[1];
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const size_t length = strlen(target);
  if (length == 0 || length >= sizeof(addr.sun_path)) return 254;
  memcpy(addr.sun_path, target, length);
  if (target[0] == '@') addr.sun_path[0] = '\0';  // abstract: leading NUL, no terminator
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    std::printf("socket: %s\n", strerrorname_np(errno));
    return errno;
  }
  const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + length);
  const int rc = connect(fd, reinterpret_cast<const sockaddr*>(&addr), size);
  const int err = rc == 0 ? 0 : errno;
  std::printf("connect %s: %s\n", target, err == 0 ? "OK" : strerrorname_np(err));
  close(fd);
  return err;
}
