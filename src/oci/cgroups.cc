#include "oci/cgroups.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <fstream>
#include <sstream>

#include "cgroup/hierarchy.h"
#include "oci/state.h"

namespace sandbox::oci {
namespace {

// The v1 controllers a container's limits and freezing use; the others
// (cpuset needs its parent's cpus and mems copied, devices its own allow
// list) are left to the caller's group, see docs/oci.md.
const char* const kV1Controllers[] = {"memory", "pids", "cpu", "freezer"};

Result<void> make_dirs(const std::string& path) {
  std::string partial;
  std::stringstream in(path);
  std::string part;
  while (std::getline(in, part, '/')) {
    if (part.empty()) continue;
    if (part == "..") return Error("cgroup path " + path + " climbs with ..");
    partial += "/" + part;
    if (::mkdir(partial.c_str(), 0755) != 0 && errno != EEXIST) {
      return Error::from_errno("cannot make the cgroup " + partial);
    }
  }
  return success();
}

Result<void> write_file(const std::string& path, const std::string& value) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("cannot open " + path);
  const ssize_t n = ::write(fd, value.data(), value.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(value.size())) return Error("cannot write " + value + " to " + path, err);
  return success();
}

void sleep_ms(int ms) {
  timespec ts{0, static_cast<long>(ms) * 1000000L};
  ::nanosleep(&ts, nullptr);
}

}  // namespace

std::string cgroup_relative_path(const std::string& cgroups_path, const std::string& id) {
  if (cgroups_path.empty()) return "/sandbox-oci/" + id;
  const auto first = cgroups_path.find(':');
  if (first != std::string::npos && cgroups_path[0] != '/') {
    // systemd's "slice:prefix:name", made the way systemd names it.
    const auto second = cgroups_path.find(':', first + 1);
    const std::string slice = cgroups_path.substr(0, first);
    const std::string prefix = second == std::string::npos ? "" : cgroups_path.substr(first + 1, second - first - 1);
    const std::string name = second == std::string::npos ? cgroups_path.substr(first + 1)
                                                         : cgroups_path.substr(second + 1);
    return "/" + (slice.empty() ? std::string("system.slice") : slice) + "/" +
           (prefix.empty() ? "" : prefix + "-") + name + ".scope";
  }
  return cgroups_path[0] == '/' ? cgroups_path : "/" + cgroups_path;
}

Result<Cgroups> make_cgroups(const Spec& spec, const std::string& id, std::vector<std::string>& warnings) {
  const std::string rel = cgroup_relative_path(spec.cgroups_path, id);
  const Resources& r = spec.resources;
  const bool limited = r.memory_limit || r.pids_limit || r.cpu_quota || r.cpu_shares;
  const cgroup::Hierarchies found = cgroup::find_hierarchies();
  Cgroups groups;
  auto make = [&](const std::string& mount) -> Result<std::string> {
    const std::string dir = mount + rel;
    if (auto made = make_dirs(dir); !made) return std::move(made).error();
    groups.dirs.push_back(dir);
    return dir;
  };
  if (found.v2) {
    auto dir = make(found.v2->mount);
    if (!dir) {
      if (limited || (::geteuid() == 0 && initial_user_namespace())) return std::move(dir).error();
      warnings.push_back("no cgroup for the container (" + dir.error().message() + ")");
      return groups;
    }
    groups.v2 = *dir;
  }
  // The v1 groups are made in any case (cheap), but with a v2 group
  // (tracking, cgroup.kill, cgroup.freeze) and no limit in the spec the
  // process is not moved into them (they would only account; see
  // join_cgroups): moving a process into v1 groups costs an RCU grace
  // period (the kernel's cgroup_threadgroup_rwsem, ~10 ms), the largest
  // single cost of a container's start (bench/NOTES.md). With a limit
  // (podman sets a pids limit by default) the grace period is paid anyway,
  // and the process joins every v1 group as before (podman stats).
  const bool v2_freezes = !groups.v2.empty() && ::access((groups.v2 + "/cgroup.freeze").c_str(), F_OK) == 0;
  groups.v1_join = groups.v2.empty() || limited || !v2_freezes;
  for (const char* controller : kV1Controllers) {
    const cgroup::Hierarchy* h = found.v1_for(controller);
    if (h == nullptr) continue;
    if (std::find(groups.dirs.begin(), groups.dirs.end(), h->mount + rel) != groups.dirs.end()) continue;
    auto dir = make(h->mount);
    if (!dir) {
      if (limited) return std::move(dir).error();
      continue;
    }
    if (std::string(controller) == "freezer") groups.freezer = *dir;
  }
  // The limits: v1 files on a hybrid host, v2 files where the controller is there.
  auto set = [&](const char* controller, const char* v1_file, const char* v2_file,
                 const std::string& value) -> Result<void> {
    if (const cgroup::Hierarchy* h = found.v1_for(controller)) {
      return write_file(h->mount + rel + "/" + v1_file, value);
    }
    if (found.v2 && std::find(found.v2->controllers.begin(), found.v2->controllers.end(),
                              controller) != found.v2->controllers.end()) {
      return write_file(groups.v2 + "/" + v2_file, value);
    }
    return Error(std::string("the ") + controller + " controller is not available here",
                 0, "linux.resources asks for it");
  };
  if (r.memory_limit && *r.memory_limit > 0) {
    if (auto ok = set("memory", "memory.limit_in_bytes", "memory.max", std::to_string(*r.memory_limit)); !ok) {
      return std::move(ok).error();
    }
    if (r.memory_swap && *r.memory_swap > 0) {
      // memsw exists only with swap accounting; without it the swap limit cannot hold.
      if (const cgroup::Hierarchy* h = found.v1_for("memory")) {
        const std::string memsw = h->mount + rel + "/memory.memsw.limit_in_bytes";
        if (::access(memsw.c_str(), F_OK) == 0) {
          if (auto ok = write_file(memsw, std::to_string(*r.memory_swap)); !ok) return std::move(ok).error();
        } else {
          warnings.push_back("memory.swap: no swap accounting on this kernel; swap not limited");
        }
      }
    }
  }
  if (r.pids_limit && *r.pids_limit > 0) {
    if (auto ok = set("pids", "pids.max", "pids.max", std::to_string(*r.pids_limit)); !ok) return std::move(ok).error();
  }
  if (r.cpu_shares && *r.cpu_shares > 0) {
    if (auto ok = set("cpu", "cpu.shares", "cpu.weight", std::to_string(*r.cpu_shares)); !ok) return std::move(ok).error();
  }
  if (r.cpu_quota && *r.cpu_quota > 0) {
    const std::uint64_t period = r.cpu_period.value_or(100000);
    if (auto ok = set("cpu", "cpu.cfs_period_us", "cpu.max", std::to_string(period)); !ok) return std::move(ok).error();
    if (auto ok = set("cpu", "cpu.cfs_quota_us", "cpu.max", std::to_string(*r.cpu_quota)); !ok) return std::move(ok).error();
  }
  if (!r.cpuset_cpus.empty() || !r.cpuset_mems.empty()) {
    return Error("linux.resources.cpu.cpus/mems: cpusets are not supported by sandbox-oci");
  }
  return groups;
}

