// Copying the includes in the sandbox's init: no allocation, errno out.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fs/beneath.h"
#include "scratch/scratch.h"

namespace sandbox::scratch {
namespace {

// The target is made beneath the view's root with no symlink anywhere on
// its path: init still holds its capabilities here, and a -H or -T
// directory is the caller's own, so a symlink planted in it (docs -> /etc,
// docs -> a granted directory, docs -> /proc/self/fd/N) would otherwise
// redirect the copy out of the scratch.
int copy_one(int root_fd, const Include& include) {
  const char* name = nullptr;
  const int parent = fs::open_parent_beneath(root_fd, include.target.c_str(), 0755,
                                             fs::Resolve::no_symlinks, &name);
  if (parent < 0) return -parent;
  const int out = ::openat(parent, name, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, include.mode);
  const int open_err = errno;
  ::close(parent);
  if (out < 0) return open_err;
  char buf[16384];
  off_t offset = 0;
  int err = 0;
  for (;;) {
    const ssize_t n = ::pread(include.source.get(), buf, sizeof(buf), offset);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      err = errno;
      break;
    }
    if (n == 0) break;
    for (ssize_t done = 0; done < n;) {
      const ssize_t w = ::write(out, buf + done, static_cast<std::size_t>(n - done));
      if (w < 0 && errno == EINTR) continue;
      if (w < 0) {
        err = errno;
        break;
      }
      done += w;
    }
    if (err != 0) break;
    offset += n;
  }
  if (::close(out) != 0 && err == 0) err = errno;
  return err;
}

}  // namespace

int copy_includes(const std::vector<Include>& includes, std::size_t* failed) noexcept {
  if (includes.empty()) return 0;
  const int root_fd = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);  // the view's root, after pivot_root
  if (root_fd < 0) return errno;
  int err = 0;
  for (std::size_t i = 0; i < includes.size() && err == 0; ++i) {
    *failed = i;
    err = copy_one(root_fd, includes[i]);
  }
  ::close(root_fd);
  return err;
}

}  // namespace sandbox::scratch
