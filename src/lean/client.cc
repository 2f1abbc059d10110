// The lean client of the warm pool (DESIGN §14, issue 17): `sandbox CMD`
// handed to `sandbox --serve` before glibc has started.
//
// The binary's ELF entry point is sandbox_lean_entry (CMakeLists.txt). It
// runs freestanding code, raw system calls only (lean/syscall.h), and
// handles the plain case: no option, standard input, output and error that
// need no reopen and no input relay (character devices, sockets, files
// open for writing, and pipes on 1 and 2, which it relays into inner pipes
// as the full client does; never both 0 and 1 on a terminal), a service
// listening in the caller's 0700 socket directory, in its own user
// namespace, that accepts the job. In every other case, and whenever the service declines,
// it closes what it opened, restores the signal mask and jumps to glibc's
// _start with the stack as the kernel made it: the full binary runs as if
// this code did not exist, asks the pool itself or launches cold.
//
// Once the service accepted, the job is ours to the end: signals are
// forwarded to the sandbox's init, its exit report gives the status (the
// command's own, or 128+N), and anything else (a failure report, or the
// sandbox's end without one) is put into words by the full binary, which
// this client starts for that (--render-pooled-outcome, cli/main.cc) with
// what it received. What the service checks for a lean job, because this
// client cannot (which default profile the caller would load, the label
// and its control socket), is in serve/service.cc.
//
// Freestanding rules, checked by scripts/check-lean.sh on the object file:
// nothing undefined but _start (no libc call: not even the memcpy a
// compiler emits for a struct copy), no relocation but PC-relative ones
// (the static PIE is not relocated yet), no stack protector, no TLS.
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <termios.h>

#include <cstddef>
#include <cstdint>

#include "cli/explain_hint.h"
#include "init/reaper.h"
#include "launch/step.h"
#include "lean/syscall.h"
#include "pool/wire.h"

#if !defined(__x86_64__)
#error "the lean client is x86-64 only (CMakeLists.txt leaves it out elsewhere)"
#endif

// The ELF entry: %rsp points at argc. lean_main returns only to hand over,
// and _start then gets the kernel's stack and %rdx = 0 (no rtld_fini).
asm(R"(
  .text
  .globl sandbox_lean_entry
  .hidden sandbox_lean_entry
  .type sandbox_lean_entry, @function
sandbox_lean_entry:
  endbr64
  mov %rsp, %r12
  mov %rsp, %rdi
  and $-16, %rsp
  call sandbox_lean_main
  mov %r12, %rsp
  xor %edx, %edx
  jmp _start
  .size sandbox_lean_entry, . - sandbox_lean_entry
)");

