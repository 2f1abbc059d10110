// sandbox --list [--json]: asks each running sandbox's control socket.
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string_view>

#include "cli/manage.h"
#include "sandbox/registry.h"

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

// One argument as a shell would read it back: bare when only safe
// characters, else in single quotes, else (control characters, bytes
// beyond ASCII) as $'...' with escapes, so no raw control character (a
// newline, an escape sequence) ever reaches the terminal.
std::string shell_quoted(const std::string& arg) {
  const auto safe = [](unsigned char ch) {
    return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
           std::string_view("_@%+=:,./-").find(static_cast<char>(ch)) != std::string_view::npos;
  };
  const auto printable = [](unsigned char ch) { return ch >= 0x20 && ch < 0x7f; };
  if (!arg.empty() && std::all_of(arg.begin(), arg.end(), safe)) return arg;
  if (std::all_of(arg.begin(), arg.end(), printable)) {
    std::string out = "'";
    for (const char ch : arg) out += ch == '\'' ? std::string("'\\''") : std::string(1, ch);
    return out + "'";
  }
  std::string out = "$'";
  for (const char c : arg) {
    const auto ch = static_cast<unsigned char>(c);
    switch (ch) {
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      case '\'': out += "\\'"; break;
      case '\\': out += "\\\\"; break;
      default:
        if (printable(ch)) {
          out += c;
        } else {
          char hex[5];
          std::snprintf(hex, sizeof(hex), "\\x%02x", ch);
          out += hex;
        }
    }
  }
  return out + "'";
}

std::string joined(const std::vector<std::string>& argv) {
  std::string out;
  for (const auto& arg : argv) out += (out.empty() ? "" : " ") + shell_quoted(arg);
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
    std::printf("%-28s %-10s %-8d %-6s %s\n", info.label.c_str(), shell_quoted(info.profile).c_str(), info.pid,
                age(info.started).c_str(), joined(info.command).c_str());
  }
  return 0;
}

}  // namespace sandbox::cli
