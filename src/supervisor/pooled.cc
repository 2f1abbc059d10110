// The pooled launch, top to bottom (supervisor/pooled.h, DESIGN §14).
#include "supervisor/pooled.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "handover/arguments.h"
#include "handover/handed.h"
#include "handover/relay.h"
#include "pool/carried.h"
#include "pool/fingerprint.h"
#include "pool/message.h"
#include "pool/peer.h"
#include "pool/socket_dir.h"
#include "supervisor/child_state.h"
#include "supervisor/reserve.h"
#include "supervisor/timeout.h"
#include "util/env.h"
#include "util/sys.h"

namespace sandbox::supervisor {
namespace {

constexpr int kAnswerTimeoutMs = 10000;

// What the pool does not carry: such a job goes cold without asking.
const char* not_for_the_pool(const Policy& policy, const Command& command) {
  if (command.observer != nullptr) return "--explain";
  if (const char* what = pool::not_carried(policy); what != nullptr) return what;
  if (!command.fds.empty() || !handover::pipes_named_by(command.argv).empty()) return "descriptors beyond 0-2";
  if (policy.pty == PtyMode::automatic && ::isatty(command.stdin_fd) == 1 && ::isatty(command.stdout_fd) == 1) {
    return "a terminal";
  }
  return nullptr;
}

Result<UniqueFd> connect_to(const std::string& path) {
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  if (path.size() >= sizeof(address.sun_path)) return Error("the pool's socket path is too long");
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  UniqueFd fd(::socket(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0));
  if (!fd) return Error::from_errno("cannot create a socket");
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0) {
    return Error::from_errno("cannot connect to " + path);
  }
  return fd;
}

// One try; nullopt: launch cold.
std::optional<Result<Child>> try_pool(const SealedPolicy& sealed, const Command& command, std::string& why) {
  const Policy& policy = sealed.policy();
  if (const char* what = not_for_the_pool(policy, command); what != nullptr) {
    why = std::string("the pool does not carry ") + what;
    return std::nullopt;
  }
  const std::string dir = pool::socket_dir(command.env);
  if (dir.empty()) {
    why = "no XDG_RUNTIME_DIR";
    return std::nullopt;
  }
  const std::string path = pool::socket_path(dir);
  struct stat st {};
  if (::lstat(path.c_str(), &st) != 0) {  // no service: the common case, decided without a word
    why = "no service listens on " + path;
    return std::nullopt;
  }
  // Never hand our descriptors and environment to someone else's socket.
  if (auto ours = pool::check_dir(dir); !ours) {
    why = ours.error().message();
    return std::nullopt;
  }
  auto connection = connect_to(path);
  if (!connection) {
    why = connection.error().message();
    return std::nullopt;
  }
  if (auto peer = pool::check_peer(connection->get()); !peer) {  // the service is ours, in our user namespace
    why = "the service: " + peer.error().message();
    return std::nullopt;
  }
  // Handed descriptors (DESIGN §2.3): pipes are relayed by us, as the
  // supervisor relays them on the cold path; a read-only file init would
  // reopen by its host path goes cold.
  auto handed = handover::describe({{command.stdin_fd, 0}, {command.stdout_fd, 1}, {command.stderr_fd, 2}});
  if (!handed) return Result<Child>(std::move(handed).error());
  for (const auto& h : *handed) {
    if (!h.reopen_path.empty()) {
      why = "a handed file is reopened read-only";
      return std::nullopt;
    }
  }
  auto relay = handover::Relay::create(*handed);
  if (!relay) return Result<Child>(std::move(relay).error());
  std::vector<int> stdio = {command.stdin_fd, command.stdout_fd, command.stderr_fd};
  for (const auto& h : *handed) {
    if (h.inner >= 0 && h.number >= 0 && h.number < 3) stdio[static_cast<std::size_t>(h.number)] = h.inner;
  }
  auto reservation = reserve_label(policy);
  if (!reservation) return Result<Child>(std::move(reservation).error());
  const std::string label = policy.type + ":" + reservation->level.str();

  std::vector<std::string> fields = {pool::policy_fingerprint(policy), label, command.cwd,
                                     pool::mount_namespace_id()};
  pool::push_list(fields, command.argv);
  pool::push_list(fields, command.env);
  const auto started = std::chrono::steady_clock::now();
  auto deadline = Deadline::start(policy.timeout_seconds);  // --timeout counts from here, as cold
  if (!deadline) return Result<Child>(std::move(deadline).error());
  if (auto sent = pool::send_message(connection->get(), pool::Kind::job, fields, stdio); !sent) {
    why = sent.error().message();
    return std::nullopt;
  }
  auto answer = pool::receive_message(connection->get(), kAnswerTimeoutMs);
  if (!answer) {
    why = answer.error().message();
    return std::nullopt;
  }
  if (answer->kind != pool::Kind::accepted) {
    why = answer->fields.empty() ? "the pool declined" : answer->fields.front();
    if (answer->kind == pool::Kind::refused) why = "the pool refused us: " + why;
    return std::nullopt;
  }
  auto state = std::make_unique<Child::State>();
  if (answer->fds.size() != 1 || !read_accepted(answer->fields, *state)) {
    sys::pidfd_send_signal(answer->fds.empty() ? -1 : answer->fds[0].get(), SIGKILL);
    return Result<Child>(Error("the pool's answer is malformed", EPROTO));
  }
  state->pidfd = std::move(answer->fds[0]);
  const int flags = ::fcntl(connection->get(), F_GETFL);
  if (flags < 0 || ::fcntl(connection->get(), F_SETFL, flags | O_NONBLOCK) != 0) {
    return Result<Child>(Error::from_errno("cannot read the pool's reports"));
  }
  state->report = std::move(*connection);  // init's reports, then its end: the connection closes
  state->pooled = true;
  state->reservation = std::move(*reservation);
  state->label = label;
  state->command = command.argv.front();
  state->started = started;
  state->profile = policy.profile;
  state->argv = command.argv;
  state->relay = std::move(*relay);
  state->relay.close_child_ends();  // init holds them now
  state->forward_signals = command.forward_signals;
  state->status_before_teardown = true;  // init reports once every other process is gone
  if (policy.timeout_seconds > 0) state->deadline.emplace(std::move(*deadline));  // against init's pidfd
  state->stdio[0] = command.stdin_fd;
  state->stdio[1] = command.stdout_fd;
  state->stdio[2] = command.stderr_fd;
  Child::State& running = *state;
  Child child(std::move(state));  // from here on, a failure kills the sandbox
  if (auto relaying = running.relay.start(); !relaying) return Result<Child>(std::move(relaying).error());
  return Result<Child>(std::move(child));
}

}  // namespace

bool read_accepted(const std::vector<std::string>& fields, Child::State& state) {
  std::size_t at = 2;
  if (fields.size() < at || !pool::take_list(fields, &at, state.exec_candidates) ||
      !pool::take_list(fields, &at, state.notices) || !pool::take_list(fields, &at, state.skipped) ||
      !pool::take_list(fields, &at, state.mount_descriptions)) {
    return false;
  }
  const std::string& pid_text = fields[0];
  std::from_chars(pid_text.data(), pid_text.data() + pid_text.size(), state.pid);
  state.missing_interpreter = fields[1];
  return true;
}

std::optional<Result<Child>> spawn_pooled(const SealedPolicy& sealed, const Command& command) {
  const std::string mode = util::env_value(command.env, "SANDBOX_POOL");
  if (mode == "off") return std::nullopt;
  std::string why;
  auto pooled = try_pool(sealed, command, why);
  if (!pooled && mode == "only") {
    return Result<Child>(Error("the warm pool did not take the job: " + why).with_hint("SANDBOX_POOL=only is set"));
  }
  return pooled;
}

}  // namespace sandbox::supervisor
