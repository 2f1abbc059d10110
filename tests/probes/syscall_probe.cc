// syscall_probe NAME [ARG]: makes one attempt at a dangerous system call,
// prints "NAME: <errno name>" and exits with that errno (0 on success).
// Integration tests run it inside the sandbox and assert the errno; being
// killed (SIGSYS) shows as a signal. Every attempt uses harmless arguments
// (invalid fds, bad pointers, zero lengths, missing paths), so a probe run
// by mistake outside the sandbox changes nothing on the host.
// Only libc: it must also build static.
#include <fcntl.h>
#include <linux/keyctl.h>
#include <linux/reboot.h>
#include <linux/tiocl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/personality.h>
#include <sys/quota.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

constexpr int kUsage = 254;  // above every errno
constexpr unsigned kMfdNoexecSeal = 0x0008U;
constexpr long kX32SyscallBit = 0x40000000;
constexpr int kSyslogActionReadAll = 3;
// An address that is never mapped: the kernel answers EFAULT, reads nothing.
void* const kBadPointer = reinterpret_cast<void*>(8);

// The result of one attempt: 0 or the errno it got.
int result(long rc) { return rc == -1 ? errno : 0; }

// Runs the attempt and closes a returned fd, so the probe leaves nothing open.
int result_fd(long fd) {
  if (fd == -1) return errno;
  close(static_cast<int>(fd));
  return 0;
}

long pid_arg(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "%s: needs a PID\n", argv[1]);
    std::exit(kUsage);
  }
  return std::strtol(argv[2], nullptr, 10);
}

int clone_newuser() {
  const long pid = syscall(SYS_clone, CLONE_NEWUSER | SIGCHLD, nullptr, nullptr, nullptr, nullptr);
  if (pid == -1) return errno;
  if (pid == 0) _exit(0);
  waitpid(static_cast<pid_t>(pid), nullptr, 0);
  return 0;
}

// Room for a struct file_handle and its trailing bytes.
struct HandleBuffer {
  alignas(file_handle) unsigned char bytes[sizeof(file_handle) + MAX_HANDLE_SZ] = {};
  file_handle* get() { return reinterpret_cast<file_handle*>(bytes); }
};

int open_by_handle() {
  HandleBuffer handle;
  handle.get()->handle_bytes = 8;  // all zero: matches no file
  return result_fd(open_by_handle_at(-1, handle.get(), O_RDONLY));
}

int name_to_handle() {
  HandleBuffer handle;
  handle.get()->handle_bytes = MAX_HANDLE_SZ;
  int mount_id = 0;
  return result(name_to_handle_at(AT_FDCWD, "/", handle.get(), &mount_id, 0));
}

int tioclinux() {
  char subcode = TIOCL_GETSHIFTSTATE;  // read-only
  return result(ioctl(0, TIOCLINUX, &subcode));
}

int i386_getpid() {
#if defined(__x86_64__)
  long rc = 20;  // getpid on i386
  asm volatile("int $0x80" : "+a"(rc) : : "r8", "r9", "r10", "r11", "memory");
  if (rc < 0) return static_cast<int>(-rc);
  return rc == getpid() ? 0 : kUsage - 1;  // 253: returned something odd
#else
  return ENOSYS;
#endif
}

