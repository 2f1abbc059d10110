// net_probe: the network side of the tests (tests/net/lab.sh, net_test.cc).
//   net_probe tcp ADDR PORT        connect (3 s at most) and read the greeting;
//                                  prints "tcp ADDR PORT: OK|<errno> <ms> ms"
//                                  and exits with the errno (0 when connected)
//   net_probe udp ADDR PORT TEXT   one datagram; exits with sendto's errno
//   net_probe socket udp|raw|packet  exits with socket()'s errno
//   net_probe serve ADDR TCPPORTS UDPPORT LOG   (test hosts, outside the sandbox)
//        listens on every TCP port (comma list), greets and closes each
//        connection; appends each UDP datagram to LOG; prints "ready" when bound.
//   net_probe dns ADDR ANSWER LOG   (the test host's name server, outside the sandbox)
//        answers every A query on ADDR port 53 with ANSWER (an IPv4 address),
//        every other query with no record; appends each name asked to LOG;
//        prints "ready" when bound.
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/if_ether.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

bool make_address(const char* text, int port, sockaddr_storage* out, socklen_t* size) {
  *out = {};
  auto* v4 = reinterpret_cast<sockaddr_in*>(out);
  auto* v6 = reinterpret_cast<sockaddr_in6*>(out);
  if (inet_pton(AF_INET, text, &v4->sin_addr) == 1) {
    v4->sin_family = AF_INET;
    v4->sin_port = htons(static_cast<uint16_t>(port));
    *size = sizeof(sockaddr_in);
    return true;
  }
  if (inet_pton(AF_INET6, text, &v6->sin6_addr) == 1) {
    v6->sin6_family = AF_INET6;
    v6->sin6_port = htons(static_cast<uint16_t>(port));
    *size = sizeof(sockaddr_in6);
    return true;
  }
  return false;
}

double now_ms() {
  timespec ts{};
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

int tcp(const char* address, int port) {
  sockaddr_storage addr;
  socklen_t size = 0;
  if (!make_address(address, port, &addr, &size)) return 254;
  const double start = now_ms();
  int err = 0;
  const int fd = socket(addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (fd < 0) {
    err = errno;
  } else if (connect(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0) {
    err = errno;
    if (err == EINPROGRESS) {
      pollfd p{fd, POLLOUT, 0};
      if (poll(&p, 1, 3000) == 0) {
        err = ETIMEDOUT;
      } else {
        socklen_t len = sizeof(err);
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len);
      }
    }
  }
  std::string greeting;
  if (err == 0) {
    pollfd p{fd, POLLIN, 0};
    char buf[64] = {};
    if (poll(&p, 1, 3000) > 0) {
      const ssize_t n = read(fd, buf, sizeof(buf) - 1);
      if (n > 0) greeting.assign(buf, static_cast<size_t>(n));
    }
    while (!greeting.empty() && greeting.back() == '\n') greeting.pop_back();
  }
  std::printf("tcp %s %d: %s %.1f ms %s\n", address, port, err == 0 ? "OK" : strerrorname_np(err),
              now_ms() - start, greeting.c_str());
  if (fd >= 0) close(fd);
  return err;
}

int udp(const char* address, int port, const char* text) {
  sockaddr_storage addr;
  socklen_t size = 0;
  if (!make_address(address, port, &addr, &size)) return 254;
  const int fd = socket(addr.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  int err = fd < 0 ? errno : 0;
  if (err == 0 &&
      sendto(fd, text, strlen(text), 0, reinterpret_cast<sockaddr*>(&addr), size) < 0) {
    err = errno;
  }
  std::printf("udp %s %d: %s\n", address, port, err == 0 ? "OK" : strerrorname_np(err));
  return err;
}

int open_socket(const std::string& kind) {
  int fd = -1;
  if (kind == "udp") fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  else if (kind == "udp6") fd = socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  else if (kind == "raw") fd = socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP);
  else if (kind == "packet") fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL));
  else if (kind == "tcp") fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  else return 254;
  const int err = fd < 0 ? errno : 0;
  std::printf("socket %s: %s\n", kind.c_str(), err == 0 ? "OK" : strerrorname_np(err));
  return err;
}

int listen_on(const char* address, int port, int type) {
  sockaddr_storage addr;
  socklen_t size = 0;
  if (!make_address(address, port, &addr, &size)) return -1;
  const int fd = socket(addr.ss_family, type | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if (addr.ss_family == AF_INET6) {
    const int zero = 0;  // "::" takes IPv4 too
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &zero, sizeof(zero));
  }
  if (bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0) return -1;
  if (type == SOCK_STREAM && listen(fd, 64) != 0) return -1;
  return fd;
}

