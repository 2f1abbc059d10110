#include "pool/socket_dir.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/env.h"

namespace sandbox::pool {
std::string socket_dir(const std::vector<std::string>& env) {
  const std::string runtime = util::env_value(env, "XDG_RUNTIME_DIR");
  if (!runtime.empty() && runtime[0] == '/') return runtime + "/sandbox";
  if (::geteuid() == 0) return "/run/sandbox";
  return {};
}

std::string socket_path(const std::string& dir) { return dir + "/pool.sock"; }

Result<void> check_dir(const std::string& dir) {
  struct stat st {};
  if (::lstat(dir.c_str(), &st) != 0) return Error::from_errno("the pool's directory " + dir);
  if (!S_ISDIR(st.st_mode)) return Error("the pool's directory " + dir + " is not a directory", ENOTDIR);
  if (st.st_uid != ::geteuid()) {
    return Error("the pool's directory " + dir + " belongs to uid " + std::to_string(st.st_uid), EPERM);
  }
  if ((st.st_mode & 07777) != 0700) {
    return Error("the pool's directory " + dir + " is not mode 0700", EPERM);
  }
  return success();
}

Result<void> make_dir(const std::string& dir) {
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return Error::from_errno("cannot create the pool's directory " + dir);
  }
  return check_dir(dir);
}

}  // namespace sandbox::pool
