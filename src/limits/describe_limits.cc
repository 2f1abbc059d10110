// describe_limits: the public name of limits::describe (sandbox/limits.h).
#include "limits/resources.h"
#include "sandbox/limits.h"

namespace sandbox {

std::string describe_limits(const std::vector<LimitEnforcement>& enforcement) {
  return limits::describe(enforcement);
}

}  // namespace sandbox
