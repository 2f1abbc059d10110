#include "limits/resources.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <fstream>

#include "cgroup/hierarchy.h"
#include "limits/parse.h"

namespace sandbox::limits {
namespace {

constexpr std::uint64_t kCpuPeriodUs = 100000;

const char* const kUnenforceableHint =
    "run as root, or from a delegated cgroup v2 subtree (e.g. systemd-run --user --scope)";

bool limited(const Limits& limits) { return limits.memory_bytes || limits.pids || limits.cpus; }

bool has(const std::vector<std::string>& list, const std::string& item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

class Planner {
 public:
  // Every hierarchy (and the v2 controllers) when a limit is requested;
  // else the v2 mount alone, for the tracking leaf.
  Planner(Resources& r, const std::string& label, bool limited)
      : r_(r), name_(cgroup::leaf_name(label, ::getpid())), limited_(limited) {
    if (limited_) {
      r_.hierarchies = cgroup::find_hierarchies();
    } else {
      r_.hierarchies.v2 = cgroup::find_v2();
    }
    root_ = ::geteuid() == 0;
  }

  // The v2 leaf, for tracking, whenever the caller may make one; silently
  // absent otherwise.
  void make_tracking_leaf() {
    if (!r_.hierarchies.v2) return;
    v2_parent_ = cgroup::group_parent(*r_.hierarchies.v2);
    if (v2_parent_.empty()) return;
    auto leaf = cgroup::Leaf::create(v2_parent_, name_, true);
    if (!leaf) return;
    r_.tracking = std::move(*leaf);
    if (limited_) v2_available_ = cgroup::words(cgroup::read_text(v2_parent_ + "/cgroup.controllers"));
  }

  // The group that enforces `controller`: the v2 leaf when the controller is
  // on v2, else a v1 child (root only). nullptr when neither can.
  Result<const cgroup::Leaf*> group_for(const std::string& controller, int* index) {
    if (r_.tracking && has(v2_available_, controller)) {
      // Enabled in our own "sandbox" directory, which holds no process.
      std::ofstream control(v2_parent_ + "/cgroup.subtree_control");
      control << "+" << controller;
      control.close();
      if (control && has(cgroup::words(cgroup::read_text(r_.tracking->path() + "/cgroup.controllers")), controller)) {
        *index = -1;
        return &*r_.tracking;
      }
    }
    const cgroup::Hierarchy* v1 = r_.hierarchies.v1_for(controller);
    if (!root_ || v1 == nullptr) return static_cast<const cgroup::Leaf*>(nullptr);
    for (std::size_t i = 0; i < v1_mounts_.size(); ++i) {
      if (v1_mounts_[i] == v1->mount) {  // co-mounted with a controller already used
        *index = static_cast<int>(i);
        return &r_.v1[i];
      }
    }
    const std::string parent = cgroup::group_parent(*v1);
    auto leaf = cgroup::Leaf::create(parent, name_, false);
    if (!leaf) return std::move(leaf).error().wrap("cgroup v1 " + controller);
    auto procs = leaf->open_procs();
    if (!procs) return std::move(procs).error();
    r_.v1.push_back(std::move(*leaf));
    r_.join.push_back(std::move(*procs));
    v1_mounts_.push_back(v1->mount);
    *index = static_cast<int>(r_.v1.size() - 1);
    return &r_.v1.back();
  }

  static std::string mechanism(const cgroup::Leaf& leaf, const std::string& controller) {
    return std::string(leaf.v2() ? "cgroup v2 " : "cgroup v1 ") + controller;
  }

  Result<void> memory(std::uint64_t bytes) {
    LimitEnforcement e{"memory", static_cast<double>(bytes), format_bytes(bytes), {}, true};
    int index = -2;
    auto group = group_for("memory", &index);
    if (!group) return std::move(group).error();
    const std::string value = std::to_string(bytes);
    if (const cgroup::Leaf* leaf = *group) {
      if (leaf->v2()) {
        if (auto ok = leaf->write("memory.max", value); !ok) return ok;
        [[maybe_unused]] auto swap = leaf->write("memory.swap.max", "0");  // absent without swap
      } else {
        if (auto ok = leaf->write("memory.limit_in_bytes", value); !ok) return ok;
        [[maybe_unused]] auto memsw = leaf->write("memory.memsw.limit_in_bytes", value);  // no swap either
      }
      e.mechanism = mechanism(*leaf, "memory");
      r_.memory_index = index;
    } else {
      r_.rlimits.push_back({RLIMIT_AS, bytes});
      e.mechanism = "rlimit AS, per process";
    }
    r_.memory_limit = bytes;
    r_.enforcement.push_back(e);
    return success();
  }

  Result<void> pids(std::uint64_t n) {
    LimitEnforcement e{"pids", static_cast<double>(n), std::to_string(n), {}, true};
    int index = -2;
    auto group = group_for("pids", &index);
    if (!group) return std::move(group).error();
    if (const cgroup::Leaf* leaf = *group) {
      if (auto ok = leaf->write("pids.max", std::to_string(n)); !ok) return ok;
      e.mechanism = mechanism(*leaf, "pids");
    } else if (!root_) {
      // Counted per (user namespace, uid): only the sandbox's processes.
      r_.rlimits.push_back({RLIMIT_NPROC, n});
      e.mechanism = "rlimit NPROC, per user namespace";
    } else {
      return Error("cannot enforce --pids " + std::to_string(n) +
                   ": no pids cgroup controller, and RLIMIT_NPROC does not bind uid 0")
          .with_hint("mount the pids controller (cgroup v1 or v2)");
    }
    r_.enforcement.push_back(e);
    return success();
  }

  Result<void> cpus(double cores) {
    LimitEnforcement e{"cpus", cores, format_cpus(cores), {}, true};
    int index = -2;
    auto group = group_for("cpu", &index);
    if (!group) return std::move(group).error();
    const cgroup::Leaf* leaf = *group;
    if (leaf == nullptr) {
      return Error("cannot enforce --cpus " + format_cpus(cores) +
                   ": no cpu cgroup controller is available to this user")
          .with_hint(std::string(kUnenforceableHint) +
                     "; --rlimit CPU=SECONDS bounds total CPU time instead");
    }
    const auto quota = static_cast<std::uint64_t>(std::llround(cores * kCpuPeriodUs));
    if (leaf->v2()) {
      if (auto ok = leaf->write("cpu.max", std::to_string(quota) + " " + std::to_string(kCpuPeriodUs)); !ok) {
        return ok;
      }
    } else {
      if (auto ok = leaf->write("cpu.cfs_period_us", std::to_string(kCpuPeriodUs)); !ok) return ok;
      if (auto ok = leaf->write("cpu.cfs_quota_us", std::to_string(quota)); !ok) return ok;
    }
    e.mechanism = mechanism(*leaf, "cpu");
    r_.enforcement.push_back(e);
    return success();
  }

  void rlimits(const std::vector<RlimitSetting>& settings) {
    const bool core_given = std::any_of(settings.begin(), settings.end(),
                                        [](const RlimitSetting& s) { return s.resource == RLIMIT_CORE; });
    std::vector<RlimitSetting> all = settings;
    if (!core_given) all.push_back({"CORE", RLIMIT_CORE, 0});  // safe default: no core dumps
    for (const auto& s : all) {
      const bool unlimited = s.value == kRlimitUnlimited;
      r_.rlimits.push_back({s.resource, unlimited ? RLIM_INFINITY : static_cast<rlim_t>(s.value)});
      LimitEnforcement e{"rlimit " + s.name,
                         unlimited ? std::nullopt : std::optional<double>(static_cast<double>(s.value)),
                         unlimited ? "unlimited" : std::to_string(s.value), "setrlimit",
                         core_given || s.resource != RLIMIT_CORE};
      r_.enforcement.push_back(e);
    }
  }

 private:
  Resources& r_;
  std::string name_;
  bool root_ = false;
  bool limited_ = false;
  std::string v2_parent_;
  std::vector<std::string> v2_available_;
  std::vector<std::string> v1_mounts_;
};

}  // namespace

const cgroup::Leaf* Resources::memory_group() const {
  if (memory_index == -1 && tracking) return &*tracking;
  if (memory_index >= 0 && static_cast<std::size_t>(memory_index) < v1.size()) return &v1[memory_index];
  return nullptr;
}

std::uint64_t Resources::oom_kills() const {
  const cgroup::Leaf* leaf = memory_group();
  if (leaf == nullptr) return 0;
  return leaf->v2() ? leaf->read_key("memory.events", "oom_kill").value_or(0)
                    : leaf->read_key("memory.oom_control", "oom_kill").value_or(0);
}

std::optional<std::uint64_t> Resources::peak_memory() const {
  const cgroup::Leaf* leaf = memory_group();
  if (leaf == nullptr) return std::nullopt;
  return leaf->read_number(leaf->v2() ? "memory.peak" : "memory.max_usage_in_bytes");
}

void Resources::kill() const {
  if (tracking) tracking->kill();
  for (const auto& leaf : v1) leaf.kill();
}

void Resources::remove() {
  if (tracking) tracking->remove();
  for (auto& leaf : v1) leaf.remove();
}

Result<Resources> prepare(const Limits& limits, const std::string& label) {
  Resources r;
  Planner planner(r, label, limited(limits));
  planner.make_tracking_leaf();
  if (limits.memory_bytes) {
    if (auto ok = planner.memory(*limits.memory_bytes); !ok) return std::move(ok).error();
  }
  if (limits.pids) {
    if (auto ok = planner.pids(*limits.pids); !ok) return std::move(ok).error();
  }
  if (limits.cpus) {
    if (auto ok = planner.cpus(*limits.cpus); !ok) return std::move(ok).error();
  }
  planner.rlimits(limits.rlimits);
  return r;
}

bool Resources::tracking_only() const {
  if (!tracking || !v1.empty() || memory_index != -2) return false;
  for (const auto& e : enforcement) {
    if (e.requested) return false;
  }
  return true;
}

void sweep_stale_groups(const Resources& resources) {
  const cgroup::Hierarchies& hierarchies = resources.hierarchies;
  if (hierarchies.v2) {
    if (auto parent = cgroup::group_parent(*hierarchies.v2); !parent.empty()) cgroup::sweep_stale(parent);
  }
  if (::geteuid() != 0) return;
  for (const auto& h : hierarchies.v1) {
    if (has(h.controllers, "memory") || has(h.controllers, "pids") || has(h.controllers, "cpu")) {
      cgroup::sweep_stale(cgroup::group_parent(h));
    }
  }
}

std::string describe(const std::vector<LimitEnforcement>& enforcement) {
  std::string out;
  for (const auto& e : enforcement) {
    if (!e.requested) continue;
    if (!out.empty()) out += ", ";
    out += e.name + " " + e.display + " (" + e.mechanism + ")";
  }
  return out;
}

}  // namespace sandbox::limits
