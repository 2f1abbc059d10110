// After the sandbox ended: what it used, whether its memory limit killed it,
// and the removal of its cgroups (DESIGN §8).
#include <signal.h>
#include <sys/resource.h>

#include "limits/parse.h"
#include "supervisor/child_state.h"

namespace sandbox {
namespace {

double seconds(const timeval& tv) { return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) / 1e6; }

}  // namespace

void settle_resources(Child::State& state, const struct rusage& usage, Outcome& outcome) {
  limits::Resources& r = state.resources;
  outcome.usage.wall_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - state.started).count();
  outcome.usage.cpu_user_seconds = seconds(usage.ru_utime);
  outcome.usage.cpu_system_seconds = seconds(usage.ru_stime);
  if (auto peak = r.peak_memory()) {
    outcome.usage.peak_memory_bytes = *peak;
    outcome.usage.peak_memory_source = r.memory_group()->v2() ? "cgroup v2 memory" : "cgroup v1 memory";
  } else {
    outcome.usage.peak_memory_bytes = static_cast<std::uint64_t>(usage.ru_maxrss) * 1024;
    outcome.usage.peak_memory_source = "largest process (ru_maxrss)";
  }

  // Read before the groups go: the OOM count lives in the memory group.
  outcome.oom_killed = r.oom_kills() > 0;
  const bool died_of_kill =
      (outcome.kind == Outcome::Kind::signaled && outcome.code == SIGKILL) ||
      (outcome.kind == Outcome::Kind::killed && !state.killed);
  if (outcome.oom_killed && died_of_kill) {
    outcome.kind = Outcome::Kind::out_of_memory;
    outcome.code = SIGKILL;
    outcome.message = "killed: out of memory (limit " +
                      limits::format_bytes(r.memory_limit.value_or(0)) + ")";
  }
  if (state.init_pending) return;  // init still exits: its leaf goes after it (helper or ~Child)
  r.kill();    // nothing is left once the pid namespace ended; a second net all the same
  r.remove();  // never leaked: a failure here is swept by a later run
}

}  // namespace sandbox
