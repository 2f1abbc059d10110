#include "supervisor/reserve.h"

namespace sandbox::supervisor {

Result<registry::Reservation> reserve_label(const Policy& policy) {
  if (!policy.session_level.empty()) {  // part of another's session: its level, no control socket
    auto level = registry::parse_level(policy.session_level);
    if (!level) return std::move(level).error();
    return registry::Reservation{*level, UniqueFd()};
  }
  if (policy.label.empty()) return registry::reserve_any();
  auto level = registry::parse_level(policy.label);
  if (!level) return std::move(level).error();
  return registry::reserve(*level);
}

}  // namespace sandbox::supervisor
