// The container's first process (child side of create), top to bottom in
// the order the kernel needs. Async-signal-safe: no allocation, no
// exceptions; every failure is (step, errno, index) on the sync socket.
//
//   join namespaces     by path, the user namespace first (it owns the others)
//   await parent        the parent writes the id maps and the cgroups first
//   become root         uid/gid 0 of a new user namespace
//   hostname            in the new uts namespace
//   propagation         rslave (or rootfsPropagation): nothing flows back to the host
//   bind rootfs         a mount point of its own, for pivot_root
//   mounts              in order, each destination resolved beneath the
//                       rootfs (RESOLVE_IN_ROOT): a symlink in the image
//                       cannot redirect a mount onto the host
//   devices             the standard nodes and linux.devices
//   pivot_root          then the old root detached
//   sysctl              before /proc/sys is made read-only
//   masked, read-only   linux.maskedPaths, linux.readonlyPaths
//   root read-only      root.readonly
//   console             the pty, sent to --console-socket; else a new session
//   ready               the parent writes the pid file and returns
//   await start         blocks on exec.fifo until `start` writes to it
//   finish_and_exec     working directory ... execve (process_exec.cc)
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <linux/openat2.h>

#include "oci/plan.h"
#include "util/sys.h"

namespace sandbox::oci {
namespace {

struct FdPath {
  char text[32];
  explicit FdPath(int fd) { std::snprintf(text, sizeof text, "/proc/self/fd/%d", fd); }
};

int open_beneath(int root, const char* path) noexcept {
  return sys::openat2(root, path, O_PATH | O_CLOEXEC, 0, RESOLVE_IN_ROOT);
}

// Opens path beneath root, making what is missing (directories, and the
// last component as a directory or an empty file). Each component is
// resolved in the root, so the image's symlinks stay inside it.
int open_or_make_beneath(int root, const char* path, bool is_dir) noexcept {
  char prefix[4096];
  const std::size_t len = std::strlen(path);
  if (len >= sizeof prefix) return -ENAMETOOLONG;
  int parent = ::fcntl(root, F_DUPFD_CLOEXEC, 0);
  if (parent < 0) return -errno;
  std::size_t i = 0;
  while (i < len) {
    while (i < len && path[i] == '/') ++i;
    if (i >= len) break;
    std::size_t end = i;
    while (end < len && path[end] != '/') ++end;
    std::memcpy(prefix, path, end);
    prefix[end] = '\0';
    int fd = open_beneath(root, prefix);
    if (fd < 0 && errno == ENOENT) {
      char name[256];
      const std::size_t n = end - i;
      if (n >= sizeof name) {
        ::close(parent);
        return -ENAMETOOLONG;
      }
      std::memcpy(name, path + i, n);
      name[n] = '\0';
      const bool last = end >= len || path[end + 1] == '\0';
      int made = 0;
      if (last && !is_dir) {
        const int file = ::openat(parent, name, O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0644);
        made = file < 0 ? -1 : ::close(file);
      } else {
        made = ::mkdirat(parent, name, 0755);
      }
      if (made != 0 && errno != EEXIST) {
        const int err = errno;
        ::close(parent);
        return -err;
      }
      fd = open_beneath(root, prefix);
    }
    if (fd < 0) {
      const int err = errno;
      ::close(parent);
      return -err;
    }
    ::close(parent);
    parent = fd;
    i = end;
  }
  return parent;
}

unsigned long statvfs_to_ms(unsigned long f) noexcept {
  unsigned long ms = 0;
  if (f & ST_RDONLY) ms |= MS_RDONLY;
  if (f & ST_NOSUID) ms |= MS_NOSUID;
  if (f & ST_NODEV) ms |= MS_NODEV;
  if (f & ST_NOEXEC) ms |= MS_NOEXEC;
  if (f & ST_NOATIME) ms |= MS_NOATIME;
  if (f & ST_NODIRATIME) ms |= MS_NODIRATIME;
  if (f & ST_RELATIME) ms |= MS_RELATIME;
  return ms;
}

// Remounts a bind with flags; where the kernel locked some of the source's
// flags (a mount from a more privileged namespace), keeps them.
int remount_bind(const char* target, unsigned long flags) noexcept {
  if (::mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | flags, nullptr) == 0) return 0;
  if (errno != EPERM) return errno;
  struct statvfs st {};
  if (::statvfs(target, &st) != 0) return errno;
  const unsigned long locked = statvfs_to_ms(st.f_flag) & ~MS_RDONLY;
  if (::mount(nullptr, target, nullptr, MS_BIND | MS_REMOUNT | flags | locked, nullptr) == 0) return 0;
  return errno;
}

int do_mount(int root, const MountStep& m) noexcept {
  const int fd = open_or_make_beneath(root, m.destination.c_str(), m.is_dir);
  if (fd < 0) return -fd;
  const FdPath target(fd);
  int err = 0;
  if (m.bind) {
    if (::mount(m.source.c_str(), target.text, nullptr, MS_BIND | (m.recursive ? MS_REC : 0), nullptr) != 0) {
      err = errno;
    } else if (m.remount != 0) {
      // Reopen: the bind now covers the directory fd was opened on.
      const int top = open_beneath(root, m.destination.c_str());
      if (top < 0) {
        err = errno;
      } else {
        const FdPath covered(top);
        err = remount_bind(covered.text, m.remount);
        ::close(top);
      }
    }
  } else if (::mount(m.source.c_str(), target.text, m.type.c_str(), m.flags,
                     m.data.empty() ? nullptr : m.data.c_str()) != 0) {
    err = errno;
    // sysfs needs a network namespace of our own; without one, runc binds
    // the host's /sys read-only, and so do we. cgroup2 likewise.
    if (err == EPERM && !m.fallback_bind.empty()) {
      err = 0;
      if (::mount(m.fallback_bind.c_str(), target.text, nullptr, MS_BIND | MS_REC, nullptr) != 0) err = errno;
      const int top = err == 0 ? open_beneath(root, m.destination.c_str()) : -1;
      if (top >= 0) {
        const FdPath covered(top);
        err = remount_bind(covered.text, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
        ::close(top);
      }
    }
  }
  if (err == 0 && m.propagation != 0) {
    const int top = open_beneath(root, m.destination.c_str());
    if (top >= 0) {
      const FdPath covered(top);
      if (::mount(nullptr, covered.text, nullptr, m.propagation, nullptr) != 0) err = errno;
      ::close(top);
    }
  }
  ::close(fd);
  return err;
}

int make_device(int root, const DeviceStep& d) noexcept {
  const int dir = open_or_make_beneath(root, d.dir.c_str(), true);
  if (dir < 0) return -dir;
  int err = 0;
  if (::mknodat(dir, d.name.c_str(), d.mode, d.dev) != 0) {
    err = errno;
    if (err == EEXIST) {
      err = 0;
    } else if (err == EPERM && !d.host.empty()) {
      // No CAP_MKNOD in the initial namespace: bind the host's node (runc's way).
      err = 0;
      const int file = ::openat(dir, d.name.c_str(), O_CREAT | O_WRONLY | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (file < 0) {
        err = errno;
      } else {
        ::close(file);
        const int target = ::openat(dir, d.name.c_str(), O_PATH | O_CLOEXEC | O_NOFOLLOW);
        if (target < 0) {
          err = errno;
        } else {
          const FdPath path(target);
          if (::mount(d.host.c_str(), path.text, nullptr, MS_BIND, nullptr) != 0) err = errno;
          ::close(target);
        }
      }
      ::close(dir);
      return err;
    }
  }
  // mknod applied the umask; fchmodat gives the mode asked for.
  if (err == 0 && ::fchmodat(dir, d.name.c_str(), d.mode & 07777, 0) != 0) err = errno;
  if (err == 0 && ::fchownat(dir, d.name.c_str(), d.uid, d.gid, AT_SYMLINK_NOFOLLOW) != 0) err = errno;
  ::close(dir);
  return err;
}

// The links runc makes in a container's /dev; one that exists stays.
int make_dev_links(int root) noexcept {
  const int dev = open_beneath(root, "/dev");
  if (dev < 0) return errno;
  const char* const links[][2] = {{"/proc/self/fd", "fd"},     {"/proc/self/fd/0", "stdin"},
                                  {"/proc/self/fd/1", "stdout"}, {"/proc/self/fd/2", "stderr"},
                                  {"/proc/kcore", "core"},       {"pts/ptmx", "ptmx"}};
  int err = 0;
  for (const auto& link : links) {
    if (::symlinkat(link[0], dev, link[1]) != 0 && errno != EEXIST) err = errno;
  }
  ::close(dev);
  return err;
}

int write_file(const char* path, const char* text) noexcept {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const std::size_t len = std::strlen(text);
  const int err = ::write(fd, text, len) == static_cast<ssize_t>(len) ? 0 : errno;
  ::close(fd);
  return err;
}

// A file masked with /dev/null, a directory with an empty read-only tmpfs.
int mask_path(const char* path) noexcept {
  struct stat st {};
  if (::stat(path, &st) != 0) return errno == ENOENT ? 0 : errno;
  if (S_ISDIR(st.st_mode)) {
    if (::mount("tmpfs", path, "tmpfs", MS_RDONLY, nullptr) != 0) return errno;
  } else if (::mount("/dev/null", path, nullptr, MS_BIND, nullptr) != 0) {
    return errno;
  }
  return 0;
}

int make_read_only(const char* path) noexcept {
  if (::mount(path, path, nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    return errno == ENOENT ? 0 : errno;
  }
  return remount_bind(path, MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC);
}

}  // namespace

[[noreturn]] void container_init(const InitPlan& plan) {
  const int r = plan.sync;
  if (plan.label_socket >= 0) ::close(plan.label_socket);
  for (std::size_t i = 0; i < plan.join_fds.size(); ++i) {
    if (::setns(plan.join_fds[i], plan.join_types[i]) != 0) {
      fail_step(r, Step::join_namespace, errno, static_cast<std::uint32_t>(i));
    }
  }
  char go = 0;
  if (::recv(r, &go, 1, 0) != 1) fail_step(r, Step::await_parent, errno == 0 ? EPIPE : errno);
  if (plan.new_user) {
    if (::setresgid(0, 0, 0) != 0 || ::setresuid(0, 0, 0) != 0) fail_step(r, Step::become_root, errno);
  }
  if (plan.new_uts) {
    if (!plan.hostname.empty() && ::sethostname(plan.hostname.data(), plan.hostname.size()) != 0) {
      fail_step(r, Step::hostname, errno);
    }
    if (!plan.domainname.empty() && ::setdomainname(plan.domainname.data(), plan.domainname.size()) != 0) {
      fail_step(r, Step::hostname, errno);
    }
  }
  if (::mount(nullptr, "/", nullptr, plan.root_propagation, nullptr) != 0) {
    fail_step(r, Step::mount_propagation, errno);
  }
  if (::mount(plan.rootfs.c_str(), plan.rootfs.c_str(), nullptr, MS_BIND | MS_REC, nullptr) != 0) {
    fail_step(r, Step::bind_rootfs, errno);
  }
  const int root = ::open(plan.rootfs.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) fail_step(r, Step::bind_rootfs, errno);
  for (std::size_t i = 0; i < plan.mounts.size(); ++i) {
    const MountStep& m = plan.mounts[i];
    // proc and sysfs on a symlink of the image would land wherever it
    // points (CVE-2019-16884): refused.
    if (m.type == "proc" || m.type == "sysfs") {
      const int fd = sys::openat2(root, m.destination.c_str(), O_PATH | O_CLOEXEC, 0,
                                  RESOLVE_IN_ROOT | RESOLVE_NO_SYMLINKS);
      if (fd < 0 && errno == ELOOP) fail_step(r, Step::mount_on_symlink, ELOOP, static_cast<std::uint32_t>(i));
      if (fd >= 0) ::close(fd);
    }
    if (int err = do_mount(root, m); err != 0) {
      fail_step(r, Step::mount, err, static_cast<std::uint32_t>(i));
    }
  }
  for (std::size_t i = 0; i < plan.devices.size(); ++i) {
    if (int err = make_device(root, plan.devices[i]); err != 0) {
      fail_step(r, Step::devices, err, static_cast<std::uint32_t>(i));
    }
  }
  if (plan.make_dev_links) {
    if (int err = make_dev_links(root); err != 0) fail_step(r, Step::devices, err, static_cast<std::uint32_t>(plan.devices.size()));
  }
  for (std::size_t i = 0; i < plan.mounts.size(); ++i) {
    const MountStep& m = plan.mounts[i];
    if (!m.read_only_later) continue;
    const int fd = open_beneath(root, m.destination.c_str());
    if (fd < 0) fail_step(r, Step::mount_read_only, errno, static_cast<std::uint32_t>(i));
    const FdPath target(fd);
    if (::mount(nullptr, target.text, nullptr, MS_REMOUNT | MS_RDONLY | m.flags,
                m.data.empty() ? nullptr : m.data.c_str()) != 0) {
      // A tmpfs of a more privileged namespace keeps its locked flags.
      if (int err = remount_bind(target.text, MS_RDONLY | (m.flags & (MS_NOSUID | MS_NODEV | MS_NOEXEC)));
          err != 0) {
        fail_step(r, Step::mount_read_only, err, static_cast<std::uint32_t>(i));
      }
    }
    ::close(fd);
  }
  // pivot_root(".", "."): the old root is stacked beneath the new one and
  // detached at once (nsjail's way); nothing of the host stays reachable.
  if (::fchdir(root) != 0 || sys::pivot_root(".", ".") != 0) fail_step(r, Step::pivot_root, errno);
  if (::umount2(".", MNT_DETACH) != 0) fail_step(r, Step::detach_old_root, errno);
  if (::chdir("/") != 0) fail_step(r, Step::pivot_root, errno);
  ::close(root);
  for (std::size_t i = 0; i < plan.sysctl_files.size(); ++i) {
    if (int err = write_file(plan.sysctl_files[i].c_str(), plan.sysctl_values[i].c_str()); err != 0) {
      fail_step(r, Step::sysctl, err, static_cast<std::uint32_t>(i));
    }
  }
  for (std::size_t i = 0; i < plan.masked.size(); ++i) {
    if (int err = mask_path(plan.masked[i].c_str()); err != 0) {
      fail_step(r, Step::masked_paths, err, static_cast<std::uint32_t>(i));
    }
  }
  for (std::size_t i = 0; i < plan.readonly.size(); ++i) {
    if (int err = make_read_only(plan.readonly[i].c_str()); err != 0) {
      fail_step(r, Step::readonly_paths, err, static_cast<std::uint32_t>(i));
    }
  }
  if (plan.root_readonly) {
    if (int err = remount_bind("/", MS_RDONLY); err != 0) fail_step(r, Step::root_read_only, err);
  }
  if (plan.process.terminal) {
    if (int err = setup_console(plan.process); err != 0) fail_step(r, Step::console, err);
  } else if (::setsid() < 0) {
    fail_step(r, Step::session, errno);
  }
  Report ready;
  if (::send(r, &ready, sizeof ready, MSG_NOSIGNAL) != sizeof ready) fail_step(r, Step::ready, errno);
  // start writes one byte into exec.fifo; until then we wait here, the
  // container "created". The fifo is O_RDWR, so the read blocks.
  char byte = 0;
  ssize_t n = 0;
  do {
    n = ::read(plan.exec_fifo, &byte, 1);
  } while (n < 0 && errno == EINTR);
  if (n != 1) fail_step(r, Step::await_start, n < 0 ? errno : EPIPE);
  ::close(plan.exec_fifo);
  // create returned at "ready": nobody reads the report socket any more,
  // and a copy of its other end may still be open (the keeper's, before
  // it closes what it inherited), where a report would vanish. From here a
  // failure is written to the process's own stderr, for conmon or the shim.
  ::close(r);
  finish_and_exec(plan.process, -1);
}

const char* step_name(Step step) {
  switch (step) {
    case Step::none: return "none";
    case Step::join_namespace: return "joining a namespace";
    case Step::await_parent: return "waiting for the runtime";
    case Step::become_root: return "becoming root of the user namespace";
    case Step::hostname: return "setting the hostname";
    case Step::mount_propagation: return "making the mounts private";
    case Step::bind_rootfs: return "binding the root filesystem";
    case Step::mount: return "mounting";
    case Step::mount_on_symlink: return "proc and sysfs must be mounted on ordinary directory, not on a symlink:";
    case Step::mount_read_only: return "making a mount read-only";
    case Step::devices: return "making a device";
    case Step::pivot_root: return "pivot_root";
    case Step::detach_old_root: return "detaching the old root";
    case Step::sysctl: return "writing a sysctl";
    case Step::masked_paths: return "masking a path";
    case Step::readonly_paths: return "making a path read-only";
    case Step::root_read_only: return "making the root read-only";
    case Step::landlock_rules: return "adding the Landlock rules";
    case Step::console: return "setting up the console";
    case Step::session: return "setsid";
    case Step::ready: return "reporting ready";
    case Step::await_start: return "waiting for start";
    case Step::working_directory: return "changing to the working directory";
    case Step::umask: return "umask";
    case Step::rlimits: return "setting an rlimit";
    case Step::oom_score_adj: return "writing oom_score_adj";
    case Step::landlock: return "entering the Landlock domain";
    case Step::no_new_privs: return "no_new_privs";
    case Step::seccomp: return "loading the seccomp filters";
    case Step::groups: return "setting the supplementary groups";
    case Step::user: return "setting the user";
    case Step::capabilities: return "setting the capabilities";
    case Step::close_fds: return "closing the inherited descriptors";
    case Step::exec: return "exec";
  }
  return "?";
}

}  // namespace sandbox::oci
