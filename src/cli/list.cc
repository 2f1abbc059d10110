// sandbox --list [--json]: asks each running sandbox's control socket.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>

#include "cli/manage.h"
#include "registry/control.h"

namespace sandbox::cli {
namespace {

std::string age(double started) {
  const double now =
      std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  const long seconds = now > started ? static_cast<long>(now - started) : 0;
  if (seconds < 120) return std::to_string(seconds) + "s";
  if (seconds < 7200) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds / 3600) + "h";
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + arg;
  return out;
}

}  // namespace

int list_sandboxes(bool json) {
  std::vector<registry::SandboxInfo> running;
  for (const auto& level : registry::running_levels()) {
    // One that ends between the scan and the question is simply not listed.
    if (auto info = registry::query(level)) running.push_back(std::move(*info));
  }
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& info : running) out.push_back(nlohmann::json::parse(registry::to_json(info)));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  std::printf("%-28s %-10s %-8s %-6s %s\n", "LABEL", "PROFILE", "PID", "AGE", "COMMAND");
  for (const auto& info : running) {
    std::printf("%-28s %-10s %-8d %-6s %s\n", info.label.c_str(), info.profile.c_str(), info.pid,
                age(info.started).c_str(), joined(info.command).c_str());
  }
  return 0;
}

}  // namespace sandbox::cli
