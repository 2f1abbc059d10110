// The --explain variant of the program's seccomp filter (DESIGN §12),
// evaluated in user space: the observed calls stop for the tracer, the deny
// list stops as denied (the tracer answers EPERM), nothing else changes.
#include <gtest/gtest.h>

#if defined(__x86_64__)

#include <fcntl.h>
#include <linux/audit.h>
#include <linux/sched.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include <array>
#include <cstdint>

#include "seccomp/bpf_eval.h"
#include "seccomp/filter.h"

namespace sandbox::seccomp {
namespace {

using Args = std::array<std::uint64_t, 6>;
constexpr std::uint32_t kTraceDeniedRet = SECCOMP_RET_TRACE | kTraceDenied;
constexpr std::uint32_t kObservedRet = SECCOMP_RET_TRACE | kTraceObserved;

std::uint32_t verdict(const Program& program, long nr, const Args& args = {},
                      std::uint32_t arch = AUDIT_ARCH_X86_64) {
  auto result = evaluate(program.instructions(), make_syscall_data(arch, static_cast<int>(nr), args));
  EXPECT_TRUE(result.ok());
  return result.ok() ? *result : 0xdeadbeefU;
}

Program explain_filter(bool deny_udp = false) {
  FilterOptions options;
  options.explain = true;
  options.deny_inet_udp_raw = deny_udp;
  auto program = compile(options);
  EXPECT_TRUE(program.ok());
  return program.ok() ? std::move(program).value() : Program();
}

TEST(ExplainFilter, ObservedCallsStopForTheTracer) {
  const Program p = explain_filter();
  for (long nr : {SYS_openat, SYS_open, SYS_execve, SYS_mkdirat, SYS_unlinkat, SYS_renameat2, SYS_connect,
                  SYS_bind, SYS_kill, SYS_tgkill, SYS_chdir, SYS_fork}) {
    EXPECT_EQ(verdict(p, nr), kObservedRet) << "syscall " << nr;
  }
}

TEST(ExplainFilter, FstatStyleCallsOnADescriptorDoNotStop) {
  const Program p = explain_filter();
  EXPECT_EQ(verdict(p, SYS_newfstatat, {3, 0, 0, AT_EMPTY_PATH}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(p, SYS_newfstatat, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0, 0}), kObservedRet);
  EXPECT_EQ(verdict(p, SYS_statx, {3, 0, AT_EMPTY_PATH, 0}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(p, SYS_statx, {static_cast<std::uint64_t>(AT_FDCWD), 0, 0, 0}), kObservedRet);
}

// A datagram's destination: sendto with one (send() on a connected socket
// is sendto without one, and runs unstopped), sendmsg and sendmmsg always.
TEST(ExplainFilter, SendsWithADestinationStop) {
  const Program p = explain_filter();
  EXPECT_EQ(verdict(p, SYS_sendto, {3, 0x1000, 5, 0, 0x2000, 16}), kObservedRet);
  EXPECT_EQ(verdict(p, SYS_sendto, {3, 0x1000, 5, 0, 0, 0}), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(p, SYS_sendmsg), kObservedRet);
  EXPECT_EQ(verdict(p, SYS_sendmmsg), kObservedRet);
}

TEST(ExplainFilter, OtherCallsRunUnstopped) {
  const Program p = explain_filter();
  for (long nr : {SYS_getppid, SYS_read, SYS_write, SYS_mmap, SYS_close, SYS_fstat}) {
    EXPECT_EQ(verdict(p, nr), SECCOMP_RET_ALLOW) << "syscall " << nr;
  }
}

TEST(ExplainFilter, TheDenyListStopsAsDeniedAndCloneKeepsItsFlagCheck) {
  const Program p = explain_filter();
  EXPECT_EQ(verdict(p, SYS_unshare), kTraceDeniedRet);
  EXPECT_EQ(verdict(p, SYS_mount), kTraceDeniedRet);
  EXPECT_EQ(verdict(p, SYS_ptrace), kTraceDeniedRet);
  // clone: a new namespace is denied, a plain fork or thread is observed.
  EXPECT_EQ(verdict(p, SYS_clone, {CLONE_NEWUSER}), kTraceDeniedRet);
  EXPECT_EQ(verdict(p, SYS_clone, {CLONE_NEWNET | CLONE_VM}), kTraceDeniedRet);
  EXPECT_EQ(verdict(p, SYS_clone, {CLONE_VM | CLONE_THREAD | CLONE_SIGHAND}), kObservedRet);
  // clone3 keeps ENOSYS (libc falls back to clone).
  EXPECT_EQ(verdict(p, SYS_clone3), SECCOMP_RET_ERRNO | ENOSYS);
  // Other ABIs are still killed.
  EXPECT_EQ(verdict(p, SYS_getppid, {}, AUDIT_ARCH_I386), SECCOMP_RET_KILL_PROCESS);
}

TEST(ExplainFilter, UdpSocketsUnderNetHostStopAsDenied) {
  const Program p = explain_filter(true);
  EXPECT_EQ(verdict(p, SYS_socket, {AF_INET, SOCK_DGRAM}), kTraceDeniedRet);
  EXPECT_EQ(verdict(p, SYS_socket, {AF_INET, SOCK_STREAM}), SECCOMP_RET_ALLOW);
}

TEST(ExplainFilter, WithoutExplainNothingIsTraced) {
  auto program = compile({});
  ASSERT_TRUE(program.ok());
  EXPECT_EQ(verdict(*program, SYS_openat), SECCOMP_RET_ALLOW);
  EXPECT_EQ(verdict(*program, SYS_unshare), SECCOMP_RET_ERRNO | EPERM);
}

}  // namespace
}  // namespace sandbox::seccomp

#endif  // __x86_64__
