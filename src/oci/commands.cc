#include "oci/commands.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "oci/cgroups.h"
#include "oci/create.h"
#include "oci/hooks.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "sandbox/version.h"
#include "util/sys.h"
#include "util/unique_fd.h"

namespace sandbox::oci {

Result<int> parse_signal(const std::string& text) {
  if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) {
    const int n = std::atoi(text.c_str());
    if (n < 0 || n >= NSIG) return Error("invalid signal " + text);  // 0: is it there?
    return n;
  }
  std::string name = text;
  if (name.starts_with("SIG")) name = name.substr(3);
  for (int n = 1; n < NSIG; ++n) {
    const char* abbrev = ::sigabbrev_np(n);
    if (abbrev != nullptr && name == abbrev) return n;
  }
  return Error("invalid signal " + text);
}

Result<void> print_state(const std::string& root, const std::string& id) {
  auto state = load_state(root, id);
  if (!state) return std::move(state).error();
  std::cout << state_json(root, *state) << "\n";
  return success();
}

Result<void> kill_container(const std::string& root, const std::string& id, const std::string& signal, bool all) {
  auto sig = parse_signal(signal);
  if (!sig) return std::move(sig).error();
  auto state = load_state(root, id);
  if (!state) return std::move(state).error();
  if (all && !state->cgroups.dirs.empty()) {
    if (cgroups_frozen(state->cgroups) && *sig != SIGKILL) {
      // Delivered when thawed; SIGKILL works on a frozen v2 group.
    }
    kill_cgroups(state->cgroups, *sig, 0);
    return success();
  }
  // A pidfd, then the start time: the signal reaches the container's
  // process or nobody, never a process that reused its pid.
  UniqueFd pidfd(sys::pidfd_open(state->pid));
  if (!pidfd || !process_alive(*state)) return Error("container " + id + " is not running", ESRCH);
  if (sys::pidfd_send_signal(pidfd.get(), *sig) != 0) return Error::from_errno("kill " + id);
  return success();
}

Result<void> delete_container(const std::string& root, const std::string& id, bool force, const Log& log) {
  auto state = load_state(root, id);
  if (!state) {
    if (force && state.error().errno_value() == ENOENT) return success();
    return std::move(state).error();
  }
  const std::string status = status_of(root, *state);
  if ((status == "running" || status == "paused") && !force) {
    return Error("cannot delete container " + id + " that is " + status, 0, "stop it first or use --force");
  }
  // The whole tree: cgroup.kill where there is a v2 group, and the
  // container's first process in any case (it may have no group).
  if (process_alive(*state)) {
    UniqueFd pidfd(sys::pidfd_open(state->pid));
    if (pidfd && process_alive(*state)) sys::pidfd_send_signal(pidfd.get(), SIGKILL);
  }
  if (!kill_cgroups(state->cgroups, SIGKILL, 5000)) {
    log.warning("processes of " + id + " survive in its cgroup");
  }
  if (status == "paused") (void)freeze_cgroups(state->cgroups, false);
  const auto poststop = hooks_from_json(state->poststop_hooks_json);
  if (!poststop.empty()) {
    if (auto ok = run_hooks(poststop, state_json(root, *state), "poststop"); !ok) log.warning(ok.error().message());
  }
  destroy_container(root, id);
  return success();
}

Result<void> list_containers(const std::string& root, const std::string& format, bool quiet) {
  nlohmann::json all = nlohmann::json::array();
  if (!quiet && format != "json") std::printf("%-20s %-8s %-10s %-40s %-30s %s\n", "ID", "PID", "STATUS", "BUNDLE", "CREATED", "OWNER");
  for (const auto& id : list_ids(root)) {
    auto state = load_state(root, id);
    if (!state) continue;
    const std::string status = status_of(root, *state);
    const pid_t pid = status == "stopped" ? 0 : state->pid;
    if (quiet) {
      std::printf("%s\n", id.c_str());
    } else if (format == "json") {
      all.push_back({{"ociVersion", "1.0.2"}, {"id", id}, {"pid", pid}, {"status", status},
                     {"bundle", state->bundle}, {"rootfs", state->rootfs},
                     {"created", state->created}, {"owner", std::to_string(state->owner)}});
    } else {
      std::printf("%-20s %-8d %-10s %-40s %-30s %u\n", id.c_str(), pid, status.c_str(), state->bundle.c_str(),
                  state->created.c_str(), state->owner);
    }
  }
  if (format == "json" && !quiet) std::cout << all.dump() << "\n";
  return success();
}

