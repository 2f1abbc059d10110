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

constexpr int kAnswerTimeoutMs = 300;  // a live supervisor answers in well under 1 ms

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
  // All asked at once: one that does not answer cannot slow the others.
  const auto running = registry::query_all(registry::running_levels(), kAnswerTimeoutMs);
  if (json) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& info : running) out.push_back(nlohmann::json::parse(registry::to_json(info)));
    std::cout << out.dump(2) << '\n';
    return 0;
  }
  std::printf("%-28s %-10s %-8s %-6s %s\n", "LABEL", "PROFILE", "PID", "AGE", "COMMAND");
  for (const auto& info : running) {
    if (info.pid < 0) {  // listening, but it did not answer in time
      std::printf("%-28s %-10s %-8s %-6s %s\n", info.label.c_str(), "?", "?", "?", "(no answer)");
      continue;
    }
    std::printf("%-28s %-10s %-8d %-6s %s\n", info.label.c_str(), info.profile.c_str(), info.pid,
                age(info.started).c_str(), joined(info.command).c_str());
  }
  return 0;
}

}  // namespace sandbox::cli
