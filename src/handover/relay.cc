#include "handover/relay.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <algorithm>
#include <climits>
#include <string>
#include <system_error>

namespace sandbox::handover {
namespace {

constexpr int kPipeSize = 1 << 20;            // the unprivileged pipe-max-size
constexpr std::size_t kMost = 1UL << 30;      // "as much as the pipes hold"
constexpr std::int64_t kRecheckNs = 100'000'000;  // a copy not yet read: look again
// The stdin relay's rest while the inner pipe is at least half full: starts
// short, adapts to how fast the command reads, within these bounds.
constexpr std::int64_t kRestFirstNs = 200'000;
constexpr std::int64_t kRestMinNs = 50'000;
constexpr std::int64_t kRestMaxNs = 10'000'000;

// SIGPIPE from a splice or tee into a pipe without readers: blocked in this
// thread for the duration, and one that we caused is taken back, so neither
// the process's handlers nor its mask change.
class QuietSigpipe {
 public:
  QuietSigpipe() {
    sigemptyset(&set_);
    sigaddset(&set_, SIGPIPE);
    ::pthread_sigmask(SIG_BLOCK, &set_, &previous_);
    sigset_t pending;
    sigemptyset(&pending);
    ::sigpending(&pending);
    was_pending_ = sigismember(&pending, SIGPIPE) == 1;
  }
  ~QuietSigpipe() {
    if (raised_ && !was_pending_) {
      const timespec zero{};
      while (::sigtimedwait(&set_, nullptr, &zero) < 0 && errno == EINTR) {
      }
    }
    ::pthread_sigmask(SIG_SETMASK, &previous_, nullptr);
  }
  QuietSigpipe(const QuietSigpipe&) = delete;
  QuietSigpipe& operator=(const QuietSigpipe&) = delete;
  void raised() { raised_ = true; }

