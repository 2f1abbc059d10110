#include "report/destination.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstdlib>

namespace sandbox::report {
namespace {

// "/dev/fd/7" -> 7; -1 when name is not one of our own descriptors' names.
int own_descriptor(const std::string& path) {
  if (path == "-" || path == "/dev/stderr") return STDERR_FILENO;
  if (path == "/dev/stdout") return STDOUT_FILENO;
  if (path == "/dev/stdin") return STDIN_FILENO;  // refused below unless opened for writing
  for (const std::string prefix : {"/dev/fd/", "/proc/self/fd/"}) {
    if (path.size() <= prefix.size() || path.compare(0, prefix.size(), prefix) != 0) continue;
    const std::string digits = path.substr(prefix.size());
    if (digits.size() > 9 || digits.find_first_not_of("0123456789") != std::string::npos) return -1;
    return std::atoi(digits.c_str());
  }
  return -1;
}

std::string directory_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

// A new regular file at path: its directory must exist and be writable.
Result<Target> new_file(const std::string& option, const std::string& path) {
  const std::string dir = directory_of(path);
  char real[PATH_MAX];
  if (::realpath(dir.c_str(), real) == nullptr) {
    return Error::from_errno(option + ": cannot write in " + dir).with_hint("create the directory first");
  }
  if (::access(real, W_OK | X_OK) != 0) return Error::from_errno(option + ": cannot write in " + dir);
  const std::string name = path.substr(path.rfind('/') == std::string::npos ? 0 : path.rfind('/') + 1);
  return Target{Target::Kind::replace, -1, std::string(real) + (std::string(real) == "/" ? "" : "/") + name};
}

}  // namespace

Result<void> check_writable_fd(int fd, const std::string& option) {
  const int flags = ::fcntl(fd, F_GETFL);
  if (flags < 0) return Error::from_errno(option + ": descriptor " + std::to_string(fd) + " is not open");
  if ((flags & O_ACCMODE) == O_RDONLY) {
    return Error(option + ": descriptor " + std::to_string(fd) + " is not open for writing", EBADF);
  }
  return success();
}

Result<Target> resolve_target(const std::string& path) {
  const std::string option = "--report " + path;
  if (const int fd = own_descriptor(path); fd >= 0) {
    if (auto ok = check_writable_fd(fd, option); !ok) return std::move(ok).error();
    return Target{Target::Kind::stream, fd, {}};
  }
  if (path.empty() || path.back() == '/') {
    return Error(option, EISDIR).with_hint("give a file name");
  }
  struct stat link {};
  if (::lstat(path.c_str(), &link) != 0) {
    if (errno != ENOENT) return Error::from_errno(option);
    return new_file(option, path);
  }
  struct stat st = link;
  if (S_ISLNK(link.st_mode) && ::stat(path.c_str(), &st) != 0) {
    return Error::from_errno(option + ": a symlink to nothing usable").with_hint("point it at a file or remove it");
  }
  if (S_ISDIR(st.st_mode)) return Error(option, EISDIR).with_hint("give a file name");
  if (S_ISFIFO(st.st_mode) || S_ISCHR(st.st_mode)) {
    if (::access(path.c_str(), W_OK) != 0) return Error::from_errno(option + ": cannot write to it");
    return Target{Target::Kind::stream, -1, path};  // written into: a reader or a terminal is there
  }
  if (!S_ISREG(st.st_mode)) return Error(option + ": neither a file, a FIFO nor a terminal", EINVAL);
  // A regular file, or a symlink to one: the real file is replaced, the
  // symlink stays a symlink.
  char real[PATH_MAX];
  if (::realpath(path.c_str(), real) == nullptr) return Error::from_errno(option);
  return new_file(option, real);
}

Result<void> check_append(const std::string& path) {
  const std::string option = "--report-append " + path;
  if (path.empty() || path.back() == '/') return Error(option, EISDIR).with_hint("give a file name");
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    if (errno != ENOENT) return Error::from_errno(option);
    if (auto dir = new_file(option, path); !dir) return std::move(dir).error();
    return success();
  }
  if (S_ISDIR(st.st_mode)) return Error(option, EISDIR).with_hint("give a file name");
  if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode)) {
    return Error(option + ": neither a file, a FIFO nor a terminal", EINVAL);
  }
  if (::access(path.c_str(), W_OK) != 0) return Error::from_errno(option + ": cannot write to it");
  return success();
}

Result<void> write_all(int fd, const std::string& text, const std::string& what) {
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::from_errno("cannot write the report to " + what);
    done += static_cast<std::size_t>(n);
  }
  return success();
}

}  // namespace sandbox::report
