// Management actions of the command line (DESIGN §4): --list, --kill.
#pragma once

#include <string>

namespace sandbox::cli {

// Prints every running sandbox (a table, or JSON); returns the exit status.
int list_sandboxes(bool json);
// Ends the sandbox `label` and its whole tree; returns the exit status.
int kill_sandbox(const std::string& label);

}  // namespace sandbox::cli
