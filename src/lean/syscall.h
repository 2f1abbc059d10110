// Raw system calls for the lean client (lean/client.cc), which runs before
// glibc is set up: no errno (a failure is the negative errno returned), no
// TLS, nothing to link. x86-64 only.
#pragma once

#include <sys/syscall.h>

namespace sandbox::lean::sys {

[[gnu::always_inline]] inline long call(long number, long a = 0, long b = 0, long c = 0, long d = 0, long e = 0,
                                        long f = 0) {
  register long r10 asm("r10") = d;
  register long r8 asm("r8") = e;
  register long r9 asm("r9") = f;
  long result;
  asm volatile("syscall"
               : "=a"(result)
               : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
               : "rcx", "r11", "memory");
  return result;
}

template <typename P>
long arg(P* pointer) {
  return reinterpret_cast<long>(pointer);
}

inline long close(int fd) { return call(SYS_close, fd); }

[[noreturn]] inline void exit_group(int status) {
  for (;;) call(SYS_exit_group, status);
}

}  // namespace sandbox::lean::sys
