#include "launch/environment.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "util/env.h"

namespace sandbox::launch {
namespace {

constexpr std::array<std::string_view, 8> kPassThrough = {
    "PATH", "LANG", "LANGUAGE", "TERM", "COLORTERM", "TZ", "NO_COLOR", "LC_ALL"};
constexpr std::string_view kDefaultPath = "/usr/local/bin:/usr/bin:/bin";

std::string name_of(const std::string& entry) { return entry.substr(0, entry.find('=')); }

void set(std::vector<std::string>& env, const std::string& name, const std::string& value) {
  auto it = std::find_if(env.begin(), env.end(),
                         [&](const std::string& e) { return name_of(e) == name; });
  if (it != env.end()) {
    *it = name + "=" + value;
  } else {
    env.push_back(name + "=" + value);
  }
}

}  // namespace

bool passes_through(const std::string& name) {
  if (name.rfind("LC_", 0) == 0) return true;
  return std::find(kPassThrough.begin(), kPassThrough.end(), name) != kPassThrough.end();
}

std::vector<std::string> build_environment(const Policy& policy, const EnvironmentInputs& in) {
  std::vector<std::string> env;
  for (const auto& entry : in.caller) {
    if (entry.find('=') == std::string::npos) continue;
    const std::string name = name_of(entry);
    const bool kept = std::find(policy.keep_env.begin(), policy.keep_env.end(), name) !=
                      policy.keep_env.end();
    if (passes_through(name) || kept) set(env, name, entry.substr(name.size() + 1));
  }
  if (util::env_value(env, "PATH").empty()) set(env, "PATH", std::string(kDefaultPath));
  set(env, "HOME", in.home);
  set(env, "USER", in.user);
  set(env, "LOGNAME", in.user);
  set(env, "SHELL", "/bin/sh");
  set(env, "SANDBOX_LABEL", in.label);
  for (const auto& kv : policy.setenv) {
    const auto eq = kv.find('=');
    set(env, kv.substr(0, eq), kv.substr(eq + 1));
  }
  return env;
}

}  // namespace sandbox::launch
