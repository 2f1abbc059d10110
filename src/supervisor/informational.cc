// informational_lines (sandbox/sandbox.h).
#include "sandbox/sandbox.h"

namespace sandbox {

std::string informational_lines(const std::vector<LimitEnforcement>& limits, const std::vector<std::string>& skipped,
                                const std::vector<std::string>& notices) {
  std::string text;
  if (const auto described = describe_limits(limits); !described.empty()) text += "sandbox: limits: " + described + '\n';
  for (const auto& line : skipped) text += "sandbox: --best-effort: running without " + line + '\n';
  for (const auto& notice : notices) text += "sandbox: " + notice + '\n';
  return text;
}

}  // namespace sandbox
