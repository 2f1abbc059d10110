#include "landlock/needs.h"

#include <sys/stat.h>

#include <algorithm>

namespace sandbox::landlock {
namespace {

bool is_device(const std::string& path) {
  if (path == "/dev" || path.starts_with("/dev/")) return true;
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode));
}

}  // namespace

std::vector<LandlockNeed> landlock_needs(const Policy& policy, bool without_namespaces) {
  std::vector<LandlockNeed> needs;
  // DESIGN §2, processes: the program's domain is nested in init's, so it
  // cannot signal init (nor, without a pid namespace, anything outside).
  needs.push_back({"the signal scope (the program could signal init and processes outside)", 6});
  // Abstract unix sockets belong to the network namespace: sharing the
  // host's, only the scope keeps the program off the host's (DESIGN §2, ipc).
  if (policy.net == NetMode::host || without_namespaces) {
    needs.push_back({"the abstract unix socket scope (the program could connect to the host's "
                     "abstract sockets)", 6});
  }
  if (!policy.allow_tcp.empty()) needs.push_back({"TCP port rules (--allow-tcp)", 4});
  if (without_namespaces && policy.net != NetMode::host) {
    needs.push_back({"TCP confinement without a network namespace (TCP would reach the host's network)", 4});
  }
  // Without the view the host's files are there at their own mounts: only
  // Landlock's truncate right keeps truncate(2) off what is not granted.
  if (without_namespaces) {
    needs.push_back({"the truncate right (the program could truncate files it was not granted)", 3});
  }
  // A granted device: Landlock ABI 5 confines its ioctls (an --ro or --rw
  // grant gives none); older ABIs leave every ioctl open.
  const bool device_granted = std::any_of(policy.grants.begin(), policy.grants.end(),
                                          [](const PathGrant& g) { return is_device(g.path); });
  if (device_granted || without_namespaces) {
    needs.push_back({"the device ioctl right (the program could issue any ioctl on a device it opens)", 5});
  }
  return needs;
}

Result<void> check_landlock(const Policy& policy, int abi, const Error& missing, bool without_namespaces,
                            std::vector<std::string>& skipped) {
  if (abi < 1) {
    if (!policy.best_effort) return Error(missing).wrap("cannot confine files");
    skipped.push_back("Landlock (" + missing.message() + ")");
    return success();
  }
  for (const auto& need : landlock_needs(policy, without_namespaces)) {
    if (abi >= need.abi) continue;
    const std::string versions = "Landlock ABI " + std::to_string(need.abi) + "; this kernel has ABI " +
                                 std::to_string(abi);
    if (!policy.best_effort) {
      return Error("this kernel lacks " + need.what + ": it needs " + versions)
          .with_hint("use a newer kernel, or run with --best-effort to run without it");
    }
    skipped.push_back(need.what + ", which needs " + versions);
  }
  return success();
}

}  // namespace sandbox::landlock
