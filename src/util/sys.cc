#include "util/sys.h"

#include <linux/openat2.h>

#include <cerrno>
#include <utility>

namespace sandbox::sys {

pid_t clone3(CloneArgs& args) {
  return static_cast<pid_t>(::syscall(SYS_clone3, &args, sizeof(args)));
}
int pidfd_open(pid_t pid, unsigned flags) {
  return static_cast<int>(::syscall(SYS_pidfd_open, pid, flags));
}
int pidfd_getfd(int pidfd, int fd) {
  return static_cast<int>(::syscall(SYS_pidfd_getfd, pidfd, fd, 0));
}
int pidfd_send_signal(int pidfd, int sig) {
  return static_cast<int>(::syscall(SYS_pidfd_send_signal, pidfd, sig, nullptr, 0));
}
int waitid(idtype_t type, id_t id, siginfo_t* info, int options, struct rusage* usage) {
  return static_cast<int>(::syscall(SYS_waitid, type, id, info, options, usage));
}
int close_range(unsigned first, unsigned last, unsigned flags) {
  return static_cast<int>(::syscall(SYS_close_range, first, last, flags));
}

int close_all_except(unsigned first, int* keep, std::size_t count) noexcept {
  for (std::size_t i = 1; i < count; ++i) {  // insertion sort: a handful, no allocation
    for (std::size_t j = i; j > 0 && keep[j - 1] > keep[j]; --j) std::swap(keep[j - 1], keep[j]);
  }
  for (std::size_t i = 0; i < count; ++i) {
    if (keep[i] < 0 || static_cast<unsigned>(keep[i]) < first) continue;
    const auto fd = static_cast<unsigned>(keep[i]);
    if (fd > first && close_range(first, fd - 1) != 0) return errno;
    first = fd + 1;
  }
  return close_range(first, ~0U) == 0 ? 0 : errno;
}
int openat2(int dirfd, const char* path, int flags, unsigned mode, std::uint64_t resolve) {
  open_how how{};
  how.flags = static_cast<std::uint64_t>(static_cast<unsigned>(flags));
  how.mode = mode;
  how.resolve = resolve;
  return static_cast<int>(::syscall(SYS_openat2, dirfd, path, &how, sizeof(how)));
}
int open_tree(int dirfd, const char* path, unsigned flags) {
  return static_cast<int>(::syscall(SYS_open_tree, dirfd, path, flags));
}
int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
               unsigned flags) {
  return static_cast<int>(
      ::syscall(SYS_move_mount, from_dirfd, from_path, to_dirfd, to_path, flags));
}
int mount_setattr(int dirfd, const char* path, unsigned flags, const MountAttr& attr) {
  return static_cast<int>(::syscall(SYS_mount_setattr, dirfd, path, flags, &attr, sizeof(attr)));
}
int fsopen(const char* fsname, unsigned flags) {
  return static_cast<int>(::syscall(SYS_fsopen, fsname, flags));
}
int fsconfig(int fd, unsigned cmd, const char* key, const void* value, int aux) {
  return static_cast<int>(::syscall(SYS_fsconfig, fd, cmd, key, value, aux));
}
int fsmount(int fd, unsigned flags, unsigned attr_flags) {
  return static_cast<int>(::syscall(SYS_fsmount, fd, flags, attr_flags));
}
int pivot_root(const char* new_root, const char* put_old) {
  return static_cast<int>(::syscall(SYS_pivot_root, new_root, put_old));
}
int landlock_abi_version() {
  return static_cast<int>(
      ::syscall(SYS_landlock_create_ruleset, nullptr, 0, LANDLOCK_CREATE_RULESET_VERSION));
}
int landlock_create_ruleset(const LandlockRulesetAttr& attr, std::size_t size) {
  return static_cast<int>(::syscall(SYS_landlock_create_ruleset, &attr, size, 0));
}
int landlock_add_rule(int ruleset_fd, unsigned rule_type, const void* rule_attr) {
  return static_cast<int>(::syscall(SYS_landlock_add_rule, ruleset_fd, rule_type, rule_attr, 0));
}
int landlock_restrict_self(int ruleset_fd, unsigned flags) {
  return static_cast<int>(::syscall(SYS_landlock_restrict_self, ruleset_fd, flags));
}

}  // namespace sandbox::sys
