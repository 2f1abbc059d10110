#include "fs/idmap.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "util/sys.h"

namespace sandbox::fs {
namespace {

// What the short-lived child reports through the memory it shares with us.
struct NamespaceChild {
  char uid_map[32];
  char gid_map[32];
  int fd = -1;
  int err = 0;
};

int write_file(const char* path, const char* data) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const auto len = static_cast<ssize_t>(std::strlen(data));
  const ssize_t n = ::write(fd, data, static_cast<std::size_t>(len));
  const int err = n == len ? 0 : (n < 0 ? errno : EIO);
  ::close(fd);
  return err;
}

// In a new user namespace, sharing our memory and descriptor table: maps
// one id to our own (the only mapping it may write for itself) and opens
// the namespace for us. Async-signal-safe.
int make_namespace(void* arg) {
  auto* child = static_cast<NamespaceChild*>(arg);
  child->err = write_file("/proc/self/setgroups", "deny");  // required before a gid_map of our own
  if (child->err == 0) child->err = write_file("/proc/self/uid_map", child->uid_map);
  if (child->err == 0) child->err = write_file("/proc/self/gid_map", child->gid_map);
  if (child->err == 0) {
    child->fd = ::open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);
    if (child->fd < 0) child->err = errno;
  }
  return 0;
}

// The kernel refuses an idmapping without mappings, so the namespace maps
// 4294967294 (the highest valid id, owner of no file) and nothing else.
Result<UniqueFd> unmapped_user_namespace() {
  NamespaceChild child;
  std::snprintf(child.uid_map, sizeof(child.uid_map), "4294967294 %u 1\n", ::geteuid());
  std::snprintf(child.gid_map, sizeof(child.gid_map), "4294967294 %u 1\n", ::getegid());
  alignas(16) static thread_local unsigned char stack[16 * 1024];
  // CLONE_VFORK: we sleep until it has exited, so its stack and `child` are safe.
  const pid_t pid = ::clone(make_namespace, stack + sizeof(stack),
                            CLONE_NEWUSER | CLONE_VM | CLONE_VFORK | CLONE_FILES | SIGCHLD, &child);
  if (pid < 0) return Error::from_errno("cannot create a user namespace for the idmapped /etc");
  while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
  }
  UniqueFd fd(child.fd);
  if (child.err != 0) return Error("cannot map the user namespace of the idmapped /etc", child.err);
  return fd;
}

}  // namespace

Result<UniqueFd> idmapped_tree(const char* path) {
  auto userns = unmapped_user_namespace();
  if (!userns) return std::move(userns).error();
  UniqueFd tree(sys::open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE));
  if (!tree) return Error::from_errno(std::string("cannot clone ") + path);
  sys::MountAttr attr;
  attr.attr_set = MOUNT_ATTR_IDMAP | MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
  attr.userns_fd = static_cast<std::uint64_t>(userns->get());
  if (sys::mount_setattr(tree.get(), "", AT_EMPTY_PATH | AT_RECURSIVE, attr) != 0) {
    return Error::from_errno(std::string("cannot idmap ") + path);
  }
  return tree;
}

}  // namespace sandbox::fs
