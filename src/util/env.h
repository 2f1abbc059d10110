// Environments as "NAME=VALUE" entries, the way execve(2) takes them.
#pragma once

#include <string>
#include <vector>

namespace sandbox::util {

// This process's environment, entry by entry.
std::vector<std::string> this_environment();

// The value of NAME in env, or "" when it is absent.
std::string env_value(const std::vector<std::string>& env, const std::string& name);

}  // namespace sandbox::util
