// mem_hog [MIB]: allocates and touches MIB MiB (default 512) in 16 MiB steps.
// Exits 0 when all of it was touched, ENOMEM when an allocation failed
// (RLIMIT_AS); the memory cgroup's OOM killer ends it with SIGKILL instead.
#include <sys/mman.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>

int main(int argc, char** argv) {
  const long total_mib = argc > 1 ? std::strtol(argv[1], nullptr, 10) : 512;
  constexpr long kStepMib = 16;
  for (long done = 0; done < total_mib; done += kStepMib) {
    const std::size_t bytes = static_cast<std::size_t>(kStepMib) << 20;
    void* block = ::mmap(nullptr, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (block == MAP_FAILED) {
      std::printf("mem_hog: allocation failed after %ld MiB: %s\n", done, std::strerror(errno));
      return ENOMEM;
    }
    std::memset(block, 0x5a, bytes);  // touch every page: resident, charged
  }
  std::printf("mem_hog: touched %ld MiB\n", total_mib);
  return 0;
}
