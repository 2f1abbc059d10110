// attack_probe NAME [ARGS]: one escape attempt for tests/attacks/, printed as
// "NAME: <errno name>" and returned as the exit status (0: it worked).
// Every attempt is harmless when run unconfined as a control: signal 0 or
// signals to a process group the test created, reads of files the test made,
// connections to listeners the test owns, and network changes only inside a
// namespace the control creates for itself; a squatted abstract name is the
// test's own random one.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sys/xattr.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdint>
#include <cstdlib>

namespace {

constexpr int kUsage = 254;

int result(long rc) { return rc == -1 ? errno : 0; }

const char* arg(int argc, char** argv, int i) {
  if (argc <= i) {
    std::fprintf(stderr, "attack_probe %s: missing argument %d\n", argv[1], i - 1);
    std::exit(kUsage);
  }
  return argv[i];
}

int number(int argc, char** argv, int i) { return std::atoi(arg(argc, argv, i)); }

// The probe survives its own SIGTERM, so that it can report what reached whom.
void ignore_term() { ::signal(SIGTERM, SIG_IGN); }

// kill(-1) inside the sandbox: it must reach our own child, and nothing outside.
int kill_all() {
  const pid_t child = ::fork();
  if (child == 0) {
    ::signal(SIGTERM, SIG_DFL);
    ::pause();
    ::_exit(0);
  }
  ignore_term();
  ::usleep(50000);
  const int err = result(::kill(-1, SIGTERM));
  int status = 0;
  ::waitpid(child, &status, 0);
  std::printf("own child %s\n", WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM ? "terminated" : "survived");
  return err;
}

// The address of a Unix socket: a path, or an abstract name (leading NUL).
socklen_t unix_address(const char* name, bool abstract, sockaddr_un* addr) {
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  const std::size_t len = ::strlen(name);
  ::memcpy(addr->sun_path + (abstract ? 1 : 0), name, len);
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + len + (abstract ? 1 : 0));
}

int connect_unix(const char* name, bool abstract) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr;
  const socklen_t size = unix_address(name, abstract, &addr);
  const int err = result(::connect(fd, reinterpret_cast<sockaddr*>(&addr), size));
  ::close(fd);
  return err;
}

// Binds the abstract name and waits up to `seconds` for one connection: 0
// when someone outside connected to it (the squat worked), else ETIMEDOUT.
int squat_abstract(const char* name, int seconds) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr;
  const socklen_t size = unix_address(name, true, &addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(fd, 8) != 0) return errno;
  pollfd pfd{fd, POLLIN, 0};
  const int ready = ::poll(&pfd, 1, seconds * 1000);
  ::close(fd);
  return ready > 0 ? 0 : ETIMEDOUT;
}

sockaddr_in loopback(int port) {
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  return addr;
}

int connect_tcp(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  const sockaddr_in addr = loopback(port);
  const int err = result(::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)));
  ::close(fd);
  return err;
}

int send_udp(int port) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  const sockaddr_in addr = loopback(port);
  const int err = result(::sendto(fd, "probe", 5, 0, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)));
  ::close(fd);
  return err;
}

