#include "x11/quiet_spawn.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <sstream>

namespace sandbox::x11 {
namespace {

// Points 0, 1 and 2 elsewhere while it lives.
class RedirectedStdio {
 public:
  RedirectedStdio(int in, int out) {
    for (int fd = 0; fd < 3; ++fd) saved_[fd] = UniqueFd(::fcntl(fd, F_DUPFD_CLOEXEC, 3));
    ok_ = saved_[0] && saved_[1] && saved_[2] && ::dup2(in, 0) == 0 && ::dup2(out, 1) == 1 &&
          ::dup2(out, 2) == 2;
  }
  ~RedirectedStdio() {
    for (int fd = 0; fd < 3; ++fd) {
      if (saved_[fd]) ::dup2(saved_[fd].get(), fd);
    }
  }
  RedirectedStdio(const RedirectedStdio&) = delete;
  RedirectedStdio& operator=(const RedirectedStdio&) = delete;
  bool ok() const { return ok_; }

 private:
  UniqueFd saved_[3];
  bool ok_ = false;
};

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
  RedirectedStdio redirected(null.get(), log.fd());
  if (!redirected.ok()) return Error::from_errno("-X: cannot redirect a helper's output");
  return spawn(policy, argv);
}

}  // namespace sandbox::x11
