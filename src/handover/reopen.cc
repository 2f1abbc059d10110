#include "handover/reopen.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "util/fd_passing.h"
#include "util/sys.h"

namespace sandbox::handover {
namespace {

// "/proc/self/fd/" + fd, without allocation.
void proc_fd_path(int fd, char (&out)[32]) {
  const char prefix[] = "/proc/self/fd/";
  std::size_t i = 0;
  for (; prefix[i] != '\0'; ++i) out[i] = prefix[i];
  char digits[12];
  int n = 0;
  auto v = static_cast<unsigned>(fd);
  do {
    digits[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) out[i++] = digits[--n];
  out[i] = '\0';
}

// A read-only, nosuid, nodev, noexec clone of the mount at `path`, detached.
int read_only_clone(const Handed& h) {
  const unsigned recursive = h.kind == Kind::directory ? AT_RECURSIVE : 0U;  // locked submounts beneath
  const int tree = sys::open_tree(AT_FDCWD, h.reopen_path.c_str(),
                                  OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | recursive);
  if (tree < 0) return -1;
  sys::MountAttr attr;
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  if (sys::mount_setattr(tree, "", AT_EMPTY_PATH | recursive, attr) != 0) {
    const int err = errno;
    ::close(tree);
    errno = err;
    return -1;
  }
  return tree;
}

// Opens the root of the clone with the caller's flags.
int open_clone(int tree, const Handed& h) {
  const int flags = O_RDONLY | O_CLOEXEC | (h.status_flags & ~(O_CREAT | O_EXCL | O_TRUNC | O_NOCTTY));
  if (h.kind == Kind::directory) return ::openat(tree, ".", flags | O_DIRECTORY);
  char path[32];
  proc_fd_path(tree, path);  // the host's /proc, still mounted: init is in it
  return ::open(path, flags);
}

// The path cannot be used by this caller (gone, not searchable, not
// readable: a descriptor from a more privileged parent): the caller's
// descriptor is handed as it is. Anything else stops the launch.
bool unreachable(int err) {
  return err == ENOENT || err == ENOTDIR || err == EACCES || err == ELOOP || err == ENAMETOOLONG;
}

bool same_inode(int fd, const Handed& h) {
  struct stat st {};
  return ::fstat(fd, &st) == 0 && st.st_dev == h.dev && st.st_ino == h.ino;
}

// 0, or errno for a failure that must stop the launch. A path that cannot
// be reopened, or no longer names the handed inode, keeps the caller's
// descriptor (-1 in *reopened).
int reopen_one(const Handed& h, int* reopened) {
  *reopened = -1;
  const int tree = read_only_clone(h);
  if (tree < 0) return unreachable(errno) ? 0 : errno;
  const int fd = open_clone(tree, h);
  const int err = errno;
  ::close(tree);
  if (fd < 0) return unreachable(err) ? 0 : err;
  if (!same_inode(fd, h)) {
    ::close(fd);
    return 0;
  }
  if (h.kind == Kind::regular) {
    const off_t offset = ::lseek(h.fd, 0, SEEK_CUR);  // the caller's description
    if (offset >= 0 && ::lseek(fd, offset, SEEK_SET) < 0) {
      const int seek_err = errno;
      ::close(fd);
      return seek_err;
    }
  }
  *reopened = fd;
  return 0;
}

}  // namespace

bool any_reopened(const std::vector<Handed>& handed) {
  for (const Handed& h : handed) {
    if (!h.reopen_path.empty()) return true;
  }
  return false;
}

int reopen_read_only(const std::vector<Handed>& handed, int channel, std::size_t* failed) noexcept {
  for (std::size_t i = 0; i < handed.size(); ++i) {
    const Handed& h = handed[i];
    if (h.reopen_path.empty()) continue;
    *failed = i;
    int fd = -1;
    if (const int err = reopen_one(h, &fd); err != 0) return err;
    if (fd < 0) continue;
    // Its offset goes back to the caller's description at the end.
    if (h.kind == Kind::regular && channel >= 0) {
      if (const int err = util::send_fd(channel, static_cast<int>(i), fd); err != 0) {
        ::close(fd);
        return err;
      }
    }
    const int placed = ::dup3(fd, h.number, 0);  // inherited by the command
    const int err = placed < 0 ? errno : 0;
    ::close(fd);
    if (err != 0) return err;
  }
  return 0;
}

}  // namespace sandbox::handover
