// make_plan: resolve, open and compile everything before clone3.
#include "launch/plan.h"

#include <pwd.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <sstream>

#include "fs/grants.h"
#include "handover/arguments.h"
#include "handover/landlock.h"
#include "launch/environment.h"
#include "launch/notices.h"
#include "launch/static_only.h"
#include "landlock/needs.h"
#include "scratch/scratch.h"
#include "net/plan.h"
#include "net/nft_loader.h"
#include "seccomp/cache.h"
#include "util/path.h"
#include "util/sys.h"
#include "util/env.h"

namespace sandbox::launch {
namespace {

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

struct Caller {
  uid_t uid;
  gid_t gid;
  std::string user;
  std::string home;
};

// The passwd entry of uid: /etc/passwd first, which is what NSS's "files"
// source gives, without glibc's nscd probes and nsswitch.conf parsing (about
// 20 against 90 us in a fresh static process, on every launch's path); then
// the whole NSS lookup, for users only a directory service knows.
passwd* find_passwd(uid_t uid, passwd* entry, std::vector<char>& buf) {
  passwd* pw = nullptr;
  const std::unique_ptr<FILE, int (*)(FILE*)> file(std::fopen("/etc/passwd", "re"), &std::fclose);
  if (file) {
    while (::fgetpwent_r(file.get(), entry, buf.data(), buf.size(), &pw) == 0) {
      if (pw->pw_uid == uid) return pw;
    }
  }
  if (::getpwuid_r(uid, entry, buf.data(), buf.size(), &pw) != 0) return nullptr;
  return pw;
}

// Who the caller is, from the kernel and the password database (reentrant
// lookups: two threads may plan at once), and $HOME from the Command's
// environment.
Caller identify_caller(const Command& command) {
  Caller c{::geteuid(), ::getegid(), {}, {}};
  passwd entry{};
  std::vector<char> buf(16384);
  passwd* pw = find_passwd(c.uid, &entry, buf);
  c.user = pw != nullptr ? pw->pw_name : std::to_string(c.uid);
  const std::string home = util::env_value(command.env, "HOME");
  if (!home.empty() && home[0] == '/') {
    c.home = home;
  } else if (pw != nullptr && pw->pw_dir != nullptr && pw->pw_dir[0] == '/') {
    c.home = pw->pw_dir;
  } else {
    c.home = "/";
  }
  // Lexically: HOME=/../../x is /x (nothing is made outside the view), and
  // no trailing slash names the same directory twice.
  c.home = util::normalize_absolute(c.home).value_or("/");
  return c;
}

// A command given as a path is granted read + execute on that one file:
// naming it is the grant. A bare name is looked up inside the view.
Result<std::vector<std::string>> resolve_command(const std::string& command,
                                                 const std::string& path_variable,
                                                 const std::string& cwd,
                                                 std::vector<PathGrant>& grants) {
  if (command.empty()) return Error("the command is empty").with_exit_status(127);
  if (command.find('/') == std::string::npos) {
    std::vector<std::string> candidates;
    std::stringstream dirs(path_variable);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && dir[0] == '/') candidates.push_back(dir + "/" + command);
    }
    return candidates;
  }
  const std::string absolute = command[0] == '/' ? command : cwd + "/" + command;
  const std::string real = canonical(absolute);
  if (real.empty()) {
    const int err = errno;
    // Only a missing path is "not found" (127); a path the caller may not
    // search exists or not, but cannot be executed either way (126).
    if (err == ENOENT || err == ENOTDIR) {
      return Error(command + ": not found", err).with_exit_status(127);
    }
    return Error(command + ": cannot execute", err).with_exit_status(126);
  }
  struct stat st {};
  if (::stat(real.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) {
    return Error(command + ": cannot execute: not a regular file").with_exit_status(126);
  }
  // Naming the file grants it, but only what the caller may execute itself.
  if (::access(real.c_str(), X_OK) != 0) {
    return Error(command + ": cannot execute", errno).with_exit_status(126);
  }
  grants.push_back({.path = real, .access = Access::execute});
  return std::vector<std::string>{real};
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  out.reserve(strings.size() + 1);
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// Where a grant is bound: at its file, and (DESIGN §2.2) at each path the
// caller typed that reached it through a symlink, unless the view shows the
// host's own symlink there already (inside a system tree or another bind).
std::vector<fs::Bind> binds_for(const Policy& policy, const std::vector<ResolvedGrant>& resolved) {
  std::vector<fs::Bind> binds;
  const auto bind_at = [](const ResolvedGrant& g, const std::string& target) {
    fs::Bind b;
    b.source = g.canonical;
    b.target = target;
    b.write = g.write;
    b.execute = g.execute;
    b.is_dir = g.is_dir;
    b.dev = g.dev;
    b.ino = g.ino;
    return b;
  };
  for (const auto& g : resolved) binds.push_back(bind_at(g, g.target.empty() ? g.canonical : g.target));
  for (const auto& g : resolved) {
    if (!g.target.empty()) continue;
    for (const auto& typed : g.typed) {
      if (typed == g.canonical) continue;
      const bool shown = under_system_tree(policy, typed) ||
                         (policy.bind_etc && covered_by(typed, "/etc")) ||
                         std::any_of(binds.begin(), binds.end(), [&](const fs::Bind& b) {
                           return covered_by(typed, b.target);
                         });
      if (!shown) binds.push_back(bind_at(g, typed));
    }
  }
  return binds;
}

// A path granted outside the options (-H, -T, the command): bound with the
// identity it has now, which the child checks.
Result<fs::Bind> bind_for(const PathGrant& grant, bool write, bool execute) {
  struct stat st {};
  if (::stat(grant.path.c_str(), &st) != 0) return Error::from_errno(grant.path + ": cannot be granted");
  fs::Bind b;
  b.source = grant.path;
  b.target = grant.target.empty() ? grant.path : grant.target;
  b.write = write;
  b.execute = execute;
  b.is_dir = S_ISDIR(st.st_mode);
  b.dev = static_cast<std::uint64_t>(st.st_dev);
  b.ino = static_cast<std::uint64_t>(st.st_ino);
  return b;
}

std::uint64_t rights_of(bool write, bool execute) {
  return landlock::kRead | (write ? landlock::kWrite : 0) | (execute ? landlock::kExecute : 0);
}

Result<void> add_landlock_rules(landlock::Ruleset& ruleset, const Policy& policy,
                                const fs::EtcPlan& etc, const std::vector<ResolvedGrant>& resolved,
                                const std::vector<fs::Bind>& grants) {
  for (const auto& tree : policy.system_trees) {
    struct stat st {};
    if (::lstat(tree.c_str(), &st) != 0 || S_ISLNK(st.st_mode)) continue;
    if (auto ok = ruleset.allow_path(tree, landlock::kRead | landlock::kExecute); !ok) return ok;
  }
  if (auto ok = fs::add_etc_rules(ruleset, etc); !ok) return ok;  // /etc: readable but for secrets
  for (const char* device : {"/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom",
                             "/dev/tty"}) {
    if (auto ok = ruleset.allow_path_if_present(device, landlock::kDevice); !ok) return ok;
  }
  // A granted path's rule holds the file that was resolved (dev, ino), not
  // whatever its path names by now.
  for (const auto& g : resolved) {
    auto fd = reopen_granted(g.canonical, g.dev, g.ino);
    if (!fd) return std::move(fd).error();
    if (const int err = ruleset.allow_fd(fd->get(), rights_of(g.write, g.execute), g.is_dir); err != 0) {
      return Error("cannot grant " + g.canonical + " in Landlock", err);
    }
  }
  for (const auto& grant : grants) {
    if (auto ok = ruleset.allow_path(grant.source, rights_of(grant.write, grant.execute)); !ok) return ok;
  }
  return success();
}

}  // namespace

bool covered_by(const std::string& path, const std::string& dir) {
  return path == dir ||
         (path.size() > dir.size() && path.compare(0, dir.size(), dir) == 0 && path[dir.size()] == '/');
}

// Under a system tree: bound from the host at the same path, read-only.
bool under_system_tree(const Policy& policy, const std::string& path) {
  return std::any_of(policy.system_trees.begin(), policy.system_trees.end(),
                     [&](const std::string& tree) { return covered_by(path, tree); });
}

// Whether the view can show a file at `path` when the command starts:
// under a system tree, or at or beneath what a mount, a file or a symlink of
// the view puts there. The directories the view makes to hold those and the
// covers are empty, and so are its fresh tmpfs mounts unless -i copies files
// into the scratch. A path not in normal form (relative, `.`, `..`, `//`, a
// trailing slash) may lead anywhere: kept.
bool may_be_in_view(const Policy& policy, const fs::ViewPlan& view, const std::string& path, bool scratch_filled) {
  if (util::normalize_absolute(path) != path || under_system_tree(policy, path)) return true;
  return std::any_of(view.ops.begin(), view.ops.end(), [&](const fs::MountOp& op) {
    const bool empty = op.kind == fs::OpKind::dir || op.kind == fs::OpKind::cover ||
                       (op.kind == fs::OpKind::tmpfs && !scratch_filled);
    return !empty && covered_by(path, op.target);
  });
}

std::string find_on_host(const std::string& command) {
  const char* path = std::getenv("PATH");
  std::stringstream dirs(path != nullptr ? path : "/usr/local/bin:/usr/bin:/bin");
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty()) continue;
    const std::string candidate = dir + "/" + command;
    if (::access(candidate.c_str(), X_OK) == 0) return canonical(candidate);
  }
  return {};
}

