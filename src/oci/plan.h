// What the container's process needs after clone3 (create) or after
// joining the container (exec): everything resolved, opened and compiled
// beforehand, so that the child side only interprets it (STYLE: plan, then
// apply). The child reports failure as (step, errno, index) on a CLOEXEC
// socket, like the library's launch.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <vector>

#include "landlock/ruleset.h"
#include "oci/spec.h"
#include "seccomp/filter.h"
#include "util/unique_fd.h"

namespace sandbox::oci {

enum class Step : std::uint32_t {
  none = 0,
  join_namespace,
  await_parent,
  become_root,
  hostname,
  mount_propagation,
  bind_rootfs,
  mount,
  mount_on_symlink,
  mount_read_only,
  devices,
  pivot_root,
  detach_old_root,
  sysctl,
  masked_paths,
  readonly_paths,
  root_read_only,
  landlock_rules,
  console,
  session,
  ready,
  await_start,
  working_directory,
  umask,
  rlimits,
  oom_score_adj,
  landlock,
  no_new_privs,
  seccomp,
  groups,
  user,
  capabilities,
  close_fds,
  exec,
};
const char* step_name(Step step);

struct Report {
  Step step = Step::none;  // none: ready (waiting for start)
  std::int32_t errno_value = 0;
  std::uint32_t index = 0;  // the mount, device or path concerned
};

// The process part, shared by create and exec.
struct ProcessPlan {
  std::vector<std::string> argv_storage, env_storage;
  std::vector<char*> argv, envp;                // NULL-terminated, pointing into the storage
  std::vector<std::string> exec_candidates;     // args[0] itself, or each PATH entry + args[0]
  std::string cwd;
  uid_t uid = 0;
  gid_t gid = 0;
  std::vector<gid_t> groups;
  bool set_umask = false;
  mode_t umask = 022;
  std::vector<Rlimit> rlimits;                  // clamped already
  bool set_oom_score_adj = false;
  std::string oom_score_adj;
  bool no_new_privileges = false;
  bool has_capabilities = false;
  Capabilities caps;
  int keep_fds = 3;                             // 0..keep_fds-1 stay open (stdio + preserve-fds)
  // Our layers: Landlock ruleset (rules added in the child for the paths
  // of its own view), our seccomp deny list and the bundle's profile.
  int landlock_fd = -1;
  std::vector<std::string> landlock_paths;      // inside the container
  std::vector<std::uint64_t> landlock_rights;
  std::uint64_t landlock_root_rights = 0;
  std::uint64_t landlock_root_rights_mask = 0;  // what the ruleset handles
  const seccomp::Program* ours = nullptr;
  const seccomp::Program* bundle = nullptr;
  // Terminal: a pty made inside the container, master sent here.
  bool terminal = false;
  int console_socket = -1;
  unsigned rows = 0, cols = 0;
};

// A mount as the child executes it.
struct MountStep {
  std::string source, destination, type, data;
  std::string fallback_bind;      // sysfs, cgroup2: a host tree bound read-only where the mount is refused
  unsigned long flags = 0;        // the mount's own MS_*
  unsigned long remount = 0;      // bind: the remount flags, 0 if none
  unsigned long propagation = 0;
  bool bind = false, recursive = false, is_dir = true;
  // Mounted writable and made read-only after the mounts and devices
  // beneath it (a read-only /dev with /dev/pts in it).
  bool read_only_later = false;
};

struct DeviceStep {
  std::string dir, name;  // inside the container: "/dev", "null"
  std::string host;   // a host node to bind when mknod is not allowed
  mode_t mode = 0;    // S_IFCHR... | permissions
  dev_t dev = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

struct InitPlan {
  std::vector<int> join_fds;        // setns fds (user first), parallel to join_types
  std::vector<int> join_types;
  bool new_user = false;
  bool new_uts = false;
  std::string hostname, domainname;
  unsigned long root_propagation = 0;
  std::string rootfs;
  std::vector<MountStep> mounts;
  std::vector<DeviceStep> devices;
  bool make_dev_links = false;
  std::vector<std::string> sysctl_files, sysctl_values;
  std::vector<std::string> masked, readonly;
  bool root_readonly = false;
  int exec_fifo = -1;               // O_RDWR: read blocks until start writes
  int sync = -1;                    // our end of the socketpair with the parent
  int label_socket = -1;            // the keeper's, closed at once
  ProcessPlan process;
};

// Builds the process part; env_path is PATH from the process env.
ProcessPlan plan_process(const Process& process, std::vector<std::string>& warnings);

// Child side (no exceptions): the tail shared by create and exec, from the
// working directory to execve. Reports on report_fd and exits on failure.
[[noreturn]] void finish_and_exec(const ProcessPlan& plan, int report_fd);
// Reports a failed step on fd and _exits(1).
[[noreturn]] void fail_step(int report_fd, Step step, int err, std::uint32_t index = 0);
// Makes the pty (open /dev/ptmx of the container), sends the master over
// the console socket, makes the pty the controlling terminal and stdio.
int setup_console(const ProcessPlan& plan) noexcept;
// Adds the Landlock rules of plan (paths inside the container) to its ruleset.
int add_landlock_rules(const ProcessPlan& plan, std::uint32_t& failed_index) noexcept;

// Child side of create: namespaces, mounts, pivot_root, waiting for start.
[[noreturn]] void container_init(const InitPlan& plan);

}  // namespace sandbox::oci