 private:
  sigset_t set_{};
  sigset_t previous_{};
  bool was_pending_ = false;
  bool raised_ = false;
};

int unread(int pipe_fd) {
  int n = 0;
  return ::ioctl(pipe_fd, FIONREAD, &n) == 0 ? n : 0;
}

std::int64_t monotonic_ns() {
  timespec t{};
  ::clock_gettime(CLOCK_MONOTONIC, &t);
  return static_cast<std::int64_t>(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

}  // namespace

Result<Relay> Relay::create(std::vector<Handed>& handed) {
  Relay relay;
  for (Handed& h : handed) {
    if (h.kind != Kind::pipe || (h.access != O_RDONLY && h.access != O_WRONLY)) continue;
    // The same pipe at two numbers (`2>&1 | less`) shares one inner pipe:
    // what the command writes to each keeps its order.
    const Handed* same = nullptr;
    for (const Handed& other : handed) {
      if (&other == &h) break;
      if (other.inner >= 0 && other.dev == h.dev && other.ino == h.ino && other.access == h.access) same = &other;
    }
    if (same != nullptr) {
      h.inner = same->inner;
      h.relay_end = same->relay_end;
      continue;
    }
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) return Error::from_errno("cannot create a pipe for descriptor " + std::to_string(h.number));
    Pipe pipe;
    pipe.input = h.access == O_RDONLY;
    pipe.caller = UniqueFd(::fcntl(h.fd, F_DUPFD_CLOEXEC, 0));
    if (!pipe.caller) return Error::from_errno("cannot keep descriptor " + std::to_string(h.number));
    pipe.ours = UniqueFd(pipe.input ? fds[1] : fds[0]);
    pipe.theirs = UniqueFd(pipe.input ? fds[0] : fds[1]);
    ::fcntl(pipe.ours.get(), F_SETFL, O_NONBLOCK);  // our end only: the command's stays blocking
    // Large batches (a failure keeps the default size: slower, still right).
    ::fcntl(pipe.ours.get(), F_SETPIPE_SZ, kPipeSize);
    ::fcntl(h.fd, F_SETPIPE_SZ, kPipeSize);
    pipe.capacity = std::max(::fcntl(pipe.ours.get(), F_GETPIPE_SZ), 0);
    pipe.rest_ns = kRestFirstNs;
    if (pipe.input) {
      int stage[2];
      if (::pipe2(stage, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("cannot create the stdin relay's stage");
      pipe.stage_read = UniqueFd(stage[0]);
      pipe.stage_write = UniqueFd(stage[1]);
      ::fcntl(pipe.stage_write.get(), F_SETPIPE_SZ, kPipeSize);
      pipe.watch = UniqueFd(::inotify_init1(IN_CLOEXEC | IN_NONBLOCK));
      if (!pipe.watch) return Error::from_errno("inotify_init1 for the stdin relay");
      const std::string inner = "/proc/self/fd/" + std::to_string(pipe.ours.get());
      if (::inotify_add_watch(pipe.watch.get(), inner.c_str(), IN_ACCESS) < 0) {
        return Error::from_errno("inotify_add_watch on the relayed pipe");
      }
      if (!relay.devnull_) {
        relay.devnull_ = UniqueFd(::open("/dev/null", O_WRONLY | O_CLOEXEC));
        if (!relay.devnull_) return Error::from_errno("cannot open /dev/null");
        int discard[2];
        if (::pipe2(discard, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("cannot create the stdin relay's discard pipe");
        relay.discard_read_ = UniqueFd(discard[0]);
        relay.discard_write_ = UniqueFd(discard[1]);
        ::fcntl(relay.discard_write_.get(), F_SETPIPE_SZ, kPipeSize);
      }
    }
    h.inner = pipe.theirs.get();
    h.relay_end = pipe.ours.get();
    relay.pipes_.push_back(std::move(pipe));
  }
  return relay;
}

Relay::~Relay() { stop(); }

Relay::Relay(Relay&& other) noexcept
    : pipes_(std::move(other.pipes_)),
      devnull_(std::move(other.devnull_)),
      discard_read_(std::move(other.discard_read_)),
      discard_write_(std::move(other.discard_write_)),
      wake_(std::move(other.wake_)) {
  // A running thread holds `this`: only a relay not yet started moves.
}

Relay& Relay::operator=(Relay&& other) noexcept {
  if (this != &other) {
    stop();
    pipes_ = std::move(other.pipes_);
    devnull_ = std::move(other.devnull_);
    discard_read_ = std::move(other.discard_read_);
    discard_write_ = std::move(other.discard_write_);
    wake_ = std::move(other.wake_);
  }
  return *this;
}

void Relay::close_child_ends() {
  for (Pipe& p : pipes_) p.theirs.reset();
}

Result<void> Relay::start() {
  if (pipes_.empty() || thread_.joinable()) return success();
  wake_ = UniqueFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK));
  if (!wake_) return Error::from_errno("eventfd for the pipe relay");
  // The thread inherits a mask with every signal blocked: the caller's
  // signals go to its own threads, and a SIGPIPE we cause stays ours.
  sigset_t all;
  sigset_t previous;
  sigfillset(&all);
  ::pthread_sigmask(SIG_BLOCK, &all, &previous);
  try {
    thread_ = std::thread([this] { run(); });
  } catch (const std::system_error& e) {
    ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
    return Error("cannot start the pipe relay", e.code().value());
  }
  ::pthread_sigmask(SIG_SETMASK, &previous, nullptr);
  return success();
}

void Relay::stop() {
  if (!thread_.joinable()) return;
  const std::uint64_t one = 1;
  [[maybe_unused]] const ssize_t n = ::write(wake_.get(), &one, sizeof(one));
  thread_.join();
}

void Relay::run() {
  for (Pipe& p : pipes_) {
    if (p.input) pump_input(p);  // what is there already
  }
  std::vector<pollfd> fds(slots() + 1);
  for (;;) {
    prepare(fds.data());
    fds.back() = {wake_.get(), POLLIN, 0};
    const std::int64_t wait_ns = timeout_ns(monotonic_ns());
    const timespec wait{static_cast<time_t>(wait_ns / 1'000'000'000), static_cast<long>(wait_ns % 1'000'000'000)};
    const int ready = ::ppoll(fds.data(), static_cast<nfds_t>(fds.size()), wait_ns < 0 ? nullptr : &wait, nullptr);
    if (ready < 0 && errno != EINTR) return;
    if (fds.back().revents != 0) return;
    if (ready >= 0) dispatch(fds.data());  // on a timeout too: it re-checks its copies
  }
}

void Relay::prepare(pollfd* slots) const {
  for (std::size_t i = 0; i < pipes_.size(); ++i) {
    const Pipe& p = pipes_[i];
    pollfd& caller = slots[2 * i];
    pollfd& ours = slots[2 * i + 1];
    caller = {-1, 0, 0};
    ours = {-1, 0, 0};
    if (p.input) {
      if (!p.ours || p.caller_done || p.resting) continue;
      if (p.copied == 0 && p.staged == 0) caller = {p.caller.get(), POLLIN, 0};  // waiting for the caller's data
      ours = {p.watch.get(), POLLIN, 0};                     // waiting for the command to read
    } else {
      if (!p.ours || p.caller_done) continue;
      if (p.blocked) {
        caller = {p.caller.get(), POLLOUT, 0};
      } else {
        ours = {p.ours.get(), POLLIN, 0};
      }
    }
  }
}

std::int64_t Relay::timeout_ns(std::int64_t now) const {
  std::int64_t soonest = -1;
  for (const Pipe& p : pipes_) {
    if (!p.input || !p.ours) continue;
    std::int64_t t = -1;
    if (p.resting) {
      t = std::max<std::int64_t>(p.rest_until - now, 0);
    } else if (p.copied > 0 || p.staged > 0) {
      t = kRecheckNs;
    }
    if (t >= 0 && (soonest < 0 || t < soonest)) soonest = t;
  }
  return soonest;
}

void Relay::dispatch(const pollfd* slots) {
  for (std::size_t i = 0; i < pipes_.size(); ++i) {
    Pipe& p = pipes_[i];
    const bool woken = slots[2 * i].revents != 0 || slots[2 * i + 1].revents != 0;
    if (p.input) {
      const std::int64_t now = monotonic_ns();
      if (p.resting && now < p.rest_until) continue;  // woken for another pipe
      const bool rested = p.resting;
      if (rested || slots[2 * i + 1].revents != 0) {
        char events[4096];
        while (::read(p.watch.get(), events, sizeof(events)) > 0) {
        }
      }
      const std::int64_t taken = pump_input(p);  // also on a timeout: the re-check
      rest_or_watch(p, rested, taken, now);
    } else if (woken) {
      pump_output(p);
    }
  }
}

// After a pump: rest on a timer while the inner pipe holds at least half of
// what it can (the command has that much to read before it could wait for
// us), else wait for the command's next read. A rest that found the pipe
// emptied was too long (the command may have waited), one that found little
// read too short; one that found nothing read waits for the next read.
void Relay::rest_or_watch(Pipe& p, bool rested, std::int64_t taken, std::int64_t now) {
  p.resting = false;
  if (!p.ours || p.caller_done || p.capacity <= 0) return;
  if (rested) {
    if (taken == 0) return;
    if (taken >= p.rest_from) {
      p.rest_ns /= 4;
    } else if (taken < p.rest_from / 4) {
      p.rest_ns *= 2;
    } else if (taken > p.rest_from / 4 * 3) {
      p.rest_ns = p.rest_ns / 3 * 2;
    }
    p.rest_ns = std::clamp(p.rest_ns, kRestMinNs, kRestMaxNs);
  }
  if (p.copied < p.capacity / 2) return;
  p.resting = true;
  p.rest_from = p.copied;
  p.rest_until = now + p.rest_ns;
}

// Takes from the caller's pipe what the command has read of the copy;
// returns how much that was.
// More in the inner pipe than was copied into it means the command wrote
// into it (its stdin reopened for writing): those bytes are not the
// caller's, so nothing counts as read then. Once the inner pipe is closed,
// nothing more is read: what it held stays in the caller's pipe.
std::int64_t Relay::take_read(Pipe& p) {
  if (!p.ours) return 0;
  const std::int64_t left = unread(p.ours.get());
  const std::int64_t read = p.copied - left;
  if (read <= 0) return 0;
  p.copied = left;
  discard(p.caller.get(), read);  // fewer: someone else read the caller's pipe meanwhile
  return read;
}

std::int64_t Relay::discard(int from, std::int64_t count) {
  std::int64_t dropped = 0;
  while (dropped < count) {
    const ssize_t n = ::splice(from, nullptr, discard_write_.get(), nullptr,
                               static_cast<std::size_t>(count - dropped), SPLICE_F_NONBLOCK);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    dropped += n;
    for (std::int64_t held = n; held > 0;) {
      const ssize_t d = ::splice(discard_read_.get(), nullptr, devnull_.get(), nullptr,
                                 static_cast<std::size_t>(held), SPLICE_F_NONBLOCK);
      if (d < 0 && errno == EINTR) continue;
      if (d <= 0) break;  // cannot happen with /dev/null; the next move then finds it full
      held -= d;
    }
  }
  return dropped;
}

// Tees what the caller's pipe holds beyond what the inner pipe already got
// into the stage: the tee copies from the head of the caller's pipe, which
// starts with the `copied` bytes already delivered, so those are dropped
// from the stage again (page references moved, no data copied).
void Relay::refill_stage(Pipe& p) {
  if (p.staged != 0 || p.caller_done) return;
  const std::int64_t held = unread(p.caller.get());
  if (held != 0 && held <= p.copied) return;  // nothing new yet (0: maybe the end, tee says)
  const ssize_t n = ::tee(p.caller.get(), p.stage_write.get(), kMost, SPLICE_F_NONBLOCK);
  if (n == 0 && p.copied == 0) {  // the caller's end of file: the command's too, once it read the rest
    p.caller_done = true;
    p.ours.reset();
    return;
  }
  if (n <= 0) return;
  discard(p.stage_read.get(), std::min<std::int64_t>(n, p.copied));
  p.staged = n - std::min<std::int64_t>(n, p.copied);
}

// Moves what the stage holds into the inner pipe, as far as it has room.
void Relay::deliver_stage(Pipe& p) {
  QuietSigpipe quiet;
  while (p.ours && p.staged > 0) {
    const ssize_t n = ::splice(p.stage_read.get(), nullptr, p.ours.get(), nullptr,
                               static_cast<std::size_t>(p.staged), SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) {
      p.staged -= n;
      p.copied += n;
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (n < 0 && errno == EPIPE) {  // the command closed its stdin: nothing more to copy
      quiet.raised();
      take_read(p);  // what it read before (the rest stays in the caller's pipe)
      p.caller_done = true;
      p.ours.reset();
    }
    return;  // EAGAIN: the inner pipe is full until the command reads
  }
}

// Input: the command's reads free the caller's pipe of exactly what it read,
// and the inner pipe is topped up from the stage while the command reads, so
// it does not wait for an empty inner pipe between batches.
std::int64_t Relay::pump_input(Pipe& p) {
  if (!p.ours) return 0;
  const std::int64_t taken = take_read(p);
  deliver_stage(p);
  refill_stage(p);
  deliver_stage(p);
  return taken;
}

void Relay::pump_output(Pipe& p) {
  if (!p.ours || p.caller_done) return;
  QuietSigpipe quiet;
  for (;;) {
    const ssize_t n = ::splice(p.ours.get(), nullptr, p.caller.get(), nullptr, kMost, SPLICE_F_NONBLOCK | SPLICE_F_MOVE);
    if (n > 0) continue;
    if (n == 0) {  // every writer inside is gone: so is ours, and the caller's reader sees its end
      p.ours.reset();
      p.caller.reset();
      return;
    }
    if (errno == EINTR) continue;
    if (errno == EAGAIN) {
      p.blocked = unread(p.ours.get()) > 0;  // data waits: the caller's pipe is full
      return;
    }
    if (errno == EPIPE) quiet.raised();
    p.caller_done = true;  // the caller's reader is gone: the command gets EPIPE
    p.ours.reset();
    p.caller.reset();
    return;
  }
}

void Relay::finish() {
  stop();
  for (Pipe& p : pipes_) {
    if (p.input) {
      take_read(p);
      p.ours.reset();
      continue;
    }
    while (p.ours && !p.caller_done) {
      pump_output(p);
      if (!p.ours || p.caller_done) break;  // all delivered, or no reader
      if (!p.blocked) break;                // empty, and a writer outlives init (no pid namespace)
      pollfd wait{p.caller.get(), POLLOUT, 0};    // a slow reader: every byte reaches it
      if (::poll(&wait, 1, -1) < 0 && errno != EINTR) break;
    }
    p.ours.reset();
    p.caller.reset();
  }
}

}  // namespace sandbox::handover
