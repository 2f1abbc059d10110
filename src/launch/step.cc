#include "launch/step.h"

namespace sandbox::launch {

const char* step_name(Step step) {
  switch (step) {
    case Step::none: return "none";
    case Step::death_signal: return "PR_SET_PDEATHSIG";
    case Step::supervisor_alive: return "supervisor check";
    case Step::id_maps: return "uid/gid maps";
    case Step::hostname: return "sethostname";
    case Step::mount_propagation: return "private mount propagation";
    case Step::clone_sources: return "open_tree";
    case Step::mount_root: return "mounting the new root";
    case Step::build_view: return "building the view";
    case Step::pivot_root: return "pivot_root";
    case Step::detach_old_root: return "detaching the old root";
    case Step::root_read_only: return "making the root read-only";
    case Step::loopback: return "bringing up loopback";
    case Step::landlock_rules: return "Landlock rules for the view";
    case Step::working_directory: return "chdir";
    case Step::fork_command: return "fork";
    case Step::session: return "setsid";
    case Step::close_fds: return "closing inherited descriptors";
    case Step::drop_capabilities: return "dropping capabilities";
    case Step::no_new_privs: return "no_new_privs";
    case Step::landlock: return "landlock_restrict_self";
    case Step::seccomp: return "seccomp";
    case Step::exec: return "execve";
  }
  return "unknown step";
}

}  // namespace sandbox::launch
