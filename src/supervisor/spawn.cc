// The parent side of the launch, top to bottom (DESIGN §10).
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

#include "launch/child.h"
#include "launch/plan.h"
#include "supervisor/child_state.h"
#include "util/sys.h"

namespace sandbox {
namespace {

constexpr std::uint64_t kNamespaces = CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWIPC |
                                      CLONE_NEWUTS | CLONE_NEWCGROUP;

Result<registry::Reservation> reserve_label(const Policy& policy) {
  if (policy.label.empty()) return registry::reserve_any();
  auto level = registry::parse_level(policy.label);
  if (!level) return std::move(level).error();
  return registry::reserve(*level);
}

}  // namespace

Result<Child> spawn(const Policy& policy, const std::vector<std::string>& argv) {
  std::optional<launch::Timing> timing;                           // --timing: a clock per step
  if (policy.timing) {
    auto created = launch::Timing::create();
    if (!created) return std::move(created).error();
    timing.emplace(std::move(*created));
  }
  auto reservation = reserve_label(policy);                       // unique label, held while we live
  if (!reservation) return std::move(reservation).error();
  if (timing) timing->mark("label");
  const std::string label = policy.type + ":" + reservation->level.str();
  auto plan = launch::make_plan(policy, argv, label, timing ? &*timing : nullptr);  // everything resolved and compiled here
  if (!plan) return std::move(plan).error();
  if (timing) plan->step_clock = timing->clock();

  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("cannot create the report pipe");
  UniqueFd report_read(pipe_fds[0]);
  UniqueFd report_write(pipe_fds[1]);

  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = kNamespaces | (plan->new_network ? CLONE_NEWNET : 0) | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uintptr_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (timing) timing->mark_clone_start();
  const pid_t pid = sys::clone3(args);                            // all namespaces at once
  if (pid < 0) {
    Error error = Error::from_errno("cannot create the sandbox's namespaces (clone3)");
    if (error.errno_value() == EPERM || error.errno_value() == ENOSPC) {
      error.with_hint("unprivileged user namespaces may be disabled: check "
                      "user.max_user_namespaces and kernel.unprivileged_userns_clone");
    }
    return error;
  }
  if (pid == 0) {
    report_read.reset();
    launch::run_init(*plan, report_write.get());                  // never returns
  }
  report_write.reset();                                           // EOF once every child copy is gone
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
  state->timing = std::move(timing);
  for (const auto& op : plan->view.ops) state->mount_descriptions.push_back(fs::describe(op));
  return Child(std::move(state));
}

}  // namespace sandbox
