// Policy: one immutable value that says what a sandbox may do.
//
// The command line and the TOML profiles both lower to a Policy; seal()
// (sandbox/seal.h) canonicalises and validates it once into the
// SealedPolicy that spawn() takes, and the launcher never changes it.
// Options that weaken the sandbox are positive and explicit (allow_ptrace,
// NetMode::host): there are no negative booleans in the model.
#pragma once

#include <string>
#include <vector>

#include "sandbox/error.h"
#include "sandbox/limits.h"

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
  // Where the path appears in the view; empty: at `path` itself. Library
  // callers use it to bind a socket elsewhere (-X binds the nested X
  // server's socket at /tmp/.X11-unix/X<n>).
  std::string target = {};
  bool operator==(const PathGrant&) const = default;
};

enum class NetMode { none, host, filtered };
// "none", "host", "filtered": the value of --net and of the profile key.
const char* net_mode_name(NetMode mode);
// The verdict of a --allow-net / --deny-net rule and of --net-default.
enum class NetVerdict { allow, deny };

// One screening rule of --net=filtered (DESIGN §6): "CIDR[:PORTS]" as given;
// rules are kept in the order given, the first match wins.
struct NetRule {
  NetVerdict verdict = NetVerdict::deny;
  std::string target;
  bool operator==(const NetRule&) const = default;
};
enum class SeccompMode { enforce, log };
// --explain[=text|json] (DESIGN §12): every denial named with the option
// that grants it, as lines on stderr or JSON lines.
enum class ExplainMode { off, text, json };
// Whether the program gets a pseudo-terminal of its own (DESIGN §2, terminal).
// automatic: when the caller's stdin and stdout are both terminals.
enum class PtyMode { automatic, always, never };

struct Policy {
  // Which profile the policy came from, and the label type it gives.
  std::string profile = "default";
  std::string type = "sandbox_t";
  // A label chosen with -l ("s0:cA,cB"); empty: allocate a free one.
  std::string label;
  // Library callers: a sandbox that is part of another's session (-X's X
  // server and window manager) carries that sandbox's level ("s0:cA,cB",
  // as the SELinux sandbox gives Xephyr its program's categories) with its
  // own type, and reserves none and serves no control socket of its own:
  // `sandbox --list` shows the session once, as its program. Empty: a label
  // of its own (`label`).
  std::string session_level;
  // The host name inside (its own uts namespace): --hostname NAME.
  std::string hostname = "sandbox";

  // The view (DESIGN §2.1) and its Landlock grants (§2.2).
  // System trees bound read-only and granted read + execute.
  std::vector<std::string> system_trees;
  // Whether /etc is in the view: then every entry any user of the host may
  // read is readable, except the built-in deny list of secrets and host
  // identifiers and the entries added here (absolute paths beneath /etc).
  bool bind_etc = true;
  std::vector<std::string> etc_hidden;
  // --ro, --rw, --exec. A path that passes through a symlink is granted at
  // the path as given and at its target (said on stderr), unless
  // refuse_symlinks: then such a grant is an error (chains whose earlier
  // stage may have planted a symlink). The same path granted twice gets the
  // union; --rw and --exec on one path lift W^X there (said on stderr).
  std::vector<PathGrant> grants;
  bool refuse_symlinks = false;

  // --fd N as given on the command line or in a profile: checked by seal()
  // (open, >= 3). spawn() hands over Command::fds; the `sandbox` command
  // copies these there.
  std::vector<int> fds;

  // -M: a private, writable tmpfs $HOME and /tmp, discarded at exit.
  bool private_scratch = false;
  // Weakening: the scratch $HOME and /tmp (-M, -H, -T) are executable too
  // (W^X lifted there), for installers that install, then run.
  bool scratch_exec = false;
  // -H DIR, -T DIR: the caller's own directories used as $HOME and /tmp
  // (read-write, not executable, kept after exit). Empty: not used.
  std::string homedir;
  std::string tmpdir;
  // -i FILE, -I LIST: files copied into the scratch $HOME (or /tmp for
  // files under /tmp) at the same relative path before the command starts.
  std::vector<std::string> include_files;
  std::vector<std::string> include_lists;
  // -s: overwrite every file the sandbox wrote in -H/-T before removing it.
  bool shred = false;
  // --static-only: the command must be a static ELF; nothing else is granted.
  bool static_only = false;

  // Environment handed over explicitly (DESIGN §2.4).
  std::vector<std::string> setenv;    // "KEY=VALUE"
  std::vector<std::string> keep_env;  // KEY

  // Run with the layers that are available when one is missing, and say so.
  bool best_effort = false;

  // Lifecycle (DESIGN §3, §8): --timeout SECONDS of wall clock (0: none),
  // then SIGTERM to the tree and SIGKILL after a grace period, exit 124;
  // --wait-all: wait until the last process is gone, not just the command.
  unsigned timeout_seconds = 0;
  bool wait_all = false;
  // --pty / --no-pty.
  PtyMode pty = PtyMode::automatic;
  // A devpts of the sandbox's own at /dev/pts (and /dev/ptmx) even when the
  // program's stdio is no pseudo-terminal: a terminal emulator (-X xterm)
  // opens its own. Its terminals are the sandbox's only.
  bool devpts = false;

  // Resources (DESIGN §8): --memory, --pids, --cpus, --rlimit.
  Limits limits;
  // --report FILE: one JSON object describing the run ("-": stderr).
  std::string report_path;
  // --report-fd N: the same object written into descriptor N (-1: none).
  int report_fd = -1;
  // --report-append FILE: one JSON line per run appended to FILE.
  std::string report_append;

  // -X: run the program on a private nested X server (Xephyr) in a window of
  // its own, with a window manager (-W), size (-w) and DPI (-d); src/x11/.
  struct X11 {
    bool enabled = false;
    std::string window_manager = "matchbox-window-manager";
    unsigned width = 1000;
    unsigned height = 700;
    unsigned dpi = 96;
    bool operator==(const X11&) const = default;
  } x11;

  // The network (DESIGN §6). none: own namespace, loopback only.
  NetMode net = NetMode::none;
  // --net=host: TCP connect/bind only to these ports ("443", "8000-8080";
  // Landlock), and UDP/raw sockets only with allow_udp (seccomp).
  std::vector<std::string> allow_tcp;
  bool allow_udp = false;
  // --net=filtered: ordered rules, then the default verdict; DNS through
  // slirp4netns's forwarder only with allow_dns.
  std::vector<NetRule> net_rules;
  NetVerdict net_default = NetVerdict::deny;
  bool allow_dns = false;
  SeccompMode seccomp = SeccompMode::enforce;
  // Weakenings.
  bool allow_ptrace = false;

  // Diagnostics: --timing writes the microseconds of each launch step to
  // stderr when the sandbox ends (launch/timing.h).
  bool timing = false;
  // --explain: the program runs under the seccomp variant that stops the
  // observed calls for a tracer (Command::observer); --learn FILE reruns it,
  // adding grants, at most learn_runs times, and writes a profile.
  ExplainMode explain = ExplainMode::off;
  std::string learn_path;
  unsigned learn_runs = 8;
  // -q: keep sandbox's own informational lines (limits, --best-effort
  // skips, notices) off stderr; errors still print.
  bool quiet = false;

  // The built-in default profile (DESIGN §5).
  static Policy default_profile();

  // Checks the options against each other; the first problem wins.
  Result<void> validate() const;
};

}  // namespace sandbox
