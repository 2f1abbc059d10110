// sandbox --kill LABEL: the sandbox's supervisor kills its whole tree.
#include <iostream>

#include "cli/manage.h"
#include "sandbox/outcome.h"
#include "sandbox/registry.h"

namespace sandbox::cli {

int kill_sandbox(const std::string& label) {
  auto level = registry::parse_level(label);
  auto killed = level ? registry::request_kill(*level) : Result<void>(level.error());
  if (!killed) {
    std::cerr << "sandbox: --kill " << label << ": " << killed.error().message() << '\n';
    return kExitFailure;
  }
  return 0;
}

}  // namespace sandbox::cli
