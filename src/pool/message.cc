#include "pool/message.h"

#include <poll.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace sandbox::pool {
namespace {

void put_u32(std::string& out, std::uint32_t value) {
  out.append(reinterpret_cast<const char*>(&value), sizeof(value));
}

}  // namespace

void push_list(std::vector<std::string>& fields, const std::vector<std::string>& items) {
  fields.push_back(std::to_string(items.size()));
  fields.insert(fields.end(), items.begin(), items.end());
}

bool take_list(const std::vector<std::string>& fields, std::size_t* at, std::vector<std::string>& items) {
  if (*at >= fields.size()) return false;
  const std::string& count_text = fields[*at];
  std::size_t count = 0;
  const auto [end, ec] = std::from_chars(count_text.data(), count_text.data() + count_text.size(), count);
  if (ec != std::errc() || end != count_text.data() + count_text.size()) return false;
  if (count > fields.size() - *at - 1) return false;
  items.assign(fields.begin() + static_cast<std::ptrdiff_t>(*at + 1),
               fields.begin() + static_cast<std::ptrdiff_t>(*at + 1 + count));
  *at += 1 + count;
  return true;
}

Result<void> send_message(int socket, Kind kind, const std::vector<std::string>& fields,
                          const std::vector<int>& fds) {
  if (fds.size() > kMaxFds) return Error("too many descriptors for one pool message", EINVAL);
  std::string data;
  Header header;
  header.kind = kind;
  header.count = static_cast<std::uint32_t>(fields.size());
  data.append(reinterpret_cast<const char*>(&header), sizeof(header));
  for (const auto& field : fields) {
    put_u32(data, static_cast<std::uint32_t>(field.size()));
    data += field;
  }
  if (data.size() > kMaxMessage) return Error("the job is too large for the pool", EMSGSIZE);
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  if (!fds.empty()) {
    msg.msg_control = control;
    msg.msg_controllen = CMSG_SPACE(sizeof(int) * fds.size());
    cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
    cmsg->cmsg_level = SOL_SOCKET;
    cmsg->cmsg_type = SCM_RIGHTS;
    cmsg->cmsg_len = CMSG_LEN(sizeof(int) * fds.size());
    std::memcpy(CMSG_DATA(cmsg), fds.data(), sizeof(int) * fds.size());
  }
  for (;;) {
    const ssize_t n = ::sendmsg(socket, &msg, MSG_NOSIGNAL);
    if (n == static_cast<ssize_t>(data.size())) return success();
    if (n < 0 && errno == EINTR) continue;
    return Error::from_errno("cannot send to the pool");
  }
}

Result<Message> receive_message(int socket, int timeout_ms) {
  pollfd p{socket, POLLIN, 0};
  for (;;) {
    const int ready = ::poll(&p, 1, timeout_ms);
    if (ready > 0) break;
    if (ready == 0) return Error("the pool did not answer in time", ETIMEDOUT);
    if (errno != EINTR) return Error::from_errno("cannot wait for the pool");
  }
  const ssize_t size = ::recv(socket, nullptr, 0, MSG_PEEK | MSG_TRUNC | MSG_DONTWAIT);
  if (size < 0) return Error::from_errno("cannot receive from the pool");
  if (size == 0) return Error("the pool closed the connection", EPIPE);
  if (static_cast<std::size_t>(size) > kMaxMessage) return Error("a pool message is too large", EMSGSIZE);
  std::string data(static_cast<std::size_t>(size), '\0');
  iovec iov{data.data(), data.size()};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * kMaxFds)] = {};
  msg.msg_control = control;
  msg.msg_controllen = sizeof(control);
  ssize_t n = -1;
  do {
    n = ::recvmsg(socket, &msg, MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (n < 0 && errno == EINTR);
  if (n < 0) return Error::from_errno("cannot receive from the pool");
  Message out;
  for (cmsghdr* cmsg = CMSG_FIRSTHDR(&msg); cmsg != nullptr; cmsg = CMSG_NXTHDR(&msg, cmsg)) {
    if (cmsg->cmsg_level != SOL_SOCKET || cmsg->cmsg_type != SCM_RIGHTS) continue;
    const std::size_t count = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
    for (std::size_t i = 0; i < count; ++i) {
      int fd = -1;
      std::memcpy(&fd, CMSG_DATA(cmsg) + i * sizeof(int), sizeof(int));
      out.fds.emplace_back(fd);
    }
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return Error("a pool message was truncated", EMSGSIZE);
  auto parsed = parse_message(data.data(), static_cast<std::size_t>(n));
  if (!parsed) return parsed;
  parsed->fds = std::move(out.fds);
  return parsed;
}

Result<Message> parse_message(const char* data, std::size_t got) {
  Message out;
  Header header;
  if (got < sizeof(header)) return Error("a pool message is too short", EPROTO);
  std::memcpy(&header, data, sizeof(header));
  if (header.magic != kMagic) return Error("not a pool message", EPROTO);
  out.kind = header.kind;
  std::size_t at = sizeof(header);
  for (std::uint32_t i = 0; i < header.count; ++i) {
    std::uint32_t length = 0;
    if (got - at < sizeof(length)) return Error("a pool message is cut short", EPROTO);
    std::memcpy(&length, data + at, sizeof(length));
    at += sizeof(length);
    if (got - at < length) return Error("a pool message is cut short", EPROTO);
    out.fields.emplace_back(data + at, length);
    at += length;
  }
  return out;
}

}  // namespace sandbox::pool
