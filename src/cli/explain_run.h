// --explain and --learn on the command line (DESIGN §12): the summary line
// at exit, and the hint after a failed run without --explain.
#pragma once

#include <string>
#include <vector>

#include "sandbox/explain.h"
#include "sandbox/outcome.h"
#include "sandbox/policy.h"

namespace sandbox::cli {

// "sandbox: explain: 6 denials; to allow them: sandbox --ro ... CMD ARGS\n"
// (nothing when there were none). `argv` is ours, `command` its tail.
std::string explain_summary(const std::vector<explain::Denial>& denials, int argc, char** argv,
                            const std::vector<std::string>& command);

// One line when a run without --explain failed and stderr is a terminal.
void hint_explain(const Policy& policy, const Outcome& outcome);

}  // namespace sandbox::cli
