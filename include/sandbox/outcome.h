// How a sandboxed run ended. Separate from our own errors (sandbox2's Result).
#pragma once

#include <cstdint>
#include <string>

namespace sandbox {

struct Outcome {
  enum class Kind {
    exited,          // the command exited with `code`
    signaled,        // the command died of signal `code`
    timed_out,       // --timeout expired; the tree was killed
    killed,          // the sandbox was killed as a whole (Child::kill, --kill)
    setup_failed,    // a launch step failed: `step`, `errno_value`
    not_found,       // the command is not found inside the sandbox
    cannot_execute,  // the command exists but cannot be executed
    out_of_memory,   // the memory limit's OOM killer ended the sandbox (SIGKILL)
  };

  Kind kind = Kind::exited;
  int code = 0;         // exit code or signal number
  std::string step;     // the failed launch step (setup_failed, not_found, cannot_execute)
  int errno_value = 0;  // the errno that step got
  std::string message;  // one line for the user, empty when the command ran
  // The OOM killer of the memory limit ended at least one process (even if
  // the command itself survived it).
  bool oom_killed = false;

  // What the run used (DESIGN §8), for the run report.
  struct Usage {
    double wall_seconds = 0;         // clone3 until init was reaped
    double cpu_user_seconds = 0;     // init and every process it reaped
    double cpu_system_seconds = 0;
    std::uint64_t peak_memory_bytes = 0;
    std::string peak_memory_source;  // "cgroup v1 memory", "largest process (ru_maxrss)"
  };
  Usage usage;

  // The status `sandbox` exits with (DESIGN §3): the command's own, 128+N
  // for a signal, 124 timeout, 125 our failure, 126 cannot execute,
  // 127 not found; out of memory is 128+9, as the SIGKILL it was.
  int exit_status() const;
};

inline constexpr int kExitTimeout = 124;
inline constexpr int kExitFailure = 125;
inline constexpr int kExitCannotExecute = 126;
inline constexpr int kExitNotFound = 127;

}  // namespace sandbox
