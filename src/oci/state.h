// A container's state under --root: ROOT/ID/state.json (written atomically)
// and ROOT/ID/exec.fifo while it waits for start. The process is named by
// pid and its start time (field 22 of /proc/PID/stat), so a recycled pid
// is never taken for the container's.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "oci/cgroups.h"
#include "sandbox/error.h"

namespace sandbox::oci {

struct State {
  std::string id;
  pid_t pid = 0;
  std::uint64_t start_time = 0;  // clock ticks after boot, /proc/PID/stat
  std::string bundle;
  std::string rootfs;
  std::string created;  // RFC 3339
  std::string label;
  uid_t owner = 0;
  bool started = false;
  Cgroups cgroups;
  std::map<std::string, std::string> annotations;
  std::vector<std::string> poststop_hooks_json;  // hooks.poststop, as JSON
};

// True in the initial user namespace (rootless podman runs us as uid 0 of
// its own user namespace, where /run and the cgroups are not ours).
bool initial_user_namespace();
// The default --root: /run/sandbox-oci, or $XDG_RUNTIME_DIR/sandbox-oci
// for an unprivileged caller.
std::string default_root();
// ROOT/ID; refuses ids with '/' or starting with '.'.
Result<std::string> container_dir(const std::string& root, const std::string& id);

Result<void> save_state(const std::string& dir, const State& state);
Result<State> load_state(const std::string& root, const std::string& id);
std::vector<std::string> list_ids(const std::string& root);

// The start time of pid, or nullopt when it does not run.
std::optional<std::uint64_t> process_start_time(pid_t pid);
// True when state.pid still names the container's process (not a zombie).
bool process_alive(const State& state);

// "creating", "created", "running", "paused" or "stopped".
std::string status_of(const std::string& root, const State& state);
// The OCI state JSON (runc state's output).
std::string state_json(const std::string& root, const State& state);

std::string now_rfc3339();

}  // namespace sandbox::oci
