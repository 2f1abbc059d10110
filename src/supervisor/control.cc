#include "supervisor/control.h"

#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <nlohmann/json.hpp>

#include "registry/control.h"
#include "util/sys.h"

namespace sandbox::supervisor {
namespace {

constexpr int kRequestTimeoutMs = 200;
constexpr int kKillTimeoutMs = 2000;

// One request line, read within kRequestTimeoutMs.
Result<registry::Request> read_request(int fd) {
  std::string line;
  while (line.size() < 64 && line.find('\n') == std::string::npos) {
    pollfd p{fd, POLLIN, 0};
    const int ready = ::poll(&p, 1, kRequestTimeoutMs);
    if (ready < 0 && errno == EINTR) continue;
    if (ready <= 0) return Error("control client sent no request", ETIMEDOUT);
    char buf[64];
    const ssize_t n = ::read(fd, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) break;
    line.append(buf, static_cast<std::size_t>(n));
  }
  return registry::parse_request(line);
}

void reply(int fd, const std::string& text) {
  const std::string line = text + "\n";
  [[maybe_unused]] const ssize_t n = ::send(fd, line.data(), line.size(), MSG_NOSIGNAL);
}

std::string refusal(const std::string& why) {
  return nlohmann::json{{"ok", false}, {"error", why}}.dump();
}

// SIGKILL to init ends the pid namespace; answer once init is gone, so that
// the client knows no process of the sandbox is left.
std::string kill_tree(Child::State& state, int client) {
  ucred peer{};
  socklen_t len = sizeof(peer);
  if (::getsockopt(client, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) {
    return refusal("cannot identify the caller");
  }
  if (peer.uid != 0 && peer.uid != ::geteuid()) {
    return refusal("permission denied: only its owner (uid " + std::to_string(::geteuid()) +
                   ") or root may kill it");
  }
  if (sys::pidfd_send_signal(state.pidfd.get(), SIGKILL) != 0 && errno != ESRCH) {
    return refusal(std::string("cannot signal it: ") + errno_name(errno));
  }
  state.killed = true;
  pollfd p{state.pidfd.get(), POLLIN, 0};
  while (::poll(&p, 1, kKillTimeoutMs) < 0 && errno == EINTR) {
  }
  if ((p.revents & POLLIN) == 0) return refusal("killed, but its init has not ended yet");
  return nlohmann::json{{"ok", true}}.dump();
}

registry::SandboxInfo describe(const Child::State& state) {
  registry::SandboxInfo info;
  info.label = state.label;
  info.profile = state.profile;
  info.pid = ::getpid();
  info.init_pid = state.pid;
  info.uid = ::geteuid();
  const auto age = std::chrono::steady_clock::now() - state.started;
  info.started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch() - age).count();
  info.command = state.argv;
  return info;
}

}  // namespace

void serve_control(Child::State& state) {
  for (;;) {
    UniqueFd client(::accept4(state.reservation.socket.get(), nullptr, nullptr,
                              SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!client) return;  // EAGAIN: nothing more pending
    auto request = read_request(client.get());
    if (!request) {
      reply(client.get(), refusal(request.error().message()));
      continue;
    }
    if (*request == registry::Request::info) {
      reply(client.get(), registry::to_json(describe(state)));
    } else {
      reply(client.get(), kill_tree(state, client.get()));
    }
  }
}

}  // namespace sandbox::supervisor
