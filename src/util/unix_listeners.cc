// NETLINK_SOCK_DIAG's dump of the Unix sockets (net/unix/diag.c), asked for
// the listening ones only, with their names; /proc/net/unix where the kernel
// has no unix_diag.
//
// Why the dump is complete in practice. /proc/net/unix is a seq_file: each
// read() returns at most a page, and the next one starts again from a
// position (hash bucket, index within the bucket), so when a socket of that
// bucket closes between two reads the rows after it move up one place and
// the one at the resume point is never shown. Every Unix socket of the
// namespace has a row (a page holds 50 to 70), so a running sandbox's
// listener can be lost whenever other sockets come and go.
// unix_diag_dump() resumes the same way (cb->args: slot, and the index
// counted over every socket of the bucket), but only between two skbs of
// the dump, and only sockets in the requested states are put in them: a
// label's listener with its name takes 52 to 56 bytes. The first skb is
// made inside sendto(), NLMSG_GOODSIZE large (3776 bytes with 4 KB pages:
// about 70 listeners). Once recvmsg() has been called with a larger buffer,
// the kernel makes the later skbs of this socket as large as that buffer, up
// to SKB_WITH_OVERHEAD(32768) (netlink_dump(), max_recvmsg_len; unless that
// allocation fails): about 580 listeners, still 225 with 108-byte names.
// So a dump whose entries came in one datagram walked the whole table in
// one call, bucket by bucket under each bucket's lock, and left out no
// listener that existed throughout. One whose entries took several
// datagrams (more than about 70 listeners) is repeated once on the same
// socket, now with the large skbs, and the union kept: the second walk is
// whole up to about 580 listeners, and beyond that a listener is lost only
// if both walks lose it, each to a socket of its own bucket closing between
// two recvmsg() calls. (tests/unit/running_levels_test.cc: under churn, one
// read of /proc/net/unix left a listener out in 16-35% of calls, one dump
// without the repeat in 0.6%, this in none of 20,000.)
#include "util/unix_listeners.h"

#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <algorithm>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "util/unique_fd.h"

