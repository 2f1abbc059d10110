// The man page (docs/sandbox.1), generated from the command line itself:
// every registered option with its group and help, the profile keys, the
// profile directories and the exit statuses. `sandbox --man` prints it;
// CI checks that the committed docs/sandbox.1 is the same text.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace sandbox::cli {

std::string render_man(const CLI::App& app);

}  // namespace sandbox::cli
