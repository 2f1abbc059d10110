#include "launch/vfork.h"

#include <sched.h>
#include <signal.h>
#include <sys/mman.h>

#include <cerrno>
#include <cstddef>

namespace sandbox::launch {
namespace {

// Enough for run_command and the library calls under it; a PROT_NONE page
// below catches an overflow instead of letting it write into other memory.
constexpr std::size_t kStackSize = 256 * 1024;
constexpr std::size_t kGuardSize = 4096;

}  // namespace

pid_t start_vforked(int (*fn)(void*), void* arg) noexcept {
  void* region = ::mmap(nullptr, kGuardSize + kStackSize, PROT_NONE,
                        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
  if (region == MAP_FAILED) return -1;
  auto* base = static_cast<unsigned char*>(region);
  if (::mprotect(base + kGuardSize, kStackSize, PROT_READ | PROT_WRITE) != 0) {
    const int err = errno;
    ::munmap(region, kGuardSize + kStackSize);
    errno = err;
    return -1;
  }
  // The stack grows down on every architecture we build for.
  const pid_t pid = ::clone(fn, base + kGuardSize + kStackSize, CLONE_VM | CLONE_VFORK | SIGCHLD, arg);
  const int err = errno;
  ::munmap(region, kGuardSize + kStackSize);  // the child has exec'd or exited: the stack is free
  errno = err;
  return pid;
}

}  // namespace sandbox::launch