// RTM_NEWADDR 10.99.0.1/32 on lo, over rtnetlink; the kernel's ack carries the errno.
int netlink_add_address() {
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return errno;
  struct {
    nlmsghdr header;
    ifaddrmsg ifa;
    rtattr attr;
    in_addr address;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = RTM_NEWADDR;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  request.ifa.ifa_family = AF_INET;
  request.ifa.ifa_prefixlen = 32;
  request.ifa.ifa_index = 1;  // lo
  request.attr.rta_type = IFA_LOCAL;
  request.attr.rta_len = RTA_LENGTH(sizeof(in_addr));
  ::inet_pton(AF_INET, "10.99.0.1", &request.address);
  if (::send(fd, &request, sizeof(request), 0) < 0) {
    const int err = errno;
    ::close(fd);
    return err;
  }
  char reply[4096];
  const ssize_t n = ::recv(fd, reply, sizeof(reply), 0);
  ::close(fd);
  if (n < static_cast<ssize_t>(sizeof(nlmsghdr) + sizeof(nlmsgerr))) return EIO;
  const auto* header = reinterpret_cast<const nlmsghdr*>(reply);
  if (header->nlmsg_type != NLMSG_ERROR) return EIO;
  return -reinterpret_cast<const nlmsgerr*>(NLMSG_DATA(header))->error;
}

int read_fd(int fd) {
  char byte;
  return result(::read(fd, &byte, 1));
}

int open_beneath(int dirfd, const char* name) {
  const int fd = ::openat(dirfd, name, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}

int write_file(const char* path, const char* text) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const int err = result(::write(fd, text, ::strlen(text)));
  ::close(fd);
  return err;
}

// Metadata changes through a handed descriptor (fd) or its /proc/self/fd
// name (path): each must leave the caller's file as it was.
int change_metadata(const char* how, const char* target, bool by_fd) {
  const int fd = by_fd ? std::atoi(target) : -1;
  const timespec times[2] = {{1, 0}, {1, 0}};
  if (::strcmp(how, "chmod") == 0) return result(by_fd ? ::fchmod(fd, 04777) : ::chmod(target, 04777));
  if (::strcmp(how, "utimes") == 0) {
    return result(by_fd ? ::futimens(fd, times) : ::utimensat(AT_FDCWD, target, times, 0));
  }
  if (::strcmp(how, "xattr") == 0) {
    return result(by_fd ? ::fsetxattr(fd, "user.sandbox-probe", "1", 1, 0)
                        : ::setxattr(target, "user.sandbox-probe", "1", 1, 0));
  }
  std::fprintf(stderr, "attack_probe: unknown metadata change '%s'\n", how);
  return kUsage;
}

// Reopens a handed descriptor by name and reads one byte (a pipe's data
// that belongs to someone else, for a stdout pipe).
int open_read(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return errno;
  char byte;
  const int err = result(::read(fd, &byte, 1));
  ::close(fd);
  return err;
}

int read_key(long id) {
  char buf[256] = {};
  const long n = ::syscall(SYS_keyctl, KEYCTL_READ, id, buf, sizeof(buf) - 1, 0);
  if (n >= 0) std::printf("key: %s\n", buf);
  return result(n);
}

int attempt(const char* name, int argc, char** argv) {
  const auto is = [name](const char* candidate) { return ::strcmp(name, candidate) == 0; };
  if (is("kill")) return result(::kill(number(argc, argv, 2), 0));
  if (is("kill-group")) {
    ignore_term();
    return result(::kill(0, SIGTERM));
  }
  if (is("kill-all")) return kill_all();
  if (is("read-fd")) return read_fd(number(argc, argv, 2));
  if (is("open-beneath")) return open_beneath(number(argc, argv, 2), arg(argc, argv, 3));
  if (is("write")) return write_file(arg(argc, argv, 2), arg(argc, argv, 3));
  if (is("connect-abstract")) return connect_unix(arg(argc, argv, 2), true);
  if (is("connect-path")) return connect_unix(arg(argc, argv, 2), false);
  if (is("squat-abstract")) return squat_abstract(arg(argc, argv, 2), number(argc, argv, 3));
  if (is("connect-tcp")) return connect_tcp(number(argc, argv, 2));
  if (is("send-udp")) return send_udp(number(argc, argv, 2));
  if (is("netlink-addr")) return netlink_add_address();
  if (is("metadata-fd")) return change_metadata(arg(argc, argv, 2), arg(argc, argv, 3), true);
  if (is("metadata-path")) return change_metadata(arg(argc, argv, 2), arg(argc, argv, 3), false);
  if (is("open-read")) return open_read(arg(argc, argv, 2));
  if (is("read-key")) return read_key(std::atol(arg(argc, argv, 2)));
  std::fprintf(stderr, "attack_probe: unknown probe '%s'\n", name);
  std::exit(kUsage);
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: attack_probe NAME [ARGS]\n");
    return kUsage;
  }
  const int err = attempt(argv[1], argc, argv);
  const char* label = err == 0 ? "OK" : strerrorname_np(err);
  std::printf("%s: %s\n", argv[1], label != nullptr ? label : "unknown");
  std::fflush(stdout);
  return err;
}
