// A syscall-bound loop for the seccomp benchmark: N (default 5000000) calls
// of getppid(2), through syscall(2) so that libc cannot cache or skip them.
#include <sys/syscall.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>

int main(int argc, char** argv) {
  const long n = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 5000000;
  long sum = 0;
  for (long i = 0; i < n; ++i) sum += ::syscall(SYS_getppid);
  // Printing the sum keeps the loop from being optimised away.
  std::printf("%ld\n", sum);
  return 0;
}
