#include "supervisor/control.h"

#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <nlohmann/json.hpp>

#include "label/protocol.h"
#include "pool/message.h"
#include "supervisor/child_state.h"
#include "util/sys.h"

namespace sandbox::supervisor {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxRequest = 64;
constexpr int kKillTimeoutMs = 2000;

std::string refusal(const std::string& why) {
  return nlohmann::json{{"ok", false}, {"error", why}}.dump();
}

bool is_owner(int fd) {
  ucred peer{};
  socklen_t len = sizeof(peer);
  if (::getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &peer, &len) != 0) return false;
  return peer.uid == 0 || peer.uid == ::geteuid();
}

// SIGKILL to init ends the pid namespace; answer once init is gone, so that
// the client knows no process of the sandbox is left. Bounded: init of a
// killed pid namespace is gone within milliseconds.
std::string kill_tree(Child::State& state) {
  if (state.lean_client) {  // the lean client words its end as killed (pool/wire.h)
    [[maybe_unused]] auto told = pool::send_message(state.lean_client.get(), pool::Kind::killed, {});
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
  info.pid = state.supervisor_pid > 0 ? state.supervisor_pid : ::getpid();
  info.init_pid = state.pid;
  info.uid = ::geteuid();
  const auto age = Clock::now() - state.started;
  info.started = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch() - age).count();
  info.command = state.argv;
  return info;
}

std::string answer(Child::State& state, bool owner, const std::string& line) {
  auto request = registry::parse_request(line);
  if (!request) return refusal(request.error().message());
  if (!owner) {
    return refusal("permission denied: only its owner (uid " + std::to_string(::geteuid()) +
                   ") or root may ask");
  }
  if (*request == registry::Request::info) return registry::to_json(describe(state));
  return kill_tree(state);
}

}  // namespace

void ControlClients::prepare(pollfd* slots) const {
  for (int i = 0; i < kSlots; ++i) {
    const Client& c = clients_[static_cast<std::size_t>(i)];
    slots[i] = {c.fd ? c.fd.get() : -1, static_cast<short>(c.out.empty() ? POLLIN : POLLOUT), 0};
  }
}

int ControlClients::timeout_ms() const {
  int wait = -1;
  const auto now = Clock::now();
  for (const Client& c : clients_) {
    if (!c.fd) continue;
    const auto left = std::chrono::ceil<std::chrono::milliseconds>(c.deadline - now).count();
    const int ms = left > 0 ? static_cast<int>(left) : 0;
    wait = wait < 0 ? ms : std::min(wait, ms);
  }
  return wait;
}

void ControlClients::accept_pending(Child::State& state) {
  for (;;) {
    UniqueFd fd(::accept4(state.reservation.socket.get(), nullptr, nullptr, SOCK_CLOEXEC | SOCK_NONBLOCK));
    if (!fd) return;  // EAGAIN: nothing more pending
    const bool owner = is_owner(fd.get());
    // A free slot; when all are taken, a stranger's is given up first, so
    // that strangers cannot crowd out the owner's --kill.
    Client* slot = nullptr;
    Client* oldest_stranger = nullptr;
    Client* oldest = nullptr;
    for (Client& c : clients_) {
      if (!c.fd) {
        slot = &c;
        break;
      }
      if (!c.owner && (oldest_stranger == nullptr || c.deadline < oldest_stranger->deadline)) oldest_stranger = &c;
      if (oldest == nullptr || c.deadline < oldest->deadline) oldest = &c;
    }
    if (slot == nullptr) slot = oldest_stranger != nullptr ? oldest_stranger : (owner ? oldest : nullptr);
    if (slot == nullptr) continue;  // full of the owner's own clients: this stranger is closed
    *slot = Client{std::move(fd), owner, {}, {}, 0, Clock::now() + kDeadline};
  }
}

void ControlClients::serve(Child::State& state, Client& client, short revents) {
  if (client.out.empty() && (revents & (POLLIN | POLLHUP | POLLERR)) != 0) {
    char buf[kMaxRequest];
    const ssize_t n = ::recv(client.fd.get(), buf, sizeof(buf), MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
    if (n > 0) client.in.append(buf, static_cast<std::size_t>(n));
    const bool complete = client.in.find('\n') != std::string::npos;
    if (n <= 0 && !complete) {  // closed, or an error, before a whole request
      client = Client{};
      return;
    }
    if (!complete && client.in.size() < kMaxRequest) return;  // more to come
    client.out = answer(state, client.owner, client.in) + "\n";
  }
  if (client.out.empty()) return;
  const ssize_t n = ::send(client.fd.get(), client.out.data() + client.sent, client.out.size() - client.sent,
                           MSG_DONTWAIT | MSG_NOSIGNAL);
  if (n < 0 && (errno == EAGAIN || errno == EINTR)) return;
  if (n > 0) client.sent += static_cast<std::size_t>(n);
  if (n <= 0 || client.sent == client.out.size()) client = Client{};  // answered (or gone): closed
}

void ControlClients::dispatch(Child::State& state, const pollfd* slots) {
  for (int i = 0; i < kSlots; ++i) {
    Client& c = clients_[static_cast<std::size_t>(i)];
    if (c.fd && slots[i].fd == c.fd.get() && slots[i].revents != 0) serve(state, c, slots[i].revents);
  }
  const auto now = Clock::now();
  for (Client& c : clients_) {
    if (c.fd && now >= c.deadline) c = Client{};  // too slow: dropped
  }
}

}  // namespace sandbox::supervisor
