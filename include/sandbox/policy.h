// Policy: one immutable value that says what a sandbox may do.
//
// The command line and the TOML profiles both lower to a Policy; it is
// validated once (Policy::validate) and never changed by the launcher.
// Options that weaken the sandbox are positive and explicit (allow_ptrace,
// NetMode::host): there are no negative booleans in the model.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"

namespace sandbox {

// What a path grant allows. Each grant also binds the path into the view.
enum class Access {
  read,        // --ro: read files, list directories
  read_write,  // --rw: read, write, create, remove; never execute (W^X)
  execute,     // --exec: read and execute
};

struct PathGrant {
  std::string path;
  Access access = Access::read;
  bool operator==(const PathGrant&) const = default;
};

enum class NetMode { none, host, filtered };
enum class SeccompMode { enforce, log };

struct Policy {
  // Which profile the policy came from, and the label type it gives.
  std::string profile = "default";
  std::string type = "sandbox_t";
  // A label chosen with -l ("s0:cA,cB"); empty: allocate a free one.
  std::string label;

  // The view (DESIGN §2.1) and its Landlock grants (§2.2).
  // System trees bound read-only and granted read + execute.
  std::vector<std::string> system_trees;
  // Whether /etc is in the view at all, and which entries of it are readable.
  bool bind_etc = true;
  std::vector<std::string> etc_readable;
  // --ro, --rw, --exec.
  std::vector<PathGrant> grants;

  // Descriptors handed over beyond stdin, stdout and stderr (--fd N).
  std::vector<int> fds;

  // -M: a private, writable tmpfs $HOME and /tmp, discarded at exit.
  bool private_scratch = false;

  // Environment handed over explicitly (DESIGN §2.4).
  std::vector<std::string> setenv;    // "KEY=VALUE"
  std::vector<std::string> keep_env;  // KEY

  // Run with the layers that are available when one is missing, and say so.
  bool best_effort = false;

  NetMode net = NetMode::none;
  SeccompMode seccomp = SeccompMode::enforce;
  // Weakenings.
  bool allow_ptrace = false;

  // Diagnostics: --timing writes the microseconds of each launch step to
  // stderr when the sandbox ends (launch/timing.h).
  bool timing = false;

  // The built-in default profile (DESIGN §5).
  static Policy default_profile();

  // Checks the options against each other; the first problem wins.
  Result<void> validate() const;
};

}  // namespace sandbox
