#include "explain/tracer.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "explain/decode.h"
#include "seccomp/filter.h"
#include "util/unique_fd.h"

namespace sandbox::explain {
namespace {

constexpr long kOptions = PTRACE_O_TRACESECCOMP | PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK |
                          PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC |
                          PTRACE_O_TRACEEXIT | PTRACE_O_EXITKILL;

// A call of the deny list: skipped at its entry (the kernel runs nothing),
// answered EPERM at its exit. Elsewhere than x86_64 the process is killed
// instead (fail closed).
bool skip_call(pid_t pid) {
#if defined(__x86_64__)
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0) return false;
  regs.orig_rax = static_cast<unsigned long long>(-1);
  return ::ptrace(PTRACE_SETREGS, pid, nullptr, &regs) == 0;
#else
  ::kill(pid, SIGKILL);
  return false;
#endif
}
void answer(pid_t pid, int err) {
#if defined(__x86_64__)
  user_regs_struct regs{};
  if (::ptrace(PTRACE_GETREGS, pid, nullptr, &regs) != 0) return;
  regs.rax = static_cast<unsigned long long>(-static_cast<long long>(err));
  ::ptrace(PTRACE_SETREGS, pid, nullptr, &regs);
#else
  (void)pid;
  (void)err;
#endif
}

#if defined(SYS_connect)
constexpr long kConnect = SYS_connect;
#else
constexpr long kConnect = -1;
#endif

bool is_stop_signal(int sig) {
  return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

// A call stopped at its entry: decoded at its exit only if it failed (or
// is a connect), so a call that works costs two stops and nothing more.
// The program is stopped at both: its path and address arguments are the
// same at the exit (a racing thread of its own aside; the output is advice).
struct Pending {
  std::uint64_t nr = 0;
  std::array<std::uint64_t, 6> args{};
  bool denied = false;
};

class Loop {
 public:
  Loop(pid_t init, const Tracer::Sink& sink) : init_(init), sink_(sink) { known_.insert(init); }

  void run() {
    for (;;) {
      int status = 0;
      pid_t pid = -1;
      if (init_attached_) {
        // init is the main thread's child: never reap it here, even if it
        // dies while traced (Child::wait reaps it through its pidfd).
        siginfo_t info{};
        if (::waitid(P_ALL, 0, &info, WEXITED | WSTOPPED | __WALL | __WNOTHREAD | WNOWAIT) != 0) {
          if (errno == EINTR) continue;
          return;
        }
        if (info.si_pid == init_ && info.si_code != CLD_TRAPPED && info.si_code != CLD_STOPPED) {
          // Killed while still traced, before its command was forked (a
          // SIGKILL skips the exit stop): nothing else is traced yet, and any
          // wait of ours could reap it. It is the main thread's to reap.
          return;
        }
        pid = ::waitpid(info.si_pid, &status, __WALL | __WNOTHREAD);
      } else {
        pid = ::waitpid(-1, &status, __WALL | __WNOTHREAD);
      }
      if (pid < 0) {
        if (errno == EINTR) continue;
        return;  // ECHILD: the last traced process is gone
      }
      handle(pid, status);
    }
  }

 private:
  void resume(pid_t pid, int sig = 0) {
    const auto request = pending_.count(pid) != 0 ? PTRACE_SYSCALL : PTRACE_CONT;
    ::ptrace(request, pid, nullptr, reinterpret_cast<void*>(static_cast<long>(sig)));
  }

  void detach_init() {
    ::ptrace(PTRACE_DETACH, init_, nullptr, nullptr);
    init_attached_ = false;
    known_.erase(init_);
  }

  void handle(pid_t pid, int status) {
    if (WIFEXITED(status) || WIFSIGNALED(status)) {
      pending_.erase(pid);
      known_.erase(pid);
      return;
    }
    if (!WIFSTOPPED(status)) return;
    const int sig = WSTOPSIG(status);
    const int event = status >> 16;
    if (sig == SIGTRAP && event == PTRACE_EVENT_SECCOMP) return on_entry(pid);
    if (sig == (SIGTRAP | 0x80)) return on_exit(pid);
    if (sig == SIGTRAP && (event == PTRACE_EVENT_FORK || event == PTRACE_EVENT_VFORK ||
                           event == PTRACE_EVENT_CLONE)) {
      if (pid == init_ && init_attached_) return detach_init();  // its command is ours now
      return resume(pid);
    }
    if (sig == SIGTRAP && event == PTRACE_EVENT_EXEC) {
      unsigned long former = 0;  // a thread's exec: the leader takes its pid
      if (::ptrace(PTRACE_GETEVENTMSG, pid, nullptr, &former) == 0 && static_cast<pid_t>(former) != pid) {
        auto it = pending_.find(static_cast<pid_t>(former));
        if (it != pending_.end()) {
          pending_[pid] = std::move(it->second);
          pending_.erase(it);
        }
        known_.erase(static_cast<pid_t>(former));
      }
      return resume(pid);
    }
    if (sig == SIGTRAP && event == PTRACE_EVENT_EXIT) {
      if (pid == init_ && init_attached_) return detach_init();
      return resume(pid);
    }
    if (event == PTRACE_EVENT_STOP) {
      if (known_.insert(pid).second) return resume(pid);  // a new tracee's first stop
      if (is_stop_signal(sig)) {
        ::ptrace(PTRACE_LISTEN, pid, nullptr, nullptr);  // group-stop: stopped until SIGCONT
        return;
      }
      return resume(pid);
    }
    resume(pid, sig);  // signal-delivery-stop: the signal goes on
  }

  void on_entry(pid_t pid) {
    __ptrace_syscall_info info{};
    const long n = ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, reinterpret_cast<void*>(sizeof(info)), &info);
    if (n <= 0 || info.op != PTRACE_SYSCALL_INFO_SECCOMP) return resume(pid);
    std::array<std::uint64_t, 6> args{};
    for (int i = 0; i < 6; ++i) args[i] = info.seccomp.args[i];
    const bool denied = info.seccomp.ret_data == seccomp::kTraceDenied;
    if (denied && !skip_call(pid)) return;  // killed (fail closed)
    pending_[pid] = Pending{info.seccomp.nr, args, denied};
    ::ptrace(PTRACE_SYSCALL, pid, nullptr, nullptr);  // to its exit stop
  }

  void on_exit(pid_t pid) {
    auto it = pending_.find(pid);
    if (it == pending_.end()) return resume(pid);
    const Pending call = it->second;
    pending_.erase(it);
    __ptrace_syscall_info info{};
    const long n = ::ptrace(PTRACE_GET_SYSCALL_INFO, pid, reinterpret_cast<void*>(sizeof(info)), &info);
    int err = 0;
    if (call.denied) {
      answer(pid, EPERM);
      err = EPERM;
    } else if (n > 0 && info.op == PTRACE_SYSCALL_INFO_EXIT && info.exit.is_error != 0) {
      err = static_cast<int>(-info.exit.rval);
    }
    if (err == 0 && call.nr != static_cast<std::uint64_t>(kConnect)) {
      ::ptrace(PTRACE_CONT, pid, nullptr, nullptr);
      return;
    }
    Attempt attempt = decode_entry(pid, call.nr, call.args, call.denied);
    attempt.err = err;
    // Recorded while the program is held here: what it says about the
    // failure comes after the record.
    if (attempt.err != 0 || (attempt.udp && attempt.op == Op::connect)) sink_(std::move(attempt));
    ::ptrace(PTRACE_CONT, pid, nullptr, nullptr);
  }

  pid_t init_;
  const Tracer::Sink& sink_;
  bool init_attached_ = true;
  std::unordered_map<pid_t, Pending> pending_;
  std::unordered_set<pid_t> known_;
};

}  // namespace

