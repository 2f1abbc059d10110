// The X11 core protocol, the few requests the session needs (X Window
// System Protocol, X Version 11: connection setup, InternAtom,
// GetSelectionOwner, GetWindowAttributes, ChangeProperty). We ask for
// least-significant-byte-first order ('l') and encode explicitly.
#include "x11/xclient.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace sandbox::x11 {
namespace {

constexpr std::uint8_t kInternAtom = 16;
constexpr std::uint8_t kChangeProperty = 18;
constexpr std::uint8_t kGetWindowAttributes = 3;
constexpr std::uint8_t kChangeWindowAttributes = 2;
constexpr std::uint8_t kCreateWindow = 1;
constexpr std::uint8_t kDestroyWindow = 4;
constexpr std::uint8_t kMapWindow = 8;
constexpr std::uint8_t kMapNotify = 19;
constexpr std::uint32_t kStructureNotifyMask = 1U << 17;
constexpr std::uint8_t kSendEvent = 25;
constexpr std::uint8_t kClientMessage = 33;
constexpr std::uint8_t kGenericEvent = 35;
constexpr std::uint32_t kCWEventMask = 1U << 11;
constexpr std::uint32_t kSubstructureNotifyMask = 1U << 19;
constexpr std::uint32_t kIconicState = 3;
constexpr std::uint32_t kAtomResourceManager = 23;  // predefined atoms
constexpr std::uint32_t kAtomString = 31;
constexpr std::uint32_t kSubstructureRedirectMask = 1U << 20;
constexpr std::size_t kMaxReply = 1 << 20;   // far beyond any reply we ask for
constexpr std::size_t kMaxSkipped = 1 << 16;
constexpr std::chrono::milliseconds kProbeInterval{100};  // events and stray replies before ours

std::size_t pad4(std::size_t n) { return (4 - n % 4) % 4; }

void put8(std::string& out, unsigned v) { out.push_back(static_cast<char>(v & 0xff)); }
void put16(std::string& out, unsigned v) {
  put8(out, v);
  put8(out, v >> 8);
}
void put32(std::string& out, std::uint32_t v) {
  put16(out, v & 0xffff);
  put16(out, v >> 16);
}
void put_padded(std::string& out, const std::string& bytes) {
  out += bytes;
  out.append(pad4(bytes.size()), '\0');
}

std::uint16_t get16(const std::string& b, std::size_t at) {
  return static_cast<std::uint16_t>(static_cast<unsigned char>(b[at]) |
                                    static_cast<unsigned char>(b[at + 1]) << 8);
}
std::uint32_t get32(const std::string& b, std::size_t at) {
  return static_cast<std::uint32_t>(get16(b, at)) | static_cast<std::uint32_t>(get16(b, at + 2)) << 16;
}

// Printable ASCII of a server-chosen string, bounded, for a message.
std::string printable(const std::string& text) {
  std::string out;
  for (const char c : text.substr(0, 200)) out += c >= 0x20 && c < 0x7f ? c : '?';
  return out;
}

}  // namespace

Result<SetupInfo> parse_setup_reply(const std::string& b) {
  if (b.size() < 8) return Error("-X: the X server's setup reply is truncated");
  const auto status = static_cast<unsigned char>(b[0]);
  if (status != 1) {
    const std::size_t reason = static_cast<unsigned char>(b[1]);
    const std::string why = status == 0 && b.size() >= 8 + reason ? b.substr(8, reason) : "";
    return Error("-X: the X server refused the session's connection" +
                 (why.empty() ? std::string() : ": " + printable(why)));
  }
  // Success: 8 bytes, then release, id base and mask, motion buffer (16),
  // vendor length (2), maximum request length (2), screens (1), formats
  // (1), 10 more bytes: 32 in all; the vendor; 8 bytes per format; screens.
  if (b.size() < 8 + 32) return Error("-X: the X server's setup reply is truncated");
  const std::size_t vendor = get16(b, 8 + 16);
  const std::size_t screens = static_cast<unsigned char>(b[8 + 20]);
  const std::size_t formats = static_cast<unsigned char>(b[8 + 21]);
  const std::size_t screen = 8 + 32 + vendor + pad4(vendor) + 8 * formats;
  if (screens == 0 || b.size() < screen + 40) {
    return Error("-X: the X server's setup reply has no screen");
  }
  SetupInfo info;
  info.id_base = get32(b, 8 + 4);
  info.root = get32(b, screen);
  info.width = get16(b, screen + 20);
  info.height = get16(b, screen + 22);
  return info;
}

