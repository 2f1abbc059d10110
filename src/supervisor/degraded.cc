#include "supervisor/degraded.h"

#include <cerrno>
#include <utility>

namespace sandbox::supervisor {
namespace {

// What clone3 says when CLONE_NEWUSER is not allowed: EPERM (sysctls,
// AppArmor), ENOSPC or EUSERS (user.max_user_namespaces reached or 0),
// EINVAL (a kernel without CONFIG_USER_NS).
bool no_user_namespaces(int err) {
  return err == EPERM || err == ENOSPC || err == EUSERS || err == EINVAL;
}

Error missing_layer(int err) {
  return Error("the user namespace layer is missing: this host does not allow unprivileged user "
               "namespaces (clone3)", err)
      .with_hint("enable them (sysctl user.max_user_namespaces > 0; on Debian kernels "
                 "kernel.unprivileged_userns_clone=1; on Ubuntu "
                 "kernel.apparmor_restrict_unprivileged_userns=0), or run with --best-effort");
}

// The first option that needs the mount view (or a new pid namespace), or "".
std::string needs_the_view(const Policy& policy) {
  if (policy.private_scratch) return "-M";
  if (!policy.homedir.empty()) return "-H";
  if (!policy.tmpdir.empty()) return "-T";
  if (!policy.include_files.empty() || !policy.include_lists.empty()) return "-i/-I";
  if (policy.net == NetMode::filtered) return "--net=filtered";
  if (policy.pty == PtyMode::always) return "--pty";
  if (policy.x11.enabled) return "-X";
  return {};
}

std::vector<std::string> skipped_layers(const Policy& policy) {
  std::vector<std::string> skipped = {
      "user namespace",
      "mount namespace: the program sees the host's file tree (Landlock still denies what is not granted)",
      "pid namespace: the program shares the host's pids (Landlock denies /proc, signals and ptrace "
      "outside the sandbox; init kills the tree at exit)",
  };
  if (policy.net != NetMode::host) {
    skipped.emplace_back("network namespace: TCP denied by Landlock, UDP/raw by seccomp; pathname "
                         "unix sockets remain reachable");
  }
  skipped.emplace_back("ipc, uts and cgroup namespaces");
  return skipped;
}

}  // namespace

Result<void> plan_without_namespaces(const SealedPolicy& sealed, const Command& command,
                                     const std::string& label, int clone_errno,
                                     launch::LaunchPlan& plan) {
  const Policy& policy = sealed.policy();
  if (!no_user_namespaces(clone_errno)) {
    return Error("cannot create the sandbox's namespaces (clone3)", clone_errno);
  }
  if (!policy.best_effort) return missing_layer(clone_errno);
  if (const std::string option = needs_the_view(policy); !option.empty()) {
    return Error(option + " needs the mount view, and this host does not allow unprivileged user "
                 "namespaces", clone_errno)
        .with_hint("drop " + option + ", or enable user namespaces (sysctl user.max_user_namespaces > 0)");
  }
  auto replanned = launch::make_plan(sealed, command, label, nullptr, true);  // no pty, more of Landlock
  if (!replanned) return std::move(replanned).error();
  replanned->view.ops.clear();  // nothing is mounted
  replanned->source_fds.clear();
  replanned->cgroup_join = std::move(plan.cgroup_join);
  replanned->rlimits = std::move(plan.rlimits);
  replanned->step_clock = plan.step_clock;
  replanned->handed = std::move(plan.handed);  // the relayed pipes were made for these
  std::vector<std::string> own = std::move(replanned->skipped);  // seal()'s and Landlock's, if any
  replanned->skipped = skipped_layers(policy);
  for (auto& line : own) replanned->skipped.push_back(std::move(line));
  plan = std::move(*replanned);
  return success();
}

}  // namespace sandbox::supervisor
