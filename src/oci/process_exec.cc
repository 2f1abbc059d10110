// The tail of every container process, shared by create (after start) and
// exec: from the working directory to execve, top to bottom. Child side:
// no allocation, no exceptions; each failure is (step, errno) on the report
// socket.
//
// Order, and why:
//   working directory   resolved inside the container (after pivot_root or
//                       setns), never through a descriptor of the host
//                       (CVE-2024-21626: every other fd is CLOEXEC below)
//   close fds           everything but stdio and --preserve-fds is CLOEXEC
//   rlimits, oom score  while still root with every capability
//   Landlock            needs CAP_SYS_ADMIN or no_new_privs: applied while
//                       the process still has CAP_SYS_ADMIN, so it holds
//                       for containers without noNewPrivileges too
//   seccomp (no NNP)    likewise needs CAP_SYS_ADMIN without no_new_privs:
//                       loaded before the identity change (as runc does)
//   identity            groups, gid, uid (caps kept), then the capability
//                       sets: bounding before setuid (needs CAP_SETPCAP)
//   seccomp (NNP)       last before execve when no_new_privs is set
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/close_range.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <grp.h>
#include <termios.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "oci/plan.h"
#include "util/sys.h"

namespace sandbox::oci {
namespace {

constexpr int kLastCap = 40;  // CAP_CHECKPOINT_RESTORE

// capset(2): glibc has no wrapper (libcap's is the usual one).
int set_capability_sets(const Capabilities& caps) noexcept {
  __user_cap_header_struct header{};
  header.version = _LINUX_CAPABILITY_VERSION_3;
  header.pid = 0;
  __user_cap_data_struct data[2]{};
  for (int i = 0; i < 2; ++i) {
    data[i].effective = static_cast<std::uint32_t>(caps.effective >> (32 * i));
    data[i].permitted = static_cast<std::uint32_t>(caps.permitted >> (32 * i));
    data[i].inheritable = static_cast<std::uint32_t>(caps.inheritable >> (32 * i));
  }
  return ::syscall(SYS_capset, &header, data) == 0 ? 0 : errno;
}

int drop_bounding(std::uint64_t keep) noexcept {
  for (int cap = 0; cap <= kLastCap; ++cap) {
    if ((keep & (1ULL << cap)) != 0) continue;
    if (::prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 && errno != EINVAL) return errno;
  }
  return 0;
}

int raise_ambient(std::uint64_t ambient) noexcept {
  for (int cap = 0; cap <= kLastCap; ++cap) {
    if ((ambient & (1ULL << cap)) == 0) continue;
    // An ambient capability must be permitted and inheritable; runc ignores
    // those that are not, so do we.
    if (::prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, cap, 0, 0) != 0 && errno != EPERM &&
        errno != EINVAL) {
      return errno;
    }
  }
  return 0;
}

int load_filters(const ProcessPlan& plan) noexcept {
  if (plan.bundle != nullptr) {
    if (int err = seccomp::install(*plan.bundle); err != 0) return err;
  }
  if (plan.ours != nullptr) return seccomp::install(*plan.ours);
  return 0;
}

}  // namespace

[[noreturn]] void fail_step(int report_fd, Step step, int err, std::uint32_t index) {
  Report report;
  report.step = step;
  report.errno_value = err;
  report.index = index;
  if (::send(report_fd, &report, sizeof report, MSG_NOSIGNAL) != sizeof report) {
    // Nobody listens any more (after start, the runtime has returned): the
    // process's own stderr is where its caller (conmon, the shim) looks.
    const char* desc = ::strerrordesc_np(err);
    char line[512];
    const int len = std::snprintf(line, sizeof line, "sandbox-oci: %s: %s\n", step_name(step),
                                  desc != nullptr ? desc : "error");
    if (len > 0) {
      [[maybe_unused]] const ssize_t n = ::write(2, line, static_cast<std::size_t>(len));
    }
  }
  ::_exit(step == Step::exec ? (err == ENOENT ? 127 : 126) : 1);
}

