// busy_loop [SECONDS]: spins on one core for SECONDS of wall clock (default
// 2), then prints "wall W cpu C" (seconds) and exits 0.
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>

namespace {

double now() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) / 1e9;
}

}  // namespace

int main(int argc, char** argv) {
  const double duration = argc > 1 ? std::strtod(argv[1], nullptr) : 2.0;
  const double start = now();
  volatile unsigned long spins = 0;
  while (now() - start < duration) {
    for (int i = 0; i < 10000; ++i) spins = spins + 1;
  }
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  const double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
                     static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::printf("wall %.3f cpu %.3f\n", now() - start, cpu);
  return 0;
}
