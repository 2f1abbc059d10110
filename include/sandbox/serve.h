// `sandbox --serve`: the opt-in warm pool (DESIGN §14).
//
// A per-user service that keeps a few warm sandboxes of the default
// profile's creation-time part (fresh user, mount, pid, network, ipc and
// uts namespaces each, the view, loopback) ready. `sandbox COMMAND` hands
// it the job (Command::use_pool) when its socket is there and the policy
// matches; otherwise it launches cold. The service accepts only its own
// uid in its own user namespace, never a program inside a sandbox. When it
// dies, its warm sandboxes and running jobs die with it. Warm sandboxes
// are replaced after max_age_seconds and whenever the service's mount
// table changes.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/outcome.h"

namespace sandbox {

struct ServeOptions {
  unsigned pool_size = 2;           // warm sandboxes kept ready
  unsigned max_age_seconds = 300;   // a warm sandbox older than this is replaced
  bool log_jobs = false;            // one stderr line per job: taken, or why it launched cold
};

// Runs the service until SIGTERM, SIGINT or SIGHUP; returns the exit
// status (0, or 125 with one line on stderr when it cannot start). Listens
// on the socket systemd passed (LISTEN_FDS, the shipped sandbox-pool.socket)
// or binds pool::socket_path() itself. Process-wide: it owns its signals.
int serve(const ServeOptions& options);

// The warm pool's lean client (src/lean/client.cc, before glibc starts)
// handles a pooled job's plain exit itself; for every other end (a setup
// or exec failure, the sandbox killed) it starts `sandbox
// --render-pooled-outcome CMD...`, so that the words are the full
// command's. Internal to the sandbox command, not an option to give.
// Descriptor `fd` holds what the lean client received: the service's
// `accepted` datagram (a u32 size, then its bytes), then init's reports
// (a u32 count, then the launch::Report structs), then a u32: 1 when the
// service said `sandbox --kill` ended the job.
inline constexpr char kRenderPooledOutcome[] = "--render-pooled-outcome";
struct PooledOutcome {
  Outcome outcome;
  bool quiet = false;  // the service's policy was -q: no hint
};
Result<PooledOutcome> read_pooled_outcome(int fd, const std::vector<std::string>& argv);

}  // namespace sandbox