int attempt(const char* name, int argc, char** argv) {
  const auto is = [name](const char* candidate) { return strcmp(name, candidate) == 0; };
  if (is("unshare-user")) return result(unshare(CLONE_NEWUSER));
  if (is("unshare-net")) return result(unshare(CLONE_NEWNET));
  if (is("unshare-mount")) return result(unshare(CLONE_NEWNS));
  if (is("clone-newuser")) return clone_newuser();
  if (is("clone3")) return result(syscall(SYS_clone3, nullptr, 0));  // size 0: EINVAL if allowed
  if (is("mount")) return result(mount("none", "/nonexistent-probe", "tmpfs", 0, nullptr));
  if (is("umount")) return result(umount2("/nonexistent-probe", 0));
  if (is("pivot_root")) {
    return result(syscall(SYS_pivot_root, "/nonexistent-probe-a", "/nonexistent-probe-b"));
  }
  if (is("open_by_handle_at")) return open_by_handle();
  if (is("name_to_handle_at")) return name_to_handle();
  if (is("keyctl")) {
    return result(syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_SESSION_KEYRING, 0));
  }
  if (is("add_key")) {  // a type that does not exist: ENODEV if allowed
    return result(syscall(SYS_add_key, "probe_no_such_type", "probe", "x", 1,
                          KEY_SPEC_PROCESS_KEYRING));
  }
  if (is("bpf")) return result_fd(syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, nullptr, 0));
  if (is("perf_event_open")) {
    return result_fd(syscall(SYS_perf_event_open, nullptr, 0, -1, -1, 0));
  }
  if (is("userfaultfd")) {
    return result_fd(syscall(SYS_userfaultfd, O_CLOEXEC | 1 /* UFFD_USER_MODE_ONLY */));
  }
  if (is("io_uring_setup")) return result_fd(syscall(SYS_io_uring_setup, 0, nullptr));
  if (is("ptrace-attach")) {  // SEIZE does not stop the target; it is released at our exit
    return result(syscall(SYS_ptrace, 0x4206 /* PTRACE_SEIZE */, pid_arg(argc, argv), 0, 0));
  }
  if (is("process_vm_readv")) {
    char byte = 0;
    iovec local{&byte, 1};
    iovec remote{nullptr, 1};
    const auto pid = static_cast<pid_t>(pid_arg(argc, argv));
    return result(process_vm_readv(pid, &local, 1, &remote, 1, 0));
  }
  if (is("tiocsti")) return result(ioctl(0, TIOCSTI, "x"));  // one char, no newline
  if (is("tiocsti-high")) return result(syscall(SYS_ioctl, 0, TIOCSTI | (1UL << 32), "x"));
  if (is("tioclinux")) return tioclinux();
  if (is("personality")) return result(personality(PER_LINUX32));
  if (is("iopl")) return result(syscall(SYS_iopl, 0));             // lowers to 0: a no-op
  if (is("ioperm")) return result(syscall(SYS_ioperm, 0x80, 1, 0));  // turns access off
  if (is("settimeofday")) return result(syscall(SYS_settimeofday, kBadPointer, nullptr));
  if (is("clock_settime")) return result(syscall(SYS_clock_settime, CLOCK_REALTIME, nullptr));
  if (is("swapon")) return result(syscall(SYS_swapon, "/nonexistent-probe", 0));
  if (is("reboot")) {  // bad magic2 as well as CAD_OFF: EINVAL at worst
    return result(syscall(SYS_reboot, LINUX_REBOOT_MAGIC1, 0, LINUX_REBOOT_CMD_CAD_OFF, nullptr));
  }
  if (is("kexec_load")) {  // too many segments and a foreign arch: EINVAL if allowed
    return result(syscall(SYS_kexec_load, 0, 1000, nullptr, 0xfffe0000UL));
  }
  if (is("init_module")) return result(syscall(SYS_init_module, nullptr, 0, ""));
  if (is("acct")) return result(syscall(SYS_acct, "/nonexistent-probe"));
  if (is("syslog")) {  // length 0: reads nothing
    char buffer[1];
    return result(syscall(SYS_syslog, kSyslogActionReadAll, buffer, 0));
  }
  if (is("quotactl")) {
    char info[64];
    return result(quotactl(QCMD(Q_GETINFO, USRQUOTA), "/nonexistent-probe", 0, info));
  }
  if (is("setns")) return result(setns(-1, 0));
  if (is("socket-raw")) return result_fd(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
  if (is("socket-packet")) return result_fd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));
  if (is("memfd-exec")) return result_fd(memfd_create("probe", MFD_CLOEXEC));
  if (is("memfd-noexec")) return result_fd(memfd_create("probe", MFD_CLOEXEC | kMfdNoexecSeal));
  if (is("x32")) return result(syscall(SYS_getpid | kX32SyscallBit));
  if (is("i386")) return i386_getpid();
  std::fprintf(stderr, "syscall_probe: unknown probe '%s'\n", name);
  std::exit(kUsage);
}

const char* errno_label(int err) {
  if (err == 0) return "OK";
  const char* label = strerrorname_np(err);
  return label != nullptr ? label : "unknown";
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: syscall_probe NAME [PID]\n");
    return kUsage;
  }
  const int err = attempt(argv[1], argc, argv);
  std::printf("%s: %s\n", argv[1], errno_label(err));
  std::fflush(stdout);
  return err;
}
