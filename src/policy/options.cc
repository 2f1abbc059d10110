#include "sandbox/options.h"

#include "net/options.h"

#include <algorithm>
#include <charconv>

#include "policy/x11_options.h"

#include "limits/parse.h"

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

// A host name as sethostname(2) and resolvers take it: 1-64 of letters,
// digits, '-' and '.'.
Result<void> parse_hostname(Policy& p, const std::string& value) {
  const bool ok = !value.empty() && value.size() <= 64 &&
                  std::all_of(value.begin(), value.end(), [](char ch) {
                    return ch == '-' || ch == '.' || (ch >= 'a' && ch <= 'z') ||
                           (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9');
                  });
  if (!ok) return Error("--hostname " + value + ": expected 1-64 letters, digits, '-' or '.'");
  p.hostname = value;
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
     "Bind PATH and grant reading and writing it (not executing it, unless --exec PATH too).",
     Kind::list,
     [](Policy& p, const std::string& v) { return add_grant(p, v, Access::read_write); }},
    {"exec", "", "PATH", "Authority",
     "Bind PATH and grant reading and executing it.", Kind::list,
     [](Policy& p, const std::string& v) { return add_grant(p, v, Access::execute); }},
    {"refuse-symlinks", "", "", "Authority",
     "Refuse (exit 125) any --ro, --rw or --exec path that passes through a symlink, for chains "
     "where an earlier stage may have planted one. Otherwise such a grant works at both paths "
     "and is named on stderr.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.refuse_symlinks = true;
       return success();
     }},
    {"fd", "", "N", "Authority",
     "Pass the open descriptor N to the program; all others but 0-2 are closed.", Kind::list,
     parse_fd},
    {"mount", "M", "", "Authority",
     "Give the program a private, writable $HOME and /tmp, discarded at exit.", Kind::flag,
     [](Policy& p, const std::string&) {
       p.private_scratch = true;
       return success();
     }},
    {"scratch-exec", "", "", "Authority",
     "Weakening, with -M, -H or -T: the scratch $HOME and /tmp are executable too (W^X lifted "
     "there), for installers that install, then run.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.scratch_exec = true;
       return success();
     }},
    {"homedir", "H", "DIR", "Authority",
     "Use DIR (yours) as the program's $HOME: read-write, not executable, kept after exit.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty()) return Error("--homedir: empty path");
       p.homedir = v;
       return success();
     }},
    {"tmpdir", "T", "DIR", "Authority",
     "Use DIR (yours) as the program's /tmp: read-write, not executable, kept after exit.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty()) return Error("--tmpdir: empty path");
       p.tmpdir = v;
       return success();
     }},
    {"include", "i", "FILE", "Authority",
     "Copy FILE into the scratch $HOME (or /tmp for files under /tmp) at the same path before "
     "start; needs -M, -H or -T.",
     Kind::list,
     [](Policy& p, const std::string& v) {
       p.include_files.push_back(v);
       return success();
     }},
    {"includefile", "I", "LIST", "Authority",
     "Copy every file named in LIST (one path a line) as --include does.", Kind::list,
     [](Policy& p, const std::string& v) {
       p.include_lists.push_back(v);
       return success();
     }},
    {"shred", "s", "", "Authority",
     "Overwrite every file the program wrote in the -H or -T directory, then remove it.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.shred = true;
       return success();
     }},
    {"static-only", "", "", "Authority",
     "Run COMMAND only if it is a static ELF executable; grant nothing but that file.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.static_only = true;
       return success();
     }},
    {"x11", "X", "", "Authority",
     "Run the program on a private nested X server (Xephyr) in a window of its own; it cannot "
     "reach your display, clipboard or keyboard. Label type sandbox_x_t.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.x11.enabled = true;
       if (p.type == "sandbox_t") p.type = "sandbox_x_t";
       return success();
     }},
    {"window-manager", "W", "WM", "Authority",
     "With -X: the window manager inside the nested display (default matchbox-window-manager).",
     Kind::value,
     [](Policy& p, const std::string& v) {
       p.x11.window_manager = v;
       return success();
     }},
    {"window-size", "w", "WIDTHxHEIGHT", "Authority",
     "With -X: the size of the nested display's window (default 1000x700).", Kind::value,
     [](Policy& p, const std::string& v) { return x11::parse_window_size(p.x11, v); }},
    {"dpi", "d", "DPI", "Authority", "With -X: the nested display's resolution (default 96).",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       unsigned dpi = 0;
       auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), dpi);
       if (v.empty() || ec != std::errc() || ptr != v.data() + v.size()) {
         return Error("--dpi " + v + ": expected a number of dots per inch, e.g. 96");
       }
       p.x11.dpi = dpi;
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
    {"hostname", "", "NAME", "Identity",
     "The host name inside the sandbox (default sandbox), e.g. for filters that stamp it.",
     Kind::value, parse_hostname},
    {"net", "", "MODE", "Network",
     "none (default): loopback only; host: the caller's network; filtered: through "
     "slirp4netns, screened by --allow-net/--deny-net.",
     Kind::value, net::apply_mode},
    {"allow-tcp", "", "PORT[-PORT]", "Network",
     "With --net=host: allow TCP connect and bind only to these ports (Landlock).", Kind::list,
     net::apply_allow_tcp},
    {"allow-udp", "", "", "Network",
     "Weakening, with --net=host: allow UDP sockets (raw and packet sockets stay refused).",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.allow_udp = true;
       return success();
     }},
    {"allow-net", "", "CIDR[:PORTS]", "Network",
     "With --net=filtered: allow TCP and UDP to CIDR (on PORTS); rules apply in order, first "
     "match wins.",
     Kind::list, net::apply_allow_net},
    {"deny-net", "", "CIDR[:PORTS]", "Network",
     "With --net=filtered: refuse TCP (reset) and UDP to CIDR (on PORTS); first match wins.",
     Kind::list, net::apply_deny_net},
    {"net-default", "", "allow|deny", "Network",
     "With --net=filtered: the verdict when no rule matches (default deny).", Kind::value,
     net::apply_default},
    {"allow-dns", "", "", "Network",
     "With --net=filtered: allow DNS through slirp4netns's forwarder; /etc/resolv.conf names it.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.allow_dns = true;
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
    {"explain", "", "text|json", "Diagnostics",
     "Name every denial as it happens, with the option that grants it, on stderr (json: one "
     "object per line), and at exit the command line that grants them all. The program is "
     "traced (ptrace), never permitted more.",
     Kind::optional_value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty() || v == "text") {
         p.explain = ExplainMode::text;
       } else if (v == "json") {
         p.explain = ExplainMode::json;
       } else {
         return Error("--explain=" + v + ": expected text or json");
       }
       return success();
     }},
    {"learn", "", "FILE", "Diagnostics",
     "Run the program under --explain, add the grants it was denied and run it again until a run "
     "has no new denial; write them to FILE as a profile (merged into an existing FILE). The "
     "program runs several times.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty()) return Error("--learn: expected a file name");
       p.learn_path = v;
       return success();
     }},
    {"learn-runs", "", "N", "Diagnostics",
     "With --learn: at most N runs (default 8); not converging by then exits 125.", Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       unsigned n = 0;
       auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), n);
       if (ec != std::errc() || ptr != v.data() + v.size() || n == 0 || n > 100) {
         return Error("--learn-runs " + v + ": expected a number of runs from 1 to 100");
       }
       p.learn_runs = n;
       return success();
     }},
    {"quiet", "q", "", "Diagnostics",
     "Keep sandbox's own informational lines (limits, notices, --best-effort skips) off stderr; "
     "errors still print.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.quiet = true;
       return success();
     }},
    {"timeout", "", "SECONDS", "Lifecycle",
     "End the sandbox after SECONDS of wall clock: SIGTERM to every process, SIGKILL after a "
     "grace period; exit status 124.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       unsigned seconds = 0;
       auto [ptr, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);
       if (ec != std::errc() || ptr != v.data() + v.size() || seconds == 0 || seconds > 31536000) {
         return Error("--timeout " + v + ": expected a whole number of seconds, 1 to 31536000");
       }
       p.timeout_seconds = seconds;
       return success();
     }},
    {"wait-all", "", "", "Lifecycle",
     "Wait until the last process of the sandbox is gone, not only the command (bounded by "
     "--timeout).",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.wait_all = true;
       return success();
     }},
    {"pty", "", "", "Lifecycle",
     "Give the program a pseudo-terminal of its own, relayed to yours (the default when stdin "
     "and stdout are terminals).",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.pty = PtyMode::always;
       return success();
     }},
    {"no-pty", "", "", "Lifecycle",
     "Never give the program a pseudo-terminal; it keeps your descriptors in a new session.",
     Kind::flag,
     [](Policy& p, const std::string&) {
       p.pty = PtyMode::never;
       return success();
     }},
    {"memory", "", "SIZE", "Resources",
     "Limit the sandbox's memory to SIZE (64M, 1.5G): cgroup memory, else RLIMIT_AS per process.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       auto bytes = limits::parse_size(v);
       if (!bytes) return std::move(bytes).error();
       p.limits.memory_bytes = *bytes;
       return success();
     }},
    {"pids", "", "N", "Resources",
     "Limit the sandbox to N processes: cgroup pids, else RLIMIT_NPROC (per user namespace).",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       auto n = limits::parse_pids(v);
       if (!n) return std::move(n).error();
       p.limits.pids = *n;
       return success();
     }},
    {"cpus", "", "N", "Resources",
     "Limit the sandbox to N cores of CPU time (fractional: 0.5) with the cgroup cpu controller.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       auto cpus = limits::parse_cpus(v);
       if (!cpus) return std::move(cpus).error();
       p.limits.cpus = *cpus;
       return success();
     }},
    {"rlimit", "", "NAME=VALUE", "Resources",
     "Set the rlimit RLIMIT_NAME (soft and hard) for the program, e.g. NOFILE=256; default CORE=0.",
     Kind::list,
     [](Policy& p, const std::string& v) -> Result<void> {
       auto setting = limits::parse_rlimit(v);
       if (!setting) return std::move(setting).error();
       p.limits.rlimits.push_back(*setting);
       return success();
     }},
    {"report", "", "FILE", "Resources",
     "Write one JSON object describing the run to FILE ('-': standard error), on every exit; a file is replaced atomically, a FIFO, terminal or /dev/stdout is written into.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty()) return Error("--report: expected a file name or -");
       p.report_path = v;
       return success();
     }},
    {"report-fd", "", "N", "Resources",
     "Write the same JSON object into descriptor N (open for writing), on every exit.",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
         return Error("--report-fd: expected a descriptor number, not '" + v + "'", EINVAL);
       }
       p.report_fd = std::stoi(v);
       return success();
     }},
    {"report-append", "", "FILE", "Resources",
     "Append the run's JSON object to FILE as one line (a log of every run; never truncated).",
     Kind::value,
     [](Policy& p, const std::string& v) -> Result<void> {
       if (v.empty()) return Error("--report-append: expected a file name");
       p.report_append = v;
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