Result<void> join_cgroups(const Cgroups& groups, pid_t pid, bool in_v2) {
  for (const auto& dir : groups.dirs) {
    if (in_v2 && dir == groups.v2) continue;  // cloned into it (CLONE_INTO_CGROUP)
    if (!groups.joined(dir)) continue;  // see make_cgroups
    if (auto ok = write_file(dir + "/cgroup.procs", std::to_string(pid)); !ok) return ok;
  }
  return success();
}

std::vector<pid_t> cgroup_pids(const Cgroups& groups) {
  std::vector<pid_t> pids;
  for (const auto& dir : groups.dirs) {
    std::ifstream in(dir + "/cgroup.procs");
    pid_t pid = 0;
    while (in >> pid) {
      if (std::find(pids.begin(), pids.end(), pid) == pids.end()) pids.push_back(pid);
    }
    if (!pids.empty() || !in.eof()) break;  // the first readable group is complete
  }
  return pids;
}

bool kill_cgroups(const Cgroups& groups, int signal, int timeout_ms) {
  if (groups.dirs.empty()) return true;
  if (signal == SIGKILL && !groups.v2.empty() &&
      write_file(groups.v2 + "/cgroup.kill", "1").ok()) {
    // done by the kernel, atomically for the whole tree
  } else {
    // A frozen group must thaw for the signal to be handled (SIGKILL works anyway).
    for (pid_t pid : cgroup_pids(groups)) ::kill(pid, signal);
  }
  if (signal != SIGKILL) return true;
  for (int waited = 0; waited < timeout_ms; waited += 5) {
    if (cgroup_pids(groups).empty()) return true;
    sleep_ms(5);
  }
  return cgroup_pids(groups).empty();
}

Result<void> freeze_cgroups(const Cgroups& groups, bool frozen) {
  if (!groups.v2.empty() && ::access((groups.v2 + "/cgroup.freeze").c_str(), W_OK) == 0) {
    if (auto ok = write_file(groups.v2 + "/cgroup.freeze", frozen ? "1" : "0"); !ok) return ok;
    for (int i = 0; frozen && i < 200; ++i) {
      std::ifstream in(groups.v2 + "/cgroup.events");
      std::string key, value;
      bool done = false;
      while (in >> key >> value) {
        if (key == "frozen") done = value == "1";
      }
      if (done) break;
      sleep_ms(5);
    }
    return success();
  }
  if (!groups.freezer.empty()) {
    return write_file(groups.freezer + "/freezer.state", frozen ? "FROZEN" : "THAWED");
  }
  return Error("the container has no freezer (no cgroup)");
}

bool cgroups_frozen(const Cgroups& groups) {
  if (!groups.v2.empty()) {
    std::ifstream in(groups.v2 + "/cgroup.freeze");
    int value = 0;
    if (in >> value) return value == 1;
  }
  if (!groups.freezer.empty()) {
    std::ifstream in(groups.freezer + "/freezer.state");
    std::string state;
    if (in >> state) return state != "THAWED";
  }
  return false;
}

void remove_cgroups(const Cgroups& groups) {
  for (auto it = groups.dirs.rbegin(); it != groups.dirs.rend(); ++it) {
    for (int attempt = 0; attempt < 100; ++attempt) {
      if (::rmdir(it->c_str()) == 0 || errno == ENOENT) break;
      if (errno != EBUSY) break;
      sleep_ms(5);
    }
    // Our own parent (the default cgroupsPath) goes with its last child.
    const std::string parent = it->substr(0, it->rfind('/'));
    if (parent.ends_with("/sandbox-oci")) ::rmdir(parent.c_str());
  }
}

}  // namespace sandbox::oci
