// sandbox --serve: the warm pool's event loop (DESIGN §14, sandbox/serve.h).
//
// Single-threaded on purpose: warm sandboxes are forks of this process and
// parse their job after the fork (launch/warm.h).
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <iostream>
#include <memory>
#include <optional>
#include <vector>

#include "launch/plan.h"
#include "launch/step.h"
#include "launch/warm.h"
#include "pool/carried.h"
#include "pool/fingerprint.h"
#include "pool/message.h"
#include "pool/peer.h"
#include "sandbox/profile.h"
#include "sandbox/sandbox.h"
#include "sandbox/serve.h"
#include "serve/listener.h"
#include "serve/profile_watch.h"
#include "supervisor/child_state.h"
#include "util/env.h"
#include "util/sys.h"

namespace sandbox {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kJobTimeoutMs = 2000;  // a client that connects and says nothing
constexpr auto kRefillAfter = std::chrono::milliseconds(50);
constexpr auto kReadyWait = std::chrono::milliseconds(1000);  // a job waits this long for a warm sandbox in the making

void say(const std::string& line) { std::cerr << "sandbox --serve: " << line << std::endl; }

struct Warm {
  pid_t pid = -1;
  UniqueFd pidfd;
  UniqueFd control;
  bool ready = false;
  Clock::time_point made;
};

struct Running {
  pid_t pid = -1;
  UniqueFd pidfd;
  // A lean client's job (pool/wire.h): its label is reserved and its
  // control socket served here, for --list and --kill, while it runs.
  std::unique_ptr<Child::State> lean;
};

// The user's configuration directory an environment leads profile::
// search_dirs to: a lean client whose HOME or XDG_CONFIG_HOME leads
// elsewhere would load another default profile.
std::string user_profile_root(const std::vector<std::string>& env) {
  return profile::user_config_dir(util::env_value(env, "XDG_CONFIG_HOME"), util::env_value(env, "HOME"));
}

class Service {
 public:
  Service(const ServeOptions& options, SealedPolicy sealed, service::Listener listener)
      : options_(options), sealed_(std::move(sealed)), listener_(std::move(listener)) {}
  Result<void> prepare();
  int run();

 private:
  void refill();
  Result<void> make_warm();
  void drop_all_warm(const char* why);
  void on_warm_event(std::size_t index, short revents);
  std::optional<std::size_t> wait_for_ready();
  void on_client(UniqueFd connection);
  std::string take_job(int connection, pool::Message& job, std::size_t* warm_index);
  std::string take_lean_job(int connection, pid_t client, pool::Message& job, std::size_t* warm_index,
                            std::unique_ptr<Child::State>* lean);
  std::string dispatch(int connection, pool::Message& job, Command command, const std::string& label,
                       std::size_t* warm_index, std::unique_ptr<Child::State>* lean);
  std::string reload_default_profile();
  void reap(UniqueFd& pidfd);

  ServeOptions options_;
  SealedPolicy sealed_;
  service::Listener listener_;
  std::string fingerprint_;   // the policy the warm sandboxes serve (pool::policy_fingerprint)
  std::string mount_ns_;
  std::vector<std::string> env_;  // ours: the placeholder job's environment
  std::vector<std::string> shape_;  // the warm sandboxes' creation-time part
  // For the lean client's jobs, which carry no fingerprint: this binary,
  // our network namespace, the user profile directory our default profile
  // came from, and the profile files as they were.
  std::string exe_id_;
  std::string net_ns_;
  std::string user_profiles_;
  service::ProfileWatch profiles_;
  UniqueFd signals_;
  UniqueFd mountinfo_;
  std::vector<Warm> warm_;
  std::vector<Running> running_;
  Clock::time_point retry_after_{};
  Clock::time_point last_dispatch_{};
  unsigned served_ = 0;
};

Result<void> Service::prepare() {
  fingerprint_ = pool::policy_fingerprint(sealed_.policy());
  mount_ns_ = pool::mount_namespace_id();
  env_ = util::this_environment();
  exe_id_ = pool::file_identity("/proc/self/exe", true);
  net_ns_ = pool::file_identity("/proc/self/ns/net");
  user_profiles_ = user_profile_root(env_);
  profiles_ = service::ProfileWatch::take();
  sigset_t set;
  sigemptyset(&set);
  for (int sig : {SIGTERM, SIGINT, SIGHUP, SIGCHLD, SIGPIPE}) sigaddset(&set, sig);
  if (::sigprocmask(SIG_BLOCK, &set, nullptr) != 0) return Error::from_errno("cannot block signals");
  sigdelset(&set, SIGCHLD);
  sigdelset(&set, SIGPIPE);
  signals_ = UniqueFd(::signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK));
  if (!signals_) return Error::from_errno("cannot read signals");
  // A change of our mount table (POLLPRI) makes every warm view stale.
  mountinfo_ = UniqueFd(::open("/proc/self/mountinfo", O_RDONLY | O_CLOEXEC));
  if (!mountinfo_) return Error::from_errno("cannot watch /proc/self/mountinfo");
  return success();
}