namespace sandbox::lean {
namespace {

using pool::Kind;

constexpr int kAnswerTimeoutMs = 10000;  // as the full client's
constexpr int kSoPeerPidfd = 77;         // SO_PEERPIDFD (Linux 6.5)
constexpr unsigned long kPidfdGetUserNamespace = 0xFF09;
constexpr int kOutcomeFd = 3;            // --render-pooled-outcome reads it

// The job out and the answer in; .bss, so only the pages used are touched.
constexpr std::size_t kJobBytes = 256 * 1024;
alignas(8) char job_buffer[kJobBytes];
char answer_buffer[pool::kMaxMessage];

std::size_t length(const char* s) {
  std::size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

bool starts_with(const char* s, const char* prefix) {
  for (; *prefix != '\0'; ++s, ++prefix) {
    if (*s != *prefix) return false;
  }
  return true;
}

bool same(const char* a, const char* b) {
  for (; *a != '\0' && *a == *b; ++a, ++b) {
  }
  return *a == *b;
}

void copy(char* to, const char* from, std::size_t n) {
  for (std::size_t i = 0; i < n; ++i) to[i] = from[i];
}

// The value of NAME= in envp, or nullptr.
const char* env_value(char** envp, const char* name_eq) {
  for (char** e = envp; *e != nullptr; ++e) {
    if (starts_with(*e, name_eq)) return *e + length(name_eq);
  }
  return nullptr;
}

// A bounded text being built: false once it overflowed.
class Text {
 public:
  Text(char* data, std::size_t capacity) : data_(data), capacity_(capacity) {}
  Text& add(const char* s, std::size_t n) {
    if (n > capacity_ - size_) {
      ok_ = false;
      return *this;
    }
    copy(data_ + size_, s, n);
    size_ += n;
    return *this;
  }
  Text& add(const char* s) { return add(s, length(s)); }
  Text& add(std::uint64_t value) {
    char digits[20];
    std::size_t n = 0;
    do {
      digits[sizeof(digits) - 1 - n++] = static_cast<char>('0' + value % 10);
      value /= 10;
    } while (value != 0);
    return add(digits + sizeof(digits) - n, n);
  }
  const char* data() const { return data_; }
  std::size_t size() const { return size_; }
  bool ok() const { return ok_; }
  char* end() { return data_ + size_; }

 private:
  char* data_;
  std::size_t capacity_;
  std::size_t size_ = 0;
  bool ok_ = true;
};

// "dev:ino" of what path names, then ":" and the link's text when asked:
// the format serve/service.cc compares with its own.
bool identity(Text& out, const char* path, bool with_link) {
  struct stat st;
  if (sys::call(SYS_newfstatat, AT_FDCWD, sys::arg(path), sys::arg(&st), 0) != 0) return false;
  out.add(st.st_dev).add(":").add(st.st_ino);
  if (with_link) {
    char link[4096];
    const long n = sys::call(SYS_readlinkat, AT_FDCWD, sys::arg(path), sys::arg(link), sizeof(link));
    if (n <= 0 || n >= static_cast<long>(sizeof(link))) return false;
    out.add(":").add(link, static_cast<std::size_t>(n));
  }
  return out.ok();
}

bool is_terminal(int fd) {
  termios t;
  return sys::call(SYS_ioctl, fd, TCGETS, sys::arg(&t)) == 0;
}

// An output pipe of the caller's (1 or 2, write-only, anonymous) that the
// client relays as the full client does (handover/relay.h): the sandbox
// gets an inner pipe, and what it writes is spliced into the caller's.
struct Output {
  int caller = -1;  // 1 or 2
  int ours = -1;    // the inner pipe's read end (non-blocking)
  int theirs = -1;  // its write end: sent as the job's descriptor, then closed
  dev_t dev = 0;
  ino_t ino = 0;
  bool shared = false;  // the same pipe as outputs[0] (`2>&1 | less`): relayed by it
  bool waiting_for_room = false;  // the caller's pipe is full
  bool done = false;
};

struct Stdio {
  Output outputs[2];
  int count = 0;
  int sent[3] = {0, 1, 2};  // what the job gets as its 0, 1 and 2
};

bool is_anonymous_pipe(int fd) {
  const char path[] = {'/', 'p', 'r', 'o', 'c', '/', 's', 'e', 'l', 'f', '/', 'f', 'd', '/',
                       static_cast<char>('0' + fd), '\0'};
  char link[16];
  const long n = sys::call(SYS_readlinkat, AT_FDCWD, sys::arg(path), sys::arg(link), sizeof(link));
  return n >= 5 && starts_with(link, "pipe:");
}

// Standard input, output and error as the service can take them: open, and
// nothing the full client would reopen (files open read-only, directories)
// or feed through its input relay (a pipe on 0), nor a terminal on both 0
// and 1 (--pty). Output pipes are noted for the relay.
bool stdio_fits(Stdio& stdio) {
  for (int fd = 0; fd < 3; ++fd) {
    const long flags = sys::call(SYS_fcntl, fd, F_GETFL);
    if (flags < 0 || (flags & O_PATH) != 0) return false;
    struct stat st;
    if (sys::call(SYS_fstat, fd, sys::arg(&st)) != 0) return false;
    if (fd > 0 && S_ISFIFO(st.st_mode) && (flags & O_ACCMODE) == O_WRONLY && is_anonymous_pipe(fd)) {
      Output& out = stdio.outputs[stdio.count++];
      out.caller = fd;
      out.dev = st.st_dev;
      out.ino = st.st_ino;
      continue;
    }
    const bool fits = S_ISCHR(st.st_mode) || S_ISSOCK(st.st_mode) ||
                      (S_ISREG(st.st_mode) && (flags & O_ACCMODE) != O_RDONLY);
    if (!fits) return false;
  }
  return !(is_terminal(0) && is_terminal(1));
}

constexpr long kPipeSize = 1 << 20;  // as handover/relay.cc: large batches

// The inner pipes. False when one cannot be made (close_relay closes what
// was).
bool open_relay(Stdio& stdio) {
  for (int i = 0; i < stdio.count; ++i) {
    Output& out = stdio.outputs[i];
    if (i == 1 && out.dev == stdio.outputs[0].dev && out.ino == stdio.outputs[0].ino) {
      out.shared = true;
      out.done = true;
      stdio.sent[out.caller] = stdio.outputs[0].theirs;
      continue;
    }
    int fds[2];
    if (sys::call(SYS_pipe2, sys::arg(fds), O_CLOEXEC) != 0) return false;
    out.ours = fds[0];
    out.theirs = fds[1];
    sys::call(SYS_fcntl, out.ours, F_SETFL, O_NONBLOCK);      // ours only: the command's stays blocking
    sys::call(SYS_fcntl, out.ours, F_SETPIPE_SZ, kPipeSize);  // a failure keeps the default size
    sys::call(SYS_fcntl, out.caller, F_SETPIPE_SZ, kPipeSize);
    stdio.sent[out.caller] = out.theirs;
  }
  return true;
}

// The write ends, once the job holds them (or nothing does).
void close_write_ends(Stdio& stdio) {
  for (int i = 0; i < stdio.count; ++i) {
    Output& out = stdio.outputs[i];
    if (out.theirs >= 0) sys::close(out.theirs);
    out.theirs = -1;
  }
}

void close_relay(Stdio& stdio) {
  close_write_ends(stdio);
  for (int i = 0; i < stdio.count; ++i) {
    if (stdio.outputs[i].ours >= 0) sys::close(stdio.outputs[i].ours);
    stdio.outputs[i].ours = -1;
  }
}

// Moves what the inner pipe holds into the caller's, without blocking.
// When the caller's reader is gone, the inner pipe is closed, so the
// command gets EPIPE (and SIGPIPE) as it would bare; our own SIGPIPE is
// blocked and stays pending, never taken.
void pump(Output& out) {
  if (out.done || out.ours < 0) return;
  for (;;) {
    const long n = sys::call(SYS_splice, out.ours, 0, out.caller, 0, kPipeSize, SPLICE_F_MOVE | SPLICE_F_NONBLOCK);
    if (n > 0 || n == -EINTR) continue;
    if (n == -EAGAIN) {
      int queued = 0;
      out.waiting_for_room = sys::call(SYS_ioctl, out.ours, FIONREAD, sys::arg(&queued)) == 0 && queued > 0;
      return;
    }
    sys::close(out.ours);  // 0: every writer gone, all delivered; or the caller's reader is gone
    out.ours = -1;
    out.done = true;
    return;
  }
}

// The sandbox is gone: what it wrote reaches the caller, waiting for a slow
// reader. Nothing writes any more, so an empty inner pipe is the end (init
// holds a write end until it exits, and never writes to it).
void drain(Stdio& stdio) {
  for (int i = 0; i < stdio.count; ++i) {
    Output& out = stdio.outputs[i];
    for (;;) {
      pump(out);
      if (out.done || !out.waiting_for_room) break;
      pollfd p;
      p.fd = out.caller;
      p.events = POLLOUT;
      p.revents = 0;
      sys::call(SYS_poll, sys::arg(&p), 1, -1);
    }
  }
}

// The service is ours: our uid, in our user namespace (pool/peer.cc).
bool peer_is_ours(int socket, long euid) {
  ucred cred;
  socklen_t size = sizeof(cred);
  if (sys::call(SYS_getsockopt, socket, SOL_SOCKET, SO_PEERCRED, sys::arg(&cred), sys::arg(&size)) != 0 ||
      static_cast<long>(cred.uid) != euid) {
    return false;
  }
  int pidfd = -1;
  size = sizeof(pidfd);
  if (sys::call(SYS_getsockopt, socket, SOL_SOCKET, kSoPeerPidfd, sys::arg(&pidfd), sys::arg(&size)) != 0 ||
      pidfd < 0) {
    return false;
  }
  const long ns = sys::call(SYS_ioctl, pidfd, kPidfdGetUserNamespace, 0);
  sys::close(pidfd);
  if (ns < 0) return false;
  struct stat theirs;
  struct stat ours;
  const bool same = sys::call(SYS_fstat, ns, sys::arg(&theirs)) == 0 &&
                    sys::call(SYS_newfstatat, AT_FDCWD, sys::arg("/proc/self/ns/user"), sys::arg(&ours), 0) == 0 &&
                    theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino;
  sys::close(static_cast<int>(ns));
  return same;
}

// One field: its u32 length, then its bytes (pool/wire.h).
void field(Text& out, const char* s, std::size_t n) {
  const auto size = static_cast<std::uint32_t>(n);
  out.add(reinterpret_cast<const char*>(&size), sizeof(size)).add(s, n);
}
void field(Text& out, const char* s) { field(out, s, length(s)); }
void count_field(Text& out, std::uint64_t count) {
  char digits[24];
  Text number(digits, sizeof(digits));
  number.add(count);
  field(out, number.data(), number.size());
}

void say(const char* text, std::size_t n) {
  while (n > 0) {
    const long written = sys::call(SYS_write, 2, sys::arg(text), static_cast<long>(n));
    if (written == -EINTR) continue;
    if (written <= 0) return;
    text += written;
    n -= static_cast<std::size_t>(written);
  }
}
void say(const char* text) { say(text, length(text)); }

// A msghdr for one datagram of `size` bytes at `data` with room for
// descriptors in `control` (no aggregate initialisation: no memset).
msghdr one_datagram(iovec& iov, char* data, std::size_t size, char* control, std::size_t control_size) {
  iov.iov_base = data;
  iov.iov_len = size;
  msghdr msg;
  msg.msg_name = nullptr;
  msg.msg_namelen = 0;
  msg.msg_iov = &iov;
  msg.msg_iovlen = 1;
  msg.msg_control = control;
  msg.msg_controllen = control_size;
  msg.msg_flags = 0;
  return msg;
}

struct Answer {
  Kind kind = Kind::declined;
  std::size_t size = 0;  // bytes in answer_buffer
  int pidfd = -1;        // accepted: init's
  const char* informational = nullptr;  // accepted: the two fields of pool/wire.h
  std::size_t informational_size = 0;
  bool quiet = false;
};

// Reads the service's answer; false when there is none or it is not one
// (the connection is then given up: nothing has started).
bool receive_answer(int socket, Answer& answer) {
  pollfd p;
  p.fd = socket;
  p.events = POLLIN;
  p.revents = 0;
  long ready;
  do {
    ready = sys::call(SYS_poll, sys::arg(&p), 1, kAnswerTimeoutMs);
  } while (ready == -EINTR);
  if (ready <= 0) return false;
  iovec iov;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * pool::kMaxFds)];
  msghdr msg = one_datagram(iov, answer_buffer, sizeof(answer_buffer), control, sizeof(control));
  long n;
  do {
    n = sys::call(SYS_recvmsg, socket, sys::arg(&msg), MSG_CMSG_CLOEXEC | MSG_DONTWAIT);
  } while (n == -EINTR);
  if (n < static_cast<long>(sizeof(pool::Header))) return false;
  answer.size = static_cast<std::size_t>(n);
  if (msg.msg_controllen >= CMSG_LEN(sizeof(int))) {
    const auto* cmsg = reinterpret_cast<const cmsghdr*>(control);
    if (cmsg->cmsg_level == SOL_SOCKET && cmsg->cmsg_type == SCM_RIGHTS) {
      const std::size_t fds = (cmsg->cmsg_len - CMSG_LEN(0)) / sizeof(int);
      const auto* data = reinterpret_cast<const int*>(CMSG_DATA(cmsg));
      for (std::size_t i = 0; i < fds; ++i) {
        if (i == 0) {
          answer.pidfd = data[0];
        } else {
          sys::close(data[i]);
        }
      }
    }
  }
  if ((msg.msg_flags & (MSG_TRUNC | MSG_CTRUNC)) != 0) return false;
  pool::Header header;
  copy(reinterpret_cast<char*>(&header), answer_buffer, sizeof(header));
  if (header.magic != pool::kMagic) return false;
  answer.kind = header.kind;
  if (answer.kind != Kind::accepted) return true;
  // The last two fields (pool/wire.h).
  const char* at = answer_buffer + sizeof(header);
  const char* end = answer_buffer + answer.size;
  const char* fields[2] = {nullptr, nullptr};
  std::size_t sizes[2] = {0, 0};
  for (std::uint32_t i = 0; i < header.count; ++i) {
    std::uint32_t size = 0;
    if (end - at < static_cast<long>(sizeof(size))) return false;
    copy(reinterpret_cast<char*>(&size), at, sizeof(size));
    at += sizeof(size);
    if (static_cast<std::size_t>(end - at) < size) return false;
    fields[0] = fields[1];
    sizes[0] = sizes[1];
    fields[1] = at;
    sizes[1] = size;
    at += size;
  }
  if (header.count < 2 + pool::kLeanAcceptedExtra || answer.pidfd < 0) return false;
  answer.informational = fields[0];
  answer.informational_size = sizes[0];
  answer.quiet = sizes[1] == 1 && fields[1][0] == '1';
  return true;
}

void wait_until_gone(int pidfd) {
  pollfd p;
  p.fd = pidfd;
  p.events = POLLIN;
  p.revents = 0;
  while (sys::call(SYS_poll, sys::arg(&p), 1, -1) == -EINTR) {
  }
}

// The words for any end but the command's own exit: the full binary says
// them (cli/pooled_outcome.cc) from the answer and the reports, at fd 3.
[[noreturn]] void render(char** argv, int argc, char** envp, const Answer& answer, const launch::Report* reports,
                         std::uint32_t report_count, bool killed) {
  const long memfd = sys::call(SYS_memfd_create, sys::arg("sandbox-outcome"), 0);
  bool written = memfd >= 0;
  auto put = [&](const void* data, std::size_t n) {
    const char* p = static_cast<const char*>(data);
    while (written && n > 0) {
      const long done = sys::call(SYS_write, memfd, sys::arg(p), static_cast<long>(n));
      if (done == -EINTR) continue;
      if (done <= 0) written = false;
      if (done > 0) {
        p += done;
        n -= static_cast<std::size_t>(done);
      }
    }
  };
  const auto size = static_cast<std::uint32_t>(answer.size);
  put(&size, sizeof(size));
  put(answer_buffer, answer.size);
  put(&report_count, sizeof(report_count));
  put(reports, sizeof(launch::Report) * report_count);
  const std::uint32_t killed_flag = killed ? 1 : 0;
  put(&killed_flag, sizeof(killed_flag));
  if (written && sys::call(SYS_lseek, memfd, 0, 0) == 0 &&
      (memfd == kOutcomeFd || sys::call(SYS_dup3, memfd, kOutcomeFd, 0) == kOutcomeFd)) {
    // argv[0], the option, then the command as given (the job's buffer is free now).
    char** args = reinterpret_cast<char**>(job_buffer);
    if (static_cast<std::size_t>(argc) + 2 > sizeof(job_buffer) / sizeof(char*)) sys::exit_group(125);
    args[0] = argv[0];
    args[1] = const_cast<char*>("--render-pooled-outcome");
    for (int i = 1; i <= argc; ++i) args[i + 1] = argv[i];  // argv[argc] is the null
    sys::call(SYS_execve, sys::arg("/proc/self/exe"), sys::arg(args), sys::arg(envp));
  }
  say("sandbox: the sandbox ended, and its outcome cannot be put into words (cannot start /proc/self/exe)\n");
  sys::exit_group(125);
}

// What is open while the job is being handed: undone when the service
// declines, so that _start finds the process as the kernel made it.
struct Handing {
  int socket = -1;
  int signals = -1;
  sigset_t previous;
  bool masked = false;
  Stdio stdio;
  void undo() {
    close_relay(stdio);
    if (signals >= 0) sys::close(signals);
    if (socket >= 0) sys::close(socket);
    if (masked) sys::call(SYS_rt_sigprocmask, SIG_SETMASK, sys::arg(&previous), 0, sizeof(std::uint64_t));
  }
};

// The job's fields (pool/wire.h) into job_buffer; false when it does not
// fit, or an identity cannot be read.
bool build_job(Text& job, int argc, char** argv, char** envp, const char* cwd, std::size_t cwd_size) {
  char ids[3][4200];
  Text exe(ids[0], sizeof(ids[0]));
  Text mount_ns(ids[1], sizeof(ids[1]));
  Text net_ns(ids[2], sizeof(ids[2]));
  if (!identity(exe, "/proc/self/exe", true) || !identity(mount_ns, "/proc/self/ns/mnt", false) ||
      !identity(net_ns, "/proc/self/ns/net", false)) {
    return false;
  }
  std::uint32_t envc = 0;
  while (envp[envc] != nullptr) ++envc;
  pool::Header header;
  header.kind = Kind::lean_job;
  header.count = 5 + 1 + static_cast<std::uint32_t>(argc - 1) + 1 + envc;
  job.add(reinterpret_cast<const char*>(&header), sizeof(header));
  field(job, pool::kLeanProtocol);
  field(job, exe.data(), exe.size());
  field(job, mount_ns.data(), mount_ns.size());
  field(job, net_ns.data(), net_ns.size());
  field(job, cwd, cwd_size);
  count_field(job, static_cast<std::uint64_t>(argc - 1));
  for (int i = 1; i < argc; ++i) field(job, argv[i]);
  count_field(job, envc);
  for (std::uint32_t i = 0; i < envc; ++i) field(job, envp[i]);
  return job.ok();
}

bool send_job(int socket, const Text& job, const int (&stdio)[3]) {
  iovec iov;
  alignas(cmsghdr) char control[CMSG_SPACE(sizeof(int) * 3)];
  msghdr msg = one_datagram(iov, const_cast<char*>(job.data()), job.size(), control, sizeof(control));
  auto* cmsg = reinterpret_cast<cmsghdr*>(control);
  cmsg->cmsg_level = SOL_SOCKET;
  cmsg->cmsg_type = SCM_RIGHTS;
  cmsg->cmsg_len = CMSG_LEN(sizeof(int) * 3);
  int* fds = reinterpret_cast<int*>(CMSG_DATA(cmsg));
  for (int fd = 0; fd < 3; ++fd) fds[fd] = stdio[fd];
  long n;
  do {
    n = sys::call(SYS_sendmsg, socket, sys::arg(&msg), MSG_NOSIGNAL);
  } while (n == -EINTR);
  return n == static_cast<long>(job.size());
}

// Connects to the pool's socket; -1 when it cannot.
int connect_to(const char* path, std::size_t path_size) {
  sockaddr_un address;
  if (path_size >= sizeof(address.sun_path)) return -1;
  address.sun_family = AF_UNIX;
  copy(address.sun_path, path, path_size + 1);
  const long socket = sys::call(SYS_socket, AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0);
  if (socket < 0) return -1;
  if (sys::call(SYS_connect, socket, sys::arg(&address), sizeof(address)) != 0) {
    sys::close(static_cast<int>(socket));
    return -1;
  }
  return static_cast<int>(socket);
}

// The job runs: forward signals, read init's reports, end as it ended.
[[noreturn]] void run(Handing& handing, const Answer& answer, int argc, char** argv, char** envp) {
  if (answer.informational_size > 0) say(answer.informational, answer.informational_size);
  Stdio& stdio = handing.stdio;
  pollfd fds[4];
  fds[0].fd = handing.socket;
  fds[0].events = POLLIN;
  fds[1].fd = handing.signals;
  fds[1].events = POLLIN;
  launch::Report reports[2];
  std::uint32_t report_count = 0;
  bool failed = false;
  bool killed = false;  // the service said --kill ended it
  for (;;) {
    fds[0].revents = 0;
    fds[1].revents = 0;
    for (int i = 0; i < stdio.count; ++i) {  // the relay: what the command wrote, or room for it
      const Output& out = stdio.outputs[i];
      fds[2 + i].fd = out.done ? -1 : (out.waiting_for_room ? out.caller : out.ours);
      fds[2 + i].events = out.waiting_for_room ? POLLOUT : POLLIN;
      fds[2 + i].revents = 0;
    }
    const long ready = sys::call(SYS_poll, sys::arg(fds), 2 + stdio.count, -1);
    if (ready < 0 && ready != -EINTR) break;
    for (int i = 0; i < stdio.count; ++i) {
      if (fds[2 + i].revents != 0) pump(stdio.outputs[i]);
    }
    if ((fds[1].revents & POLLIN) != 0) {
      signalfd_siginfo info;
      while (sys::call(SYS_read, handing.signals, sys::arg(&info), sizeof(info)) == sizeof(info)) {
        sys::call(SYS_pidfd_send_signal, answer.pidfd, static_cast<long>(info.ssi_signo), 0, 0);
      }
    }
    if ((fds[0].revents & (POLLIN | POLLHUP | POLLERR)) == 0) continue;
    for (;;) {
      launch::Report report;
      const long n = sys::call(SYS_recvfrom, handing.socket, sys::arg(&report), sizeof(report), MSG_DONTWAIT, 0, 0);
      if (n == -EINTR) continue;
      if (n == -EAGAIN) break;
      if (n == static_cast<long>(sizeof(pool::Header))) {
        pool::Header header;
        copy(reinterpret_cast<char*>(&header), reinterpret_cast<const char*>(&report), sizeof(header));
        killed = killed || (header.magic == pool::kMagic && header.kind == Kind::killed);
        continue;
      }
      if (n != static_cast<long>(sizeof(report))) {
        // The connection's end without init's exit report: init is gone
        // or going; nothing of the sandbox may run when we return.
        sys::call(SYS_pidfd_send_signal, answer.pidfd, SIGKILL, 0, 0);
        wait_until_gone(answer.pidfd);
        drain(stdio);
        render(argv, argc, envp, answer, reports, report_count, killed);
      }
      if (report.kind == launch::Report::Kind::failure && !failed) {
        failed = true;
        reports[report_count++] = report;
        continue;
      }
      if (report.kind != launch::Report::Kind::exited) continue;
      // Every other process of the sandbox is gone (init::reap).
      drain(stdio);  // everything it wrote reaches the caller before the status
      if (failed) {
        reports[report_count++] = report;
        render(argv, argc, envp, answer, reports, report_count, killed);
      }
      const int status = WIFSIGNALED(report.wait_status) ? 128 + WTERMSIG(report.wait_status)
                                                         : WEXITSTATUS(report.wait_status);
      if (status != 0 && !answer.quiet && is_terminal(2)) say(cli::kExplainHint);  // cli/explain_run.cc
      sys::exit_group(status);
    }
  }
  sys::call(SYS_pidfd_send_signal, answer.pidfd, SIGKILL, 0, 0);
  wait_until_gone(answer.pidfd);
  drain(stdio);
  render(argv, argc, envp, answer, reports, report_count, killed);
}

}  // namespace
}  // namespace sandbox::lean

