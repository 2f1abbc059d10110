// Policy::validate: options checked against each other, once, before launch.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>
#include <set>

#include "registry/label.h"
#include "sandbox/policy.h"

namespace sandbox {
namespace {

bool is_env_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

const char* option_for(Access access) {
  switch (access) {
    case Access::read: return "--ro";
    case Access::read_write: return "--rw";
    case Access::execute: return "--exec";
  }
  return "--ro";
}

Result<void> validate_grant(const PathGrant& grant) {
  const std::string option = option_for(grant.access);
  if (grant.path.empty()) return Error(option + ": empty path");
  if (grant.path.find('\0') != std::string::npos) return Error(option + ": path contains NUL");
  static const std::set<std::string> kWholeTrees = {"/", "/proc", "/dev", "/sys"};
  if (kWholeTrees.count(grant.path) != 0) {
    return Error(option + " " + grant.path + ": refusing to hand over the host's whole " +
                 grant.path)
        .with_hint("grant the specific paths the program needs");
  }
  return success();
}

}  // namespace

Result<void> Policy::validate() const {
  for (const auto& grant : grants) {
    if (auto ok = validate_grant(grant); !ok) return ok;
  }
  for (int fd : fds) {
    if (fd < 3) {
      return Error("--fd " + std::to_string(fd) + ": standard input, output and error are always passed");
    }
    if (::fcntl(fd, F_GETFD) < 0) {
      return Error("--fd " + std::to_string(fd) + ": not an open file descriptor", EBADF)
          .with_hint("open it in the calling shell, e.g. " + std::to_string(fd) + "<FILE");
    }
  }
  for (const auto& kv : setenv) {
    const auto eq = kv.find('=');
    if (eq == std::string::npos || !is_env_name(kv.substr(0, eq))) {
      return Error("--setenv " + kv + ": expected NAME=VALUE");
    }
  }
  for (const auto& name : keep_env) {
    if (!is_env_name(name)) return Error("--keep-env " + name + ": not a variable name");
  }
  if (!label.empty()) {
    if (auto parsed = registry::parse_level(label); !parsed) return std::move(parsed).error();
  }
  if (type.empty() || type.find(':') != std::string::npos) {
    return Error("label type '" + type + "' is not valid (expected e.g. sandbox_t)");
  }
  if (net != NetMode::none) {
    return Error(std::string("--net=") + (net == NetMode::host ? "host" : "filtered") +
                 " is not available in this build")
        .with_hint("the network stays off; run without --net");
  }
  return success();
}

}  // namespace sandbox
