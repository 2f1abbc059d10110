#include "x11/run_dir.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <string_view>

namespace sandbox::x11 {
namespace {

// $XDG_RUNTIME_DIR when it is a directory of ours, else /tmp.
std::string base_directory() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  struct stat st {};
  if (runtime != nullptr && runtime[0] == '/' && ::stat(runtime, &st) == 0 && S_ISDIR(st.st_mode) &&
      st.st_uid == ::geteuid() && ::access(runtime, W_OK | X_OK) == 0) {
    return runtime;
  }
  return "/tmp";
}

// Removes everything beneath dir_fd (consumed), depth first, never
// following symlinks.
int remove_contents(int dir_fd, int depth) {
  DIR* dir = ::fdopendir(dir_fd);
  if (dir == nullptr) {
    const int err = errno;
    ::close(dir_fd);
    return err;
  }
  int result = 0;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") == 0 || std::strcmp(entry->d_name, "..") == 0) continue;
    if (::unlinkat(::dirfd(dir), entry->d_name, 0) == 0 || errno == ENOENT) continue;
    if (errno != EISDIR || depth == 0) {
      result = errno;
      continue;
    }
    const int sub = ::openat(::dirfd(dir), entry->d_name,
                             O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (sub < 0) {
      result = errno;
      continue;
    }
    if (int err = remove_contents(sub, depth - 1); err != 0) result = err;
    if (::unlinkat(::dirfd(dir), entry->d_name, AT_REMOVEDIR) != 0 && errno != ENOENT) {
      result = errno;
    }
  }
  ::closedir(dir);
  return result;
}

constexpr std::string_view kPrefix = "sandbox-x-";

// "c12.c345" <-> the level s0:c12,c345.
std::string level_tag(const registry::Level& level) {
  return "c" + std::to_string(level.low) + ".c" + std::to_string(level.high);
}

// Removes name (a directory of ours in parent_fd) and what it holds, unless
// a session still holds its lock.
void remove_tree(int parent_fd, const char* name) {
  const int fd = ::openat(parent_fd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return;
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {  // a live session (its level not reserved yet)
    ::close(fd);
    return;
  }
  remove_contents(fd, 1);
  ::unlinkat(parent_fd, name, AT_REMOVEDIR);
}

// Leftovers of sessions whose supervisor died: ours, labelled with a level
// that no running sandbox holds (reserving it succeeds), and not locked.
// The lock covers a session's start, before its program's sandbox holds
// the level: its X server and window manager run meanwhile.
void sweep(const std::string& base) {
  const int base_fd = ::open(base.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (base_fd < 0) return;
  DIR* dir = ::fdopendir(base_fd);
  if (dir == nullptr) {
    ::close(base_fd);
    return;
  }
  while (const dirent* entry = ::readdir(dir)) {
    const std::string_view name = entry->d_name;
    if (name.substr(0, kPrefix.size()) != kPrefix) continue;
    const std::string_view rest = name.substr(kPrefix.size());
    const auto dash = rest.find('-');
    if (dash == std::string_view::npos) continue;
    std::string level_text(rest.substr(0, dash));
    std::replace(level_text.begin(), level_text.end(), '.', ',');
    auto level = registry::parse_level(level_text);
    struct stat st {};
    if (!level || ::fstatat(::dirfd(dir), entry->d_name, &st, AT_SYMLINK_NOFOLLOW) != 0 ||
        !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid()) {
      continue;
    }
    if (auto free = registry::reserve(*level); free) remove_tree(::dirfd(dir), entry->d_name);
  }
  ::closedir(dir);
}

}  // namespace

Result<RunDir> RunDir::create(const registry::Level& level) {
  sweep(base_directory());
  std::string templ = base_directory() + "/" + std::string(kPrefix) + level_tag(level) + "-XXXXXX";
  if (::mkdtemp(templ.data()) == nullptr) {
    return Error::from_errno("-X: cannot create a private directory in " + base_directory());
  }
  UniqueFd fd(::open(templ.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!fd) {
    Error error = Error::from_errno("-X: cannot open " + templ);
    ::rmdir(templ.c_str());
    return error;
  }
  // Held while the session lives (and by its sandboxes' inits, which die
  // with it): another session's sweep leaves the directory alone.
  if (::flock(fd.get(), LOCK_EX | LOCK_NB) != 0) {
    Error error = Error::from_errno("-X: cannot lock " + templ);
    ::rmdir(templ.c_str());
    return error;
  }
  return RunDir(std::move(templ), std::move(fd));
}

RunDir::~RunDir() { (void)remove(); }

Result<std::string> RunDir::make_dir(const std::string& name, unsigned mode) const {
  if (::mkdirat(fd_.get(), name.c_str(), 0700) != 0 ||
      ::fchmodat(fd_.get(), name.c_str(), mode, 0) != 0) {  // beyond the umask
    return Error::from_errno("-X: cannot create " + file(name));
  }
  return file(name);
}

Result<void> RunDir::remove() {
  if (!fd_) return success();
  const int dup = ::fcntl(fd_.get(), F_DUPFD_CLOEXEC, 0);
  const int err = dup < 0 ? errno : remove_contents(dup, 1);
  fd_.reset();
  if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) {
    return Error::from_errno("-X: cannot remove " + path_);
  }
  if (err != 0) return Error("-X: cannot empty " + path_, err);
  return success();
}

}  // namespace sandbox::x11
