#include "label/label.h"

#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstddef>
#include <charconv>
#include <cstring>

namespace sandbox::registry {
namespace {

bool parse_category(std::string_view text, int& out) {
  if (text.size() < 2 || text[0] != 'c') return false;
  const char* first = text.data() + 1;
  const char* last = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(first, last, out);
  return ec == std::errc() && ptr == last && out >= 0 && out <= kMaxCategory;
}

// Binds and listens on @sandbox/cA,cB; EADDRINUSE when taken.
int bind_level(const Level& level, UniqueFd& out) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return errno;
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string name = socket_name(level);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) return errno;
  if (::listen(fd.get(), 8) != 0) return errno;
  out = std::move(fd);
  return 0;
}

}  // namespace

std::string Level::str() const {
  return "s0:c" + std::to_string(low) + ",c" + std::to_string(high);
}

std::string socket_name(const Level& level) {
  return "sandbox/c" + std::to_string(level.low) + ",c" + std::to_string(level.high);
}

Result<Level> parse_level(std::string_view text) {
  const std::string original(text);
  // Strip an optional "TYPE:" and the sensitivity "s0:".
  if (auto pos = text.find(":s0:"); pos != std::string_view::npos) text.remove_prefix(pos + 4);
  else if (text.substr(0, 3) == "s0:") text.remove_prefix(3);
  const auto comma = text.find(',');
  Level level;
  if (comma == std::string_view::npos || !parse_category(text.substr(0, comma), level.low) ||
      !parse_category(text.substr(comma + 1), level.high) || level.low >= level.high) {
    return Error("label '" + original + "' is not valid")
        .with_hint("expected s0:cA,cB with 0 <= A < B <= " + std::to_string(kMaxCategory));
  }
  return level;
}

Result<Reservation> reserve(const Level& wanted) {
  Reservation r{wanted, {}};
  if (const int err = bind_level(wanted, r.socket); err != 0) {
    if (err == EADDRINUSE) {
      return Error("label " + wanted.str() + " is in use by another running sandbox")
          .with_hint("choose another with -l, or omit -l to get a free one");
    }
    return Error("cannot reserve label " + wanted.str(), err);
  }
  return r;
}

Result<Reservation> reserve_any() {
  // 523,776 pairs: a random pick is free almost always; retry on collision.
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uint32_t random[2];
    if (::getrandom(random, sizeof(random), 0) != sizeof(random)) {
      return Error::from_errno("cannot read random bytes for a label");
    }
    int a = static_cast<int>(random[0] % (kMaxCategory + 1));
    int b = static_cast<int>(random[1] % (kMaxCategory + 1));
    if (a == b) continue;
    if (a > b) std::swap(a, b);
    Reservation r{{a, b}, {}};
    const int err = bind_level(r.level, r.socket);
    if (err == 0) return r;
    if (err != EADDRINUSE) return Error("cannot reserve a label", err);
  }
  return Error("cannot find a free label after 64 attempts", EADDRINUSE);
}

}  // namespace sandbox::registry
