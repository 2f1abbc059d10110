// load_profile: profiles by name through the public API (DESIGN §5, §11).
#include "sandbox/profile.h"
#include "sandbox/sandbox.h"

namespace sandbox {

Result<Policy> load_profile(const std::string& name_or_file) { return profile::load(name_or_file); }

}  // namespace sandbox
