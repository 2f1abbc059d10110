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
  policy.bind_etc = true;
  // Non-secret /etc entries the ordinary tools need. Tools' own security
  // policies stay readable on purpose (ImageMagick's policy.xml bans PDF and
  // PostScript decoding; hiding it removes the restriction). Never shadow,
  // gshadow, sudoers, ssh/, ssl/private/, keys or credentials.
  policy.etc_readable = {
      "/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d", "/etc/localtime",
      "/etc/timezone", "/etc/nsswitch.conf", "/etc/passwd", "/etc/group", "/etc/host.conf",
      "/etc/hosts", "/etc/locale.alias", "/etc/locale.gen", "/etc/alternatives",
      "/etc/terminfo", "/etc/magic", "/etc/magic.mime", "/etc/mime.types", "/etc/papersize",
      "/etc/manpath.config", "/etc/fonts", "/etc/gai.conf", "/etc/ImageMagick-6",
      "/etc/ImageMagick-7",
  };
  return policy;
}

}  // namespace sandbox
