#include "limits/rlimits.h"

#include <cerrno>

namespace sandbox::limits {

int apply(const std::vector<Rlimit>& rlimits) noexcept {
  for (const Rlimit& r : rlimits) {
    const rlimit value{r.value, r.value};
    if (::setrlimit(static_cast<__rlimit_resource>(r.resource), &value) != 0) return errno;
  }
  return 0;
}

}  // namespace sandbox::limits
