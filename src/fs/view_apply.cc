// Building the view in the child: async-signal-safe, no allocation.
#include <fcntl.h>
#include <linux/openat2.h>
#include <limits.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "fs/beneath.h"
#include "fs/view.h"
#include "util/sys.h"

namespace sandbox::fs {
namespace {

bool is_bind(OpKind kind) {
  return kind == OpKind::bind_ro || kind == OpKind::bind_rw || kind == OpKind::bind_exec ||
         kind == OpKind::bind_rw_exec || kind == OpKind::bind_device;
}

std::uint64_t bind_attributes(OpKind kind) {
  switch (kind) {
    case OpKind::bind_ro:
    case OpKind::bind_exec: return MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    case OpKind::bind_rw: return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
    case OpKind::bind_rw_exec: return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
    case OpKind::bind_device: return MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC;
    default: return 0;
  }
}

// Every target is resolved beneath the staging root (fs/beneath.h): a `..`
// or a symlink in a planned path stays inside the view being built.
constexpr Resolve kInRoot = Resolve::in_root;

// mkdir -p beneath root_fd; existing directories are fine.
int make_dirs(int root_fd, const std::string& target, bool include_last, unsigned mode) {
  return make_dirs_beneath(root_fd, target.c_str(), include_last, mode, kInRoot);
}

// The existing target, opened O_PATH beneath the root, for move_mount.
int open_target(int root_fd, const std::string& target, int flags = 0) {
  return open_beneath(root_fd, target.c_str(), O_PATH | flags, 0, kInRoot);
}

// Attaches the detached mount `tree` on the inode open at `to`.
int attach_at(int tree, int to) {
  return sys::move_mount(tree, "", to, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) == 0 ? 0 : errno;
}

// Attaches the detached mount `tree` on target (beneath the root). `to` < 0
// on entry is -errno from opening it (the caller's open_*_beneath).
int attach_and_close(int tree, int to) {
  if (to < 0) return -to;
  const int err = attach_at(tree, to);
  ::close(to);
  return err;
}

int format_mode(unsigned mode, char (&out)[8]) {
  int n = 0;
  char digits[8];
  do {
    digits[n++] = static_cast<char>('0' + (mode & 7U));
    mode >>= 3;
  } while (mode != 0 && n < 7);
  int j = 0;
  out[j++] = '0';
  while (n > 0) out[j++] = digits[--n];
  out[j] = '\0';
  return 0;
}

// A new filesystem instance (tmpfs, proc), attached on the directory open
// at to_fd, or at `where` (an absolute host path) when to_fd < 0.
int mount_fresh(const char* fstype, unsigned mode, std::uint64_t attributes, int to_fd,
                const char* where, int* mount_fd_out) {
  const int fs = sys::fsopen(fstype, FSOPEN_CLOEXEC);
  if (fs < 0) return errno;
  int err = 0;
  if (std::strcmp(fstype, "tmpfs") == 0) {
    char text[8];
    format_mode(mode, text);
    if (sys::fsconfig(fs, FSCONFIG_SET_STRING, "mode", text, 0) != 0) err = errno;
  }
  if (std::strcmp(fstype, "devpts") == 0) {
    // Anyone in the sandbox may open a new pty; the caller's gid 5 (tty) is
    // not mapped, so no gid= option.
    if (sys::fsconfig(fs, FSCONFIG_SET_STRING, "ptmxmode", "0666", 0) != 0 ||
        sys::fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0620", 0) != 0) {
      err = errno;
    }
  }
  if (err == 0 && sys::fsconfig(fs, FSCONFIG_CMD_CREATE, nullptr, nullptr, 0) != 0) err = errno;
  int mnt = -1;
  if (err == 0) {
    mnt = sys::fsmount(fs, FSMOUNT_CLOEXEC, static_cast<unsigned>(attributes));
    if (mnt < 0) err = errno;
  }
  ::close(fs);
  if (err != 0) return err;
  if (to_fd < 0) {
    if (sys::move_mount(mnt, "", AT_FDCWD, where, MOVE_MOUNT_F_EMPTY_PATH) != 0) err = errno;
  } else {
    err = attach_at(mnt, to_fd);
  }
  if (mount_fd_out != nullptr && err == 0) {
    *mount_fd_out = mnt;
  } else {
    ::close(mnt);
  }
  return err;
}

// mount_fresh on the mount point `to` (-errno when it could not be opened).
int mount_fresh_and_close(const char* fstype, unsigned mode, std::uint64_t attributes, int to) {
  if (to < 0) return -to;
  const int err = mount_fresh(fstype, mode, attributes, to, nullptr, nullptr);
  ::close(to);
  return err;
}

int make_read_only(int root_fd, const std::string& target) {
  const int from = open_target(root_fd, target);
  if (from < 0) return -from;
  const int tree = sys::open_tree(from, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
  const int open_err = errno;
  if (tree < 0) {
    ::close(from);
    return open_err;
  }
  sys::MountAttr attr;
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  int err = 0;
  if (sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attr) != 0 ||
      sys::move_mount(tree, "", from, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) != 0) {
    err = errno;
  }
  ::close(tree);
  ::close(from);
  return err;
}

// Makes the detached mount `tree` read-only (nosuid, nodev, noexec) and
// attaches it on target, resolved beneath the root; closes `tree`.
int attach_read_only(int tree, int root_fd, const std::string& target, int flags) {
  sys::MountAttr attr;
  attr.attr_set = MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
  int err = sys::mount_setattr(tree, "", AT_EMPTY_PATH, attr) == 0 ? 0 : errno;
  if (err == 0) err = attach_and_close(tree, open_target(root_fd, target, flags));
  ::close(tree);
  return err;
}

// Writes op.link into op.source beneath the root, then binds a read-only
// clone of it over op.target.
int bind_generated_file(const MountOp& op, int root_fd) {
  const char* name = nullptr;
  const int parent = open_parent_beneath(root_fd, op.source.c_str(), 0755, kInRoot, &name);
  if (parent < 0) return -parent;
  const int fd = ::openat(parent, name, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, op.mode);
  const int open_err = errno;
  ::close(parent);
  if (fd < 0) return open_err;
  const ssize_t n = ::write(fd, op.link.data(), op.link.size());
  int err = n == static_cast<ssize_t>(op.link.size()) ? 0 : (n < 0 ? errno : EIO);
  // The very file written, not a name that could have changed since.
  const int tree = err == 0 ? sys::open_tree(fd, "", AT_EMPTY_PATH | OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC) : -1;
  if (err == 0 && tree < 0) err = errno;
  ::close(fd);
  if (err != 0) return err;
  return attach_read_only(tree, root_fd, op.target, 0);
}

// A new symlink (op.target -> op.link), made in its parent beneath the root.
int make_symlink(const MountOp& op, int root_fd) {
  const char* name = nullptr;
  const int parent = open_parent_beneath(root_fd, op.target.c_str(), 0755, kInRoot, &name);
  if (parent < 0) return -parent;
  const int err = ::symlinkat(op.link.c_str(), parent, name) == 0 ? 0 : errno;
  ::close(parent);
  return err;
}

// The mount point of a bind, made and opened: a directory, or an empty
// file of the same kind. Returns its fd or -errno.
int open_mount_point(const MountOp& op, int root_fd) {
  if (op.source_is_dir) return open_dirs_beneath(root_fd, op.target.c_str(), 0755, kInRoot);
  const char* name = nullptr;
  const int parent = open_parent_beneath(root_fd, op.target.c_str(), 0755, kInRoot, &name);
  if (parent < 0) return parent;
  // mknodat, not open: an existing file is fine without opening it (on the
  // idmapped /etc, init may not open root's 0600 files); O_PATH needs no
  // permission on the file.
  int fd = -1;
  if (::mknodat(parent, name, S_IFREG | 0600, 0) == 0 || errno == EEXIST) {
    fd = ::openat(parent, name, O_PATH | O_CLOEXEC | O_NOFOLLOW);
  }
  const int err = errno;
  ::close(parent);
  return fd >= 0 ? fd : -err;
}

// Covers op.target with an empty mode-0000 file or directory made once on
// the root tmpfs, bound read-only: whoever opens it gets EACCES. The target
// is resolved beneath the root like every other.
int cover(const MountOp& op, int root_fd) {
  const char* staged = op.source_is_dir ? ".sandbox/covered-dir" : ".sandbox/covered-file";
  if (::mkdirat(root_fd, ".sandbox", 0755) != 0 && errno != EEXIST) return errno;
  if (op.source_is_dir) {
    if (::mkdirat(root_fd, staged, 0) != 0 && errno != EEXIST) return errno;
  } else if (::mknodat(root_fd, staged, S_IFREG, 0) != 0 && errno != EEXIST) {
    return errno;
  }
  const int tree = sys::open_tree(root_fd, staged, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
  if (tree < 0) return errno;
  return attach_read_only(tree, root_fd, op.target, O_NOFOLLOW);
}

int apply(const MountOp& op, int root_fd, int source_fd) {
  const std::string& rel = op.target;
  switch (op.kind) {
    case OpKind::dir: return make_dirs(root_fd, rel, true, op.mode);
    case OpKind::symlink: return make_symlink(op, root_fd);
    case OpKind::tmpfs:
      return mount_fresh_and_close("tmpfs", op.mode, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
                                   open_dirs_beneath(root_fd, rel.c_str(), 0755, kInRoot));
    case OpKind::proc:
      return mount_fresh_and_close("proc", 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC,
                                   open_target(root_fd, rel, O_DIRECTORY));
    case OpKind::remount_ro: return make_read_only(root_fd, rel);
    case OpKind::devpts:
      return mount_fresh_and_close("devpts", 0, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC,
                                   open_dirs_beneath(root_fd, rel.c_str(), 0755, kInRoot));
    case OpKind::file: return bind_generated_file(op, root_fd);
    case OpKind::cover: return cover(op, root_fd);
    case OpKind::attach:
    case OpKind::bind_ro:
    case OpKind::bind_rw:
    case OpKind::bind_exec:
    case OpKind::bind_rw_exec:
    case OpKind::bind_device:
      return attach_and_close(source_fd, open_mount_point(op, root_fd));
  }
  return EINVAL;
}

// A clone of the planned source. A granted path is resolved again without
// following any symlink and cloned only if it is still the file the
// supervisor planned (dev, ino): a symlink or another file swapped in since
// cannot redirect the bind. The fd must be opened here: open_tree clones
// only mounts of the caller's own mount namespace.
int clone_source(const MountOp& op) {
  constexpr unsigned kClone = OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE;
  if (op.source_dev == 0 && op.source_ino == 0) {
    return sys::open_tree(AT_FDCWD, op.source.c_str(), kClone);
  }
  const int fd = sys::openat2(AT_FDCWD, op.source.c_str(), O_PATH | O_CLOEXEC, 0,
                                  RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS);
  if (fd < 0) return -1;
  struct stat st {};
  int tree = -1;
  if (::fstat(fd, &st) != 0) {
    tree = -1;
  } else if (static_cast<std::uint64_t>(st.st_dev) != op.source_dev ||
             static_cast<std::uint64_t>(st.st_ino) != op.source_ino) {
    errno = ESTALE;  // the path now names another file
  } else {
    tree = sys::open_tree(fd, "", kClone | AT_EMPTY_PATH);
  }
  const int err = errno;
  ::close(fd);
  errno = err;
  return tree;
}

}  // namespace

int clone_sources(const ViewPlan& plan, int* source_fds, std::size_t* failed) noexcept {
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    const MountOp& op = plan.ops[i];
    if (op.kind == OpKind::attach) continue;  // prepared by the supervisor: its fd is already here
    source_fds[i] = -1;
    if (!is_bind(op.kind)) continue;
    *failed = i;
    const int tree = clone_source(op);
    if (tree < 0) return errno;
    source_fds[i] = tree;
    sys::MountAttr attr;
    attr.attr_set = bind_attributes(op.kind);
    if (sys::mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, attr) != 0) return errno;
  }
  return 0;
}

int mount_root(int* root_fd) noexcept {
  return mount_fresh("tmpfs", 0755, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV, -1, kStagingDir, root_fd);
}

int build_view(const ViewPlan& plan, int root_fd, const int* source_fds,
               std::size_t* failed) noexcept {
  for (std::size_t i = 0; i < plan.ops.size(); ++i) {
    *failed = i;
    if (int err = apply(plan.ops[i], root_fd, source_fds[i]); err != 0) return err;
    if (source_fds[i] >= 0) ::close(source_fds[i]);
  }
  return 0;
}

}  // namespace sandbox::fs