int serve(const char* address, const char* tcp_ports, int udp_port, const char* log) {
  std::vector<pollfd> fds;
  std::string ports = tcp_ports;
  for (size_t start = 0; start <= ports.size();) {
    size_t comma = ports.find(',', start);
    if (comma == std::string::npos) comma = ports.size();
    const int port = atoi(ports.substr(start, comma - start).c_str());
    const int fd = listen_on(address, port, SOCK_STREAM);
    if (fd < 0) {
      std::printf("listen %s %d: %s\n", address, port, strerrorname_np(errno));
      return 1;
    }
    fds.push_back({fd, POLLIN, 0});
    start = comma + 1;
  }
  const int udp_fd = udp_port > 0 ? listen_on(address, udp_port, SOCK_DGRAM) : -1;
  if (udp_port > 0 && udp_fd < 0) {
    std::printf("bind udp %s %d: %s\n", address, udp_port, strerrorname_np(errno));
    return 1;
  }
  if (udp_fd >= 0) fds.push_back({udp_fd, POLLIN, 0});
  const int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return 1;
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    if (poll(fds.data(), fds.size(), -1) < 0) continue;
    for (const auto& p : fds) {
      if ((p.revents & POLLIN) == 0) continue;
      if (p.fd == udp_fd) {
        char buf[512];
        const ssize_t n = recv(udp_fd, buf, sizeof(buf) - 1, 0);
        if (n > 0) {
          buf[n] = '\n';
          [[maybe_unused]] ssize_t w = write(log_fd, buf, static_cast<size_t>(n) + 1);
        }
        continue;
      }
      const int c = accept4(p.fd, nullptr, nullptr, SOCK_CLOEXEC);
      if (c >= 0) {
        [[maybe_unused]] ssize_t w = write(c, "hello\n", 6);
        close(c);
      }
    }
  }
}

// The question's name in dotted form, and where the question ends (0: malformed).
size_t question_name(const unsigned char* msg, size_t size, std::string* name) {
  size_t at = 12;
  while (at < size && msg[at] != 0) {
    const size_t len = msg[at];
    if (len > 63 || at + 1 + len >= size) return 0;
    if (!name->empty()) name->push_back('.');
    name->append(reinterpret_cast<const char*>(msg + at + 1), len);
    at += 1 + len;
  }
  return at + 5 <= size ? at + 5 : 0;  // the root label, QTYPE, QCLASS
}

int dns(const char* address, const char* answer, const char* log) {
  in_addr answer_addr{};
  if (inet_pton(AF_INET, answer, &answer_addr) != 1) return 254;
  const int fd = listen_on(address, 53, SOCK_DGRAM);
  if (fd < 0) {
    std::printf("bind udp %s 53: %s\n", address, strerrorname_np(errno));
    return 1;
  }
  const int log_fd = open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) return 1;
  std::printf("ready\n");
  std::fflush(stdout);
  for (;;) {
    unsigned char msg[512];
    sockaddr_storage peer{};
    socklen_t peer_size = sizeof(peer);
    const ssize_t n = recvfrom(fd, msg, sizeof(msg), 0, reinterpret_cast<sockaddr*>(&peer), &peer_size);
    if (n < 12) continue;
    std::string name;
    const size_t end = question_name(msg, static_cast<size_t>(n), &name);
    if (end == 0) continue;
    const int qtype = msg[end - 4] << 8 | msg[end - 3];
    name.push_back('\n');
    [[maybe_unused]] ssize_t w = write(log_fd, name.data(), name.size());
    unsigned char reply[600];
    memcpy(reply, msg, end);            // header and question
    reply[2] = 0x81;                    // a response, recursion desired
    reply[3] = 0x80;                    // recursion available, NOERROR
    reply[6] = 0;                       // answers
    reply[7] = static_cast<unsigned char>(qtype == 1 ? 1 : 0);
    reply[8] = reply[9] = reply[10] = reply[11] = 0;  // no authority, no additional
    size_t size = end;
    if (qtype == 1) {
      const unsigned char record[] = {0xc0, 0x0c, 0, 1, 0, 1, 0, 0, 0, 60, 0, 4};  // name, A, IN, TTL 60
      memcpy(reply + size, record, sizeof(record));
      size += sizeof(record);
      memcpy(reply + size, &answer_addr, 4);
      size += 4;
    }
    sendto(fd, reply, size, 0, reinterpret_cast<sockaddr*>(&peer), peer_size);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "tcp" && argc == 4) return tcp(argv[2], atoi(argv[3]));
  if (mode == "udp" && argc == 5) return udp(argv[2], atoi(argv[3]), argv[4]);
  if (mode == "socket" && argc == 3) return open_socket(argv[2]);
  if (mode == "serve" && argc == 6) return serve(argv[2], argv[3], atoi(argv[4]), argv[5]);
  if (mode == "dns" && argc == 5) return dns(argv[2], argv[3], argv[4]);
  std::fprintf(stderr, "usage: net_probe tcp ADDR PORT | udp ADDR PORT TEXT | socket KIND | "
                       "serve ADDR TCPPORTS UDPPORT LOG | dns ADDR ANSWER LOG\n");
  return 254;
}
