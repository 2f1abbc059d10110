// The parent side of the launch, top to bottom (DESIGN §10).
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <optional>

#include "handover/offsets.h"
#include "handover/relay.h"
#include "handover/reopen.h"
#include "cgroup/leaf.h"
#include "launch/child.h"
#include "launch/plan.h"
#include "net/attach.h"
#include "net/namespace.h"
#include "limits/resources.h"
#include "supervisor/child_state.h"
#include "supervisor/degraded.h"
#include "supervisor/observe.h"
#include "supervisor/pooled.h"
#include "supervisor/reserve.h"
#include "util/sys.h"

namespace sandbox {
namespace {

constexpr std::uint64_t kNamespaces = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
                                      CLONE_NEWUTS | CLONE_NEWCGROUP;

// The Command's descriptors must be open: 0-2 are duplicated in the child,
// the others handed at their number.
Result<void> check_descriptors(const Command& command) {
  const int stdio[3] = {command.stdin_fd, command.stdout_fd, command.stderr_fd};
  const char* names[3] = {"standard input", "standard output", "standard error"};
  for (int i = 0; i < 3; ++i) {
    if (stdio[i] < 0 || ::fcntl(stdio[i], F_GETFD) < 0) {
      return Error(std::string("the command's ") + names[i] + " (fd " + std::to_string(stdio[i]) +
                   ") is not an open file descriptor", EBADF);
    }
  }
  if (!command.cwd.empty() && command.cwd[0] != '/') {
    return Error("the command's working directory '" + command.cwd + "' is not an absolute path");
  }
  for (int fd : command.fds) {
    if (fd < 3) {
      return Error("--fd " + std::to_string(fd) + ": standard input, output and error are always passed");
    }
    if (::fcntl(fd, F_GETFD) < 0) {
      return Error("--fd " + std::to_string(fd) + ": not an open file descriptor", EBADF)
          .with_hint("open it in the calling shell, e.g. " + std::to_string(fd) + "<FILE");
    }
  }
  return success();
}

}  // namespace

Result<Child> spawn(const SealedPolicy& sealed, const Command& command) {
  const Policy& policy = sealed.policy();
  const std::vector<std::string>& argv = command.argv;
  if (argv.empty()) return Error("no command given");
  if (auto ok = check_descriptors(command); !ok) return std::move(ok).error();
  if (command.use_pool) {                                         // the warm pool takes it, or we launch cold
    if (auto pooled = supervisor::spawn_pooled(sealed, command)) return std::move(*pooled);
  }
  std::optional<launch::Timing> timing;                           // --timing: a clock per step
  if (policy.timing) {
    auto created = launch::Timing::create();
    if (!created) return std::move(created).error();
    timing.emplace(std::move(*created));
  }
  auto reservation = supervisor::reserve_label(policy);                      // unique label, held while we live
  if (!reservation) return std::move(reservation).error();
  if (timing) timing->mark("label");
  const std::string label = policy.type + ":" + reservation->level.str();
  auto plan = launch::make_plan(sealed, command, label, timing ? &*timing : nullptr);  // everything resolved and compiled here
  if (!plan) return std::move(plan).error();
  auto shredders = scratch::snapshot_scratch(policy);            // -s: what -H/-T hold before the start
  if (!shredders) return std::move(shredders).error();
  if (timing) plan->step_clock = timing->clock();
  auto resources = limits::prepare(policy.limits, label);         // cgroups made and limited, rlimits planned
  if (!resources) return std::move(resources).error();
  plan->cgroup_join = std::move(resources->join);
  plan->rlimits = std::move(resources->rlimits);
  if (timing) timing->mark("cgroup leaf, limits");

  auto deadline = supervisor::Deadline::start(policy.timeout_seconds);  // --timeout counts from here
  if (!deadline) return std::move(deadline).error();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("cannot create the report pipe");
  UniqueFd report_read(pipe_fds[0]);
  UniqueFd report_write(pipe_fds[1]);

  cgroup::DeferredRemoval leaf_removal;                           // the helper's copy outlives us
  net::AfterInit after_init;                                      // the helper removes a tracking-only leaf
  if (command.status_before_teardown && resources->tracking_only() &&
      cgroup::prepare_removal(*resources->tracking, leaf_removal)) {
    after_init = {&cgroup::remove_deferred, &leaf_removal};       // once init exited: the status need not wait
  }
  std::optional<net::NamespaceHelper> namespace_helper;          // makes the network namespace beside init
  if (plan->new_network) {
    auto helper = net::NamespaceHelper::start(after_init);        // forked now, it waits for init's word
    if (!helper) return std::move(helper).error();
    plan->network_namespace = helper->take_init_end();
    namespace_helper.emplace(std::move(*helper));
  }
  UniqueFd network_channel;                                       // --net=filtered: init asks, we attach slirp4netns
  if (plan->network.filtered) {
    auto channel = net::make_channel();
    if (!channel) return std::move(channel).error();
    network_channel = std::move(channel->first);
    plan->network.channel = std::move(channel->second);
  }

  auto relay = handover::Relay::create(plan->handed);             // handed pipes: the command gets its own
  if (!relay) return std::move(relay).error();
  auto offsets = handover::Offsets::keep(plan->handed);           // the reopened files' caller descriptions
  if (!offsets) return std::move(offsets).error();
  UniqueFd handover_channel;                                      // reopened read-only files: their offsets come back
  if (handover::any_reopened(plan->handed)) {
    int pair[2];
    if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) {
      return Error::from_errno("cannot create the descriptor channel");
    }
    handover_channel = UniqueFd(pair[0]);
    plan->handover_channel = UniqueFd(pair[1]);
  }

