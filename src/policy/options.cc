#include "policy/options.h"

#include <algorithm>
#include <charconv>

namespace sandbox::options {
namespace {

Result<void> add_grant(Policy& p, const std::string& path, Access access) {
  p.grants.push_back({path, access});
  return success();
}

Result<void> parse_fd(Policy& p, const std::string& value) {
  int fd = -1;
  auto [ptr, ec] = std::from_chars(value.data(), value.data() + value.size(), fd);
  if (ec != std::errc() || ptr != value.data() + value.size() || fd < 0) {
    return Error("--fd " + value + ": expected a descriptor number");
  }
  p.fds.push_back(fd);
  return success();
}

Result<void> parse_seccomp(Policy& p, const std::string& value) {
  if (value == "enforce") {
    p.seccomp = SeccompMode::enforce;
  } else if (value == "log") {
    p.seccomp = SeccompMode::log;
  } else {
    return Error("--seccomp " + value + ": expected enforce or log");
  }
  return success();
}

constexpr Option kOptions[] = {
    {"ro", "", "PATH", "Authority",
     "Bind PATH into the view at the same path and grant reading it.", Kind::list,
     [](Policy& p, const std::string& v) { return add_grant(p, v, Access::read); }},
    {"rw", "", "PATH", "Authority",
     "Bind PATH and grant reading and writing it (never executing it).", Kind::list,
     [](Policy& p, const std::string& v) { return add_grant(p, v, Access::read_write); }},
    {"exec", "", "PATH", "Authority",
     "Bind PATH and grant reading and executing it.", Kind::list,
     [](Policy& p, const std::string& v) { return add_grant(p, v, Access::execute); }},
    {"fd", "", "N", "Authority",
     "Pass the open descriptor N to the program; all others but 0-2 are closed.", Kind::list,
     parse_fd},
    {"mount", "M", "", "Authority",
     "Give the program a private, writable $HOME and /tmp, discarded at exit.", Kind::flag,
     [](Policy& p, const std::string&) {
       p.private_scratch = true;
       return success();
     }},
    {"setenv", "", "NAME=VALUE", "Environment", "Set NAME to VALUE in the program's environment.",
     Kind::list,
     [](Policy& p, const std::string& v) {
       p.setenv.push_back(v);
       return success();
     }},
    {"keep-env", "", "NAME", "Environment", "Pass the caller's variable NAME through.", Kind::list,
     [](Policy& p, const std::string& v) {
       p.keep_env.push_back(v);
       return success();
     }},
    {"level", "l", "LEVEL", "Identity",
     "Use the label level LEVEL (s0:cA,cB) instead of a free random one; refused if in use.",
     Kind::value,
     [](Policy& p, const std::string& v) {
       p.label = v;
       return success();
     }},
    {"seccomp", "", "MODE", "Layers",
     "enforce (default) denies the syscalls of DESIGN §7; log only logs them, for learning.",
     Kind::value, parse_seccomp},
    {"allow-ptrace", "", "", "Layers",
     "Weakening: allow ptrace and process_vm_readv/writev between the program's own processes.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.allow_ptrace = true;
       return success();
     }},
    {"timing", "", "", "Diagnostics",
     "Print the microseconds of each launch step on stderr when the sandbox ends.", Kind::flag,
     [](Policy& p, const std::string&) {
       p.timing = true;
       return success();
     }},
    {"best-effort", "", "", "Layers",
     "Run with the layers this kernel offers when one is missing, and say what was skipped.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.best_effort = true;
       return success();
     }},
};

}  // namespace

std::span<const Option> all() { return kOptions; }

const Option* find(std::string_view name) {
  const auto* it = std::find_if(std::begin(kOptions), std::end(kOptions),
                                [&](const Option& o) { return o.name == name; });
  return it != std::end(kOptions) ? it : nullptr;
}

}  // namespace sandbox::options