// Returns to hand over to glibc's _start; never returns once a service
// took the job.
extern "C" [[gnu::visibility("hidden"), gnu::used]] void sandbox_lean_main(long* stack) {
  using namespace sandbox::lean;
  const int argc = static_cast<int>(stack[0]);
  char** argv = reinterpret_cast<char**>(stack + 1);
  char** envp = argv + argc + 1;
  // `sandbox CMD [ARG...]`: any option, or an argument that names a
  // descriptor (a pipe named so is handed over: handover/arguments.h), is
  // the full binary's.
  if (argc < 2 || argv[1][0] == '-' || argv[1][0] == '\0') return;
  for (int i = 1; i < argc; ++i) {
    if (starts_with(argv[i], "/dev/fd/") || starts_with(argv[i], "/proc/self/fd/")) return;
  }
  if (const char* mode = env_value(envp, "SANDBOX_POOL="); mode != nullptr && same(mode, "off")) return;
  // The socket directory (pool/socket_dir.cc).
  const long euid = sys::call(SYS_geteuid);
  char path_bytes[256];
  Text path(path_bytes, sizeof(path_bytes) - 1);
  const char* runtime = env_value(envp, "XDG_RUNTIME_DIR=");
  if (runtime != nullptr && runtime[0] == '/') {
    path.add(runtime).add("/sandbox");
  } else if (euid == 0) {
    path.add("/run/sandbox");
  } else {
    return;
  }
  const std::size_t dir_size = path.size();
  path.add("/pool.sock");
  if (!path.ok()) return;
  *path.end() = '\0';
  struct stat st;
  if (sys::call(SYS_newfstatat, AT_FDCWD, sys::arg(path.data()), sys::arg(&st), AT_SYMLINK_NOFOLLOW) != 0) return;
  path_bytes[dir_size] = '\0';
  if (sys::call(SYS_newfstatat, AT_FDCWD, sys::arg(path.data()), sys::arg(&st), AT_SYMLINK_NOFOLLOW) != 0 ||
      !S_ISDIR(st.st_mode) || static_cast<long>(st.st_uid) != euid || (st.st_mode & 07777) != 0700) {
    return;  // never our descriptors and environment to someone else's socket
  }
  path_bytes[dir_size] = '/';
  Handing handing;
  if (!stdio_fits(handing.stdio)) return;
  char cwd[4096];
  const long cwd_size = sys::call(SYS_getcwd, sys::arg(cwd), sizeof(cwd));
  if (cwd_size <= 1 || cwd[0] != '/') return;

  handing.socket = connect_to(path.data(), path.size());
  if (handing.socket < 0) return;
  if (!peer_is_ours(handing.socket, euid)) return handing.undo();
  // Signals that arrive from here on wait for the forwarding; SIGPIPE is
  // blocked (never read): the relay's EPIPE is an error, not our end.
  sigset_t forwarded;
  auto& bits = *reinterpret_cast<std::uint64_t*>(&forwarded);
  bits = 0;
  for (int sig : sandbox::init::kForwardedSignals) bits |= std::uint64_t{1} << (sig - 1);
  sigset_t blocked;
  *reinterpret_cast<std::uint64_t*>(&blocked) = bits | (std::uint64_t{1} << (SIGPIPE - 1));
  if (sys::call(SYS_rt_sigprocmask, SIG_BLOCK, sys::arg(&blocked), sys::arg(&handing.previous),
                sizeof(std::uint64_t)) != 0) {
    return handing.undo();
  }
  handing.masked = true;
  const long signals = sys::call(SYS_signalfd4, -1, sys::arg(&forwarded), sizeof(std::uint64_t),
                                 SFD_CLOEXEC | SFD_NONBLOCK);
  if (signals < 0) return handing.undo();
  handing.signals = static_cast<int>(signals);

  if (!open_relay(handing.stdio)) return handing.undo();
  Text job(job_buffer, sizeof(job_buffer));
  if (!build_job(job, argc, argv, envp, cwd, static_cast<std::size_t>(cwd_size - 1)) ||
      !send_job(handing.socket, job, handing.stdio.sent)) {
    return handing.undo();
  }
  close_write_ends(handing.stdio);  // the job holds them now (or, declined, nobody)
  Answer answer;
  const bool answered = receive_answer(handing.socket, answer);
  if (answered && answer.kind != Kind::accepted) return handing.undo();  // the full binary asks again, or goes cold
  if (!answered && answer.pidfd < 0) return handing.undo();  // no answer: as the full client, cold
  if (!answered) {
    // `accepted` with init's pidfd, but not one we can read: that sandbox
    // is ended, and the command is not started a second time.
    sys::call(SYS_pidfd_send_signal, answer.pidfd, SIGKILL, 0, 0);
    wait_until_gone(answer.pidfd);
    say("sandbox: the warm pool's answer is malformed; the job was not run (SANDBOX_POOL=off launches cold)\n");
    sys::exit_group(125);
  }
  run(handing, answer, argc, argv, envp);
}
