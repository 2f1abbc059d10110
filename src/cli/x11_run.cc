#include "cli/x11_run.h"

#include <iostream>

#include "sandbox/x11.h"

namespace sandbox::cli {

int run_x11(const Policy& policy, const Command& command, report::RunRecord& record) {
  x11::SessionInfo info;
  auto outcome = x11::run_session(policy, command, &info);
  record.label = info.label;
  if (record.profile == "default") record.profile = "x";
  record.enforcement = info.limits;
  if (!info.display.empty()) {
    record.x11 = report::RunRecord::X11{info.display,
                                        {info.server_label, info.server},
                                        {info.window_manager_label, info.window_manager}};
  }
  if (!outcome) {
    std::cerr << "sandbox: " << outcome.error().message() << '\n';
    record.error = outcome.error();
    return outcome.error().exit_status();
  }
  if (!outcome->message.empty()) std::cerr << "sandbox: " << outcome->message << '\n';
  record.outcome = *outcome;
  return outcome->exit_status();
}

}  // namespace sandbox::cli
