#include "pool/fingerprint.h"

#include <sys/stat.h>

#include "sandbox/profile.h"

namespace sandbox::pool {

std::string policy_fingerprint(Policy policy) {
  policy.timeout_seconds = 0;  // the client's deadline
  return profile::to_toml(policy);
}

std::string mount_namespace_id() {
  struct stat st {};
  if (::stat("/proc/self/ns/mnt", &st) != 0) return {};
  return std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
}

}  // namespace sandbox::pool
