// Waiting for slirp4netns to forward what is queued on tap0 (slirp_drain.h).
#include "net/slirp_drain.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "util/sys.h"
#include "util/unique_fd.h"

namespace sandbox::net {
namespace {

// The first child of `pid` (slirp4netns is the keeper's only one), or -1.
pid_t only_child(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/task/%d/children", pid, pid);
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return -1;
  char text[64] = {};
  const ssize_t n = ::read(fd.get(), text, sizeof(text) - 1);
  if (n <= 0) return -1;
  const long child = std::strtol(text, nullptr, 10);
  return child > 0 ? static_cast<pid_t>(child) : -1;
}

// The number of pid's descriptor of /dev/net/tun, or -1.
int tun_descriptor(pid_t pid) {
  char dir_path[64];
  std::snprintf(dir_path, sizeof(dir_path), "/proc/%d/fd", pid);
  const std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir(dir_path), &::closedir);
  if (!dir) return -1;
  while (const dirent* entry = ::readdir(dir.get())) {
    if (entry->d_name[0] == '.') continue;
    char target[32] = {};
    const ssize_t n = ::readlinkat(::dirfd(dir.get()), entry->d_name, target, sizeof(target) - 1);
    if (n > 0 && std::strcmp(target, "/dev/net/tun") == 0) return std::atoi(entry->d_name);
  }
  return -1;
}

// 'S' while it waits in poll, 'R' while it runs; 0 if unknown.
char state_of(pid_t pid) {
  char path[64];
  std::snprintf(path, sizeof(path), "/proc/%d/stat", pid);
  UniqueFd fd(::open(path, O_RDONLY | O_CLOEXEC));
  if (!fd) return 0;
  char text[512] = {};
  if (::read(fd.get(), text, sizeof(text) - 1) <= 0) return 0;
  const char* end_of_name = std::strrchr(text, ')');  // the name may hold spaces and parentheses
  return end_of_name != nullptr && end_of_name[1] == ' ' ? end_of_name[2] : 0;
}

}  // namespace

void drain_tap(pid_t keeper, std::chrono::milliseconds budget) noexcept {
  const pid_t slirp = only_child(keeper);
  if (slirp < 0) return;
  UniqueFd pidfd(sys::pidfd_open(slirp));
  if (!pidfd) return;
  const int number = tun_descriptor(slirp);
  if (number < 0) return;
  UniqueFd tap(sys::pidfd_getfd(pidfd.get(), number));
  if (!tap) return;
  const auto deadline = std::chrono::steady_clock::now() + budget;
  for (;;) {
    pollfd queued{tap.get(), POLLIN, 0};
    // Nothing left to read, and slirp4netns back in poll: what it read is sent.
    if (::poll(&queued, 1, 0) == 0 && state_of(slirp) == 'S') return;
    if (std::chrono::steady_clock::now() >= deadline) return;
    const timespec pause{0, 200'000};
    ::nanosleep(&pause, nullptr);
  }
}

}  // namespace sandbox::net
