// -X from the command line: the nested X session, then its exit status.
#pragma once

#include <string>
#include <vector>

#include "sandbox/report.h"
#include "sandbox/sandbox.h"

namespace sandbox::cli {

// Runs the session (x11::run_session), prints its one-line messages, fills
// in the run report's record and returns the status sandbox exits with
// (DESIGN §3).
int run_x11(const Policy& policy, const Command& command, report::RunRecord& record);

}  // namespace sandbox::cli
