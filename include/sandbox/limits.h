// Resource limits (DESIGN §8): what the caller asks for, and how each limit
// ended up enforced (a cgroup v2 or v1 controller, or an rlimit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sandbox {

// One --rlimit NAME=VALUE, or a safe default (CORE=0: no core dumps).
struct RlimitSetting {
  std::string name;         // "NOFILE" for RLIMIT_NOFILE
  int resource = 0;         // RLIMIT_NOFILE
  std::uint64_t value = 0;  // soft and hard limit; kRlimitUnlimited for "unlimited"
  bool operator==(const RlimitSetting&) const = default;
};
inline constexpr std::uint64_t kRlimitUnlimited = ~std::uint64_t{0};

struct Limits {
  std::optional<std::uint64_t> memory_bytes;  // --memory SIZE
  std::optional<std::uint64_t> pids;          // --pids N
  std::optional<double> cpus;                 // --cpus N (fractional)
  std::vector<RlimitSetting> rlimits;         // --rlimit NAME=VALUE, in order given
};

// How one limit is enforced in a running sandbox.
struct LimitEnforcement {
  std::string name;                // "memory", "pids", "cpus", "rlimit CORE"
  std::optional<double> value;     // bytes, processes, cores, or the rlimit; empty: unlimited
  std::string display;             // "64 MiB", "40", "0.5", "unlimited"
  std::string mechanism;           // "cgroup v1 memory", "cgroup v2 pids", "rlimit NPROC"
  bool requested = true;           // false for the defaults nobody asked for
};

// "memory 64 MiB (cgroup v2 memory), pids 20 (cgroup v2 pids)": the limits
// that were asked for and how each is enforced; "" when none was asked for.
std::string describe_limits(const std::vector<LimitEnforcement>& enforcement);

}  // namespace sandbox
