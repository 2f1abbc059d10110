// Spawning, awaiting and reaping slirp4netns.
#include "net/slirp.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <utility>
#include <vector>

#include "util/sys.h"

namespace sandbox::net {
namespace {

constexpr int kReadyFd = 3;
constexpr int kExitFd = 4;

// After fork: async-signal-safe only. Never returns.
[[noreturn]] void exec_slirp(char* const* argv, pid_t parent, int ready, int exit_read, int log) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != parent) ::_exit(127);  // the supervisor died before the line above
  // Move the three descriptors above the target numbers first.
  ready = ::fcntl(ready, F_DUPFD, 10);
  exit_read = ::fcntl(exit_read, F_DUPFD, 10);
  log = ::fcntl(log, F_DUPFD, 10);
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  if (ready < 0 || exit_read < 0 || log < 0 || null < 0) ::_exit(127);
  if (::dup2(null, 0) < 0 || ::dup2(log, 1) < 0 || ::dup2(log, 2) < 0 ||
      ::dup2(ready, kReadyFd) != kReadyFd || ::dup2(exit_read, kExitFd) != kExitFd) {
    ::_exit(127);
  }
  sys::close_range(kExitFd + 1, ~0U);
  char* const env[] = {nullptr};
  ::execve(argv[0], argv, env);
  ::_exit(127);
}

// The keeper: the parent of slirp4netns, and the supervisor's child. Killing
// it kills slirp4netns (its PR_SET_PDEATHSIG), and the supervisor reaps only
// the keeper, at once: slirp4netns's own exit waits for its tap device to be
// unregistered (an RCU grace period, 20-35 ms here), and the kernel's init
// reaps it. After fork: async-signal-safe only. Never returns.
[[noreturn]] void keep_slirp(char* const* argv, pid_t supervisor, int ready, int exit_read, int log) {
  ::prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (::getppid() != supervisor) ::_exit(127);
  const pid_t keeper = ::getpid();
  const pid_t slirp = ::fork();
  if (slirp < 0) ::_exit(127);
  if (slirp == 0) exec_slirp(argv, keeper, ready, exit_read, log);
  int status = 0;
  while (::waitpid(slirp, &status, 0) < 0 && errno == EINTR) {
  }
  ::_exit(0);
}

}  // namespace

Result<std::string> find_slirp4netns() {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(std::string(path != nullptr ? path : "") + ":/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty() || dir[0] != '/') continue;
    const std::string candidate = dir + "/slirp4netns";
    if (::access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return Error("--net=filtered needs slirp4netns, which is not installed", ENOENT)
      .with_hint("install the Debian package slirp4netns");
}

Result<Slirp> Slirp::start(const SlirpOptions& options, pid_t target) {
  int ready[2], exit_pipe[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return Error::from_errno("slirp4netns: pipe");
  UniqueFd ready_read(ready[0]), ready_write(ready[1]);
  if (::pipe2(exit_pipe, O_CLOEXEC) != 0) return Error::from_errno("slirp4netns: pipe");
  UniqueFd exit_read(exit_pipe[0]), exit_write(exit_pipe[1]);
  UniqueFd log(::memfd_create("slirp4netns-log", MFD_CLOEXEC));
  if (!log) return Error::from_errno("slirp4netns: memfd_create");

  std::vector<std::string> args = {options.binary, "--configure", "--mtu=65520",
                                   "--disable-host-loopback", "--enable-sandbox",
                                   "--enable-seccomp", "--enable-ipv6",
                                   "--ready-fd=" + std::to_string(kReadyFd),
                                   "--exit-fd=" + std::to_string(kExitFd)};
  if (!options.dns) args.emplace_back("--disable-dns");
  args.push_back(std::to_string(target));
  args.emplace_back("tap0");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid < 0) return Error::from_errno("cannot start slirp4netns (fork)");
  if (pid == 0) keep_slirp(argv.data(), parent, ready_write.get(), exit_read.get(), log.get());

  Slirp slirp;
  slirp.pid_ = pid;
  slirp.pidfd_ = UniqueFd(sys::pidfd_open(pid));
  slirp.ready_ = std::move(ready_read);
  slirp.exit_ = std::move(exit_write);
  slirp.log_ = std::move(log);
  if (!slirp.pidfd_) {
    const int err = errno;
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
    slirp.pid_ = -1;
    return Error("cannot watch slirp4netns (pidfd_open)", err);
  }
  return slirp;
}

Result<void> Slirp::wait_ready(int timeout_ms) {
  pollfd fds[2] = {{ready_.get(), POLLIN, 0}, {pidfd_.get(), POLLIN, 0}};
  for (;;) {
    const int n = ::poll(fds, 2, timeout_ms);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("waiting for slirp4netns");
    if (n == 0) {
      return Error("slirp4netns did not configure the network within " +
                   std::to_string(timeout_ms) + " ms" + log_tail(), ETIMEDOUT);
    }
    break;
  }
  char byte = 0;
  if ((fds[0].revents & POLLIN) != 0 && ::read(ready_.get(), &byte, 1) == 1) return success();
  return Error("slirp4netns exited before the network was ready" + log_tail(), ENETDOWN)
      .with_hint("check that /dev/net/tun exists and that slirp4netns works on this host");
}

std::string Slirp::log_tail() const {
  std::string text(4096, '\0');
  const ssize_t n = ::pread(log_.get(), text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  // The last non-empty line, which is where slirp4netns says what failed.
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const std::size_t nl = text.rfind('\n');
  if (nl != std::string::npos) text = text.substr(nl + 1);
  return text.empty() ? std::string() : " (" + text + ")";
}

void Slirp::stop() noexcept {
  if (pid_ < 0) return;
  exit_.reset();  // EOF on its exit fd
  sys::pidfd_send_signal(pidfd_.get(), SIGKILL);
  siginfo_t info{};
  while (::waitid(sys::kPidfd, static_cast<id_t>(pidfd_.get()), &info, WEXITED) != 0 && errno == EINTR) {
  }
  pid_ = -1;
}

Slirp::Slirp(Slirp&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      ready_(std::move(other.ready_)),
      exit_(std::move(other.exit_)),
      log_(std::move(other.log_)) {}

Slirp& Slirp::operator=(Slirp&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    ready_ = std::move(other.ready_);
    exit_ = std::move(other.exit_);
    log_ = std::move(other.log_);
  }
  return *this;
}

Slirp::~Slirp() { stop(); }

}  // namespace sandbox::net