namespace sandbox::util {
namespace {

// Larger than any skb of a dump (SKB_WITH_OVERHEAD(32768)): no reply is
// truncated, and the kernel sizes the dump's later skbs after it.
constexpr std::size_t kReceiveBuffer = 64 * 1024;

// 00010000 in /proc/net/unix's Flags column: __SO_ACCEPTCON, listening.
constexpr unsigned long kListening = 0x10000;

// The UNIX_DIAG_NAME of one SOCK_DIAG_BY_FAMILY message, if it is abstract.
void add_abstract_name(const char* message, std::size_t size, std::vector<std::string>& names) {
  if (size < sizeof(unix_diag_msg)) return;
  unix_diag_msg diag;
  std::memcpy(&diag, message, sizeof(diag));
  if (diag.udiag_state != TCP_LISTEN) return;
  std::size_t at = NLMSG_ALIGN(sizeof(unix_diag_msg));
  while (at + NLA_HDRLEN <= size) {
    nlattr attr;
    std::memcpy(&attr, message + at, sizeof(attr));
    if (attr.nla_len < NLA_HDRLEN || at + attr.nla_len > size) return;
    const char* value = message + at + NLA_HDRLEN;
    const std::size_t length = attr.nla_len - NLA_HDRLEN;
    // An abstract name starts with a NUL; a path name does not.
    if ((attr.nla_type & NLA_TYPE_MASK) == UNIX_DIAG_NAME && length > 0 && value[0] == '\0') {
      names.emplace_back(value + 1, length - 1);
      return;
    }
    at += NLA_ALIGN(attr.nla_len);
  }
}

// One dump of the listening Unix sockets on `fd` (a NETLINK_SOCK_DIAG
// socket), appended to names. Returns how many datagrams carried entries:
// 1 or 0 means one walk of the table (see the top of this file).
Result<int> dump_listeners(int fd, std::uint32_t seq, std::vector<std::string>& names) {
  struct {
    nlmsghdr header;
    unix_diag_req body;
  } request{};
  request.header.nlmsg_len = sizeof(request);
  request.header.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.header.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.header.nlmsg_seq = seq;
  request.body.sdiag_family = AF_UNIX;
  request.body.udiag_states = 1U << TCP_LISTEN;
  request.body.udiag_show = UDIAG_SHOW_NAME;
  sockaddr_nl kernel{};
  kernel.nl_family = AF_NETLINK;
  if (::sendto(fd, &request, sizeof(request), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    return Error::from_errno("cannot ask sock_diag for the listening Unix sockets");
  }
  std::vector<char> buffer(kReceiveBuffer);
  int datagrams = 0;
  for (;;) {
    sockaddr_nl from{};
    iovec iov{buffer.data(), buffer.size()};
    msghdr msg{};
    msg.msg_name = &from;
    msg.msg_namelen = sizeof(from);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    const ssize_t n = ::recvmsg(fd, &msg, 0);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("cannot read sock_diag's list of listening Unix sockets");
    if ((msg.msg_flags & MSG_TRUNC) != 0) {
      return Error("a sock_diag reply is larger than " + std::to_string(kReceiveBuffer) + " bytes", EMSGSIZE);
    }
    if (from.nl_pid != 0) continue;  // not from the kernel
    bool entries = false;
    std::size_t at = 0;
    const auto size = static_cast<std::size_t>(n);
    while (at + sizeof(nlmsghdr) <= size) {
      nlmsghdr header;
      std::memcpy(&header, buffer.data() + at, sizeof(header));
      if (header.nlmsg_len < sizeof(nlmsghdr) || at + header.nlmsg_len > size) {
        return Error("sock_diag sent a malformed message", EPROTO);
      }
      const char* body = buffer.data() + at + NLMSG_HDRLEN;
      const std::size_t body_size = header.nlmsg_len - NLMSG_HDRLEN;
      at += NLMSG_ALIGN(header.nlmsg_len);
      if (header.nlmsg_seq != seq) continue;
      if (header.nlmsg_type == NLMSG_DONE) {
        int status = 0;  // the dump's last return: negative on failure
        if (body_size >= sizeof(status)) std::memcpy(&status, body, sizeof(status));
        if (status < 0) return Error("sock_diag could not list the listening Unix sockets", -status);
        return datagrams;
      }
      if (header.nlmsg_type == NLMSG_ERROR) {
        nlmsgerr error{};
        std::memcpy(&error, body, std::min(body_size, sizeof(error)));
        return Error("sock_diag refused to list the listening Unix sockets",
                     error.error < 0 ? -error.error : EPROTO);
      }
      if (header.nlmsg_type == SOCK_DIAG_BY_FAMILY) {
        entries = true;
        add_abstract_name(body, body_size, names);
      }
    }
    if (entries) ++datagrams;
  }
}

// A kernel without unix_diag (CONFIG_UNIX_DIAG off, or its module missing)
// answers one of these.
bool no_unix_diag(int errno_value) {
  return errno_value == EINVAL || errno_value == ENOENT || errno_value == EOPNOTSUPP;
}

// The names from sock_diag. `unavailable` is set where /proc/net/unix must
// do instead: no sock_diag socket (a seccomp filter or an LSM may forbid
// it), or no unix_diag behind it.
Result<std::vector<std::string>> from_sock_diag(bool& unavailable) {
  UniqueFd fd(::socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_SOCK_DIAG));
  if (!fd) {
    unavailable = true;
    return Error::from_errno("cannot create a sock_diag socket");
  }
  std::vector<std::string> names;
  for (std::uint32_t pass = 1; pass <= 2; ++pass) {
    auto datagrams = dump_listeners(fd.get(), pass, names);
    if (!datagrams) {
      unavailable = no_unix_diag(datagrams.error().errno_value());
      return std::move(datagrams).error();
    }
    if (*datagrams <= 1) break;  // one walk: complete
  }
  return names;
}

// One read of /proc/net/unix: the abstract names of the listening rows.
Result<void> read_proc_net_unix(std::vector<std::string>& names) {
  std::ifstream table("/proc/net/unix");
  if (!table) return Error::from_errno("cannot open /proc/net/unix");
  std::string row;
  std::getline(table, row);  // header
  while (std::getline(table, row)) {
    // Num RefCount Protocol Flags Type St Inode, then " Path" where bound:
    // an abstract name as '@' and its bytes, NULs shown as '@'.
    std::istringstream fields(row);
    std::string num, refcount, protocol, flags, type, state, inode, path;
    if (!(fields >> num >> refcount >> protocol >> flags >> type >> state >> inode)) continue;
    if ((std::strtoul(flags.c_str(), nullptr, 16) & kListening) == 0) continue;
    std::getline(fields, path);
    if (path.size() < 2 || path.compare(0, 2, " @") != 0) continue;
    names.push_back(path.substr(2));
  }
  if (table.bad()) return Error::from_errno("cannot read /proc/net/unix");
  return success();
}

Result<std::vector<std::string>> from_proc_net_unix() {
  // A read can lose a row (see the top of this file); a listener is left out
  // only if two reads both lose it, which takes two sockets of its bucket
  // closing, each at the wrong moment: read twice and keep the union.
  std::vector<std::string> names;
  for (int pass = 0; pass < 2; ++pass) {
    if (auto read = read_proc_net_unix(names); !read) return std::move(read).error();
  }
  return names;
}

Result<std::vector<std::string>> sorted_unique(Result<std::vector<std::string>> names) {
  if (names) {
    std::sort(names->begin(), names->end());
    names->erase(std::unique(names->begin(), names->end()), names->end());
  }
  return names;
}

}  // namespace

Result<std::vector<std::string>> listening_abstract_unix_names(ListenerSource source) {
  bool unavailable = false;
  return sorted_unique(source == ListenerSource::sock_diag ? from_sock_diag(unavailable) : from_proc_net_unix());
}

Result<std::vector<std::string>> listening_abstract_unix_names() {
  bool unavailable = false;
  auto names = from_sock_diag(unavailable);
  if (!names && unavailable) names = from_proc_net_unix();
  return sorted_unique(std::move(names));
}

}  // namespace sandbox::util