Result<void> Tracer::start(pid_t init) {
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("--explain: cannot create the tracer's pipe");
  UniqueFd ready(fds[0]);
  UniqueFd ready_write(fds[1]);
  const int write_end = ready_write.release();
  thread_ = std::thread([this, init, write_end] { run(init, write_end); });
  int err = 0;
  const ssize_t n = ::read(ready.get(), &err, sizeof(err));
  if (n != static_cast<ssize_t>(sizeof(err))) err = EIO;
  if (err != 0) {
    join();
    return Error("--explain: cannot trace the sandbox (ptrace: " + std::string(::strerrorname_np(err)) +
                     ")",
                 err)
        .with_hint("kernel.yama.ptrace_scope 2 or 3, a seccomp filter or a tracer of our own forbids it");
  }
  return success();
}

void Tracer::run(pid_t init, int ready_fd) {
  int err = 0;
  if (::ptrace(PTRACE_SEIZE, init, nullptr, reinterpret_cast<void*>(kOptions)) != 0) err = errno;
  [[maybe_unused]] const ssize_t n = ::write(ready_fd, &err, sizeof(err));
  ::close(ready_fd);
  if (err != 0) return;
  Loop(init, sink_).run();
}

void Tracer::join() {
  if (thread_.joinable()) thread_.join();
}

}  // namespace sandbox::explain