// A warm sandbox: the default profile planned for a placeholder command,
// then a clone into every namespace that runs launch::run_warm_init.
Result<void> Service::make_warm() {
  Command placeholder;
  placeholder.argv = {"true"};
  placeholder.env = env_;
  placeholder.cwd = "/";
  auto plan = launch::make_plan(sealed_, placeholder, "");
  if (!plan) return std::move(plan).error();
  if (shape_.empty()) shape_ = launch::creation_part(*plan);
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
    return Error::from_errno("cannot create a warm sandbox's socket");
  }
  UniqueFd ours(pair[0]);
  UniqueFd theirs(pair[1]);
  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = launch::kWarmCloneNamespaces | CLONE_PIDFD;  // the rest: the child's unshare (launch/warm.h)
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  const pid_t pid = sys::clone3(args);
  if (pid < 0) return Error::from_errno("cannot make a warm sandbox (clone3)");
  if (pid == 0) {
    ours.reset();
    launch::run_warm_init(*plan, theirs.get());  // never returns
  }
  Warm warm;
  warm.pid = pid;
  warm.pidfd = UniqueFd(pidfd);
  warm.control = std::move(ours);
  warm.made = Clock::now();
  warm_.push_back(std::move(warm));
  return success();
}

// Replacements are made when no job runs (or the pool is empty, or a job
// has run for kRefillAfter): on a small machine a warm sandbox built
// beside the job takes its CPU (the research note: 0.28x against 0.32x).
void Service::refill() {
  const auto now = Clock::now();
  if (now < retry_after_) return;
  if (!warm_.empty() && !running_.empty() && now - last_dispatch_ < kRefillAfter) return;
  while (warm_.size() < options_.pool_size) {
    if (auto made = make_warm(); !made) {
      say("cannot make a warm sandbox: " + made.error().message());
      retry_after_ = Clock::now() + std::chrono::seconds(1);
      return;
    }
  }
}

void Service::reap(UniqueFd& pidfd) {
  siginfo_t info{};
  ::waitid(sys::kPidfd, static_cast<id_t>(pidfd.get()), &info, WEXITED);
  pidfd.reset();
}

void Service::drop_all_warm(const char* why) {
  if (!warm_.empty()) say(std::string("replacing ") + std::to_string(warm_.size()) + " warm sandboxes: " + why);
  for (auto& warm : warm_) {
    sys::pidfd_send_signal(warm.pidfd.get(), SIGKILL);
    reap(warm.pidfd);
  }
  warm_.clear();
  shape_.clear();
}

