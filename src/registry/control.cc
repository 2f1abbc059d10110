// The client side of the control protocol (label/protocol.h): --list and
// --kill through sandbox/registry.h.
#include "sandbox/registry.h"

#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstddef>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string_view>

#include "label/label.h"
#include "label/protocol.h"
#include "util/unix_listeners.h"
#include "util/unique_fd.h"

namespace sandbox::registry {
namespace {

using Json = nlohmann::json;
constexpr int kReplyTimeoutMs = 3000;  // kill waits for the tree to be gone
constexpr std::size_t kMaxReply = 1 << 20;

Result<UniqueFd> connect_to(const Level& level) {
  // Non-blocking: a supervisor that never accepts (its backlog full) gets
  // EAGAIN here instead of hanging us in connect().
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (!fd) return Error::from_errno("cannot create a socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  const std::string name = socket_name(level);
  std::memcpy(addr.sun_path + 1, name.data(), name.size());
  const auto len = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + 1 + name.size());
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0) {
    if (errno == EAGAIN) return Error::from_errno("sandbox " + level.str() + " does not accept requests");
    Error error = Error::from_errno("no running sandbox has the label " + level.str());
    return error.with_hint("see sandbox --list");
  }
  return fd;
}

// Sends the request and reads the reply until the server closes.
Result<std::string> exchange(const Level& level, Request request) {
  auto fd = connect_to(level);
  if (!fd) return std::move(fd).error();
  const std::string line = request_line(request);
  if (::send(fd->get(), line.data(), line.size(), MSG_NOSIGNAL) != static_cast<ssize_t>(line.size())) {
    return Error::from_errno("cannot send to sandbox " + level.str());
  }
  std::string reply;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(kReplyTimeoutMs);
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    pollfd p{fd->get(), POLLIN, 0};
    const int ready = left.count() > 0 ? ::poll(&p, 1, static_cast<int>(left.count())) : 0;
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Error("sandbox " + level.str() + " did not answer", ETIMEDOUT);
    char buf[4096];
    const ssize_t n = ::read(fd->get(), buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n < 0) return Error::from_errno("cannot read from sandbox " + level.str());
    if (n == 0) break;
    reply.append(buf, static_cast<std::size_t>(n));
    if (reply.size() > kMaxReply) return Error("sandbox " + level.str() + " sent too much");
  }
  return reply;
}

// {"ok": false, ...}: the supervisor answers its owner and root only.
bool refused(const std::string& reply) {
  const Json j = Json::parse(reply, nullptr, false);
  return j.is_object() && j.contains("ok") && j["ok"].is_boolean() && !j["ok"].get<bool>();
}

}  // namespace

std::vector<Level> running_levels() {
  std::vector<Level> levels;
  // An error leaves the list empty, as an unreadable table always did.
  const auto names = util::listening_abstract_unix_names();
  if (!names) return levels;
  constexpr std::string_view kPrefix = "sandbox/";
  for (const auto& name : *names) {
    if (name.compare(0, kPrefix.size(), kPrefix) != 0) continue;
    auto level = parse_level(std::string_view(name).substr(kPrefix.size()));
    // Only the names a supervisor binds (label/label.h), not other spellings.
    if (!level || socket_name(*level) != name) continue;
    levels.push_back(*level);
  }
  std::sort(levels.begin(), levels.end(), [](const Level& a, const Level& b) {
    return a.low != b.low ? a.low < b.low : a.high < b.high;
  });
  return levels;
}

std::vector<SandboxInfo> query_all(const std::vector<Level>& levels, int timeout_ms) {
  struct Pending {
    UniqueFd fd;
    std::string reply;
  };
  std::vector<Pending> pending(levels.size());
  const std::string line = request_line(Request::info);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    auto fd = connect_to(levels[i]);
    if (!fd) continue;
    if (::send(fd->get(), line.data(), line.size(), MSG_NOSIGNAL) == static_cast<ssize_t>(line.size())) {
      pending[i].fd = std::move(*fd);
    }
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  for (;;) {
    std::vector<pollfd> fds;
    for (const auto& p : pending) {
      if (p.fd) fds.push_back({p.fd.get(), POLLIN, 0});
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (fds.empty() || left.count() <= 0) break;
    if (::poll(fds.data(), fds.size(), static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    for (auto& p : pending) {
      if (!p.fd) continue;
      char buf[4096];
      const ssize_t n = ::recv(p.fd.get(), buf, sizeof(buf), MSG_DONTWAIT);
      if (n > 0 && p.reply.size() < kMaxReply) p.reply.append(buf, static_cast<std::size_t>(n));
      else if (n == 0 || (n < 0 && errno != EAGAIN && errno != EINTR)) p.fd.reset();  // complete
    }
  }
  std::vector<SandboxInfo> out;
  for (std::size_t i = 0; i < levels.size(); ++i) {
    if (!pending[i].fd && refused(pending[i].reply)) continue;  // another user's: not ours to see
    auto info = pending[i].fd ? Result<SandboxInfo>(Error("no answer")) : info_from_json(pending[i].reply);
    if (info) {
      out.push_back(std::move(*info));
    } else {
      SandboxInfo unknown;
      unknown.label = levels[i].str();
      out.push_back(std::move(unknown));
    }
  }
  return out;
}

Result<void> request_kill(const Level& level) {
  auto reply = exchange(level, Request::kill);
  if (!reply) return std::move(reply).error();
  try {
    const Json j = Json::parse(*reply);
    if (j.at("ok").get<bool>()) return success();
    return Error("sandbox " + level.str() + " refused: " + j.value("error", std::string("no reason")),
                 EPERM);
  } catch (const Json::exception& e) {
    return Error(std::string("malformed answer from a sandbox: ") + e.what());
  }
}

}  // namespace sandbox::registry
