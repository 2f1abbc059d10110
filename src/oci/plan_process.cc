// Planning a container process (parent side): argv and environment as C
// arrays, the PATH candidates for args[0], rlimits clamped where the
// caller cannot raise the hard limit.
#include <sys/resource.h>

#include <sstream>

#include "oci/plan.h"

namespace sandbox::oci {
namespace {

std::string env_value(const std::vector<std::string>& env, const std::string& key) {
  for (const auto& entry : env) {
    if (entry.size() > key.size() && entry.compare(0, key.size(), key) == 0 && entry[key.size()] == '=') {
      return entry.substr(key.size() + 1);
    }
  }
  return "";
}

}  // namespace

ProcessPlan plan_process(const Process& process, std::vector<std::string>& warnings) {
  ProcessPlan plan;
  plan.argv_storage = process.args;
  plan.env_storage = process.env;
  for (auto& a : plan.argv_storage) plan.argv.push_back(a.data());
  plan.argv.push_back(nullptr);
  for (auto& e : plan.env_storage) plan.envp.push_back(e.data());
  plan.envp.push_back(nullptr);
  const std::string& name = process.args.at(0);
  if (name.find('/') != std::string::npos) {
    plan.exec_candidates.push_back(name);
  } else {
    std::string path = env_value(process.env, "PATH");
    if (path.empty()) path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    std::stringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      plan.exec_candidates.push_back((dir.empty() ? "." : dir) + "/" + name);
    }
  }
  plan.cwd = process.cwd;
  plan.uid = process.uid;
  plan.gid = process.gid;
  plan.groups = process.additional_gids;
  if (process.umask) {
    plan.set_umask = true;
    plan.umask = *process.umask;
  }
  // The rlimit trap (research/oci.md): without CAP_SYS_RESOURCE nobody can
  // raise a hard limit, and callers ask for more than this VM's hard limits
  // (podman: RLIMIT_NOFILE=1048576). Clamp to the current hard limit and say so.
  for (Rlimit limit : process.rlimits) {
    rlimit current{};
    if (::getrlimit(static_cast<__rlimit_resource>(limit.resource), &current) == 0 &&
        limit.hard > current.rlim_max) {
      // Raising needs CAP_SYS_RESOURCE in the initial user namespace: try
      // it on ourselves (we exit soon) to learn whether the child may.
      const rlimit wanted{current.rlim_cur, limit.hard};
      if (::setrlimit(static_cast<__rlimit_resource>(limit.resource), &wanted) != 0) {
        warnings.push_back(limit.name + " " + std::to_string(limit.soft) + ":" +
                           std::to_string(limit.hard) + " clamped to the hard limit " +
                           std::to_string(current.rlim_max) + " (no CAP_SYS_RESOURCE here)");
        limit.hard = current.rlim_max;
        if (limit.soft > limit.hard) limit.soft = limit.hard;
      }
    }
    plan.rlimits.push_back(limit);
  }
  if (process.oom_score_adj) {
    plan.set_oom_score_adj = true;
    plan.oom_score_adj = std::to_string(*process.oom_score_adj);
  }
  plan.no_new_privileges = process.no_new_privileges;
  if (process.capabilities) {
    plan.has_capabilities = true;
    plan.caps = *process.capabilities;
  }
  plan.terminal = process.terminal;
  plan.rows = process.console_height;
  plan.cols = process.console_width;
  return plan;
}

}  // namespace sandbox::oci
