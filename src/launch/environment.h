// The environment is ambient authority too (DESIGN §2.4): cleared except a
// short list, then set and extended explicitly.
#pragma once

#include <string>
#include <vector>

#include "sandbox/policy.h"

namespace sandbox::launch {

struct EnvironmentInputs {
  std::vector<std::string> caller;  // "K=V" entries of the caller
  std::string home;
  std::string user;
  std::string label;
};

// Whether the caller's variable NAME passes through unasked.
bool passes_through(const std::string& name);

std::vector<std::string> build_environment(const Policy& policy, const EnvironmentInputs& in);

}  // namespace sandbox::launch
