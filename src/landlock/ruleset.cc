#include "landlock/ruleset.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <atomic>
#include <cerrno>
#include <cstddef>

#include "util/sys.h"

namespace sandbox::landlock {

std::uint64_t rights_for(Access access) {
  switch (access) {
    case Access::read: return kRead;
    case Access::read_write: return kRead | kWrite;
    case Access::execute: return kRead | kExecute;
  }
  return 0;
}

namespace {
std::atomic<int> g_abi_ceiling{0};
}  // namespace

void pretend_abi_at_most(int abi) { g_abi_ceiling.store(abi); }

Result<int> abi_version() {
  const int abi = sys::landlock_abi_version();
  const int ceiling = g_abi_ceiling.load();
  if (abi >= 1) return ceiling > 0 && ceiling < abi ? ceiling : abi;
  const int err = errno;
  if (err == ENOSYS) {
    return Error("Landlock is missing: the kernel was built without CONFIG_SECURITY_LANDLOCK", err)
        .with_hint("use a kernel >= 5.13 with Landlock, or run with --best-effort");
  }
  if (err == EOPNOTSUPP) {
    return Error("Landlock is disabled on this kernel", err)
        .with_hint("add landlock to the lsm= boot parameter, or run with --best-effort");
  }
  return Error("cannot query the Landlock ABI", err);
}

std::uint64_t handled_fs(int abi) {
  std::uint64_t fs = (1ULL << 13) - 1;  // ABI 1: EXECUTE .. MAKE_SYM
  if (abi >= 2) fs |= sys::kLandlockFsRefer;
  if (abi >= 3) fs |= sys::kLandlockFsTruncate;
  if (abi >= 5) fs |= sys::kLandlockFsIoctlDev;
  return fs;
}

std::uint64_t handled_scopes(int abi) {
  return abi >= 6 ? (sys::kLandlockScopeAbstractUnix | sys::kLandlockScopeSignal) : 0;
}

Result<Ruleset> Ruleset::create(int abi, bool handle_tcp) {
  sys::LandlockRulesetAttr attr;
  attr.handled_access_fs = handled_fs(abi);
  if (handle_tcp) {
    if (abi < 4) {
      return Error("Landlock ABI " + std::to_string(abi) + " cannot restrict TCP ports")
          .with_hint("TCP port rules need Linux >= 6.7 (ABI 4)");
    }
    attr.handled_access_net = sys::kLandlockNetBindTcp | sys::kLandlockNetConnectTcp;
  }
  attr.scoped = handled_scopes(abi);  // below ABI 6: seal() has refused, or recorded the skip
  // Older ABIs know a shorter struct: pass only the fields they understand.
  std::size_t size = sizeof(attr);
  if (abi < 6) size = offsetof(sys::LandlockRulesetAttr, scoped);
  if (abi < 4) size = offsetof(sys::LandlockRulesetAttr, handled_access_net);
  const int fd = sys::landlock_create_ruleset(attr, size);
  if (fd < 0) return Error::from_errno("cannot create the Landlock ruleset");
  return Ruleset(UniqueFd(fd), abi);
}

int Ruleset::allow_fd(int fd, std::uint64_t rights, bool is_directory) const noexcept {
  sys::LandlockPathBeneathAttr rule;
  rule.allowed_access = rights & handled_fs(abi_);
  if (!is_directory) rule.allowed_access &= kFileRights;
  if (rule.allowed_access == 0) return 0;
  rule.parent_fd = fd;
  if (sys::landlock_add_rule(fd_.get(), sys::kLandlockRulePathBeneath, &rule) != 0) return errno;
  return 0;
}

Result<void> Ruleset::allow_path(const std::string& path, std::uint64_t rights) {
  UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd) return Error::from_errno("cannot open " + path + " for a Landlock rule");
  return allow_open_path(path, fd.get(), rights);
}

Result<void> Ruleset::allow_path_if_present(const std::string& path, std::uint64_t rights) {
  UniqueFd fd(::open(path.c_str(), O_PATH | O_CLOEXEC));
  if (!fd && (errno == ENOENT || errno == ENOTDIR || errno == EACCES)) return success();
  if (!fd) return Error::from_errno("cannot open " + path + " for a Landlock rule");
  return allow_open_path(path, fd.get(), rights);
}

Result<void> Ruleset::allow_open_path(const std::string& path, int fd, std::uint64_t rights) {
  struct stat st {};
  if (::fstat(fd, &st) != 0) return Error::from_errno("cannot stat " + path);
  if (const int err = allow_fd(fd, rights, S_ISDIR(st.st_mode)); err != 0) {
    return Error("cannot grant " + path + " in Landlock", err);
  }
  return success();
}

Result<void> Ruleset::allow_port(std::uint16_t port, std::uint64_t net_rights) {
  sys::LandlockNetPortAttr rule;
  rule.allowed_access = net_rights;
  rule.port = port;
  if (sys::landlock_add_rule(fd_.get(), sys::kLandlockRuleNetPort, &rule) != 0) {
    return Error::from_errno("cannot allow TCP port " + std::to_string(port) + " in Landlock");
  }
  return success();
}

int restrict_self(int ruleset_fd) noexcept {
  return sys::landlock_restrict_self(ruleset_fd) == 0 ? 0 : errno;
}

}  // namespace sandbox::landlock
