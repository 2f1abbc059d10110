// create: the parent side of the OCI lifecycle's first step. Plans the
// container, clones its first process into new namespaces, writes the id
// maps and cgroups, waits until the process reports it is ready (waiting on
// exec.fifo for start), writes --pid-file and the state, runs the
// createRuntime/prestart hooks, and returns. The container outlives us.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "oci/cgroups.h"
#include "oci/keeper.h"
#include "oci/log.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::oci {

struct CreateOptions {
  std::string root, id, bundle, pid_file, console_socket;
  int preserve_fds = 0;
  // The caller (run in the foreground) serves the label while it waits:
  // no keeper process is started, Created::label is set.
  bool serve_label = false;
};

struct Created {
  pid_t pid = 0;
  UniqueFd pidfd;
  std::optional<Label> label;  // with serve_label
  Cgroups groups;
  std::vector<std::string> command;
};

Result<Created> create_container(const CreateOptions& options, const Log& log);

// Removes a container's state and cgroups (its processes must be gone).
void destroy_container(const std::string& root, const std::string& id);

// start: releases the process waiting on exec.fifo, runs poststart hooks.
Result<void> start_container(const std::string& root, const std::string& id, const Log& log);

}  // namespace sandbox::oci
