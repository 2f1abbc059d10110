// explain_matrix OP... : the completeness probe of --explain (issue 14). Each
// OP is attempted once; for each it prints one JSON object with the object
// as --explain names it and the errno it got:
//   {"object": "/tmp/x", "errno": "ENOENT"}      ("errno": null on success)
// OPs: read:PATH  write:PATH  create:PATH  exec:PATH  tcp:PORT (127.0.0.1)
//      udp  kill1  unshare  mkdir:PATH  rename:FROM:TO
//      tcp4:IP:PORT         a TCP connect
//      tcp4nb:IP:PORT       a non-blocking TCP connect: EINPROGRESS, then
//                           poll and SO_ERROR give its outcome
//      udpsendto:IP:PORT    one datagram, sendto on an unconnected socket
//      udpsendmsg:IP:PORT   one datagram, sendmsg with msg_name
//      udpconnect:IP:PORT   connect, then send: the errno of the first step
//                           that fails (one attempt to reach IP:PORT)
//      unix:PATH            connect to a unix stream socket
//      abstract:NAME        connect to the abstract unix socket @NAME
//      thread:OP            OP in a second thread of the process (joined)
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

namespace {

void said(const std::string& object, int err) {
  if (err == 0) {
    std::printf("{\"object\": \"%s\", \"errno\": null}\n", object.c_str());
  } else {
    std::printf("{\"object\": \"%s\", \"errno\": \"%s\"}\n", object.c_str(), strerrorname_np(err));
  }
  std::fflush(stdout);
}

int open_with(const std::string& path, int flags) {
  const int fd = ::open(path.c_str(), flags | O_CLOEXEC, 0644);
  if (fd < 0) return errno;
  ::close(fd);
  return 0;
}

int exec_in_child(const std::string& path) {
  const pid_t pid = ::fork();
  if (pid < 0) return errno;
  if (pid == 0) {
    char* const argv[] = {const_cast<char*>(path.c_str()), nullptr};
    ::execve(path.c_str(), argv, environ);
    ::_exit(100 + (errno & 0x3f));
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  return WIFEXITED(status) && WEXITSTATUS(status) >= 100 ? WEXITSTATUS(status) - 100 : 0;
}

int tcp_connect(unsigned port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const int err = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// "IP:PORT" (IPv4) as a sockaddr_in.
sockaddr_in inet_address(const std::string& text) {
  const std::size_t colon = text.rfind(':');
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(std::atoi(text.c_str() + colon + 1)));
  ::inet_pton(AF_INET, text.substr(0, colon).c_str(), &addr.sin_addr);
  return addr;
}

int inet_connect(int type, const std::string& target, bool then_send) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  const sockaddr_in addr = inet_address(target);
  int err = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  const std::string text = "explain-udpconnect-" + target;
  if (err == 0 && then_send) err = ::send(fd, text.data(), text.size(), 0) >= 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// connect on a non-blocking socket, as event loops do: the outcome comes
// from poll and SO_ERROR (5 s at most).
int inet_connect_nonblocking(const std::string& target) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  const sockaddr_in addr = inet_address(target);
  int err = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) == 0 ? 0 : errno;
  if (err == EINPROGRESS) {
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, 5000) == 1) {
      socklen_t len = sizeof(err);
      if (::getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) err = errno;
    } else {
      err = ETIMEDOUT;
    }
  }
  ::close(fd);
  return err;
}

int udp_send(const std::string& target, bool with_sendmsg) {
  const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_in addr = inet_address(target);
  ssize_t n = -1;
  // The datagram says how and where it was sent (the test host logs it).
  std::string text = std::string(with_sendmsg ? "explain-udpsendmsg-" : "explain-udpsendto-") + target;
  if (with_sendmsg) {
    iovec iov{text.data(), text.size()};
    msghdr msg{};
    msg.msg_name = &addr;
    msg.msg_namelen = sizeof(addr);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    n = ::sendmsg(fd, &msg, 0);
  } else {
    n = ::sendto(fd, text.data(), text.size(), 0, reinterpret_cast<const sockaddr*>(&addr), sizeof(addr));
  }
  const int err = n >= 0 ? 0 : errno;
  ::close(fd);
  return err;
}

