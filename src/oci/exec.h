// exec: a new process inside a running container, with the container's
// namespaces, cgroups and our layers (the same Landlock domain's rules, our
// seccomp deny list and the bundle's profile).
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "oci/log.h"
#include "sandbox/error.h"

namespace sandbox::oci {

struct ExecOptions {
  std::string root, id, process_file, console_socket, pid_file, cwd, user;
  std::vector<std::string> args, env, caps;
  std::vector<gid_t> additional_gids;
  std::string cgroup;  // a sub-cgroup (v1: of each hierarchy) to join
  bool tty = false, detach = false, no_new_privs = false;
  int preserve_fds = 0;
};

// The process's exit status (128+N for a signal) when not detached; 0 once
// it runs when detached.
Result<int> exec_in_container(const ExecOptions& options, const Log& log);

}  // namespace sandbox::oci
