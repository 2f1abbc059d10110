#include "scratch/shred.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "util/unique_fd.h"

namespace sandbox::scratch {
namespace {

constexpr int kMaxDepth = 64;

bool same(const Shredder::Entry& e, const struct stat& st) {
  return e.dev == st.st_dev && e.ino == st.st_ino && e.ctime.tv_sec == st.st_ctim.tv_sec &&
         e.ctime.tv_nsec == st.st_ctim.tv_nsec;
}

// Calls visit(dir_fd, name, stat) for each entry beneath dir_fd, children
// of a directory before the directory itself (so it can be removed).
template <class Visit>
Result<void> walk(int dir_fd, const std::string& path, int depth, Visit& visit) {
  if (depth > kMaxDepth) return Error(path + ": directories nested too deep to shred");
  const int fd = ::openat(dir_fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("cannot list " + path);
  DIR* dir = ::fdopendir(fd);
  if (dir == nullptr) {
    ::close(fd);
    return Error::from_errno("cannot list " + path);
  }
  std::vector<std::string> names;
  while (const dirent* entry = ::readdir(dir)) {
    if (std::strcmp(entry->d_name, ".") != 0 && std::strcmp(entry->d_name, "..") != 0) {
      names.emplace_back(entry->d_name);
    }
  }
  ::closedir(dir);
  for (const auto& name : names) {
    struct stat st {};
    if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone meanwhile
    const std::string child = path + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      UniqueFd sub(::openat(dir_fd, name.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
      if (!sub) return Error::from_errno("cannot open " + child);
      if (auto ok = walk(sub.get(), child, depth + 1, visit); !ok) return ok;
    }
    if (auto ok = visit(dir_fd, name, child, st); !ok) return ok;
  }
  return success();
}

// Overwrites the file's bytes with zeros and syncs them to the disk.
Result<void> overwrite(int dir_fd, const std::string& name, const std::string& path, off_t size) {
  UniqueFd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NOCTTY));
  if (!fd) return Error::from_errno("cannot shred " + path);
  static const char kZeros[65536] = {};
  for (off_t done = 0; done < size;) {
    const auto chunk = static_cast<std::size_t>(std::min<off_t>(size - done, sizeof(kZeros)));
    const ssize_t n = ::pwrite(fd.get(), kZeros, chunk, done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return Error::from_errno("cannot shred " + path);
    done += n;
  }
  if (::fsync(fd.get()) != 0) return Error::from_errno("cannot sync " + path);
  return success();
}

}  // namespace

Result<Shredder> Shredder::snapshot(const std::string& dir) {
  Shredder shredder(dir);
  UniqueFd root(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root) return Error::from_errno("-s: cannot open " + dir);
  auto record = [&](int, const std::string&, const std::string&, const struct stat& st) -> Result<void> {
    shredder.before_.push_back({st.st_dev, st.st_ino, st.st_ctim});
    return success();
  };
  if (auto ok = walk(root.get(), dir, 0, record); !ok) return std::move(ok).error().wrap("-s");
  return shredder;
}

Result<std::size_t> Shredder::shred() const {
  UniqueFd root(::open(dir_.c_str(), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC));
  if (!root) return Error::from_errno("-s: cannot open " + dir_);
  std::size_t overwritten = 0;
  auto remove = [&](int dir_fd, const std::string& name, const std::string& path,
                    const struct stat& st) -> Result<void> {
    if (S_ISDIR(st.st_mode)) {
      // A directory that existed stays (its ctime changes with its entries);
      // a new one goes when empty.
      const bool existed = std::any_of(before_.begin(), before_.end(), [&](const Entry& e) {
        return e.dev == st.st_dev && e.ino == st.st_ino;
      });
      if (existed) return success();
      if (::unlinkat(dir_fd, name.c_str(), AT_REMOVEDIR) != 0 && errno != ENOTEMPTY && errno != EEXIST) {
        return Error::from_errno("cannot remove " + path);
      }
      return success();
    }
    const bool untouched = std::any_of(before_.begin(), before_.end(),
                                       [&](const Entry& e) { return same(e, st); });
    if (untouched) return success();
    if (S_ISREG(st.st_mode) && st.st_nlink == 1 && st.st_size > 0) {
      if (auto ok = overwrite(dir_fd, name, path, st.st_size); !ok) return ok;
      ++overwritten;
    }
    if (::unlinkat(dir_fd, name.c_str(), 0) != 0 && errno != ENOENT) {
      return Error::from_errno("cannot remove " + path);
    }
    return success();
  };
  if (auto ok = walk(root.get(), dir_, 0, remove); !ok) return std::move(ok).error().wrap("-s");
  return overwritten;
}

Result<std::vector<Shredder>> snapshot_scratch(const Policy& policy) {
  std::vector<Shredder> shredders;
  if (!policy.shred) return shredders;
  for (const std::string* dir : {&policy.homedir, &policy.tmpdir}) {
    if (dir->empty()) continue;
    auto shredder = Shredder::snapshot(*dir);
    if (!shredder) return std::move(shredder).error();
    shredders.push_back(std::move(*shredder));
  }
  return shredders;
}

void shred_all(const std::vector<Shredder>& shredders, std::string* message) {
  for (const auto& shredder : shredders) {
    if (auto done = shredder.shred(); !done) {
      if (!message->empty()) *message += "; ";
      *message += done.error().message();
    }
  }
}

}  // namespace sandbox::scratch
