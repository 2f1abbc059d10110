#include "cgroup/leaf.h"

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>
#include <utility>
#include <vector>

#include "util/sys.h"

namespace sandbox::cgroup {
namespace {

constexpr int kEmptyTimeoutMs = 2000;  // a killed tree is gone in well under 1 ms

std::string read_at(int dir, const char* file) {
  UniqueFd fd(::openat(dir, file, O_RDONLY | O_CLOEXEC));
  if (!fd) return {};
  std::string text;
  char buf[4096];
  ssize_t n = 0;
  while ((n = ::read(fd.get(), buf, sizeof(buf))) > 0) text.append(buf, static_cast<std::size_t>(n));
  return text;
}

std::optional<std::uint64_t> number_at(const std::string& text, std::size_t pos) {
  while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
  std::uint64_t value = 0;
  auto [ptr, ec] = std::from_chars(text.data() + pos, text.data() + text.size(), value);
  if (ec != std::errc()) return std::nullopt;
  return value;
}

std::vector<pid_t> listed_pids(int dir) {
  std::vector<pid_t> pids;
  const std::string text = read_at(dir, "cgroup.procs");
  std::size_t pos = 0;
  while (pos < text.size()) {
    const auto end = text.find('\n', pos);
    if (auto n = number_at(text.substr(pos, end - pos), 0)) pids.push_back(static_cast<pid_t>(*n));
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return pids;
}

}  // namespace

Leaf::Leaf(Leaf&& other) noexcept
    : path_(std::exchange(other.path_, {})), dir_(std::move(other.dir_)), v2_(other.v2_) {}

Leaf& Leaf::operator=(Leaf&& other) noexcept {
  if (this != &other) {
    remove();
    path_ = std::exchange(other.path_, {});
    dir_ = std::move(other.dir_);
    v2_ = other.v2_;
  }
  return *this;
}

Result<Leaf> Leaf::create(const std::string& parent, const std::string& name, bool v2) {
  if (::mkdir(parent.c_str(), 0755) != 0 && errno != EEXIST) {
    return Error::from_errno("cannot create the cgroup " + parent);
  }
  Leaf leaf;
  const std::string path = parent + "/" + name;
  if (::mkdir(path.c_str(), 0755) != 0) return Error::from_errno("cannot create the cgroup " + path);
  leaf.path_ = path;  // ours from here on: removed on every path
  leaf.v2_ = v2;
  leaf.dir_ = UniqueFd(::open(path.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (!leaf.dir_) {
    Error error = Error::from_errno("cannot open the cgroup " + path);
    ::rmdir(path.c_str());
    leaf.path_.clear();
    return error;
  }
  return leaf;
}

Result<void> Leaf::write(const char* file, const std::string& value) const {
  UniqueFd fd(::openat(dir_.get(), file, O_WRONLY | O_CLOEXEC));
  if (!fd) return Error::from_errno("cannot open " + path_ + "/" + file);
  if (::write(fd.get(), value.data(), value.size()) != static_cast<ssize_t>(value.size())) {
    return Error::from_errno("cannot write " + value + " to " + path_ + "/" + file);
  }
  return success();
}

std::optional<std::uint64_t> Leaf::read_number(const char* file) const {
  return number_at(read_at(dir_.get(), file), 0);
}

std::optional<std::uint64_t> Leaf::read_key(const char* file, const char* key) const {
  const std::string text = read_at(dir_.get(), file);
  const std::string k = key;
  std::size_t pos = 0;
  while (pos < text.size()) {
    if (text.compare(pos, k.size(), k) == 0 && pos + k.size() < text.size() && text[pos + k.size()] == ' ') {
      return number_at(text, pos + k.size());
    }
    const auto end = text.find('\n', pos);
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return std::nullopt;
}

Result<UniqueFd> Leaf::open_procs() const {
  // v1: "tasks" moves one thread, and for the writer itself the kernel skips
  // the global threadgroup lock that cgroup.procs takes (an RCU grace period,
  // about 5 ms per hierarchy here). The joining child is single-threaded.
  const char* file = v2_ ? "cgroup.procs" : "tasks";
  UniqueFd fd(::openat(dir_.get(), file, O_WRONLY | O_CLOEXEC));
  if (!fd) return Error::from_errno("cannot open " + path_ + "/" + file);
  return fd;
}

bool Leaf::populated() const {
  if (v2_) return read_key("cgroup.events", "populated").value_or(0) != 0;
  return !listed_pids(dir_.get()).empty();
}

void Leaf::kill() const {
  if (!dir_) return;
  if (v2_) {
    [[maybe_unused]] auto ok = write("cgroup.kill", "1");
    return;
  }
  for (pid_t pid : listed_pids(dir_.get())) ::kill(pid, SIGKILL);  // in our group: ours
}

// v2: cgroup.events signals POLLPRI when "populated" changes. v1: wait for
// each listed process through its pidfd.
bool Leaf::wait_until_empty() const {
  if (v2_) {
    UniqueFd events(::openat(dir_.get(), "cgroup.events", O_RDONLY | O_CLOEXEC));
    if (!events) return false;
    while (populated()) {
      pollfd p{events.get(), POLLPRI, 0};
      const int n = ::poll(&p, 1, kEmptyTimeoutMs);
      if (n == 0) return false;
      if (n < 0 && errno != EINTR) return false;
    }
    return true;
  }
  for (pid_t pid : listed_pids(dir_.get())) {
    UniqueFd pidfd(sys::pidfd_open(pid));
    if (!pidfd) continue;  // already gone
    pollfd p{pidfd.get(), POLLIN, 0};
    if (::poll(&p, 1, kEmptyTimeoutMs) <= 0) return false;
  }
  return !populated();
}

bool Leaf::remove() {
  if (path_.empty()) return true;
  if (populated()) {
    kill();
    wait_until_empty();
  }
  dir_.reset();
  if (::rmdir(path_.c_str()) != 0 && errno != ENOENT) return false;
  path_.clear();
  return true;
}

bool prepare_removal(const Leaf& leaf, DeferredRemoval& removal) {
  const std::string& path = leaf.path();
  if (!leaf.v2() || path.empty() || path.size() + sizeof("/cgroup.kill") > sizeof(removal.path)) return false;
  std::memcpy(removal.path, path.c_str(), path.size() + 1);
  removal.prepared = true;
  return true;
}

void remove_deferred(const void* context) noexcept {
  const auto* removal = static_cast<const DeferredRemoval*>(context);
  if (removal == nullptr || !removal->prepared) return;
  for (int attempt = 0; attempt < 1000; ++attempt) {
    if (::rmdir(removal->path) == 0 || errno == ENOENT) return;
    if (errno != EBUSY) return;  // a later run's sweep removes it
    char kill_file[sizeof(removal->path)];
    const std::size_t n = std::strlen(removal->path);
    std::memcpy(kill_file, removal->path, n);
    std::memcpy(kill_file + n, "/cgroup.kill", sizeof("/cgroup.kill"));
    const int fd = ::open(kill_file, O_WRONLY | O_CLOEXEC);
    if (fd >= 0) {
      [[maybe_unused]] const ssize_t w = ::write(fd, "1", 1);
      ::close(fd);
    }
    const timespec pause{0, 1'000'000};
    ::nanosleep(&pause, nullptr);
  }
}

std::string leaf_name(const std::string& label, pid_t supervisor) {
  // "sandbox_t:s0:c12,c345" -> "c12.c345"
  std::string level = label.substr(label.rfind(':') + 1);
  for (auto& c : level) {
    if (c == ',') c = '.';
    if (c == '/' || c == ' ') c = '_';
  }
  return "sandbox-" + level + "-" + std::to_string(supervisor);
}

int join_groups(const std::vector<UniqueFd>& procs) noexcept {
  int err = 0;
  for (const auto& fd : procs) {
    if (err == 0 && ::write(fd.get(), "0", 1) != 1) err = errno;
    ::close(fd.get());  // this copy of the plan is never destroyed: close by number
  }
  return err;
}

void sweep_stale(const std::string& parent) {
  DIR* dir = ::opendir(parent.c_str());
  if (dir == nullptr) return;
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.rfind("sandbox-", 0) != 0 || entry->d_type != DT_DIR) continue;
    const auto dash = name.rfind('-');
    if (dash + 1 >= name.size()) continue;
    pid_t pid = 0;
    auto [ptr, ec] = std::from_chars(name.data() + dash + 1, name.data() + name.size(), pid);
    if (ec != std::errc() || ptr != name.data() + name.size() || pid <= 0) continue;
    if (::kill(pid, 0) == 0 || errno != ESRCH) continue;  // its supervisor lives (or may)
    ::rmdir((parent + "/" + name).c_str());               // fails unless empty: never forced
  }
  ::closedir(dir);
}

}  // namespace sandbox::cgroup