Result<void> print_ps(const std::string& root, const std::string& id, const std::string& format) {
  auto state = load_state(root, id);
  if (!state) return std::move(state).error();
  std::vector<pid_t> pids = cgroup_pids(state->cgroups);
  if (pids.empty() && process_alive(*state)) pids.push_back(state->pid);
  if (format == "json") {
    std::cout << nlohmann::json(pids).dump() << "\n";
    return success();
  }
  std::printf("%-8s %s\n", "PID", "CMD");
  for (pid_t pid : pids) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/cmdline");
    std::string cmd((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    for (auto& c : cmd) c = c == '\0' ? ' ' : c;
    std::printf("%-8d %s\n", pid, cmd.c_str());
  }
  return success();
}

Result<void> pause_container(const std::string& root, const std::string& id, bool pause) {
  auto state = load_state(root, id);
  if (!state) return std::move(state).error();
  const std::string status = status_of(root, *state);
  if (pause && status != "running" && status != "created") {
    return Error("cannot pause container " + id + " that is " + status);
  }
  if (!pause && status != "paused") return Error("container " + id + " is not paused");
  return freeze_cgroups(state->cgroups, pause);
}

void print_features() {
  nlohmann::json caps = nlohmann::json::array();
  for (const char* name : {"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID",
                           "CAP_KILL", "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE",
                           "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW",
                           "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO",
                           "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN",
                           "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
                           "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE",
                           "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN",
                           "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
                           "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE"}) {
    caps.push_back(name);
  }
  const nlohmann::json features = {
      {"ociVersionMin", "1.0.0"},
      {"ociVersionMax", "1.1.0"},
      {"hooks", {"prestart", "createRuntime", "poststart", "poststop"}},
      {"mountOptions",
       {"async", "atime", "bind", "dev", "diratime", "dirsync", "exec", "lazytime", "loud", "mand",
        "noatime", "nodev", "nodiratime", "noexec", "nolazytime", "nomand", "norelatime",
        "nostrictatime", "nosuid", "private", "rbind", "relatime", "remount", "ro", "rprivate",
        "rshared", "rslave", "runbindable", "rw", "shared", "silent", "slave", "strictatime",
        "suid", "sync", "unbindable"}},
      {"linux",
       {{"namespaces", {"cgroup", "ipc", "mount", "network", "pid", "user", "uts"}},
        {"capabilities", caps},
        {"cgroup", {{"v1", true}, {"v2", true}, {"systemd", false}, {"systemdUser", false}}},
        {"seccomp",
         {{"enabled", true},
          {"actions", {"SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
                       "SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"}},
          {"operators", {"SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
                         "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"}}}},
        {"apparmor", {{"enabled", false}}},
        {"selinux", {{"enabled", false}}}}},
      {"annotations",
       {{"org.opencontainers.runtime-spec.features.version", "1.1.0"},
        {"io.github.sandbox.version", SANDBOX_VERSION},
        {"io.github.sandbox.layers", "landlock,seccomp,cgroup"}}}};
  std::cout << features.dump(4) << "\n";
}

Result<void> write_spec(const std::string& bundle, bool rootless) {
  const std::string path = (bundle.empty() ? std::string(".") : bundle) + "/config.json";
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) return Error("File " + path + " exists. Remove it first");
  std::ofstream out(path);
  out << default_spec_json(rootless);
  if (!out) return Error::from_errno("cannot write " + path);
  return success();
}

}  // namespace sandbox::oci
