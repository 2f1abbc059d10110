// The floor of the seccomp benchmark: runs a program under a one-instruction
// seccomp filter that allows everything, and no other confinement. What the
// getppid loop loses here is the kernel's seccomp entry path, which every
// seccomp sandbox pays whatever its filter (BENCHMARKS.md).
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: seccomp_allow_all PROGRAM [ARG...]\n");
    return 2;
  }
  sock_filter allow[] = {BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW)};
  sock_fprog program{1, allow};
  if (::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
      ::prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &program) != 0) {
    std::perror("seccomp_allow_all: seccomp");
    return 1;
  }
  ::execv(argv[1], argv + 1);
  std::perror("seccomp_allow_all: execv");
  return 127;
}
