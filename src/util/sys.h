// The one thin layer of raw system calls that glibc 2.36 does not wrap,
// with the constants that the Linux 6.1 headers do not know yet.
// Every function returns what the kernel returned (-1 and errno on failure).
#pragma once

#include <fcntl.h>
#include <linux/landlock.h>
#include <linux/mount.h>
#include <linux/sched.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <sys/types.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>

namespace sandbox::sys {

// ---- clone3 / pidfd -------------------------------------------------------
struct CloneArgs {
  std::uint64_t flags = 0;
  std::uint64_t pidfd = 0;
  std::uint64_t child_tid = 0;
  std::uint64_t parent_tid = 0;
  std::uint64_t exit_signal = 0;
  std::uint64_t stack = 0;
  std::uint64_t stack_size = 0;
  std::uint64_t tls = 0;
  std::uint64_t set_tid = 0;
  std::uint64_t set_tid_size = 0;
  std::uint64_t cgroup = 0;
};
inline constexpr std::uint64_t kCloneIntoCgroup = 0x200000000ULL;

// Forks like fork(2) (no new stack): returns 0 in the child.
pid_t clone3(CloneArgs& args);
int pidfd_open(pid_t pid, unsigned flags = 0);
// A copy of descriptor `fd` of the process pidfd refers to (ptrace access to it).
int pidfd_getfd(int pidfd, int fd);
int pidfd_send_signal(int pidfd, int sig);
int close_range(unsigned first, unsigned last, unsigned flags = 0);
// Closes every descriptor from `first` up but those in keep[0, count) (-1
// entries and those below `first` are ignored; keep is sorted in place).
// Allocates nothing: safe between clone and exec. 0, or the errno.
int close_all_except(unsigned first, int* keep, std::size_t count) noexcept;
// waitid(2) as the kernel has it: also returns the rusage of the reaped
// child, which includes every descendant it reaped itself.
int waitid(idtype_t type, id_t id, siginfo_t* info, int options, struct rusage* usage);
inline constexpr idtype_t kPidfd = static_cast<idtype_t>(3);  // P_PIDFD (glibc 2.36 lacks it)

// ---- openat2 (path resolution confined beneath a directory) -------------
// RESOLVE_* flags as <linux/openat2.h>; returns an fd or -1 and errno.
int openat2(int dirfd, const char* path, int flags, unsigned mode, std::uint64_t resolve);

// ---- new mount API --------------------------------------------------------
struct MountAttr {
  std::uint64_t attr_set = 0;
  std::uint64_t attr_clr = 0;
  std::uint64_t propagation = 0;
  std::uint64_t userns_fd = 0;
};
int open_tree(int dirfd, const char* path, unsigned flags);
int move_mount(int from_dirfd, const char* from_path, int to_dirfd, const char* to_path,
               unsigned flags);
int mount_setattr(int dirfd, const char* path, unsigned flags, const MountAttr& attr);
int fsopen(const char* fsname, unsigned flags);
int fsconfig(int fd, unsigned cmd, const char* key, const void* value, int aux);
int fsmount(int fd, unsigned flags, unsigned attr_flags);
int pivot_root(const char* new_root, const char* put_old);

// ---- Landlock (ABI up to 7) -----------------------------------------------
inline constexpr std::uint64_t kLandlockFsExecute = 1ULL << 0;
inline constexpr std::uint64_t kLandlockFsWriteFile = 1ULL << 1;
inline constexpr std::uint64_t kLandlockFsReadFile = 1ULL << 2;
inline constexpr std::uint64_t kLandlockFsReadDir = 1ULL << 3;
inline constexpr std::uint64_t kLandlockFsRemoveDir = 1ULL << 4;
inline constexpr std::uint64_t kLandlockFsRemoveFile = 1ULL << 5;
inline constexpr std::uint64_t kLandlockFsMakeChar = 1ULL << 6;
inline constexpr std::uint64_t kLandlockFsMakeDir = 1ULL << 7;
inline constexpr std::uint64_t kLandlockFsMakeReg = 1ULL << 8;
inline constexpr std::uint64_t kLandlockFsMakeSock = 1ULL << 9;
inline constexpr std::uint64_t kLandlockFsMakeFifo = 1ULL << 10;
inline constexpr std::uint64_t kLandlockFsMakeBlock = 1ULL << 11;
inline constexpr std::uint64_t kLandlockFsMakeSym = 1ULL << 12;
inline constexpr std::uint64_t kLandlockFsRefer = 1ULL << 13;     // ABI 2
inline constexpr std::uint64_t kLandlockFsTruncate = 1ULL << 14;  // ABI 3
inline constexpr std::uint64_t kLandlockFsIoctlDev = 1ULL << 15;  // ABI 5
inline constexpr std::uint64_t kLandlockNetBindTcp = 1ULL << 0;   // ABI 4
inline constexpr std::uint64_t kLandlockNetConnectTcp = 1ULL << 1;
inline constexpr std::uint64_t kLandlockScopeAbstractUnix = 1ULL << 0;  // ABI 6
inline constexpr std::uint64_t kLandlockScopeSignal = 1ULL << 1;
inline constexpr unsigned kLandlockRulePathBeneath = 1;
inline constexpr unsigned kLandlockRuleNetPort = 2;

struct LandlockRulesetAttr {
  std::uint64_t handled_access_fs = 0;
  std::uint64_t handled_access_net = 0;
  std::uint64_t scoped = 0;
};
struct __attribute__((packed)) LandlockPathBeneathAttr {
  std::uint64_t allowed_access = 0;
  std::int32_t parent_fd = -1;
};
struct LandlockNetPortAttr {
  std::uint64_t allowed_access = 0;
  std::uint64_t port = 0;
};
// Returns the ABI version (>= 1), or -1 with errno (ENOSYS, EOPNOTSUPP).
int landlock_abi_version();
int landlock_create_ruleset(const LandlockRulesetAttr& attr, std::size_t size);
int landlock_add_rule(int ruleset_fd, unsigned rule_type, const void* rule_attr);
int landlock_restrict_self(int ruleset_fd, unsigned flags = 0);

}  // namespace sandbox::sys
