#include "limits/parse.h"

#include <sys/resource.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <iterator>

namespace sandbox::limits {
namespace {

struct RlimitName {
  const char* name;
  int resource;
  bool bytes;  // the value is a size and takes units
};

constexpr RlimitName kRlimits[] = {
    {"AS", RLIMIT_AS, true},          {"CORE", RLIMIT_CORE, true},
    {"CPU", RLIMIT_CPU, false},       {"DATA", RLIMIT_DATA, true},
    {"FSIZE", RLIMIT_FSIZE, true},    {"LOCKS", RLIMIT_LOCKS, false},
    {"MEMLOCK", RLIMIT_MEMLOCK, true}, {"MSGQUEUE", RLIMIT_MSGQUEUE, true},
    {"NICE", RLIMIT_NICE, false},     {"NOFILE", RLIMIT_NOFILE, false},
    {"NPROC", RLIMIT_NPROC, false},   {"RSS", RLIMIT_RSS, true},
    {"RTPRIO", RLIMIT_RTPRIO, false}, {"RTTIME", RLIMIT_RTTIME, false},
    {"SIGPENDING", RLIMIT_SIGPENDING, false}, {"STACK", RLIMIT_STACK, true},
};

std::string upper(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return s;
}

const RlimitName* find_rlimit(const std::string& name) {
  const std::string key = upper(name);
  const auto* it = std::find_if(std::begin(kRlimits), std::end(kRlimits),
                                [&](const RlimitName& r) { return key == r.name; });
  return it != std::end(kRlimits) ? it : nullptr;
}

// A plain non-negative integer, all of text.
bool parse_integer(const std::string& text, std::uint64_t& out) {
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

// A number with an optional binary unit; no minimum.
bool parse_bytes(const std::string& text, std::uint64_t& out) {
  std::size_t end = 0;
  while (end < text.size() && (std::isdigit(static_cast<unsigned char>(text[end])) || text[end] == '.')) {
    ++end;
  }
  if (end == 0) return false;
  double number = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + end, number);
  if (ec != std::errc() || ptr != text.data() + end) return false;
  std::string unit = upper(text.substr(end));
  if (unit.size() > 1 && unit.back() == 'B') unit.pop_back();
  if (unit.size() == 2 && unit.back() == 'I') unit.pop_back();
  double scale = 1;
  if (unit.empty() || unit == "B") scale = 1;
  else if (unit == "K") scale = 1024.0;
  else if (unit == "M") scale = 1024.0 * 1024;
  else if (unit == "G") scale = 1024.0 * 1024 * 1024;
  else if (unit == "T") scale = 1024.0 * 1024 * 1024 * 1024;
  else return false;
  const double bytes = std::floor(number * scale);
  if (!(bytes >= 0) || bytes >= 1.8e19) return false;
  out = static_cast<std::uint64_t>(bytes);
  return true;
}

}  // namespace

Result<std::uint64_t> parse_size(const std::string& text) {
  std::uint64_t bytes = 0;
  if (!parse_bytes(text, bytes)) {
    return Error("--memory " + text + ": expected a size such as 64M, 1.5G or 4096");
  }
  if (bytes < 4096) return Error("--memory " + text + ": must be at least 4 KiB");
  return bytes;
}

Result<std::uint64_t> parse_pids(const std::string& text) {
  std::uint64_t n = 0;
  if (!parse_integer(text, n) || n == 0 || n > (1U << 22)) {
    return Error("--pids " + text + ": expected a process count from 1 to 4194304");
  }
  return n;
}

Result<double> parse_cpus(const std::string& text) {
  double cpus = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), cpus);
  if (text.empty() || ec != std::errc() || ptr != text.data() + text.size() || !(cpus >= 0.01) ||
      cpus > 4096) {
    return Error("--cpus " + text + ": expected a number of cores such as 0.5 or 2 (at least 0.01)");
  }
  return cpus;
}

Result<RlimitSetting> parse_rlimit(const std::string& text) {
  const auto eq = text.find('=');
  const RlimitName* known = eq == std::string::npos ? nullptr : find_rlimit(text.substr(0, eq));
  if (known == nullptr) {
    return Error("--rlimit " + text + ": expected NAME=VALUE with NAME one of AS CORE CPU DATA FSIZE "
                 "LOCKS MEMLOCK MSGQUEUE NICE NOFILE NPROC RSS RTPRIO RTTIME SIGPENDING STACK");
  }
  const std::string value = text.substr(eq + 1);
  RlimitSetting setting{known->name, known->resource, 0};
  if (upper(value) == "UNLIMITED" || upper(value) == "INFINITY") {
    setting.value = kRlimitUnlimited;
    return setting;
  }
  const bool ok = known->bytes ? parse_bytes(value, setting.value) : parse_integer(value, setting.value);
  if (!ok || setting.value == kRlimitUnlimited) {
    return Error("--rlimit " + text + ": expected a " + (known->bytes ? "size" : "number") +
                 " or 'unlimited'");
  }
  return setting;
}

Result<void> validate(const Limits& limits) {
  if (limits.memory_bytes && *limits.memory_bytes < 4096) return Error("memory limit: must be at least 4 KiB");
  if (limits.pids && (*limits.pids == 0 || *limits.pids > (1U << 22))) {
    return Error("pids limit: expected 1 to 4194304 processes");
  }
  if (limits.cpus && !(*limits.cpus >= 0.01 && *limits.cpus <= 4096)) {
    return Error("cpus limit: expected 0.01 to 4096 cores");
  }
  for (const auto& r : limits.rlimits) {
    if (r.resource != rlimit_resource(r.name)) return Error("rlimit " + r.name + ": unknown resource");
  }
  return success();
}

int rlimit_resource(const std::string& name) {
  const RlimitName* known = find_rlimit(name);
  return known != nullptr ? known->resource : -1;
}

std::string format_bytes(std::uint64_t bytes) {
  static constexpr const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double value = static_cast<double>(bytes);
  std::size_t unit = 0;
  while (value >= 1024 && unit + 1 < std::size(kUnits)) {
    value /= 1024;
    ++unit;
  }
  char buf[32];
  std::snprintf(buf, sizeof(buf), value == std::floor(value) ? "%.0f %s" : "%.1f %s", value,
                kUnits[unit]);
  return buf;
}

std::string format_cpus(double cpus) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%g", cpus);
  return buf;
}

}  // namespace sandbox::limits
