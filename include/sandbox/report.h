// The run report (--report FILE, --report-fd N, --report-append FILE): one
// JSON object per run, written on every exit path. A regular file is
// replaced atomically (a temporary file renamed over it); a stream is
// written into; the append log gets one line per run. The schema is
// docs/report-schema.json. The command line uses begin(),
// check_destinations() and finish(); an embedder can do the same.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/explain.h"
#include "sandbox/limits.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox::report {

struct RunRecord {
  std::string label;  // empty when the run failed before a label was reserved
  std::string profile;
  std::vector<std::string> command;
  NetMode network = NetMode::none;
  std::chrono::system_clock::time_point start;
  std::chrono::steady_clock::time_point start_steady;
  Limits requested;
  std::vector<LimitEnforcement> enforcement;  // empty when the run never started
  // How it ended: the Outcome when the sandbox ran, else our own error.
  std::optional<Outcome> outcome;
  std::optional<Error> error;
  // --explain: every distinct denial (schema version 2).
  std::vector<explain::Denial> denials;
  int exit_status = kExitFailure;
  // -X: the nested X server and the window manager the program ran with
  // (their sandboxes carry the program's level with their own types).
  struct Helper {
    std::string label;  // empty when it was never started
    std::vector<std::string> command;
  };
  struct X11 {
    std::string display;  // ":12"
    Helper server;
    Helper window_manager;
  };
  std::optional<X11> x11;
};

// A record for a run of command under policy, starting now.
RunRecord begin(const Policy& policy, const std::vector<std::string>& command);

// The JSON text of the record (one line, newline-terminated).
std::string render(const RunRecord& record);

// Fails early when --report FILE cannot take a report (a directory, "DIR/",
// a missing or unwritable directory, a dangling symlink, a socket), before
// anything runs. "-" is always fine.
Result<void> check_destination(const std::string& path);
// The same for every destination the policy names (--report, --report-fd,
// --report-append).
Result<void> check_destinations(const Policy& policy);

// Writes the record to path ("-": standard error) without damaging it: a
// regular file (or a symlink's target) is replaced atomically, a stream is
// written into.
Result<void> write(const std::string& path, const RunRecord& record);

// The end of every run of the command: records the exit status, writes the
// report to each destination the policy names (a failure to write one is
// said on stderr), and returns status.
int finish(const Policy& policy, RunRecord& record, int status);

}  // namespace sandbox::report
