// Escapes through sockets (DESIGN §2, §4, §6): raw and packet sockets,
// netlink route changes, the host's abstract and path sockets, loopback TCP
// and UDP, and another running sandbox. Controls run the same probe outside
// the sandbox (or as root of a throwaway network namespace) and get through.
// Nothing here leaves loopback or a namespace the test creates.
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

#include "attacks/support.h"

using namespace attack;

namespace {

// The address of a Unix socket: a path, or an abstract name (leading NUL).
socklen_t unix_address(const std::string& name, bool abstract, sockaddr_un* addr) {
  *addr = sockaddr_un{};
  addr->sun_family = AF_UNIX;
  std::memcpy(addr->sun_path + (abstract ? 1 : 0), name.data(), name.size());
  return static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + name.size() + (abstract ? 1 : 0));
}

int listen_unix(const std::string& name, bool abstract) {
  const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_un addr;
  const socklen_t size = unix_address(name, abstract, &addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), size) != 0 || ::listen(fd, 8) != 0) return -1;
  return fd;
}

// A loopback socket of `type` on an ephemeral port; returns the fd, port in *port.
int bind_loopback(int type, int* port) {
  const int fd = ::socket(AF_INET, type | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) return -1;
  if (type == SOCK_STREAM && ::listen(fd, 8) != 0) return -1;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  *port = ntohs(addr.sin_port);
  return fd;
}

bool datagram_waiting(int fd) {
  char buf[16];
  return ::recv(fd, buf, sizeof(buf), MSG_DONTWAIT) > 0;
}

}  // namespace

TEST(NetworkAttack, RawAndPacketSocketsAreRefused) {
  for (const char* name : {"socket-raw", "socket-packet"}) {
    EXPECT_EQ(syscall_probe({}, name), EPERM) << name;
    // Control: root of a network namespace of its own may open them.
    EXPECT_EQ(unconfined("syscall_probe", {name}, {"unshare", "-Urn"}), 0) << name;
  }
}

TEST(NetworkAttack, NetlinkRouteChangesAreRefused) {
  EXPECT_EQ(attack_probe({}, "netlink-addr"), EPERM);
  EXPECT_EQ(unconfined("attack_probe", {"netlink-addr"}, {"unshare", "-Urn"}), 0);
}

TEST(NetworkAttack, HostAbstractSocketIsUnreachable) {
  const std::string name = "sandbox-attack-" + std::to_string(::getpid());
  const int fd = listen_unix(name, true);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(unconfined("attack_probe", {"connect-abstract", name}), 0);  // control
  EXPECT_EQ(attack_probe({}, "connect-abstract", {name}), ECONNREFUSED);
  // Sharing the host's network namespace, Landlock's abstract-unix scope stops it.
  EXPECT_EQ(attack_probe({"--net=host"}, "connect-abstract", {name}), EPERM);
  ::close(fd);
}

// Why --net=none keeps a network namespace (BENCHMARKS.md): abstract Unix
// names belong to the network namespace, and Landlock's scope stops only the
// sandbox's own connects, not a bind that host clients then reach. A sandbox
// in the host's namespace can squat a name a host service (or our own label
// registry) would use; in its own namespace the name never reaches the host.
TEST(NetworkAttack, AbstractNamesCannotBeSquattedOnTheHost) {
  const auto host_connects = [](const std::string& name) {
    const int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr;
    const socklen_t size = unix_address(name, true, &addr);
    const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), size) == 0;
    ::close(fd);
    return connected;
  };
  std::uint32_t random = 0;
  ASSERT_EQ(::getrandom(&random, sizeof(random), 0), static_cast<ssize_t>(sizeof(random)));
  const std::string name = "sandbox-squat-" + std::to_string(::getpid()) + "-" + std::to_string(random);
  // Control: sharing the host's network namespace, the squat works.
  const pid_t shared = start(sandbox({"--net=host", probe("attack_probe"), "squat-abstract", name + "-host", "10"}));
  EXPECT_TRUE(wait_for([&] { return host_connects(name + "-host"); }, 10));
  EXPECT_EQ(finish(shared), 0);
  // Its own network namespace: the host never sees the name.
  const pid_t own = start(sandbox({probe("attack_probe"), "squat-abstract", name, "2"}));
  EXPECT_FALSE(wait_for([&] { return host_connects(name); }, 1.5));
  EXPECT_EQ(finish(own), ETIMEDOUT);
}

