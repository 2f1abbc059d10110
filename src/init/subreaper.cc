#include "init/subreaper.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>

namespace sandbox::init {

int become_subreaper(int* fd) noexcept {
  if (::prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) != 0) return errno;
  *fd = ::open("/proc/thread-self/children", O_RDONLY | O_CLOEXEC);
  return *fd < 0 ? errno : 0;
}

// "12 345 " from the start of the file, parsed across reads; no allocation.
// Each pid is an unreaped child of ours, so it cannot have been reused.
void signal_tree(int children_fd, int sig) noexcept {
  if (children_fd < 0) {
    ::kill(-1, sig);  // every process but us, in our own pid namespace
    return;
  }
  if (::lseek(children_fd, 0, SEEK_SET) != 0) return;
  char buffer[512];
  pid_t pid = 0;
  for (;;) {
    const ssize_t n = ::read(children_fd, buffer, sizeof(buffer));
    if (n <= 0) break;
    for (ssize_t i = 0; i < n; ++i) {
      const char c = buffer[i];
      if (c >= '0' && c <= '9') {
        pid = pid * 10 + (c - '0');
      } else {
        if (pid > 0) ::kill(pid, sig);
        pid = 0;
      }
    }
  }
  if (pid > 0) ::kill(pid, sig);
}

void kill_tree(int children_fd) noexcept {
  for (;;) {
    signal_tree(children_fd, SIGKILL);
    int status = 0;
    if (::waitpid(-1, &status, __WALL) < 0 && errno == ECHILD) return;
  }
}

}  // namespace sandbox::init
