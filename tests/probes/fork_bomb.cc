// fork_bomb: every process forks as fast as it can; children that cannot
// fork any more wait. Once the first process has failed to fork 200 times in
// a row it counts the processes of its pid namespace (/proc), prints
// "processes N", kills every other process it can (kill(-1)) and exits 0.
// Run it only under a process limit.
#include <dirent.h>
#include <signal.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>

namespace {

int count_processes() {
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return -1;
  int n = 0;
  while (const dirent* e = ::readdir(proc)) {
    if (std::isdigit(static_cast<unsigned char>(e->d_name[0]))) ++n;
  }
  ::closedir(proc);
  return n;
}

// A child: fork more until the limit says no, then wait to be killed.
[[noreturn]] void spawn_more() {
  for (int failures = 0; failures < 50;) {
    const pid_t pid = ::fork();
    if (pid == 0) spawn_more();
    if (pid < 0) ++failures;
  }
  for (;;) ::pause();
}

}  // namespace

int main() {
  int failures = 0;
  int max_seen = 0;
  while (failures < 200) {
    const pid_t pid = ::fork();
    if (pid == 0) spawn_more();
    if (pid < 0) {
      ++failures;
      const int n = count_processes();
      if (n > max_seen) max_seen = n;
    } else {
      failures = 0;
    }
  }
  const int n = count_processes();
  if (n > max_seen) max_seen = n;
  std::printf("processes %d\n", max_seen);
  std::fflush(stdout);
  ::kill(-1, SIGKILL);  // everyone but init and us
  return 0;
}
