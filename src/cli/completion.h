// Shell completion for bash and zsh, generated from the command line itself
// (every registered option: the one option table and the management and
// profile options), as the man page is. `sandbox --completion bash|zsh`
// prints it; the build writes both into build/share and CMake installs them
// (share/bash-completion/completions/sandbox,
// share/zsh/vendor-completions/_sandbox).
#pragma once

#include <CLI/CLI.hpp>
#include <string>

#include "sandbox/error.h"

namespace sandbox::cli {

Result<std::string> render_completion(const CLI::App& app, const std::string& shell);

}  // namespace sandbox::cli
