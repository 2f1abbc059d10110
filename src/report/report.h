// The run report (--report FILE): one JSON object per run, written on every
// exit path, atomically (a temporary file renamed over FILE). The schema is
// docs/report-schema.json.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "sandbox/error.h"
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
  int exit_status = kExitFailure;
};

// A record for a run of command under policy, starting now.
RunRecord begin(const Policy& policy, const std::vector<std::string>& command);

// The JSON text of the record (one line, newline-terminated).
std::string render(const RunRecord& record);

// Fails early when FILE cannot be written (its directory is missing or not
// writable), before anything runs. "-" is always fine.
Result<void> check_destination(const std::string& path);

// Writes the record to path ("-": standard error), atomically: a temporary
// file next to it, then rename(2).
Result<void> write(const std::string& path, const RunRecord& record);

// The end of every run of the command: records the exit status, writes the
// report when path is set (a failure to write it is said on stderr), and
// returns status.
int finish(const std::string& path, RunRecord& record, int status);

}  // namespace sandbox::report
