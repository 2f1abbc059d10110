// A static test binary for --static-only (linked -static by tests/CMakeLists.txt).
//   static_memfd               prints "static ok", exits 0
//   static_memfd memfd         copies itself into memfd_create(MFD_CLOEXEC) and fexecve()s it
//   static_memfd memfd-sealed  the same with MFD_NOEXEC_SEAL (the kernel refuses to execute it)
//   static_memfd exec PATH     execve(PATH)
// Like the other probes, a failure exits with the errno it got.
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

namespace {

constexpr unsigned kMfdNoexecSeal = 0x0008U;  // Linux 6.3, not in the 6.1 headers

void say(const char* text) { [[maybe_unused]] ssize_t n = ::write(1, text, strlen(text)); }

int copy_self_and_exec(unsigned flags, char** envp) {
  const int fd = static_cast<int>(::syscall(SYS_memfd_create, "payload", flags));
  if (fd < 0) return errno;
  const int self = ::open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (self < 0) return errno;
  char buf[65536];
  for (;;) {
    const ssize_t n = ::read(self, buf, sizeof(buf));
    if (n < 0) return errno;
    if (n == 0) break;
    if (::write(fd, buf, static_cast<size_t>(n)) != n) return errno;
  }
  char name[] = "static_memfd";
  char* argv[] = {name, nullptr};
  ::fexecve(fd, argv, envp);
  return errno;
}

}  // namespace

int main(int argc, char** argv, char** envp) {
  if (argc < 2) {
    say("static ok\n");
    return 0;
  }
  if (strcmp(argv[1], "memfd") == 0) return copy_self_and_exec(MFD_CLOEXEC, envp);
  if (strcmp(argv[1], "memfd-sealed") == 0) return copy_self_and_exec(MFD_CLOEXEC | kMfdNoexecSeal, envp);
  if (strcmp(argv[1], "exec") == 0 && argc > 2) {
    char* args[] = {argv[2], nullptr};
    ::execve(argv[2], args, envp);
    return errno;
  }
  return 64;
}
