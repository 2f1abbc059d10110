// Turning the keeper's reports and slirp4netns's stderr into one line.
#include "net/slirp_failure.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <sstream>

namespace sandbox::net {
namespace {

bool starts_with(const std::string& line, const char* prefix) { return line.rfind(prefix, 0) == 0; }

// Progress and banner lines: never the reason.
bool progress(const std::string& line) {
  for (const char* p : {"sent tapfd=", "received tapfd=", "WARNING:", "exitfd event", "do_slirp is exiting"}) {
    if (starts_with(line, p)) return true;
  }
  return false;
}

// Lines that only say that a step failed, after the line that says why.
bool summary(const std::string& line) {
  for (const char* p : {"child failed(", "parent failed", "do_slirp failed"}) {
    if (starts_with(line, p)) return true;
  }
  return false;
}

std::string keeper_step_text(KeeperStep step) {
  switch (step) {
    case KeeperStep::start: return "cannot start slirp4netns's keeper process";
    case KeeperStep::join: return "cannot enter the sandbox's user and network namespaces for slirp4netns (setns)";
    case KeeperStep::hold: return "cannot open the sandbox's user namespace for slirp4netns";
    case KeeperStep::unshare: return "cannot create the user namespace of slirp4netns's own sandbox (unshare)";
    case KeeperStep::map: return "cannot map 0 to the caller in slirp4netns's user namespace (uid_map, gid_map)";
    case KeeperStep::exec: return "cannot execute slirp4netns";
    case KeeperStep::exited: break;
  }
  return "slirp4netns's keeper failed";
}

std::string wait_status_text(int status) {
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = sigabbrev_np(WTERMSIG(status));
    return std::string("killed by ") + (name != nullptr ? std::string("SIG") + name : "signal " + std::to_string(WTERMSIG(status)));
  }
  return "wait status " + std::to_string(status);
}

std::string octal_mode(mode_t mode) {
  std::ostringstream out;
  out << '0' << std::oct << (mode & 07777);
  return out.str();
}

}  // namespace

std::string slirp_reason(const std::string& slirp_stderr) {
  std::istringstream lines(slirp_stderr);
  std::string line, first_summary;
  while (std::getline(lines, line)) {
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
    if (line.empty() || progress(line)) continue;
    if (summary(line)) {
      if (first_summary.empty()) first_summary = line;
      continue;
    }
    return line;
  }
  return first_summary;
}

Error describe_slirp_failure(const std::vector<KeeperReport>& reports, const std::string& slirp_stderr,
                             const std::string& tun_hint) {
  // A step of the keeper, or the execve, failed: that is the whole story.
  for (const auto& r : reports) {
    const auto step = static_cast<KeeperStep>(r.step);
    if (step != KeeperStep::exited) return Error(keeper_step_text(step), r.value);
  }
  const std::string reason = slirp_reason(slirp_stderr);
  // slirp4netns's child creates tap0 and says "sent tapfd"; its main
  // process then builds its sandbox and seccomp filter before it is ready.
  std::string what = slirp_stderr.find("sent tapfd=") == std::string::npos
                         ? "slirp4netns failed while creating tap0 in the sandbox's network namespace"
                         : "slirp4netns failed after creating tap0, while confining itself "
                           "(--enable-sandbox, --enable-seccomp)";
  if (!reason.empty()) what += ": " + reason;
  for (const auto& r : reports) {
    if (static_cast<KeeperStep>(r.step) == KeeperStep::exited) what += " (" + wait_status_text(r.value) + ")";
  }
  Error error(what);
  if (reason.find("/dev/net/tun") != std::string::npos && !tun_hint.empty()) error.with_hint(tun_hint);
  return error;
}

std::string tun_access_hint() {
  struct stat st{};
  if (::stat("/dev/net/tun", &st) != 0) {
    return "/dev/net/tun does not exist: load the tun module (modprobe tun)";
  }
  if (::faccessat(AT_FDCWD, "/dev/net/tun", R_OK | W_OK, AT_EACCESS) == 0) return "";
  // Its mode, not its owner: in a user namespace an unmapped root shows as 65534.
  return "/dev/net/tun is mode " + octal_mode(st.st_mode) +
         ": --net=filtered needs it readable and writable by the caller; udev makes it 0666 on Debian";
}

}  // namespace sandbox::net