int add_landlock_rules(const ProcessPlan& plan, std::uint32_t& failed_index) noexcept {
  if (plan.landlock_fd < 0) return 0;
  const int root = ::open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
  if (root < 0) return errno;
  sys::LandlockPathBeneathAttr rule;
  rule.allowed_access = plan.landlock_root_rights;
  rule.parent_fd = root;
  int err = sys::landlock_add_rule(plan.landlock_fd, sys::kLandlockRulePathBeneath, &rule) == 0 ? 0 : errno;
  ::close(root);
  if (err != 0) return err;
  // The descriptors handed over (stdio, --preserve-fds) may be reopened by
  // name (/dev/stdout, /proc/self/fd/N) with at most their own access
  // mode, as in sandbox (DESIGN §2.3); a directory never gives its tree.
  for (int fd = 0; fd < plan.keep_fds; ++fd) {
    struct stat st {};
    if (::fstat(fd, &st) != 0 || S_ISDIR(st.st_mode) || S_ISSOCK(st.st_mode)) continue;
    const int mode = ::fcntl(fd, F_GETFL);
    if (mode < 0) continue;
    std::uint64_t rights = 0;
    if ((mode & O_ACCMODE) != O_WRONLY) rights |= sys::kLandlockFsReadFile;
    if ((mode & O_ACCMODE) != O_RDONLY) rights |= sys::kLandlockFsWriteFile | sys::kLandlockFsTruncate;
    if (S_ISCHR(st.st_mode)) rights |= sys::kLandlockFsIoctlDev;
    rule.allowed_access = rights & plan.landlock_root_rights_mask;
    rule.parent_fd = fd;
    // A pipe or socket of an internal filesystem is outside Landlock's
    // reach anyway; the kernel refuses a rule for it.
    (void)sys::landlock_add_rule(plan.landlock_fd, sys::kLandlockRulePathBeneath, &rule);
  }
  for (std::size_t i = 0; i < plan.landlock_paths.size(); ++i) {
    const int fd = ::open(plan.landlock_paths[i].c_str(), O_PATH | O_CLOEXEC);
    if (fd < 0) continue;  // a mount that a later one covered
    struct stat st {};
    const bool dir = ::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode);
    rule.allowed_access = plan.landlock_rights[i];
    if (!dir) rule.allowed_access &= landlock::kFileRights;
    rule.parent_fd = fd;
    err = sys::landlock_add_rule(plan.landlock_fd, sys::kLandlockRulePathBeneath, &rule) == 0 ? 0 : errno;
    ::close(fd);
    if (err != 0) {
      failed_index = static_cast<std::uint32_t>(i);
      return err;
    }
  }
  return 0;
}

int setup_console(const ProcessPlan& plan) noexcept {
  const int master = ::open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (master < 0) return errno;
  int unlock = 0;
  if (::ioctl(master, TIOCSPTLCK, &unlock) != 0) return errno;
  const int slave = ::ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (slave < 0) return errno;
  if (plan.rows != 0 || plan.cols != 0) {
    winsize size{};
    size.ws_row = static_cast<unsigned short>(plan.rows);
    size.ws_col = static_cast<unsigned short>(plan.cols);
    ::ioctl(slave, TIOCSWINSZ, &size);
  }
  // The master goes to the caller (conmon, the shim, recvtty) over the
  // console socket, as runc sends it: one byte of data and SCM_RIGHTS.
  char name[] = "/dev/ptmx";
  iovec iov{name, sizeof name - 1};
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int))]{};
  msghdr msg{};
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = sizeof control;
  cmsghdr* cmsg = CMSG_FIRSTHDR(&msg);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int));
  std::memcpy(CMSG_DATA(cmsg), &master, sizeof(int));
  if (::sendmsg(plan.console_socket, &msg, MSG_NOSIGNAL) < 0) return errno;
  ::close(master);
  // The terminal belongs to the process's user (its group is devpts's gid=).
  if (::fchown(slave, plan.uid, static_cast<gid_t>(-1)) != 0) return errno;
  if (::setsid() < 0) return errno;
  if (::ioctl(slave, TIOCSCTTY, 0) != 0) return errno;
  for (int fd = 0; fd < 3; ++fd) {
    if (::dup2(slave, fd) < 0) return errno;
  }
  ::close(slave);
  return 0;
}

