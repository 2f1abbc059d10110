// Spawning, awaiting and reaping slirp4netns.
#include "net/slirp.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>
#include <utility>
#include <vector>

#include "net/slirp_drain.h"
#include "net/slirp_failure.h"
#include "net/slirp_keeper.h"
#include "util/sys.h"

namespace sandbox::net {

// Why the keeper: the supervisor reaps only the keeper, at once, when the
// sandbox ends: slirp4netns's own exit waits for its tap device to be
// unregistered (an RCU grace period, 20-35 ms here), and the kernel's init
// reaps it. Killing the keeper kills slirp4netns (its PR_SET_PDEATHSIG).
// The keeper is also the process whose namespaces slirp4netns joins
// (slirp_keeper.h).

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

Result<Slirp> Slirp::start(const SlirpOptions& options, int init_pidfd) {
  int ready[2], exit_pipe[2], report[2];
  if (::pipe2(ready, O_CLOEXEC) != 0) return Error::from_errno("slirp4netns: pipe");
  UniqueFd ready_read(ready[0]), ready_write(ready[1]);
  if (::pipe2(exit_pipe, O_CLOEXEC) != 0) return Error::from_errno("slirp4netns: pipe");
  UniqueFd exit_read(exit_pipe[0]), exit_write(exit_pipe[1]);
  if (::pipe2(report, O_CLOEXEC | O_NONBLOCK) != 0) return Error::from_errno("slirp4netns: pipe");
  UniqueFd report_read(report[0]), report_write(report[1]);
  UniqueFd log(::memfd_create("slirp4netns-stderr", MFD_CLOEXEC));
  if (!log) return Error::from_errno("slirp4netns: memfd_create");

  // The keeper fills in two of them: where it holds the sandbox's user
  // namespace, and its pid (the target whose network namespace is joined).
  std::string target(KeeperArgs::kArgSize, '\0'), userns(KeeperArgs::kArgSize, '\0');
  std::string tap = "tap0";
  std::vector<std::string> args = {options.binary, "--configure", "--mtu=65520",
                                   "--disable-host-loopback", "--enable-sandbox",
                                   "--enable-seccomp", "--enable-ipv6",
                                   "--ready-fd=" + std::to_string(kSlirpReadyFd),
                                   "--exit-fd=" + std::to_string(kSlirpExitFd)};
  if (!options.dns) args.emplace_back("--disable-dns");
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(a.data());
  argv.push_back(userns.data());
  argv.push_back(target.data());
  argv.push_back(tap.data());
  argv.push_back(nullptr);

  KeeperArgs keeper;
  keeper.argv = argv.data();
  keeper.target = target.data();
  keeper.userns = userns.data();
  keeper.supervisor = ::getpid();
  keeper.init_pidfd = init_pidfd;
  keeper.ready = ready_write.get();
  keeper.exit_read = exit_read.get();
  keeper.log = log.get();
  keeper.report = report_write.get();
  const pid_t pid = ::fork();
  if (pid < 0) return Error::from_errno("cannot start slirp4netns (fork)");
  if (pid == 0) run_keeper(keeper);

  Slirp slirp;
  slirp.pid_ = pid;
  slirp.pidfd_ = UniqueFd(sys::pidfd_open(pid));
  slirp.ready_ = std::move(ready_read);
  slirp.exit_ = std::move(exit_write);
  slirp.log_ = std::move(log);
  slirp.report_ = std::move(report_read);
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
      const std::string reason = slirp_reason(log());
      return Error("slirp4netns did not configure the network within " + std::to_string(timeout_ms) +
                       " ms" + (reason.empty() ? "" : " (it said: " + reason + ")"),
                   ETIMEDOUT);
    }
    break;
  }
  char byte = 0;
  if ((fds[0].revents & POLLIN) != 0 && ::read(ready_.get(), &byte, 1) == 1) return success();
  return failure("slirp4netns exited before the network was ready");
}

// The keeper has exited: what it reported, and what slirp4netns said.
Error Slirp::failure(const std::string& what_if_silent) const {
  std::vector<KeeperReport> reports;
  KeeperReport r;
  while (::read(report_.get(), &r, sizeof(r)) == static_cast<ssize_t>(sizeof(r))) reports.push_back(r);
  const std::string text = log();
  if (reports.empty() && slirp_reason(text).empty()) return Error(what_if_silent);
  return describe_slirp_failure(reports, text, tun_access_hint());
}

std::string Slirp::log() const {
  std::string text(8192, '\0');
  const ssize_t n = ::pread(log_.get(), text.data(), text.size(), 0);
  text.resize(n > 0 ? static_cast<std::size_t>(n) : 0);
  return text;
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

void Slirp::finish() noexcept {
  if (pid_ < 0) return;
  drain_tap(pid_, kDrainBudget);
  stop();
}

Slirp::Slirp(Slirp&& other) noexcept
    : pid_(std::exchange(other.pid_, -1)),
      pidfd_(std::move(other.pidfd_)),
      ready_(std::move(other.ready_)),
      exit_(std::move(other.exit_)),
      log_(std::move(other.log_)),
      report_(std::move(other.report_)) {}

Slirp& Slirp::operator=(Slirp&& other) noexcept {
  if (this != &other) {
    stop();
    pid_ = std::exchange(other.pid_, -1);
    pidfd_ = std::move(other.pidfd_);
    ready_ = std::move(other.ready_);
    exit_ = std::move(other.exit_);
    log_ = std::move(other.log_);
    report_ = std::move(other.report_);
  }
  return *this;
}

Slirp::~Slirp() { stop(); }

}  // namespace sandbox::net