  auto observer = supervisor::ObserverLink::prepare(policy, command, *plan);  // --explain
  if (!observer) return std::move(observer).error();

  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = kNamespaces | CLONE_PIDFD;                         // the network namespace: the helper's (net/namespace.h)
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (resources->tracking) {                                      // born in its leaf: nothing escapes tracking
    args.flags |= sys::kCloneIntoCgroup;
    args.cgroup = static_cast<std::uint64_t>(resources->tracking->fd());
  }
  const auto started = std::chrono::steady_clock::now();
  if (timing) timing->mark_clone_start();
  pid_t pid = sys::clone3(args);                                  // every namespace but the network's at once
  const bool namespaces = pid >= 0;
  if (!namespaces) {                                              // refused unless --best-effort
    const int refused = errno;
    plan->network_namespace.reset();                              // no namespace to make: the helper goes
    namespace_helper.reset();
    auto degraded = supervisor::plan_without_namespaces(sealed, command, label, refused, *plan);
    if (!degraded) return std::move(degraded).error();
    observer = supervisor::ObserverLink::prepare(policy, command, *plan);  // --explain: the new plan's pipe
    if (!observer) return std::move(observer).error();
    args.flags = CLONE_PIDFD | (args.flags & sys::kCloneIntoCgroup);
    pid = sys::clone3(args);
    if (pid < 0) return Error::from_errno("cannot start the sandbox without namespaces (clone3)");
  }
  if (pid == 0) {
    report_read.reset();
    network_channel.reset();
    handover_channel.reset();
    observer->close_child_end();
    if (namespace_helper) namespace_helper->close_helper_end();   // EOF if the helper dies without a word
    if (!namespaces) launch::run_without_namespaces(*plan, report_write.get());  // never returns
    launch::run_init(*plan, report_write.get());                  // never returns
  }
  report_write.reset();                                           // EOF once every child copy is gone
  plan->explain_sync.reset();
  plan->handover_channel.reset();
  relay->close_child_ends();                                      // init's alone: the command sees the end of its input
  if (namespace_helper) {                                         // asleep at once: init's ask finds a free core
    plan->network_namespace.reset();                              // init's alone: EOF reaches the helper if init dies
    if (!namespace_helper->stays()) namespace_helper->reap();     // it exits once it has answered
  }
  if (timing) timing->mark("clone3 returned in the parent");

  auto state = std::make_unique<Child::State>();
  state->pid = pid;
  state->pidfd = UniqueFd(pidfd);
  state->report = std::move(report_read);
  state->reservation = std::move(*reservation);
  state->label = label;
  state->command = argv.front();
  state->exec_candidates = plan->exec_candidates;
  state->skipped = plan->skipped;
  state->notices = plan->notices;
  state->missing_interpreter = plan->missing_interpreter;
  state->shredders = std::move(*shredders);
  state->timing = std::move(timing);
  state->resources = std::move(*resources);
  state->started = started;
  state->namespace_helper = std::move(namespace_helper);          // staying: it removes the leaf after init
  state->profile = policy.profile;
  state->argv = argv;
  state->offsets = std::move(*offsets);
  state->handover_channel = std::move(handover_channel);
  state->relay = std::move(*relay);
  state->forward_signals = command.forward_signals;
  state->status_before_teardown = command.status_before_teardown;
  state->observer = command.observer;
  state->stdio[0] = command.stdin_fd;
  state->stdio[1] = command.stdout_fd;
  state->stdio[2] = command.stderr_fd;
  if (policy.timeout_seconds > 0) state->deadline.emplace(std::move(*deadline));
  if (plan->pty.enabled) state->pty.emplace(std::move(plan->pty.supervisor_end), plan->pty.replace, state->stdio);
  for (const auto& op : plan->view.ops) state->mount_descriptions.push_back(fs::describe(op));
  Child::State& running = *state;
  Child child(std::move(state));                                  // from here on, a failure kills the sandbox
  if (auto attached = observer->attach(pid); !attached) return std::move(attached).error();  // --explain: traced, then init goes on
  if (auto relaying = running.relay.start(); !relaying) return std::move(relaying).error();  // the pipes flow from now on
  if (running.namespace_helper && running.timing) running.timing->mark("network namespace helper reaped");
  limits::sweep_stale_groups(running.resources);                  // leaves of SIGKILLed supervisors, while init works
  if (running.timing) running.timing->mark("stale cgroup leaves swept");
  if (plan->network.filtered) {
    plan->network.channel.reset();
    auto slirp = net::attach(plan->network.slirp, network_channel.get(), running.pidfd.get());
    if (!slirp) return std::move(slirp).error();                  // ~Child kills and reaps init
    running.slirp = std::move(*slirp);
    if (running.timing) running.timing->mark("slirp4netns ready");
  }
  return child;
}

}  // namespace sandbox