[[noreturn]] void finish_and_exec(const ProcessPlan& plan, int report_fd) {
  const int r = report_fd;
  if (::chdir(plan.cwd.c_str()) != 0) fail_step(r, Step::working_directory, errno);
  if (plan.set_umask) ::umask(plan.umask);
  // Every descriptor but stdio and the preserved ones closes at execve:
  // a host directory left open cannot become the process's cwd.
  if (sys::close_range(static_cast<unsigned>(plan.keep_fds), ~0U, CLOSE_RANGE_CLOEXEC) != 0) {
    fail_step(r, Step::close_fds, errno);
  }
  for (std::size_t i = 0; i < plan.rlimits.size(); ++i) {
    const rlimit limit{plan.rlimits[i].soft, plan.rlimits[i].hard};
    if (::setrlimit(static_cast<__rlimit_resource>(plan.rlimits[i].resource), &limit) != 0) {
      fail_step(r, Step::rlimits, errno, static_cast<std::uint32_t>(i));
    }
  }
  if (plan.set_oom_score_adj) {
    const int fd = ::open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0) fail_step(r, Step::oom_score_adj, errno);
    if (::write(fd, plan.oom_score_adj.data(), plan.oom_score_adj.size()) < 0) {
      fail_step(r, Step::oom_score_adj, errno);
    }
    ::close(fd);
  }
  // Our Landlock domain: the container's root and its mounts, nothing of
  // the host (its binaries, /proc/PID/exe of a runtime process, a leaked
  // directory). Applied while CAP_SYS_ADMIN is still held.
  if (plan.landlock_fd >= 0) {
    std::uint32_t index = 0;
    if (int err = add_landlock_rules(plan, index); err != 0) fail_step(r, Step::landlock_rules, err, index);
    if (int err = landlock::restrict_self(plan.landlock_fd); err != 0) fail_step(r, Step::landlock, err);
  }
  if (plan.no_new_privileges && ::prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0) {
    fail_step(r, Step::no_new_privs, errno);
  }
  if (!plan.no_new_privileges) {
    if (int err = load_filters(plan); err != 0) fail_step(r, Step::seccomp, err);
  }
  if (!plan.groups.empty()) {
    if (::setgroups(plan.groups.size(), plan.groups.data()) != 0) fail_step(r, Step::groups, errno);
  } else if (::setgroups(0, nullptr) != 0 && errno != EPERM) {
    fail_step(r, Step::groups, errno);  // EPERM: a user namespace with setgroups denied
  }
  const Capabilities caps = plan.has_capabilities ? plan.caps : Capabilities{};
  if (int err = drop_bounding(caps.bounding); err != 0) fail_step(r, Step::capabilities, err);
  if (::prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) != 0) fail_step(r, Step::capabilities, errno);
  if (::setresgid(plan.gid, plan.gid, plan.gid) != 0) fail_step(r, Step::user, errno);
  if (::setresuid(plan.uid, plan.uid, plan.uid) != 0) fail_step(r, Step::user, errno);
  if (int err = set_capability_sets(caps); err != 0) fail_step(r, Step::capabilities, err);
  if (int err = raise_ambient(caps.ambient); err != 0) fail_step(r, Step::capabilities, err);
  if (plan.no_new_privileges) {
    if (int err = load_filters(plan); err != 0) fail_step(r, Step::seccomp, err);
  }
  // PATH search as execvpe, over the candidates planned beforehand.
  int err = ENOENT;
  for (const auto& candidate : plan.exec_candidates) {
    ::execve(candidate.c_str(), plan.argv.data(), plan.envp.data());
    if (errno != ENOENT) err = errno;
  }
  fail_step(r, Step::exec, err);
}

}  // namespace sandbox::oci
