// From denial to option (DESIGN §12): a pure function of what the program
// tried and got (Attempt), the run's plan (Plan: the grants, scratch,
// network rules) and the host as the caller sees it (Host). Unit-tested row
// by row (tests/unit/explain_classify_test.cc).
//
// It never widens on its own: the option names the object the program
// touched, or, for what needs its directory (creating or removing an
// entry), that directory. A path that exists neither inside nor on the
// host is not a denial; nor is a call that a grant would not change.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "explain/attempt.h"
#include "sandbox/policy.h"

namespace sandbox::explain {

// What the classifier knows of the run.
struct Plan {
  std::vector<PathGrant> grants;          // --ro, --rw, --exec (canonical)
  std::vector<std::string> system_trees;  // read-only binds of the host
  bool bind_etc = true;
  bool scratch = false;       // -M, -H or -T: $HOME and /tmp are writable
  std::string home;           // the sandbox's $HOME
  NetMode net = NetMode::none;
  std::vector<std::string> allow_tcp;
  bool allow_udp = false;
  std::vector<NetRule> net_rules;
  NetVerdict net_default = NetVerdict::deny;
  bool allow_dns = false;
  std::uint64_t pids = 0;     // --pids (0: none)
  // The caller's working directory when it is not in the view: the program
  // started in `home` instead, and what it reached there by a relative path
  // it meant here.
  std::string outside_cwd;
  static Plan of(const Policy& policy, const std::string& home, const std::string& cwd = "");
};

// The host, as the caller sees it (callbacks, so tests can pose any host).
struct Host {
  std::function<bool(const std::string&)> exists;           // lstat succeeds
  std::function<bool(const std::string&, int)> permits;     // access(path, R_OK/W_OK/X_OK)
  std::function<bool(const std::string&)> world_readable;   // "other" may read it
  std::function<bool(unsigned)> listens_tcp;                // a TCP listener on the port
  std::function<bool(const std::string&)> listens_abstract;  // a unix listener on @name
  // The real host.
  static Host real();
};

struct Grant {
  std::string option;  // "--ro"
  std::string value;   // "/home/u/data.csv"; "" for a flag (-M)
};

struct Verdict {
  std::string object;  // "/home/u/data.csv", "tcp 127.0.0.1:8080", "signal 15 to pid 1"
  std::string cause;   // "not in the view"
  std::vector<Grant> grants;  // what grants it, in order; empty: no option grants this
  bool sensitive = false;     // a secret: learn writes it commented out
  bool probe = false;         // a stat-style probe: learn writes it commented out
};

std::optional<Verdict> classify(const Attempt& attempt, const Plan& plan, const Host& host);

// Whether path is a secret a grant should not hand over lightly (~/.ssh,
// ~/.gnupg, .netrc, keyrings, credentials, /etc secrets).
bool is_sensitive(const std::string& path, const std::string& home);

}  // namespace sandbox::explain
