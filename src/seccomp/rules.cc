#include "seccomp/rules.h"

#include <linux/sched.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>
#include <initializer_list>
#include <string>

namespace sandbox::seccomp {
namespace {

// A 32-bit argument (int, unsigned int) is compared on its low half only: the
// kernel ignores the high half, so a plain 64-bit compare is bypassed by
// setting high bits (ioctl(fd, TIOCSTI | 1UL << 32): facts/kernel.md §3).
constexpr std::uint64_t kLow32 = 0xffffffffULL;

// MFD_NOEXEC_SEAL (Linux 6.3); glibc 2.36's headers do not have it.
constexpr std::uint64_t kMfdNoexecSeal = 0x0008U;
// SOCK_NONBLOCK and SOCK_CLOEXEC live above the type's low four bits.
constexpr std::uint64_t kSockTypeMask = 0xf;

// Calls that break out of, or widen, the sandbox's view of the kernel.
constexpr const char* kDenied[] = {
    // Kernel and machine state.
    "init_module", "finit_module", "delete_module", "kexec_load", "kexec_file_load", "reboot",
    "swapon", "swapoff", "acct", "quotactl", "quotactl_fd", "syslog",
    // The mount family: the view is built by us, before the program runs.
    "mount", "umount", "umount2", "pivot_root", "fsopen", "fsconfig", "fsmount", "fspick",
    "move_mount", "open_tree", "open_tree_attr", "mount_setattr",
    // New namespaces or joining others (clone's flags are checked below).
    "unshare", "setns",
    // Kernel keyrings are not namespaced.
    "keyctl", "add_key", "request_key",
    // Large kernel attack surface that ordinary programs do not need.
    "bpf", "perf_event_open", "userfaultfd", "io_uring_setup", "io_uring_enter",
    "io_uring_register",
    // File handles bypass the mount view (the "shocker" escape).
    "open_by_handle_at", "name_to_handle_at",
    // Raw port I/O and clock setters.
    "iopl", "ioperm", "settimeofday", "stime", "clock_settime", "clock_adjtime", "adjtimex",
    // Obsolete calls with a history of bugs (absent ones are skipped).
    "lookup_dcookie", "vm86", "vm86old", "nfsservctl", "uselib", "_sysctl",
};

// Calls that read or change another process, allowed by allow_ptrace.
constexpr const char* kPtrace[] = {
    "ptrace", "process_vm_readv", "process_vm_writev", "pidfd_getfd", "process_madvise",
};

// Each flag gets its own rule: rules are OR-ed, conditions within one AND-ed.
// clone's flags are arg0 on x86_64 (arg order differs on some ABIs, but the
// flags come first everywhere). The mask keeps the high half out of it.
// CLONE_NEWTIME (0x80) sits in clone's exit-signal byte, where valid signals
// never set it; it is denied anyway in case a kernel ever reads it there.
constexpr std::uint64_t kCloneNewFlags[] = {
    CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWUSER,
    CLONE_NEWPID, CLONE_NEWNET, 0x00000080 /* CLONE_NEWTIME */,
};

// --explain: the calls whose failure a grant may explain (DESIGN §12).
constexpr const char* kObserved[] = {
    // Paths: open, create, exec, remove, rename, link, list, probe.
    "open", "openat", "openat2", "creat", "execve", "execveat", "mkdir", "mkdirat", "mknod",
    "mknodat", "unlink", "unlinkat", "rmdir", "rename", "renameat", "renameat2", "link", "linkat",
    "symlink", "symlinkat", "truncate", "chdir", "stat", "lstat", "access", "faccessat",
    "faccessat2", "readlink", "readlinkat", "statfs", "inotify_add_watch",
    // Network.
    "connect", "bind",
    // Signals.
    "kill", "tkill", "tgkill", "pidfd_send_signal", "rt_sigqueueinfo", "rt_tgsigqueueinfo",
    // Processes (--pids).
    "fork", "vfork",
};
// AT_EMPTY_PATH: an fstat-style call on a descriptor names no path.
constexpr std::uint64_t kAtEmptyPath = 0x1000;
// Every CLONE_NEW* flag the deny list checks, for clone's complement rule.
constexpr std::uint64_t kAllCloneNew = CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
                                       CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET | 0x00000080;

// The pid 1 of the sandbox reaps, forwards signals, writes a status to a pipe.
constexpr const char* kInitAllowed[] = {
    "read", "write", "readv", "writev", "close", "exit", "exit_group",
    "wait4", "waitid", "kill", "tkill", "tgkill", "pidfd_send_signal",
    "rt_sigaction", "rt_sigprocmask", "rt_sigreturn", "rt_sigtimedwait", "rt_sigsuspend",
    "rt_sigpending", "sigaltstack", "restart_syscall", "signalfd4",
    "clock_gettime", "gettimeofday", "clock_nanosleep", "nanosleep",
    "poll", "ppoll", "pselect6", "epoll_wait", "epoll_pwait", "epoll_pwait2", "epoll_ctl",
    "prctl", "getpid", "getppid", "gettid", "sched_yield", "futex",
    "brk", "mmap", "munmap", "madvise", "fstat", "newfstatat", "lseek", "fcntl", "getrandom",
    "getrusage",    // its exit report carries what the sandbox used
    "close_range",  // its copies of the command's descriptors go before that report
};

// Syscalls newer than libseccomp 2.5.4's tables.
struct RawSyscall {
  const char* name;
  int nr;
};
#if defined(__x86_64__)
constexpr RawSyscall kRawSyscalls[] = {{"open_tree_attr", 467}};
#else
constexpr RawSyscall kRawSyscalls[] = {{"", -1}};
#endif

Result<void> add_rule(scmp_filter_ctx ctx, std::uint32_t action, const char* name,
                      std::initializer_list<scmp_arg_cmp> conditions = {}) {
  const int nr = resolve_syscall(name);
  if (nr < 0) return success();  // not on this ABI: nothing to filter
  const int rc = seccomp_rule_add_array(ctx, action, nr, static_cast<unsigned>(conditions.size()),
                                        conditions.begin());
  if (rc < 0) return Error(std::string("seccomp: cannot add the rule for ") + name, -rc);
  return success();
}

scmp_arg_cmp masked_eq(unsigned arg, std::uint64_t mask, std::uint64_t value) {
  return scmp_arg_cmp{arg, SCMP_CMP_MASKED_EQ, mask, value};
}

Result<void> add_socket_rules(scmp_filter_ctx ctx, std::uint32_t deny) {
  for (const int domain : {AF_INET, AF_INET6}) {
    for (const int type : {SOCK_DGRAM, SOCK_RAW}) {
      auto added = add_rule(ctx, deny, "socket",
                            {masked_eq(0, kLow32, static_cast<std::uint64_t>(domain)),
                             masked_eq(1, kSockTypeMask, static_cast<std::uint64_t>(type))});
      if (!added) return added;
    }
  }
  return add_rule(ctx, deny, "socket", {masked_eq(0, kLow32, AF_PACKET)});
}

}  // namespace

int resolve_syscall(const char* name) {
  const int nr = seccomp_syscall_resolve_name(name);
  // __NR_SCMP_ERROR (-1), or a negative pseudo-number for a call this ABI lacks.
  if (nr >= 0) return nr;
  for (const RawSyscall& raw : kRawSyscalls) {
    if (std::strcmp(raw.name, name) == 0) return raw.nr;
  }
  return -1;
}

Result<void> add_deny_rules(scmp_filter_ctx ctx, const FilterOptions& options,
                            const DenyActions& actions) {
  for (const char* name : kDenied) {
    if (auto added = add_rule(ctx, actions.deny, name); !added) return added;
  }
  if (!options.allow_ptrace) {
    for (const char* name : kPtrace) {
      if (auto added = add_rule(ctx, actions.deny, name); !added) return added;
    }
  }
  // setgroups "succeeds" and changes nothing. The user namespace was made
  // with setgroups denied (/proc/self/setgroups "deny", permanent for it and
  // every namespace beneath) and the program holds no capability: the
  // kernel refuses the call to everyone in the sandbox, so this gives no
  // group to anyone and drops none. It only spares programs that re-assert
  // their own identity as root (xterm's initgroups() before it starts the
  // shell) from dying of an EPERM that cannot matter. DESIGN-DEPARTURES.md.
  if (auto added = add_rule(ctx, SCMP_ACT_ERRNO(0), "setgroups"); !added) return added;
  // clone3 passes its flags in memory, where BPF cannot look: ENOSYS makes
  // glibc fall back to clone, whose flags are checked here.
  if (auto added = add_rule(ctx, actions.enosys, "clone3"); !added) return added;
  for (const std::uint64_t flag : kCloneNewFlags) {
    if (auto added = add_rule(ctx, actions.deny, "clone", {masked_eq(0, flag, flag)}); !added) {
      return added;
    }
  }
  // Terminal input injection (TIOCSTI) and the VT console's selection/paste
  // and other subcommands (TIOCLINUX).
  for (const unsigned long cmd : {TIOCSTI, TIOCLINUX}) {
    auto added = add_rule(ctx, actions.deny, "ioctl", {masked_eq(1, kLow32, cmd)});
    if (!added) return added;
  }
  if (options.static_only) {
    auto added = add_rule(ctx, actions.deny, "memfd_create", {masked_eq(1, kMfdNoexecSeal, 0)});
    if (!added) return added;
  }
  if (options.deny_inet_udp_raw) {
    if (auto added = add_socket_rules(ctx, actions.deny); !added) return added;
  }
  return success();
}

Result<void> add_observe_rules(scmp_filter_ctx ctx) {
  const std::uint32_t observe = SCMP_ACT_TRACE(kTraceObserved);
  for (const char* name : kObserved) {
    if (auto added = add_rule(ctx, observe, name); !added) return added;
  }
  // The stat family with a path (AT_EMPTY_PATH is fstat on a descriptor).
  if (auto added = add_rule(ctx, observe, "newfstatat", {masked_eq(3, kAtEmptyPath, 0)}); !added) return added;
  if (auto added = add_rule(ctx, observe, "statx", {masked_eq(2, kAtEmptyPath, 0)}); !added) return added;
  // Datagrams to an address --net=filtered screens (a dropped datagram fails
  // at most the send): sendto with a destination (without one it is send()
  // on a connected socket, whose connect was observed), and sendmsg and
  // sendmmsg, whose destination sits in memory the filter cannot read.
  if (auto added = add_rule(ctx, observe, "sendto", {scmp_arg_cmp{4, SCMP_CMP_NE, 0, 0}}); !added) return added;
  for (const char* name : {"sendmsg", "sendmmsg"}) {
    if (auto added = add_rule(ctx, observe, name); !added) return added;
  }
  // clone without any CLONE_NEW* flag: disjoint from the deny rules above.
  return add_rule(ctx, observe, "clone", {masked_eq(0, kAllCloneNew, 0)});
}

Result<void> add_init_allow_rules(scmp_filter_ctx ctx) {
  for (const char* name : kInitAllowed) {
    if (auto added = add_rule(ctx, SCMP_ACT_ALLOW, name); !added) return added;
  }
  return success();
}

}  // namespace sandbox::seccomp
