// OCI hooks: run by the runtime with the container's state JSON on stdin.
#pragma once

#include <string>
#include <vector>

#include "oci/spec.h"
#include "sandbox/error.h"

namespace sandbox::oci {

// Runs each hook in order; the first failure (exit status, signal,
// timeout) is the error.
Result<void> run_hooks(const std::vector<Hook>& hooks, const std::string& state_json, const char* stage);
// hooks.poststop travels in the state file (delete has no bundle to read).
std::vector<std::string> hooks_to_json(const std::vector<Hook>& hooks);
std::vector<Hook> hooks_from_json(const std::vector<std::string>& json);

}  // namespace sandbox::oci
