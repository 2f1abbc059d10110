// Runs the real sandbox binary (or any command) and captures what it did.
#pragma once

#include <string>
#include <vector>

namespace testing_support {

struct RunResult {
  int status = -1;   // exit status, or 128+N for a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_data;        // written to the command's stdin (a pipe)
  bool stdin_null = true;        // otherwise /dev/null
  std::vector<int> inherit_fds;  // extra fds the command inherits (not CLOEXEC)
  double timeout_seconds = 30;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// The sandbox binary under test.
std::string sandbox_bin();
// A probe built from tests/probes/NAME.cc.
std::string probe(const std::string& name);

// argv of the sandbox binary followed by args.
std::vector<std::string> sandbox(std::vector<std::string> args);

// Whether the tests run as root.
bool is_root();

}  // namespace testing_support
