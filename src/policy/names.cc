// Names of the policy's enumerations, as the option table spells them.
#include "sandbox/policy.h"

namespace sandbox {

const char* net_mode_name(NetMode mode) {
  switch (mode) {
    case NetMode::none: return "none";
    case NetMode::host: return "host";
    case NetMode::filtered: return "filtered";
  }
  return "none";
}

}  // namespace sandbox
