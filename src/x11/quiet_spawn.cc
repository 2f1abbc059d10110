#include "x11/quiet_spawn.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sstream>

namespace sandbox::x11 {
namespace {

}  // namespace

Result<HelperLog> HelperLog::create() {
  UniqueFd fd(::memfd_create("sandbox-x-log", MFD_CLOEXEC));
  if (!fd) return Error::from_errno("-X: cannot create the helpers' log (memfd_create)");
  return HelperLog(std::move(fd));
}

std::string HelperLog::tail(std::size_t lines) const {
  std::string text;
  char buf[4096];
  off_t offset = 0;
  for (;;) {
    const ssize_t n = ::pread(fd_.get(), buf, sizeof(buf), offset);
    if (n <= 0) break;
    text.append(buf, static_cast<std::size_t>(n));
    offset += n;
  }
  std::vector<std::string> all;
  std::stringstream stream(text);
  for (std::string line; std::getline(stream, line);) {
    if (!line.empty()) all.push_back(line);
  }
  std::string out;
  for (std::size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    if (!out.empty()) out += "; ";
    out += all[i];
  }
  return out;
}

Result<Child> spawn_quietly(const Policy& policy, const std::vector<std::string>& argv,
                            const HelperLog& log) {
  UniqueFd null(::open("/dev/null", O_RDONLY | O_CLOEXEC));
  if (!null) return Error::from_errno("-X: cannot open /dev/null");
  auto sealed = seal(policy);
  if (!sealed) return std::move(sealed).error();
  Command command;
  command.argv = argv;
  command.env = {"PATH=/usr/local/bin:/usr/bin:/bin"};
  command.stdin_fd = null.get();
  command.stdout_fd = log.fd();
  command.stderr_fd = log.fd();
  command.fds = policy.fds;
  auto child = spawn(*sealed, command);
  if (!child) return child;
  // A process group of its own: a signal to the caller's group (Ctrl-C, or
  // `timeout` signalling its group) reaches the program, which the session
  // forwards it to, not the helper, whose end would read as a closed window.
  // init never execs, so its parent may still move it.
  ::setpgid(child->pid(), child->pid());
  return child;
}

}  // namespace sandbox::x11
