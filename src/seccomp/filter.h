// seccomp: the system-call filter of the sandboxed program (DESIGN §7).
//
// The filter is compiled with libseccomp in the supervisor, before clone3,
// and exported to classic BPF once; the child only loads the finished
// program (install), last before execve, after no_new_privs. Loading is
// async-signal-safe and allocates nothing.
//
// The program's filter is a deny list over a default ALLOW: denied calls get
// EPERM (clone3 gets ENOSYS so that libc falls back to clone, whose flags the
// filter can inspect). Any other ABI (i386, x32) kills the process.
// The init filter, for the sandbox's pid 1, is an allow list over EPERM.
#pragma once

#include <linux/filter.h>

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "sandbox/error.h"

namespace sandbox::seccomp {

struct FilterOptions {
  // Weakening (profile/option): ptrace, process_vm_readv/writev,
  // pidfd_getfd and process_madvise are allowed.
  bool allow_ptrace = false;
  // --seccomp=log: every deny (EPERM, clone3's ENOSYS and the other-ABI kill)
  // becomes SCMP_ACT_LOG, so the call runs and the kernel logs it. For learning.
  bool log_only = false;
  // --static-only: memfd_create without MFD_NOEXEC_SEAL gets EPERM, because
  // Landlock does not cover memfds (facts/kernel.md §8).
  bool static_only = false;
  // --net=host without --allow-udp: socket(AF_INET/AF_INET6, SOCK_DGRAM or
  // SOCK_RAW) and socket(AF_PACKET, ...) get EPERM.
  bool deny_inet_udp_raw = false;
  // --explain (DESIGN §12): the deny list returns SECCOMP_RET_TRACE with
  // data kTraceDenied (the tracer skips the call and answers EPERM) and the
  // observed calls (paths, exec, network, signals, fork) return
  // SECCOMP_RET_TRACE with data kTraceObserved. Without a tracer every traced
  // call fails with ENOSYS: it fails closed.
  bool explain = false;
};

// SECCOMP_RET_DATA of the explain variant's TRACE actions.
inline constexpr std::uint16_t kTraceDenied = 1;
inline constexpr std::uint16_t kTraceObserved = 2;

// A compiled classic-BPF program: what prctl(PR_SET_SECCOMP) loads.
class Program {
 public:
  Program() = default;
  explicit Program(std::vector<sock_filter> instructions);
  Program(const Program& other);
  Program& operator=(const Program& other);
  Program(Program&& other) noexcept;
  Program& operator=(Program&& other) noexcept;
  ~Program() = default;

  // Points into this Program: valid while it lives and is not reassigned.
  const sock_fprog& fprog() const { return fprog_; }
  std::size_t size() const { return instructions_.size(); }
  std::span<const sock_filter> instructions() const { return instructions_; }

 private:
  void point_fprog();

  std::vector<sock_filter> instructions_;
  sock_fprog fprog_{};
};

// The filter of the sandboxed program. Called in the supervisor before clone3.
Result<Program> compile(const FilterOptions& options);

// A tight allow list for the sandbox's pid 1, which only reaps children,
// forwards signals and writes to a pipe. Everything else (execve, fork,
// ptrace, ioctl, open, socket...) gets EPERM; other ABIs are killed.
Result<Program> compile_init_filter();

// Loads the program into the calling thread (SECCOMP_MODE_FILTER via prctl).
// Needs no_new_privs (or CAP_SYS_ADMIN). Async-signal-safe, no allocation:
// called in the forked child. Returns 0 or an errno.
int install(const Program& program) noexcept;

}  // namespace sandbox::seccomp