// A unix stream connect; abstract: the name goes after a NUL.
int unix_connect(const std::string& name, bool abstract) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return errno;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::size_t offset = abstract ? 1 : 0;
  std::memcpy(addr.sun_path + offset, name.data(), std::min(name.size(), sizeof(addr.sun_path) - 1 - offset));
  const auto size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + offset + name.size() + (abstract ? 0 : 1));
  const int err = ::connect(fd, reinterpret_cast<const sockaddr*>(&addr), size) == 0 ? 0 : errno;
  ::close(fd);
  return err;
}

}  // namespace

void run_op(const std::string& op);

void* run_op_thread(void* op) {
  run_op(*static_cast<const std::string*>(op));
  return nullptr;
}

int main(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    const std::string op = argv[i];
    if (op.rfind("thread:", 0) == 0) {  // a task other than the process's first
      std::string inner = op.substr(7);
      pthread_t thread;
      if (::pthread_create(&thread, nullptr, run_op_thread, &inner) != 0) return 2;
      ::pthread_join(thread, nullptr);
      std::fflush(stdout);
      continue;
    }
    run_op(op);
  }
  return 0;
}

void run_op(const std::string& op) {
  {
    const std::size_t colon = op.find(':');
    const std::string kind = op.substr(0, colon);
    const std::string arg = colon == std::string::npos ? "" : op.substr(colon + 1);
    if (kind == "read") {
      said(arg, open_with(arg, O_RDONLY));
    } else if (kind == "write") {
      said(arg, open_with(arg, O_WRONLY));
    } else if (kind == "create") {
      said(arg, open_with(arg, O_WRONLY | O_CREAT | O_EXCL));
    } else if (kind == "mkdir") {
      said(arg, ::mkdir(arg.c_str(), 0755) == 0 ? 0 : errno);
    } else if (kind == "exec") {
      said(arg, exec_in_child(arg));
    } else if (kind == "tcp") {
      said("tcp 127.0.0.1:" + arg, tcp_connect(static_cast<unsigned>(std::atoi(arg.c_str()))));
    } else if (kind == "rename") {
      const std::size_t to = arg.find(':');
      said(arg.substr(0, to), ::rename(arg.substr(0, to).c_str(), arg.substr(to + 1).c_str()) == 0 ? 0 : errno);
    } else if (kind == "tcp4") {
      said("tcp " + arg, inet_connect(SOCK_STREAM, arg, false));
    } else if (kind == "tcp4nb") {
      said("tcp " + arg, inet_connect_nonblocking(arg));
    } else if (kind == "udpconnect") {
      said("udp " + arg, inet_connect(SOCK_DGRAM, arg, true));
    } else if (kind == "udpsendto" || kind == "udpsendmsg") {
      said("udp " + arg, udp_send(arg, kind == "udpsendmsg"));
    } else if (kind == "unix") {
      said("unix " + arg, unix_connect(arg, false));
    } else if (kind == "abstract") {
      said("unix @" + arg, unix_connect(arg, true));
    } else if (kind == "udp") {
      const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      said("udp socket", fd >= 0 ? 0 : errno);
      if (fd >= 0) ::close(fd);
    } else if (kind == "kill1") {
      said("SIGUSR1 to pid 1", ::kill(1, SIGUSR1) == 0 ? 0 : errno);
    } else if (kind == "unshare") {
      said("unshare", ::unshare(CLONE_NEWUSER) == 0 ? 0 : errno);
    } else {
      std::fprintf(stderr, "explain_matrix: unknown op %s\n", op.c_str());
      std::exit(2);
    }
  }
}
