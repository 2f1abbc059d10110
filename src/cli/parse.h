// The command line: CLI11 over the one option table.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/policy.h"

namespace sandbox::cli {

struct Invocation {
  enum class Action { run, help, version, list, kill, serve };
  Action action = Action::run;
  Policy policy;
  std::vector<std::string> command;
  std::string help_text;     // Action::help prints it: --help, --man, --print-profile
  bool json = false;        // --list --json
  std::string kill_label;   // --kill LABEL
  unsigned pool_size = 2;   // --serve --pool-size N
  bool log_jobs = false;    // --serve --log-jobs
};

// Parses argv. Errors are one line naming the option; exit status 125.
Result<Invocation> parse(int argc, char** argv);

}  // namespace sandbox::cli