// A warm sandbox said it is ready, reported a failure, or is gone.
void Service::on_warm_event(std::size_t index, short revents) {
  Warm& warm = warm_[index];
  if ((revents & POLLIN) != 0) {
    char buffer[256];
    const ssize_t n = ::recv(warm.control.get(), buffer, sizeof(buffer), MSG_DONTWAIT);
    if (n >= 4 && std::memcmp(buffer, "SBXP", 4) == 0) {
      warm.ready = true;
      return;
    }
    if (n == static_cast<ssize_t>(sizeof(launch::Report))) {
      launch::Report report;
      std::memcpy(&report, buffer, sizeof(report));
      say(std::string("a warm sandbox failed at ") + launch::step_name(report.step) + ": " +
          std::strerror(report.errno_value));
      retry_after_ = Clock::now() + std::chrono::seconds(1);
    }
  }
  reap(warm.pidfd);  // failed, or gone (hang-up)
  warm_.erase(warm_.begin() + static_cast<std::ptrdiff_t>(index));
}

// The first ready warm sandbox. A job that arrives while every warm
// sandbox is still being made (the service's start, a burst, a refill)
// waits for the first one ready, which is further along than a cold launch
// would be, at most kReadyWait; other clients wait in the listen backlog
// meanwhile. A change of the mount table while it waits makes them stale:
// nullopt, as when none is being made or none became ready in time.
std::optional<std::size_t> Service::wait_for_ready() {
  const auto deadline = Clock::now() + kReadyWait;
  for (;;) {
    for (std::size_t i = 0; i < warm_.size(); ++i) {
      if (warm_[i].ready) return i;
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (warm_.empty() || left <= 0) return std::nullopt;
    std::vector<pollfd> fds = {{mountinfo_.get(), POLLPRI, 0}};
    for (const auto& warm : warm_) fds.push_back({warm.control.get(), POLLIN, 0});
    if (::poll(fds.data(), fds.size(), static_cast<int>(left)) < 0 && errno != EINTR) return std::nullopt;
    if ((fds[0].revents & (POLLPRI | POLLERR)) != 0) {
      drop_all_warm("the mount table changed");
      return std::nullopt;
    }
    for (std::size_t i = warm_.size(); i-- > 0;) {
      if (fds[1 + i].revents != 0) on_warm_event(i, fds[1 + i].revents);
    }
  }
}

// Checks the job against the warm sandboxes; "" and *warm_index when one
// takes it, else why not (the client then launches cold).
std::string Service::take_job(int connection, pool::Message& job, std::size_t* warm_index) {
  std::size_t at = 0;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  if (job.kind != pool::Kind::job || job.fields.size() < 4 || job.fds.size() != 3) return "not a job";
  const std::string& fingerprint = job.fields[at++];
  const std::string label = job.fields[at++];
  const std::string cwd = job.fields[at++];
  const std::string& mount_ns = job.fields[at++];
  if (!pool::take_list(job.fields, &at, argv) || !pool::take_list(job.fields, &at, env) || argv.empty()) {
    return "not a job";
  }
  if (mount_ns != mount_ns_) return "the client is in another mount namespace";
  if (fingerprint != fingerprint_) {
    // The default profile may have changed since we started: serve the new one.
    reload_default_profile();
    return "another policy than the service's default profile";
  }
  Command command;
  command.argv = std::move(argv);
  command.env = std::move(env);
  command.cwd = cwd;
  return dispatch(connection, job, std::move(command), label, warm_index, nullptr);
}

// Loads the default profile again: "" when its policy is still the one the
// warm sandboxes serve; otherwise why no job is served from them now. A
// changed policy is served from now on (the warm sandboxes are replaced);
// one that does not load or seal serves nothing, and the files stay
// "changed" until it does (each client then meets the error itself).
std::string Service::reload_default_profile() {
  service::ProfileWatch files = service::ProfileWatch::take();  // before the load: a change meanwhile shows next time
  auto policy = profile::load("default");
  if (!policy) return "the default profile does not load: " + policy.error().message();
  auto sealed = seal(*policy);
  if (!sealed) return "the default profile does not seal: " + sealed.error().message();
  profiles_ = std::move(files);
  if (pool::policy_fingerprint(sealed->policy()) == fingerprint_) return {};
  sealed_ = std::move(*sealed);
  fingerprint_ = pool::policy_fingerprint(sealed_.policy());
  drop_all_warm("the default profile changed");
  return "the default profile changed";
}

// The lean client's job (pool/wire.h): it sent no policy, so everything
// its plain `sandbox CMD` would have loaded is checked here: the same
// binary, namespaces and user profile directory as ours, and our default
// profile unchanged on disk. Its label is reserved here.
std::string Service::take_lean_job(int connection, pid_t client, pool::Message& job, std::size_t* warm_index,
                                   std::unique_ptr<Child::State>* lean) {
  std::size_t at = 0;
  std::vector<std::string> argv;
  std::vector<std::string> env;
  if (job.fields.size() < 5 || job.fds.size() != 3) return "not a job";
  const std::string& protocol = job.fields[at++];
  const std::string& exe = job.fields[at++];
  const std::string& mount_ns = job.fields[at++];
  const std::string& net_ns = job.fields[at++];
  const std::string cwd = job.fields[at++];
  if (!pool::take_list(job.fields, &at, argv) || !pool::take_list(job.fields, &at, env) || argv.empty()) {
    return "not a job";
  }
  if (protocol != pool::kLeanProtocol) return "another version of the lean client";
  if (exe.empty() || exe != exe_id_) return "the client is another sandbox binary";
  if (mount_ns != mount_ns_) return "the client is in another mount namespace";
  if (net_ns.empty() || net_ns != net_ns_) return "the client is in another network namespace";
  if (user_profile_root(env) != user_profiles_) return "the client's profiles are elsewhere (HOME, XDG_CONFIG_HOME)";
  if (profiles_.changed()) {
    if (std::string why = reload_default_profile(); !why.empty()) return why;
  }
  if (const char* what = pool::not_carried_lean(sealed_.policy()); what != nullptr) {
    return std::string("the lean client does not carry ") + what;
  }
  auto reservation = registry::reserve_any();
  if (!reservation) return reservation.error().message();
  const std::string label = sealed_.policy().type + ":" + reservation->level.str();
  auto state = std::make_unique<Child::State>();
  state->reservation = std::move(*reservation);
  state->label = label;
  state->profile = sealed_.policy().profile;
  state->argv = argv;
  state->supervisor_pid = client;
  state->started = Clock::now();
  *lean = std::move(state);
  Command command;
  command.argv = std::move(argv);
  command.env = std::move(env);
  command.cwd = cwd;
  return dispatch(connection, job, std::move(command), label, warm_index, lean);
}

// The job to the first ready warm sandbox whose view fits its plan: ""
// and *warm_index, or why not.
std::string Service::dispatch(int connection, pool::Message& job, Command command, const std::string& label,
                              std::size_t* warm_index, std::unique_ptr<Child::State>* lean) {
  const std::optional<std::size_t> ready = wait_for_ready();
  if (!ready) return "no warm sandbox is ready";
  const std::size_t index = *ready;
  command.stdin_fd = job.fds[0].get();
  command.stdout_fd = job.fds[1].get();
  command.stderr_fd = job.fds[2].get();
  auto plan = launch::make_plan(sealed_, command, label, nullptr, false, true);  // the cold path's plan, view not prepared
  if (!plan) return plan.error().message();
  if (std::string why = launch::misfit(*plan, shape_); !why.empty()) return why;

  Warm& warm = warm_[index];
  std::vector<std::string> accepted = {std::to_string(warm.pid), plan->missing_interpreter};
  pool::push_list(accepted, plan->exec_candidates);
  pool::push_list(accepted, plan->notices);
  pool::push_list(accepted, plan->skipped);
  std::vector<std::string> mounts;
  for (const auto& op : plan->view.ops) mounts.push_back(fs::describe(op));
  pool::push_list(accepted, mounts);
  if (lean != nullptr) {  // pool/wire.h: what the full command would print before the run, and -q
    const Policy& policy = sealed_.policy();
    accepted.push_back(policy.quiet ? std::string() : informational_lines({}, plan->skipped, plan->notices));
    accepted.emplace_back(policy.quiet ? "1" : "0");
    (*lean)->pid = warm.pid;
    (*lean)->pidfd = UniqueFd(::fcntl(warm.pidfd.get(), F_DUPFD_CLOEXEC, 3));  // --kill's
    (*lean)->lean_client = UniqueFd(::fcntl(connection, F_DUPFD_CLOEXEC, 3));
    if (!(*lean)->pidfd || !(*lean)->lean_client) return "cannot keep the sandbox's pidfd and connection";
  }
  // The client hears `accepted` first: init's reports follow on the same connection.
  if (auto sent = pool::send_message(connection, pool::Kind::accepted, accepted, {warm.pidfd.get()}); !sent) {
    return sent.error().message();
  }
  std::vector<int> fds = {connection, job.fds[0].get(), job.fds[1].get(), job.fds[2].get()};
  if (plan->ruleset) fds.push_back(plan->ruleset->fd());
  if (auto sent = pool::send_message(warm.control.get(), pool::Kind::dispatch, launch::dispatch_fields(*plan), fds);
      !sent) {
    // The client was told `accepted`: closing the connection gives it the end of the sandbox.
    sys::pidfd_send_signal(warm.pidfd.get(), SIGKILL);
    *warm_index = index;
    return {};
  }
  *warm_index = index;
  return {};
}

void Service::on_client(UniqueFd connection) {
  auto peer = pool::check_peer(connection.get());
  if (!peer) {
    say("refused a client: " + peer.error().message());
    // Its job is read and dropped unparsed (closing on an unread message
    // would reset the connection before it reads why).
    [[maybe_unused]] auto dropped = pool::receive_message(connection.get(), kJobTimeoutMs);
    [[maybe_unused]] auto sent = pool::send_message(connection.get(), pool::Kind::refused, {peer.error().message()});
    return;
  }
  auto job = pool::receive_message(connection.get(), kJobTimeoutMs);
  if (!job) return;
  const auto received = Clock::now();
  const bool is_lean = job->kind == pool::Kind::lean_job;
  const std::size_t argv_at = is_lean ? 6 : 5;
  const std::string what = job->fields.size() > argv_at ? job->fields[argv_at] : "?";  // argv[0]
  std::size_t index = 0;
  std::unique_ptr<Child::State> lean;
  const std::string why = is_lean ? take_lean_job(connection.get(), *peer, *job, &index, &lean)
                                  : take_job(connection.get(), *job, &index);
  if (!why.empty()) {
    if (options_.log_jobs) say(std::string(is_lean ? "cold: lean client: " : "cold: ") + why);
    [[maybe_unused]] auto sent = pool::send_message(connection.get(), pool::Kind::declined, {why});
    return;
  }
  ++served_;
  last_dispatch_ = Clock::now();
  Warm& warm = warm_[index];
  if (options_.log_jobs) {
    const auto taken = std::chrono::duration_cast<std::chrono::microseconds>(last_dispatch_ - received).count();
    say("pooled job " + std::to_string(served_) + ": " + what + " (init " + std::to_string(warm.pid) +
        (is_lean ? ", lean client, " : ", ") + std::to_string(taken) + " µs to dispatch)");
  }
  running_.push_back(Running{warm.pid, std::move(warm.pidfd), std::move(lean)});
  warm_.erase(warm_.begin() + static_cast<std::ptrdiff_t>(index));
}

int Service::run() {
  say("listening on " + (listener_.path.empty() ? std::string("the socket systemd passed") : listener_.path) +
      ", " + std::to_string(options_.pool_size) + " warm sandboxes");
  refill();
  for (;;) {
    // Age: a warm view is a snapshot of the mount tree; replace old ones.
    const auto now = Clock::now();
    for (std::size_t i = 0; i < warm_.size();) {
      if (now - warm_[i].made > std::chrono::seconds(options_.max_age_seconds)) {
        sys::pidfd_send_signal(warm_[i].pidfd.get(), SIGKILL);
        reap(warm_[i].pidfd);
        warm_.erase(warm_.begin() + static_cast<std::ptrdiff_t>(i));
      } else {
        ++i;
      }
    }
    refill();
    std::vector<pollfd> fds = {{listener_.fd.get(), POLLIN, 0},
                               {signals_.get(), POLLIN, 0},
                               {mountinfo_.get(), POLLPRI, 0}};
    for (const auto& warm : warm_) fds.push_back({warm.control.get(), POLLIN, 0});
    for (const auto& job : running_) fds.push_back({job.pidfd.get(), POLLIN, 0});
    // Lean jobs' control sockets (--list, --kill), each with its clients.
    const std::size_t first_control = fds.size();
    int timeout_ms = warm_.size() < options_.pool_size ? (running_.empty() ? 1000 : 10) : 5000;
    for (const auto& job : running_) {
      if (!job.lean) continue;
      fds.push_back({job.lean->reservation.socket.get(), POLLIN, 0});
      fds.resize(fds.size() + supervisor::ControlClients::kSlots);
      job.lean->control.prepare(&fds[fds.size() - supervisor::ControlClients::kSlots]);
      if (const int wait = job.lean->control.timeout_ms(); wait >= 0) timeout_ms = std::min(timeout_ms, wait);
    }
    const int ready = ::poll(fds.data(), fds.size(), timeout_ms);
    if (ready < 0 && errno != EINTR) {
      say(std::string("poll: ") + std::strerror(errno));
      return kExitFailure;
    }
    if (ready < 0) continue;  // EINTR; on a timeout the control clients' deadlines are still kept below
    if ((fds[1].revents & POLLIN) != 0) {
      say("ending: its warm sandboxes and running jobs end with it");
      return 0;
    }
    if ((fds[2].revents & (POLLPRI | POLLERR)) != 0) {
      drop_all_warm("the mount table changed");
      continue;  // the rest of this round's events are about sandboxes that are gone
    }
    // --list and --kill of lean jobs, before any of them is reaped below.
    std::size_t control_at = first_control;
    for (auto& job : running_) {
      if (!job.lean) continue;
      Child::State& state = *job.lean;
      state.control.dispatch(state, &fds[control_at + 1]);
      if ((fds[control_at].revents & POLLIN) != 0) state.control.accept_pending(state);
      control_at += 1 + supervisor::ControlClients::kSlots;
    }
    // Running jobs that ended: reaped (their status went to their client).
    const std::size_t first_job = 3 + warm_.size();
    for (std::size_t i = running_.size(); i-- > 0;) {
      if ((fds[first_job + i].revents & POLLIN) != 0) {
        reap(running_[i].pidfd);
        running_.erase(running_.begin() + static_cast<std::ptrdiff_t>(i));
      }
    }
    for (std::size_t i = warm_.size(); i-- > 0;) {
      if (fds[3 + i].revents != 0) on_warm_event(i, fds[3 + i].revents);
    }
    if ((fds[0].revents & POLLIN) != 0) {
      UniqueFd connection(::accept4(listener_.fd.get(), nullptr, nullptr, SOCK_CLOEXEC));
      if (connection) on_client(std::move(connection));
    }
  }
}

}  // namespace

int serve(const ServeOptions& options) {
  auto policy = profile::load("default");
  if (!policy) {
    std::cerr << "sandbox: " << policy.error().message() << '\n';
    return kExitFailure;
  }
  auto sealed = seal(*policy);
  if (!sealed) {
    std::cerr << "sandbox: " << sealed.error().message() << '\n';
    return kExitFailure;
  }
  auto listener = service::listen_for_jobs();
  if (!listener) {
    std::cerr << "sandbox: " << listener.error().message() << '\n';
    return kExitFailure;
  }
  const std::string path = listener->path;
  Service service(options, std::move(*sealed), std::move(*listener));
  if (auto ok = service.prepare(); !ok) {
    std::cerr << "sandbox: " << ok.error().message() << '\n';
    return kExitFailure;
  }
  const int status = service.run();
  if (!path.empty()) ::unlink(path.c_str());
  return status;
}

}  // namespace sandbox