Result<XClient> XClient::connect(const std::string& socket_path, const std::string& cookie,
                                 std::chrono::milliseconds timeout) {
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (socket_path.size() >= sizeof(addr.sun_path)) return Error("-X: socket path too long: " + socket_path);
  std::memcpy(addr.sun_path, socket_path.c_str(), socket_path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error::from_errno("-X: socket");
  if (::connect(fd.get(), reinterpret_cast<const sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Error::from_errno("-X: cannot connect to the nested X server at " + socket_path);
  }
  XClient client(std::move(fd), SetupInfo{}, timeout);
  std::string request;
  put8(request, 'l');
  put8(request, 0);
  put16(request, 11);  // protocol 11.0
  put16(request, 0);
  const std::string name = "MIT-MAGIC-COOKIE-1";
  put16(request, static_cast<unsigned>(name.size()));
  put16(request, static_cast<unsigned>(cookie.size()));
  put16(request, 0);
  put_padded(request, name);
  put_padded(request, cookie);
  if (auto ok = client.send(request, false); !ok) return std::move(ok).error();  // no sequence number
  std::string bytes(8, '\0');
  if (auto ok = client.read_exactly(bytes.data(), 8); !ok) return std::move(ok).error();
  const std::size_t more = static_cast<std::size_t>(get16(bytes, 6)) * 4;
  if (more > kMaxReply) return Error("-X: the X server's setup reply is too long");
  bytes.resize(8 + more);
  if (auto ok = client.read_exactly(bytes.data() + 8, more); !ok) return std::move(ok).error();
  auto setup = parse_setup_reply(bytes);
  if (!setup) return std::move(setup).error();
  client.setup_ = *setup;
  return client;
}

Result<void> XClient::send(const std::string& request, bool counted) {
  std::size_t done = 0;
  while (done < request.size()) {
    const ssize_t n = ::send(fd_.get(), request.data() + done, request.size() - done, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("-X: writing to the nested X server");
    done += static_cast<std::size_t>(n);
  }
  if (counted) ++sequence_;
  return success();
}

Result<void> XClient::read_exactly(char* buf, std::size_t n, int stop_fd, bool wait_forever) {
  // A message begun is read whole (within kWholeMessage): stopping half-way
  // would lose the stream's framing.
  constexpr auto kWholeMessage = std::chrono::seconds(5);
  const auto start = std::chrono::steady_clock::now();
  std::size_t done = 0;
  while (done < n) {
    const auto deadline = start + (done == 0 ? timeout_ : std::chrono::milliseconds(kWholeMessage));
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (!wait_forever && left.count() <= 0) {
      return Error("-X: the nested X server did not answer in time", ETIMEDOUT);
    }
    pollfd p[2] = {{fd_.get(), POLLIN, 0}, {stop_fd, POLLIN, 0}};
    const int ready = ::poll(p, 2, wait_forever ? -1 : static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) continue;
    if (ready < 0) return Error::from_errno("-X: waiting for the nested X server");
    if ((p[1].revents & POLLIN) != 0) return Error("-X: stopped", ECANCELED);
    if (ready == 0) continue;
    const ssize_t got = ::recv(fd_.get(), buf + done, n - done, 0);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) return Error::from_errno("-X: reading from the nested X server");
    if (got == 0) return Error("-X: the nested X server closed the connection", EPIPE);
    done += static_cast<std::size_t>(got);
  }
  return success();
}

Result<std::string> XClient::reply(const char* what) {
  std::size_t skipped = 0;
  for (;;) {
    std::string b(32, '\0');
    if (auto ok = read_exactly(b.data(), 32); !ok) return std::move(ok).error();
    const auto kind = static_cast<unsigned char>(b[0]);
    const std::uint16_t sequence = get16(b, 2);
    std::size_t more = 0;
    if (kind == 1) more = static_cast<std::size_t>(get32(b, 4)) * 4;
    if (more > kMaxReply) return Error(std::string("-X: ") + what + ": reply too long");
    b.resize(32 + more);
    if (more > 0) {
      if (auto ok = read_exactly(b.data() + 32, more); !ok) return std::move(ok).error();
    }
    if ((kind == 0 || kind == 1) && sequence == sequence_) {
      if (kind == 0) {
        return Error(std::string("-X: ") + what + ": X error " +
                     std::to_string(static_cast<unsigned char>(b[1])));
      }
      return b;
    }
    skipped += b.size();  // an event, or the answer to an earlier request
    if (skipped > kMaxSkipped) return Error(std::string("-X: ") + what + ": no reply");
  }
}

Result<std::uint32_t> XClient::intern_atom(const std::string& name) {
  std::string r;
  put8(r, kInternAtom);
  put8(r, 0);  // create it if it does not exist
  put16(r, static_cast<unsigned>(2 + (name.size() + pad4(name.size())) / 4));
  put16(r, static_cast<unsigned>(name.size()));
  put16(r, 0);
  put_padded(r, name);
  if (auto ok = send(r); !ok) return std::move(ok).error();
  auto b = reply("InternAtom");
  if (!b) return std::move(b).error();
  return get32(*b, 8);
}

Result<void> XClient::set_resources(const std::string& text) {
  std::string r;
  put8(r, kChangeProperty);
  put8(r, 0);  // Replace
  put16(r, static_cast<unsigned>(6 + (text.size() + pad4(text.size())) / 4));
  put32(r, setup_.root);
  put32(r, kAtomResourceManager);
  put32(r, kAtomString);
  put8(r, 8);  // format: bytes
  put8(r, 0);
  put16(r, 0);
  put32(r, static_cast<std::uint32_t>(text.size()));
  put_padded(r, text);
  if (auto ok = send(r); !ok) return ok;
  // ChangeProperty has no reply: a round trip makes sure it was applied
  // (an error comes back first).
  std::string sync;
  put8(sync, kGetWindowAttributes);
  put8(sync, 0);
  put16(sync, 2);
  put32(sync, setup_.root);
  if (auto ok = send(sync); !ok) return ok;
  auto b = reply("setting the resources");
  if (!b) return std::move(b).error();
  return success();
}

Result<bool> XClient::window_manager_present() {
  std::string a;
  put8(a, kGetWindowAttributes);
  put8(a, 0);
  put16(a, 2);
  put32(a, setup_.root);
  if (auto ok = send(a); !ok) return std::move(ok).error();
  auto attributes = reply("GetWindowAttributes");
  if (!attributes) return std::move(attributes).error();
  if (attributes->size() < 44) return Error("-X: GetWindowAttributes: reply truncated");
  return (get32(*attributes, 32) & kSubstructureRedirectMask) != 0;  // all-event-masks
}

Result<void> XClient::watch_iconify_requests() {
  auto change = intern_atom("WM_CHANGE_STATE");
  if (!change) return std::move(change).error();
  auto active = intern_atom("_NET_ACTIVE_WINDOW");
  if (!active) return std::move(active).error();
  wm_change_state_ = *change;
  net_active_window_ = *active;
  std::string r;
  put8(r, kChangeWindowAttributes);
  put8(r, 0);
  put16(r, 4);
  put32(r, setup_.root);
  put32(r, kCWEventMask);
  put32(r, kSubstructureNotifyMask);
  if (auto ok = send(r); !ok) return ok;
  std::string sync;  // a round trip: an error for the request comes back first
  put8(sync, kGetWindowAttributes);
  put8(sync, 0);
  put16(sync, 2);
  put32(sync, setup_.root);
  if (auto ok = send(sync); !ok) return ok;
  auto b = reply("selecting the root window's events");
  if (!b) return std::move(b).error();
  return success();
}

Result<std::string> XClient::next_event(int stop_fd, bool wait_forever) {
  std::string b(32, '\0');
  if (auto ok = read_exactly(b.data(), 32, stop_fd, wait_forever); !ok) return std::move(ok).error();
  const auto code = static_cast<unsigned char>(b[0]) & 0x7f;  // the top bit: sent with SendEvent
  // A reply or a generic event carries more: skipped, bounded.
  std::size_t more = 0;
  if (code == 1 || code == kGenericEvent) more = static_cast<std::size_t>(get32(b, 4)) * 4;
  if (more > kMaxReply) return Error("-X: an event too long from the nested X server");
  while (more > 0) {
    char skip[4096];
    const std::size_t n = more < sizeof(skip) ? more : sizeof(skip);
    if (auto ok = read_exactly(skip, n, stop_fd, wait_forever); !ok) return std::move(ok).error();
    more -= n;
  }
  b[0] = static_cast<char>(code);
  return b;
}

Result<std::uint32_t> XClient::next_iconify_request(int stop_fd) {
  for (;;) {
    auto b = next_event(stop_fd, true);
    if (!b) {
      if (b.error().errno_value() == ECANCELED) return std::uint32_t{0};
      return std::move(b).error();
    }
    if ((*b)[0] == kClientMessage && static_cast<unsigned char>((*b)[1]) == 32 &&
        get32(*b, 8) == wm_change_state_ && get32(*b, 12) == kIconicState) {
      return get32(*b, 4);  // the window that asked
    }
  }
}

Result<void> XClient::probe_window_manager(int stop_fd, std::chrono::milliseconds deadline) {
  const std::uint32_t window = setup_.id_base | 1;
  std::string create;
  put8(create, kCreateWindow);
  put8(create, 0);  // depth: the parent's
  put16(create, 9);
  put32(create, window);
  put32(create, setup_.root);
  put16(create, 0);  // x, y
  put16(create, 0);
  put16(create, 1);  // 1x1
  put16(create, 1);
  put16(create, 0);  // border
  put16(create, 1);  // InputOutput
  put32(create, 0);  // visual: the parent's
  put32(create, kCWEventMask);
  put32(create, kStructureNotifyMask);
  if (auto ok = send(create); !ok) return ok;
  std::string map;
  put8(map, kMapWindow);
  put8(map, 0);
  put16(map, 2);
  put32(map, window);
  // A window manager may drop the map requests that come while it starts
  // (openbox does): asked again until it maps the window.
  const auto saved = timeout_;
  timeout_ = kProbeInterval;
  Result<void> mapped = Error("-X: the window manager did not map a window within " +
                              std::to_string(deadline.count()) + " ms", ETIMEDOUT);
  const auto until = std::chrono::steady_clock::now() + deadline;
  while (std::chrono::steady_clock::now() < until) {
    if (auto ok = send(map); !ok) {
      mapped = std::move(ok);
      break;
    }
    bool again = false;
    for (std::size_t seen = 0; !again; ++seen) {
      auto b = next_event(stop_fd, false);
      if (!b && b.error().errno_value() == ETIMEDOUT) {
        again = true;
      } else if (!b) {
        mapped = std::move(b).error();
      } else if ((*b)[0] == 0) {
        mapped = Error("-X: the nested X server refused the session's probe window");
      } else if ((*b)[0] == kMapNotify && get32(*b, 8) == window) {
        mapped = success();
      } else if (seen < 4096) {
        continue;
      } else {
        mapped = Error("-X: too many events from the nested X server");
      }
      if (!again) break;
    }
    if (!again) break;
  }
  timeout_ = saved;
  if (!mapped) return mapped;
  std::string destroy;
  put8(destroy, kDestroyWindow);
  put8(destroy, 0);
  put16(destroy, 2);
  put32(destroy, window);
  return send(destroy);
}

Result<void> XClient::activate(std::uint32_t window) {
  std::string r;
  put8(r, kSendEvent);
  put8(r, 0);  // no propagation
  put16(r, 11);
  put32(r, setup_.root);
  put32(r, kSubstructureRedirectMask | kSubstructureNotifyMask);
  put8(r, kClientMessage);
  put8(r, 32);  // format
  put16(r, 0);
  put32(r, window);
  put32(r, net_active_window_);
  put32(r, 2);  // source: a pager, which the window manager obeys
  put32(r, 0);  // CurrentTime
  put32(r, 0);
  put32(r, 0);
  put32(r, 0);
  return send(r);
}

}  // namespace sandbox::x11
