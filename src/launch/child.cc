// The child side, top to bottom in the order the kernel needs (DESIGN §10).
// Async-signal-safe: no allocation, no exceptions, every failure reported
// as (step, errno) on the CLOEXEC report pipe.
#include "launch/child.h"

#include <fcntl.h>
#include <linux/close_range.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "caps/capabilities.h"
#include "cgroup/leaf.h"
#include "handover/place.h"
#include "handover/reopen.h"
#include "init/confine.h"
#include "init/pty.h"
#include "init/reaper.h"
#include "landlock/ruleset.h"
#include "limits/rlimits.h"
#include "launch/child_steps.h"
#include "launch/init_steps.h"
#include "launch/step.h"
#include "launch/timing.h"
#include "launch/vfork.h"
#include "net/link.h"
#include "net/namespace.h"
#include "net/nft.h"
#include "sandbox/outcome.h"
#include "util/sys.h"

namespace sandbox::launch {
namespace {

int write_file(const char* path, const std::string& data) {
  const int fd = ::open(path, O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno;
  const ssize_t n = ::write(fd, data.data(), data.size());
  const int err = n == static_cast<ssize_t>(data.size()) ? 0 : (n < 0 ? errno : EIO);
  ::close(fd);
  return err;
}

}  // namespace

// The caller's uid and gid mapped to themselves; setgroups denied first
// (required before an unprivileged gid_map, and it keeps groups dropped).
int write_id_maps(const LaunchPlan& plan) {
  if (int err = write_file("/proc/self/setgroups", "deny"); err != 0) return err;
  if (int err = write_file("/proc/self/uid_map", plan.uid_map); err != 0) return err;
  return write_file("/proc/self/gid_map", plan.gid_map);
}

int set_hostname(const LaunchPlan& plan) {
  return ::sethostname(plan.hostname.data(), plan.hostname.size()) == 0 ? 0 : errno;
}

int make_mounts_private() {
  return ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) == 0 ? 0 : errno;
}

// pivot_root(".", "."): the old root ends up stacked on the new one, and
// is detached next (nsjail, runc).
int pivot_into(int root_fd) {
  if (::fchdir(root_fd) != 0) return errno;
  return sys::pivot_root(".", ".") == 0 ? 0 : errno;
}

int detach_old_root() {
  if (::umount2(".", MNT_DETACH) != 0) return errno;
  return ::chdir("/") == 0 ? 0 : errno;
}

int make_root_read_only() {
  sys::MountAttr attr;
  attr.attr_set = MOUNT_ATTR_RDONLY;
  return sys::mount_setattr(AT_FDCWD, "/", 0, attr) == 0 ? 0 : errno;
}

// Landlock rules for what exists only inside the view: its /proc, /dev and
// scratch tmpfs mounts. The rest was granted by the supervisor.
int add_view_rules(const LaunchPlan& plan, std::uint32_t* index) {
  if (!plan.ruleset) return 0;
  for (std::size_t i = 0; i < plan.view.ops.size(); ++i) {
    const fs::MountOp& op = plan.view.ops[i];
    if (op.child_rights == 0) continue;
    *index = static_cast<std::uint32_t>(i);
    const int fd = ::open(op.target.c_str(), O_PATH | O_CLOEXEC | (op.source_is_dir ? O_DIRECTORY : 0));
    if (fd < 0) return errno;
    const int err = plan.ruleset->allow_fd(fd, op.child_rights, op.source_is_dir);
    ::close(fd);
    if (err != 0) return err;
  }
  return 0;
}

namespace {

int restore_signals() {
  for (int sig = 1; sig < NSIG; ++sig) {
    if (sig != SIGKILL && sig != SIGSTOP) ::signal(sig, SIG_DFL);
  }
  sigset_t none;
  sigemptyset(&none);
  return ::sigprocmask(SIG_SETMASK, &none, nullptr) == 0 ? 0 : errno;
}

// Every descriptor but 0-2 and the handed ones (--fd N, pipes the arguments
// name) closes at exec: marking them CLOEXEC has no limit on how many are
// kept, and our own report and Landlock fds stay usable until then.
int close_inherited_fds(const LaunchPlan& plan) {
  if (sys::close_range(3, ~0U, CLOSE_RANGE_CLOEXEC) != 0) return errno;
  for (int fd : plan.keep_fds) {
    if (::fcntl(fd, F_SETFD, 0) != 0) return errno;  // inherited across exec
  }
  return 0;
}

// PATH lookup inside the view, as execvp: ENOENT everywhere is "not found",
// any EACCES is "cannot execute".
[[noreturn]] void exec_command(const LaunchPlan& plan, const Reporter& r) {
  int err = ENOENT;
  for (std::uint32_t i = 0; i < plan.exec_candidates.size(); ++i) {
    ::execve(plan.exec_candidates[i].c_str(), plan.argv_ptrs.data(), plan.env_ptrs.data());
    if (errno == ENOENT || errno == ENOTDIR) continue;
    err = errno;
    if (errno != EACCES) r.fail(Step::exec, err, i);
  }
  r.fail(Step::exec, err);
}

// The command: its own session, no inherited authority, then exec.
// Capabilities were dropped by init before the fork (bounding set included),
// so the command inherits none; its Landlock domain nests in init's, so it
// can neither signal nor ptrace pid 1 (Landlock scopes), while init can
// still signal it.
[[noreturn]] void run_command(const LaunchPlan& plan, const Reporter& r, int slave) {
  stamp(plan.step_clock, Step::fork_command);  // --timing: the fork ends here
  r.check(Step::session, restore_signals());
  r.check(Step::session, ::setsid() < 0 ? errno : 0);  // no controlling terminal: no TIOCSTI
  if (slave >= 0) r.check(Step::controlling_terminal, init::attach_terminal(plan.pty, slave));  // its own: job control
  r.check(Step::keyring, init::join_fresh_keyring());  // the caller's session keys are not possessed
  r.check(Step::close_fds, close_inherited_fds(plan));
  r.check(Step::rlimits, limits::apply(plan.rlimits));  // soft = hard: never raised again
  r.check(Step::no_new_privs, caps::set_no_new_privs());  // required by Landlock and seccomp
  if (plan.ruleset) r.check(Step::landlock, landlock::restrict_self(plan.ruleset->fd()));
  r.check(Step::seccomp, seccomp::install(plan.filter));  // last: it may deny what came before
  exec_command(plan, r);
}

}  // namespace

int command_main(void* arg) {
  const auto* start = static_cast<const CommandStart*>(arg);
  run_command(*start->plan, *start->reporter, start->slave);
}

pid_t start_command(const LaunchPlan& plan, int report_fd) noexcept {
  const Reporter r(report_fd, plan.step_clock);
  CommandStart start{&plan, &r, -1};
  return start_vforked(command_main, &start);  // returns once it exec'd or exited: r outlives its use
}

void run_init(const LaunchPlan& plan, int report_fd) noexcept {
  const Reporter r(report_fd, plan.step_clock);
  std::size_t op = 0;
  std::uint32_t rule = 0;
  int root_fd = -1;
  r.check(Step::death_signal, ::prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 ? 0 : errno);
  r.check(Step::supervisor_alive, supervisor_alive(plan));        // it may have died before the line above
  r.check(Step::stdio, install_stdio(plan));                      // the Command's 0, 1, 2 (in our copy of the table)
  r.check(Step::cgroup_join, cgroup::join_groups(plan.cgroup_join));  // first: the limits bind all that follows
  r.check(Step::network_namespace, plan.new_network ? net::ask_for_namespace(plan.network_namespace.get()) : 0);  // made beside us
  r.check(Step::id_maps, write_id_maps(plan));                    // our capabilities count only once mapped
  if (plan.network.filtered) {                                    // slirp4netns starts while we build the view
    r.check(Step::network_join, net::join_namespace(plan.network_namespace.get()));  // slirp4netns joins the one we are in
    r.check(Step::network_request, net::request_network(plan.network.channel.get()));  // after the maps: it joins our userns
  }
  r.check(Step::hostname, set_hostname(plan));
  r.check(Step::mount_propagation, make_mounts_private());        // nothing we mount reaches the host
  r.check(Step::clone_sources, fs::clone_sources(plan.view, plan.source_fds.data(), &op),
          static_cast<std::uint32_t>(op));                        // before the staging mount hides any source
  r.check(Step::reopen_descriptors, handover::reopen_read_only(plan.handed, plan.handover_channel.get(), &op),
          static_cast<std::uint32_t>(op));                        // by host path: before the staging mount too
  r.check(Step::relay_pipes, handover::place_inner_pipes(plan.handed, &op),
          static_cast<std::uint32_t>(op));                        // the caller's pipes stay with the supervisor
  r.check(Step::mount_root, fs::mount_root(&root_fd));
  r.check(Step::build_view, fs::build_view(plan.view, root_fd, plan.source_fds.data(), &op),
          static_cast<std::uint32_t>(op));
  r.check(Step::pivot_root, pivot_into(root_fd));
  r.check(Step::detach_old_root, detach_old_root());              // the host's tree is gone from here on
  r.check(Step::root_read_only, make_root_read_only());
  r.check(Step::include_files, scratch::copy_includes(plan.includes, &op),
          static_cast<std::uint32_t>(op));                        // into the scratch, as the caller's uid
  if (plan.new_network && !plan.network.filtered) {
    r.check(Step::network_join, net::join_namespace(plan.network_namespace.get()));  // lo is up in it
  }
  if (plan.network.filtered) {
    r.check(Step::network_rules, net::install_ruleset(plan.network.ruleset.c_str()));  // needs CAP_NET_ADMIN: before any drop
    r.check(Step::network_ready, net::await_network(plan.network.channel.get()));      // tap0 configured: before the command
    r.check(Step::network_ipv6, net::configure_ipv6());
  }
  r.check(Step::landlock_rules, add_view_rules(plan, &rule), rule);  // the view's own inodes exist now
  r.check(Step::working_directory, enter_working_directory(plan));
  int slave = -1;
  if (plan.pty.enabled) r.check(Step::pty, init::open_pty(plan.pty, &slave));  // before Landlock hides /dev/pts/ptmx
  if (plan.explain_sync) r.check(Step::explain_attach, await_tracer(plan));  // --explain: only while we are dumpable
  r.check(Step::init_confinement, init::make_undumpable());      // no ptrace, no /proc/1/mem for anyone inside
  r.check(Step::drop_capabilities, caps::drop_all());             // init's, and the command inherits none
  r.check(Step::no_new_privs, caps::set_no_new_privs());          // required by Landlock and seccomp
  if (plan.ruleset) r.check(Step::landlock, landlock::restrict_self(plan.ruleset->fd()));  // before fork: the command nests
  r.check(Step::fork_command, block_signals());                   // before fork: no SIGCHLD is lost
  CommandStart start{&plan, &r, slave};
  const pid_t command = start_vforked(command_main, &start);     // shares our memory until it execs: no copy
  if (command < 0) r.fail(Step::fork_command, errno);
  r.check(Step::init_descriptors, close_all_but(report_fd, -1));  // the pty slave too (EOF reaches the relay), and all of the spawner's
  r.check(Step::init_filter, seccomp::install(plan.init_filter));  // after fork: it denies fork
  init::reap(command, plan.wait_all, report_fd, report_exit, &plan.code);
}

}  // namespace sandbox::launch
