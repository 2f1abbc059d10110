// rtnetlink by hand, with messages on the stack: the child allocates nothing.
#include "net/link.h"

#include <arpa/inet.h>
#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstring>

namespace sandbox::net {
namespace {

struct Message {
  alignas(NLMSG_ALIGNTO) char buf[256];
  nlmsghdr* header() { return reinterpret_cast<nlmsghdr*>(buf); }
  void* body() { return NLMSG_DATA(header()); }
  // A new request of `type` whose fixed body has `body_size` bytes (zeroed).
  void start(unsigned short type, std::size_t body_size) {
    std::memset(buf, 0, sizeof(buf));
    header()->nlmsg_len = static_cast<std::uint32_t>(NLMSG_LENGTH(body_size));
    header()->nlmsg_type = type;
    header()->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | NLM_F_CREATE | NLM_F_EXCL;
  }
  void add(unsigned short type, const void* data, std::size_t size) {
    nlmsghdr* h = header();
    auto* attr = reinterpret_cast<rtattr*>(buf + NLMSG_ALIGN(h->nlmsg_len));
    attr->rta_type = type;
    attr->rta_len = static_cast<unsigned short>(RTA_LENGTH(size));
    std::memcpy(RTA_DATA(attr), data, size);
    h->nlmsg_len = static_cast<std::uint32_t>(NLMSG_ALIGN(h->nlmsg_len) + RTA_ALIGN(attr->rta_len));
  }
};

// Sends one request and reads its acknowledgement: 0 or the kernel's errno.
int transact(int fd, Message& m) {
  if (::send(fd, m.buf, m.header()->nlmsg_len, 0) < 0) return errno;
  alignas(NLMSG_ALIGNTO) char reply[512];
  const ssize_t n = ::recv(fd, reply, sizeof(reply), 0);
  if (n < 0) return errno;
  const auto* h = reinterpret_cast<const nlmsghdr*>(reply);
  if (n < static_cast<ssize_t>(sizeof(nlmsghdr)) || h->nlmsg_type != NLMSG_ERROR) return EPROTO;
  const auto* error = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
  return -error->error;
}

int add_address(int fd, int index, const in6_addr& address) {
  Message m;
  m.start(RTM_NEWADDR, sizeof(ifaddrmsg));
  auto* ifa = static_cast<ifaddrmsg*>(m.body());
  ifa->ifa_family = AF_INET6;
  ifa->ifa_prefixlen = 64;
  ifa->ifa_flags = IFA_F_NODAD;
  ifa->ifa_scope = RT_SCOPE_UNIVERSE;
  ifa->ifa_index = static_cast<unsigned>(index);
  m.add(IFA_LOCAL, &address, sizeof(address));
  m.add(IFA_ADDRESS, &address, sizeof(address));
  const std::uint32_t flags = IFA_F_NODAD;
  m.add(IFA_FLAGS, &flags, sizeof(flags));
  return transact(fd, m);
}

int add_default_route(int fd, int index, const in6_addr& gateway) {
  Message m;
  m.start(RTM_NEWROUTE, sizeof(rtmsg));
  auto* rt = static_cast<rtmsg*>(m.body());
  rt->rtm_family = AF_INET6;
  rt->rtm_table = RT_TABLE_MAIN;
  rt->rtm_protocol = RTPROT_BOOT;
  rt->rtm_scope = RT_SCOPE_UNIVERSE;
  rt->rtm_type = RTN_UNICAST;
  m.add(RTA_GATEWAY, &gateway, sizeof(gateway));
  const std::uint32_t oif = static_cast<std::uint32_t>(index);
  m.add(RTA_OIF, &oif, sizeof(oif));
  return transact(fd, m);
}

}  // namespace

int request_network(int channel) noexcept {
  const char request = 'n';
  return ::send(channel, &request, 1, MSG_NOSIGNAL) == 1 ? 0 : errno;
}

int await_network(int channel) noexcept {
  char answer = 0;
  for (;;) {
    const ssize_t n = ::recv(channel, &answer, 1, 0);
    if (n == 1) return answer == 'r' ? 0 : ENETDOWN;
    if (n == 0) return ENETDOWN;
    if (errno != EINTR) return errno;
  }
}

int configure_ipv6() noexcept {
  const int index = static_cast<int>(::if_nametoindex(kTapName));
  if (index == 0) return errno != 0 ? errno : ENODEV;
  in6_addr address{}, gateway{};
  ::inet_pton(AF_INET6, "fd00::100", &address);
  ::inet_pton(AF_INET6, "fd00::2", &gateway);
  const int fd = ::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
  if (fd < 0) return errno;
  int err = add_address(fd, index, address);
  if (err == 0) err = add_default_route(fd, index, gateway);
  ::close(fd);
  return err;
}

}  // namespace sandbox::net
