// Policy::validate: options checked against each other, once, before launch.
#include <fcntl.h>

#include <algorithm>
#include <cerrno>

#include "fs/grants.h"
#include "limits/parse.h"
#include "net/options.h"
#include "policy/x11_options.h"
#include "sandbox/policy.h"
#include "sandbox/registry.h"

namespace sandbox {
namespace {

bool is_env_name(const std::string& name) {
  if (name.empty() || (name[0] >= '0' && name[0] <= '9')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return c == '_' || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  });
}

Result<void> validate_grant(const PathGrant& grant) {
  const std::string option = grant_option(grant.access);
  if (grant.path.empty()) return Error(option + ": empty path");
  if (grant.path.find('\0') != std::string::npos) return Error(option + ": path contains NUL");
  // A view target is absolute and plain: no "." or ".." may walk out of the
  // new root while the view is built.
  const std::string& target = grant.target;
  if (!target.empty() && (target[0] != '/' || target.find("/./") != std::string::npos ||
                          target.find("/../") != std::string::npos ||
                          target.find("//") != std::string::npos || target.ends_with("/.") ||
                          target.ends_with("/..") || target.find('\0') != std::string::npos)) {
    return Error(grant.path + ": the view target '" + target + "' is not a plain absolute path");
  }
  return success();
}

}  // namespace

Result<void> Policy::validate() const {
  if (auto ok = limits::validate(limits); !ok) return ok;
  for (const auto& grant : grants) {
    if (auto ok = validate_grant(grant); !ok) return ok;
  }
  // Canonicalised first, then checked by what each path is (fs/grants.h).
  if (auto resolved = resolve_grants(*this); !resolved) return std::move(resolved).error();
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
  if (auto ok = x11::validate(x11); !ok) return ok;
  if (!session_level.empty()) {
    if (!label.empty()) return Error("a sandbox of another's session takes that session's level, not a label");
    if (auto parsed = registry::parse_level(session_level); !parsed) return std::move(parsed).error();
  }
  if (!label.empty()) {
    if (auto parsed = registry::parse_level(label); !parsed) return std::move(parsed).error();
  }
  if (type.empty() || type.find(':') != std::string::npos) {
    return Error("label type '" + type + "' is not valid (expected e.g. sandbox_t)");
  }
  if (auto ok = net::validate(*this); !ok) return ok;
  // Scratch (DESIGN §9); the directories themselves are checked at launch.
  if (homedir.find('\0') != std::string::npos || tmpdir.find('\0') != std::string::npos) {
    return Error("-H, -T: path contains NUL");
  }
  // -X gives the program a scratch $HOME and /tmp (as -M) unless -H or -T name directories.
  const bool has_scratch = private_scratch || x11.enabled || !homedir.empty() || !tmpdir.empty();
  if (scratch_exec && !has_scratch) {
    return Error("--scratch-exec: there is no scratch $HOME or /tmp to make executable")
        .with_hint("add -M, -H DIR or -T DIR");
  }
  if (shred && homedir.empty() && tmpdir.empty()) {
    return Error("-s: nothing to shred: only -H and -T directories outlive the sandbox")
        .with_hint("add -T DIR or -H DIR; -M's scratch is memory and vanishes at exit");
  }
  for (const auto& file : include_files) {
    if (file.empty()) return Error("-i: empty path");
  }
  for (const auto& list : include_lists) {
    if (list.empty()) return Error("-I: empty path");
  }
  if ((!include_files.empty() || !include_lists.empty()) && !has_scratch) {
    return Error("-i, -I: there is no scratch $HOME or /tmp to copy into").with_hint("add -M, -H DIR or -T DIR");
  }
  if ((explain != ExplainMode::off || !learn_path.empty()) && allow_ptrace) {
    return Error("--explain and --learn trace the program, and a process has only one tracer: "
                 "--allow-ptrace cannot be given with them");
  }
  if (learn_runs == 0) return Error("--learn-runs: expected at least 1 run");
  return success();
}

}  // namespace sandbox
