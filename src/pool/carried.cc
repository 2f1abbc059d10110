#include "pool/carried.h"

namespace sandbox::pool {

const char* not_carried(const Policy& policy) {
  if (policy.explain != ExplainMode::off) return "--explain";
  if (policy.timing) return "--timing";
  if (policy.x11.enabled) return "-X";
  if (!policy.learn_path.empty()) return "--learn";
  if (policy.limits.memory_bytes || policy.limits.pids || policy.limits.cpus) return "resource limits";
  if (policy.pty == PtyMode::always) return "--pty";
  return nullptr;
}

const char* not_carried_lean(const Policy& policy) {
  if (const char* what = not_carried(policy); what != nullptr) return what;
  if (policy.timeout_seconds > 0) return "--timeout";
  if (!policy.label.empty() || !policy.session_level.empty()) return "a chosen label";
  if (!policy.report_path.empty() || policy.report_fd >= 0 || !policy.report_append.empty()) return "a run report";
  if (!policy.fds.empty()) return "descriptors beyond 0-2";
  return nullptr;
}

}  // namespace sandbox::pool