TEST(NetworkAttack, HostPathSocketIsUnreachable) {
  testing_support::TempDir dir;
  const std::string path = dir.path() + "/socket";
  const int fd = listen_unix(path, false);
  ASSERT_GE(fd, 0);
  ::chmod(path.c_str(), 0777);
  EXPECT_EQ(unconfined("attack_probe", {"connect-path", path}), 0);  // control
  EXPECT_EQ(attack_probe({}, "connect-path", {path}), ENOENT);        // not in the view
  ::close(fd);
}

TEST(NetworkAttack, HostLoopbackTcpIsUnreachable) {
  int port = 0;
  const int fd = bind_loopback(SOCK_STREAM, &port);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(unconfined("attack_probe", {"connect-tcp", std::to_string(port)}), 0);  // control
  EXPECT_EQ(attack_probe({}, "connect-tcp", {std::to_string(port)}), ECONNREFUSED);
  ::close(fd);
}

TEST(NetworkAttack, HostLoopbackUdpIsUnreachable) {
  int port = 0;
  const int fd = bind_loopback(SOCK_DGRAM, &port);
  ASSERT_GE(fd, 0);
  EXPECT_EQ(unconfined("attack_probe", {"send-udp", std::to_string(port)}), 0);  // control
  EXPECT_TRUE(wait_for([&] { return datagram_waiting(fd); }, 1));
  // The sandbox's send "works", into its own loopback: nothing arrives here.
  EXPECT_EQ(attack_probe({}, "send-udp", {std::to_string(port)}), 0);
  EXPECT_FALSE(wait_for([&] { return datagram_waiting(fd); }, 0.3));
  ::close(fd);
}

TEST(NetworkAttack, AnotherRunningSandboxIsUnreachable) {
  std::uint16_t random[2];
  ASSERT_EQ(::getrandom(random, sizeof(random), 0), static_cast<ssize_t>(sizeof(random)));
  const int low = random[0] % 500;
  const int high = 500 + random[1] % 500;
  const std::string level = "s0:c" + std::to_string(low) + ",c" + std::to_string(high);
  const std::string socket_name = "sandbox/c" + std::to_string(low) + ",c" + std::to_string(high);
  const std::string token = unique_sleep_argument();
  const pid_t other = start(sandbox({"-l", level, "sleep", token}));
  ASSERT_TRUE(wait_for([&] { return !processes_with(token).empty(); }, 5));
  const std::string victim = std::to_string(processes_with(token).front());
  // Controls: from outside, its control socket and its processes are reachable.
  EXPECT_EQ(unconfined("attack_probe", {"connect-abstract", socket_name}), 0);
  EXPECT_EQ(unconfined("attack_probe", {"kill", victim}), 0);
  // From another sandbox: neither its socket nor its processes exist.
  EXPECT_EQ(attack_probe({}, "connect-abstract", {socket_name}), ECONNREFUSED);
  EXPECT_EQ(attack_probe({"--net=host"}, "connect-abstract", {socket_name}), EPERM);
  EXPECT_EQ(attack_probe({}, "kill", {victim}), ESRCH);
  const auto r = run(sandbox({"cat", "/proc/" + victim + "/environ"}));
  EXPECT_NE(r.status, 0);
  EXPECT_TRUE(r.out.empty());
  ::kill(other, SIGTERM);
  finish(other);
  kill_all_with(token);
}
