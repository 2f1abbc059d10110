// openat2-confined path operations for the sandbox's init (fs/beneath.h).
#include "fs/beneath.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "util/sys.h"

namespace sandbox::fs {
namespace {

constexpr int kDirFlags = O_PATH | O_DIRECTORY | O_CLOEXEC;

// path without its leading slashes, copied into buf; "" for the root.
int copy_relative(const char* path, char (&buf)[PATH_MAX], std::size_t* len) {
  while (*path == '/') ++path;
  *len = std::strlen(path);
  if (*len >= sizeof(buf)) return ENAMETOOLONG;
  std::memcpy(buf, path, *len + 1);
  while (*len > 0 && buf[*len - 1] == '/') buf[--*len] = '\0';  // "a/b/" is "a/b"
  return 0;
}

bool is_dot_or_dotdot(const char* name, std::size_t n) {
  return (n == 1 && name[0] == '.') || (n == 2 && name[0] == '.' && name[1] == '.');
}

}  // namespace

std::uint64_t resolve_flags(Resolve how) noexcept {
  const std::uint64_t base = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS;
  return how == Resolve::no_symlinks ? base | RESOLVE_NO_SYMLINKS : base;
}

int open_beneath(int root_fd, const char* path, int flags, unsigned mode, Resolve how) noexcept {
  const bool creates = (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
  const char* rel = path;
  while (*rel == '/') ++rel;
  for (;;) {
    const int fd = sys::openat2(root_fd, *rel != '\0' ? rel : ".", flags | O_CLOEXEC,
                                creates ? mode : 0, resolve_flags(how));
    if (fd >= 0) return fd;
    if (errno != EAGAIN && errno != EINTR) return -errno;  // EAGAIN: a rename raced the walk
  }
}

namespace {

// mkdir -p of buf[0, len) beneath root_fd, component by component; returns
// the last directory's fd (O_PATH) or -errno.
int walk_dirs(int root_fd, char* buf, std::size_t len, unsigned mode, Resolve how) {
  int parent = root_fd;  // borrowed until the first step
  std::size_t start = 0;
  int err = 0;
  for (std::size_t i = 0; i <= len; ++i) {
    if (i < len && buf[i] != '/') continue;
    const std::size_t n = i - start;
    if (n == 0 || (n == 1 && buf[start] == '.')) {  // "a//b", "a/./b"
      start = i + 1;
      continue;
    }
    if (n > NAME_MAX) {
      err = ENAMETOOLONG;
      break;
    }
    char name[NAME_MAX + 1];
    std::memcpy(name, buf + start, n);
    name[n] = '\0';
    // A single name in its parent: mkdirat follows nothing. ".." is left to
    // the walk below, which stops it at the root.
    if (!is_dot_or_dotdot(name, n) && ::mkdirat(parent, name, mode) != 0 && errno != EEXIST) {
      err = errno;
      break;
    }
    // The next parent: one plain name beneath this one (no symlink, no
    // `..`); else resolved again from the root, where a symlink is followed
    // as the root sees it (in_root) or refused (no_symlinks).
    int next = sys::openat2(parent, name, kDirFlags, 0,
                            RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
    if (next < 0) {
      const int step_err = errno;
      if (step_err == ELOOP && how == Resolve::no_symlinks) {
        err = ELOOP;
        break;
      }
      if (step_err != ELOOP && step_err != EXDEV && step_err != EAGAIN && step_err != EINTR) {
        err = step_err;
        break;
      }
      const char saved = buf[i];
      buf[i] = '\0';
      next = open_beneath(root_fd, buf, kDirFlags, 0, how);
      buf[i] = saved;
      if (next < 0) {
        err = -next;
        break;
      }
    }
    if (parent != root_fd) ::close(parent);
    parent = next;
    start = i + 1;
  }
  if (err != 0) {
    if (parent != root_fd) ::close(parent);
    return -err;
  }
  return parent != root_fd ? parent : open_beneath(root_fd, "", kDirFlags, 0, how);
}

}  // namespace

int make_dirs_beneath(int root_fd, const char* path, bool include_last, unsigned mode,
                      Resolve how) noexcept {
  char buf[PATH_MAX];
  std::size_t len = 0;
  if (int err = copy_relative(path, buf, &len); err != 0) return err;
  if (!include_last) {
    const char* slash = std::strrchr(buf, '/');
    len = slash != nullptr ? static_cast<std::size_t>(slash - buf) : 0;
  }
  const int fd = walk_dirs(root_fd, buf, len, mode, how);
  if (fd < 0) return -fd;
  ::close(fd);
  return 0;
}

int open_dirs_beneath(int root_fd, const char* path, unsigned mode, Resolve how) noexcept {
  char buf[PATH_MAX];
  std::size_t len = 0;
  if (int err = copy_relative(path, buf, &len); err != 0) return -err;
  return walk_dirs(root_fd, buf, len, mode, how);
}

int open_parent_beneath(int root_fd, const char* path, unsigned mode, Resolve how,
                        const char** name) noexcept {
  char buf[PATH_MAX];
  std::size_t len = 0;
  if (int err = copy_relative(path, buf, &len); err != 0) return -err;
  const char* slash = std::strrchr(buf, '/');
  const std::size_t name_at = slash != nullptr ? static_cast<std::size_t>(slash - buf) + 1 : 0;
  if (len == name_at || is_dot_or_dotdot(buf + name_at, len - name_at)) return -EINVAL;
  // *name points into the caller's path, at the same last component.
  const char* rel = path;
  while (*rel == '/') ++rel;
  if (std::strlen(rel) != len) return -EINVAL;  // "a/b/": a directory, no name to make
  *name = rel + name_at;
  return walk_dirs(root_fd, buf, name_at > 0 ? name_at - 1 : 0, mode, how);
}

}  // namespace sandbox::fs
