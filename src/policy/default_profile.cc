// The built-in default profile (DESIGN §2.2, §5).
#include "sandbox/policy.h"

namespace sandbox {

Policy Policy::default_profile() {
  Policy policy;
  policy.profile = "default";
  policy.type = "sandbox_t";
  // Read + execute, bound read-only; /bin, /sbin and /lib* stay symlinks
  // where the host has symlinks (merged /usr).
  policy.system_trees = {"/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32", "/opt"};
  // System configuration, as sandbox_t reads etc_t: what any user of the
  // host may read, never the secrets and host identifiers (fs/etc.h). Tools'
  // own security policies stay readable on purpose (ImageMagick's policy.xml
  // bans PDF and PostScript decoding; hiding it removes the restriction).
  policy.bind_etc = true;
  return policy;
}

}  // namespace sandbox
