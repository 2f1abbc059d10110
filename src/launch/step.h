// The launch steps, and the report a child sends when one fails.
#pragma once

#include <cstdint>

namespace sandbox::launch {

enum class Step : std::uint32_t {
  none = 0,
  death_signal,
  supervisor_alive,
  stdio,
  cgroup_join,
  network_namespace,
  subreaper,
  id_maps,
  namespaces,
  hostname,
  mount_propagation,
  clone_sources,
  reopen_descriptors,
  relay_pipes,
  mount_root,
  build_view,
  pivot_root,
  detach_old_root,
  root_read_only,
  include_files,
  network_join,
  network_request,
  network_rules,
  network_ready,
  network_ipv6,
  landlock_rules,
  working_directory,
  pty,
  explain_attach,
  init_confinement,
  fork_command,
  init_descriptors,
  init_filter,
  session,
  controlling_terminal,
  keyring,
  close_fds,
  rlimits,
  drop_capabilities,
  no_new_privs,
  landlock,
  seccomp,
  exec,
};

const char* step_name(Step step);

// Writes init's last report: the command's wait status (init::reap's
// ReportExit). Async-signal-safe.
void report_exit(int report_fd, int wait_status) noexcept;

// Sent over the CLOEXEC report pipe. A failure names the step, the errno
// and, for view steps, the index of the mount operation; init sends
// `exited` with the command's wait status just before it exits, once every
// other process of the sandbox is gone, with what init and every process it
// reaped used (its own rusage plus its children's: what waitid would give).
struct Report {
  enum class Kind : std::uint32_t { failure = 1, exited = 2 };
  Kind kind = Kind::failure;
  Step step = Step::none;
  std::int32_t errno_value = 0;
  std::int32_t wait_status = 0;
  std::uint32_t index = 0;
  std::int64_t user_us = 0;    // exited: CPU time, init and its reaped children
  std::int64_t system_us = 0;
  std::int64_t max_rss_kib = 0;  // the largest of them
};

}  // namespace sandbox::launch