Result<LaunchPlan> make_plan(const SealedPolicy& sealed, const Command& command, const std::string& label,
                             Timing* timing, bool without_namespaces, bool for_warm_sandbox) {
  const std::vector<std::string>& requested_argv = command.argv;
  if (requested_argv.empty()) return Error("no command given");
  Policy requested = sealed.policy();
  if (without_namespaces) requested.pty = PtyMode::never;  // no devpts of our own: no pseudo-terminal
  auto narrowed = narrow_for_static_only(requested, requested_argv);  // --static-only: the command alone
  if (!narrowed) return std::move(narrowed).error();
  const Policy& policy = narrowed->policy;
  const std::vector<std::string>& argv = narrowed->argv;
  const auto mark = [timing](const char* what) {
    if (timing != nullptr) timing->mark(what);
  };
  LaunchPlan plan;
  const Caller caller = identify_caller(command);
  plan.uid_map = std::to_string(caller.uid) + " " + std::to_string(caller.uid) + " 1\n";
  plan.gid_map = std::to_string(caller.gid) + " " + std::to_string(caller.gid) + " 1\n";
  plan.cwd = command.cwd.empty() ? caller.home : command.cwd;
  plan.home = caller.home;
  plan.hostname = policy.hostname;
  plan.stdio[0] = command.stdin_fd;
  plan.stdio[1] = command.stdout_fd;
  plan.stdio[2] = command.stderr_fd;

  // Granted paths (fs/grants.h): canonicalised, checked by what they
  // are, merged; a path through a symlink is bound at both paths.
  auto resolved = resolve_grants(policy);
  if (!resolved) return std::move(resolved).error();
  plan.notices = grant_notices(*resolved);
  std::vector<fs::Bind> binds = binds_for(policy, *resolved);
  // -H, -T: the caller's directories as $HOME and /tmp (executable only with
  // --scratch-exec); an --exec grant beneath one is shown there too.
  std::vector<PathGrant> scratch_grants;
  for (const auto& g : *resolved) {
    if (g.target.empty() && g.execute) scratch_grants.push_back({g.canonical, Access::execute});
  }
  const std::size_t before_scratch = scratch_grants.size();
  if (auto ok = scratch::add_scratch_grants(policy, caller.home, scratch_grants); !ok) return std::move(ok).error();
  std::vector<fs::Bind> extra;  // not in *resolved: Landlock rules by path
  for (std::size_t i = before_scratch; i < scratch_grants.size(); ++i) {
    const PathGrant& grant = scratch_grants[i];
    const bool write = grant.access == Access::read_write;
    auto bind = bind_for(grant, write, !write || policy.scratch_exec);
    if (!bind) return std::move(bind).error();
    binds.push_back(*bind);
    extra.push_back(std::move(*bind));
  }
  if (policy.scratch_exec) {
    plan.notices.emplace_back("--scratch-exec: the scratch $HOME and /tmp are writable and executable "
                              "(W^X lifted there)");
  }
  auto includes = scratch::plan_includes(policy, caller.home);
  if (!includes) return std::move(includes).error();
  plan.includes = std::move(*includes);

  EnvironmentInputs inputs{command.env, caller.home, caller.user, label};
  plan.env = build_environment(policy, inputs);

  std::vector<PathGrant> command_grant;
  auto candidates = resolve_command(argv[0], util::env_value(plan.env, "PATH"), plan.cwd, command_grant);
  if (!candidates) return std::move(candidates).error();
  plan.exec_candidates = std::move(*candidates);
  // A PATH candidate under a system tree (bound from the host at the same
  // path) is missing in the view when it is missing here: dropped now rather
  // than tried by execve in the child (~15 us each).
  std::erase_if(plan.exec_candidates, [&](const std::string& candidate) {
    struct stat st {};
    return under_system_tree(policy, candidate) && ::stat(candidate.c_str(), &st) != 0 &&
           (errno == ENOENT || errno == ENOTDIR);
  });

  // The view binds the command file only when no bound tree shows it already
  // executable (a --rw bind is noexec: the named command gets its own bind).
  for (const auto& named : command_grant) {
    const bool visible =
        under_system_tree(policy, named.path) ||
        std::any_of(binds.begin(), binds.end(), [&](const fs::Bind& b) {
          return b.target == b.source && (!b.write || b.execute) && covered_by(named.path, b.source);
        });
    auto bind = bind_for(named, false, true);
    if (!bind) return std::move(bind).error();
    if (!visible) binds.push_back(*bind);
    extra.push_back(std::move(*bind));
  }

  mark("plan: caller, environment, command");
  auto view = fs::plan_view(policy, fs::Identity{caller.home}, binds);
  if (!view) return std::move(view).error();
  plan.view = std::move(*view);
  auto etc = fs::plan_etc(policy, caller.uid, without_namespaces, !for_warm_sandbox);  // root: an idmapped /etc
  if (!etc) return std::move(etc).error();
  plan.etc = std::move(*etc);
  fs::add_etc_to_view(plan.view, plan.etc);
  mark("plan: /etc");
  if (!without_namespaces) {  // without a view the host's tree is what the program sees
    const std::string caller_path = util::env_value(command.env, "PATH");
    Notices notices = plan_notices({policy, argv, plan.cwd, plan.home, util::env_value(plan.env, "PATH"), caller_path,
                                    plan.exec_candidates, binds, plan.view});
    plan.notices.insert(plan.notices.end(), notices.lines.begin(), notices.lines.end());
    plan.missing_interpreter = std::move(notices.missing_interpreter);
  }
  auto pty = init::plan_pty(policy.pty, plan.stdio);                  // decided here: it adds to the view
  if (!pty) return std::move(pty).error();
  plan.pty = std::move(*pty);
  // /dev/pts and /dev/ptmx only with a pty, or asked for (-X: terminal emulators)
  if (plan.pty.enabled || (policy.devpts && !without_namespaces)) fs::add_pty_devices(plan.view);
  if (auto ok = net::plan_network(policy, plan.view, plan.network); !ok) return std::move(ok).error();
  if (plan.network.filtered) {
    if (auto ok = net::load_nftables(); !ok) return std::move(ok).error();  // in the supervisor, before clone3
  }
  plan.source_fds.assign(plan.view.ops.size(), -1);
  fs::lend_etc_tree(plan.view, plan.etc, plan.source_fds);

  plan.argv = argv;
  plan.argv_ptrs = pointers(plan.argv);
  plan.env_ptrs = pointers(plan.env);

  // Handed descriptors (DESIGN §2.3): the Command's 0-2 and extra fds, and
  // the pipes the arguments name (`diff <(a) <(b)`).
  plan.keep_fds = command.fds;
  for (int fd : handover::pipes_named_by(argv)) plan.keep_fds.push_back(fd);
  std::sort(plan.keep_fds.begin(), plan.keep_fds.end());
  plan.keep_fds.erase(std::unique(plan.keep_fds.begin(), plan.keep_fds.end()), plan.keep_fds.end());
  std::vector<handover::Descriptor> handed_descriptors;
  for (int n : {STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO}) {
    if (!plan.pty.enabled || !plan.pty.replace[n]) handed_descriptors.push_back({plan.stdio[n], n});  // the pty stands for it
  }
  for (int fd : plan.keep_fds) handed_descriptors.push_back({fd, fd});
  auto handed = handover::describe(handed_descriptors);
  if (!handed) return std::move(handed).error();
  plan.handed = std::move(*handed);

  mark("plan: view");
  // Landlock: the ABI seal() checked the policy against; each right or
  // scope it lacks was refused there or recorded as skipped (--best-effort).
  const int abi = sealed.landlock_abi();
  plan.skipped = sealed.skipped();
  if (without_namespaces && abi > 0) {  // the degraded mode needs more of Landlock
    std::vector<std::string> more;
    if (auto ok = landlock::check_landlock(policy, abi, Error(), true, more); !ok) return std::move(ok).error();
    for (auto& line : more) {
      if (std::find(plan.skipped.begin(), plan.skipped.end(), line) == plan.skipped.end()) {
        plan.skipped.push_back(std::move(line));
      }
    }
  }
  if (abi > 0) {
    const bool tcp_rules = abi >= 4;  // below: recorded as skipped by the check above or seal()
    const bool no_network = without_namespaces && policy.net != NetMode::host;
    auto ruleset = landlock::Ruleset::create(abi, tcp_rules && (!policy.allow_tcp.empty() || no_network));
    if (!ruleset) return std::move(ruleset).error();
    if (tcp_rules) {
      if (auto ok = net::allow_tcp_ports(*ruleset, policy); !ok) return std::move(ok).error();  // --allow-tcp
    }
    if (auto ok = add_landlock_rules(*ruleset, policy, plan.etc, *resolved, extra); !ok) return std::move(ok).error();
    if (auto ok = handover::grant(*ruleset, plan.handed); !ok) return std::move(ok).error();  // reopen by name
    plan.ruleset = std::move(*ruleset);
  }

  mark("plan: Landlock ruleset");
  seccomp::FilterOptions filter_options;
  filter_options.allow_ptrace = policy.allow_ptrace;
  filter_options.static_only = policy.static_only;
  filter_options.log_only = policy.seccomp == SeccompMode::log;
  filter_options.deny_inet_udp_raw = (policy.net == NetMode::host || without_namespaces) && !policy.allow_udp;
  filter_options.explain = policy.explain != ExplainMode::off;  // RET_TRACE: ENOSYS without a tracer
  auto filter = seccomp::prebuilt(filter_options);       // compiled at build time
  if (!filter) return std::move(filter).error().wrap("cannot compile the seccomp filter");
  plan.filter = std::move(*filter);  // never optional: the child installs it unconditionally
  auto init_filter = seccomp::prebuilt_init();     // pid 1's own allow list
  if (!init_filter) return std::move(init_filter).error().wrap("cannot compile the seccomp filter of init");
  plan.init_filter = std::move(*init_filter);
  plan.wait_all = policy.wait_all;
  plan.code = util::code_ranges();
  mark("plan: seccomp filter");

  // A PATH candidate that nothing in the view can show is missing inside:
  // dropped rather than tried by execve in the child (~15 us each on the
  // critical path; PATH entries in the caller's home are common, and the
  // home in the view is empty unless granted or filled with -i).
  if (!without_namespaces && argv[0].find('/') == std::string::npos) {
    std::erase_if(plan.exec_candidates, [&](const std::string& c) {
      return !may_be_in_view(policy, plan.view, c, !plan.includes.empty());
    });
  }
  plan.new_network = policy.net != NetMode::host;
  const int self = sys::pidfd_open(::getpid());
  if (self < 0) return Error::from_errno("pidfd_open of the supervisor");
  plan.supervisor_pidfd = UniqueFd(self);
  return plan;
}

}  // namespace sandbox::launch
