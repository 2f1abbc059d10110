#include "cli/x11_run.h"

#include <iostream>

#include "sandbox/x11.h"

namespace sandbox::cli {

int run_x11(const Policy& policy, const Command& command) {
  auto outcome = x11::run_session(policy, command);
  if (!outcome) {
    std::cerr << "sandbox: " << outcome.error().message() << '\n';
    return outcome.error().exit_status();
  }
  if (!outcome->message.empty()) std::cerr << "sandbox: " << outcome->message << '\n';
  return outcome->exit_status();
}

}  // namespace sandbox::cli
