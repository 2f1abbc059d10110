// Copying the includes in the sandbox's init: no allocation, errno out.
#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "scratch/scratch.h"

namespace sandbox::scratch {
namespace {

// mkdir -p of the directories above `path` (an absolute path).
int make_parents(const char* path) {
  char buf[PATH_MAX];
  const std::size_t len = std::strlen(path);
  if (len >= sizeof(buf)) return ENAMETOOLONG;
  std::memcpy(buf, path, len + 1);
  for (std::size_t i = 1; i < len; ++i) {
    if (buf[i] != '/') continue;
    buf[i] = '\0';
    if (::mkdir(buf, 0755) != 0 && errno != EEXIST) return errno;
    buf[i] = '/';
  }
  return 0;
}

int copy_one(const Include& include) {
  if (int err = make_parents(include.target.c_str()); err != 0) return err;
  const int out = ::open(include.target.c_str(),
                         O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, include.mode);
  if (out < 0) return errno;
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
  for (std::size_t i = 0; i < includes.size(); ++i) {
    *failed = i;
    if (int err = copy_one(includes[i]); err != 0) return err;
  }
  return 0;
}

}  // namespace sandbox::scratch
