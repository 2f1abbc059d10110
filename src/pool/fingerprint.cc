#include "pool/fingerprint.h"

#include <sys/stat.h>
#include <unistd.h>

#include "sandbox/profile.h"

namespace sandbox::pool {

std::string policy_fingerprint(Policy policy) {
  policy.timeout_seconds = 0;  // the client's deadline
  return profile::to_toml(policy);
}

std::string file_identity(const char* path, bool with_link) {
  struct stat st {};
  if (::stat(path, &st) != 0) return {};
  std::string id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  if (with_link) {
    char link[4096];
    const ssize_t n = ::readlink(path, link, sizeof(link));
    if (n <= 0 || static_cast<std::size_t>(n) >= sizeof(link)) return {};
    id += ":" + std::string(link, static_cast<std::size_t>(n));
  }
  return id;
}

std::string mount_namespace_id() { return file_identity("/proc/self/ns/mnt"); }

}  // namespace sandbox::pool
