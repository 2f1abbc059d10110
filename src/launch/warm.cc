// The warm sandbox's init, top to bottom (launch/warm.h, DESIGN §14).
#include "launch/warm.h"

#include <fcntl.h>
#include <poll.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>

#include "caps/capabilities.h"
#include "init/confine.h"
#include "init/reaper.h"
#include "landlock/ruleset.h"
#include "launch/child_steps.h"
#include "launch/init_steps.h"
#include "launch/vfork.h"
#include "net/loopback.h"
#include "pool/message.h"
#include "seccomp/filter.h"
#include "util/sys.h"

namespace sandbox::launch {
namespace {

// Everything of the service's but what this sandbox needs: the other warm
// sandboxes' sockets, the listening socket, the clients' connections.
int keep_only_own_descriptors(const LaunchPlan& plan, int control_fd) {
  // The placeholder's ruleset stays open: its owner closes it when the
  // job's replaces it, and its number must not have been reused by then.
  std::vector<int> keep = {control_fd, plan.supervisor_pidfd.get(), plan.ruleset ? plan.ruleset->fd() : -1};
  for (int fd : plan.source_fds) {
    if (fd >= 0) keep.push_back(fd);
  }
  return sys::close_all_except(3, keep.data(), keep.size());
}

// While warm, init holds none of the service's standard descriptors.
int null_stdio() {
  const int null = ::open("/dev/null", O_RDWR | O_CLOEXEC);
  if (null < 0) return errno;
  for (int fd = 0; fd < 3; ++fd) {
    if (::dup2(null, fd) < 0) return errno;
  }
  ::close(null);
  return 0;
}

std::vector<char*> pointers(std::vector<std::string>& strings) {
  std::vector<char*> out;
  for (auto& s : strings) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

// The job's per-job part into our copy of the plan; returns the client's
// connection, or -1 when the message is not a job.
int take_job(LaunchPlan& plan, pool::Message& job) {
  if (job.kind != pool::Kind::dispatch || job.fds.size() < 4) return -1;
  std::size_t at = 0;
  std::vector<std::string> rlimits;
  if (!pool::take_list(job.fields, &at, plan.argv) || !pool::take_list(job.fields, &at, plan.env) ||
      !pool::take_list(job.fields, &at, plan.exec_candidates) || job.fields.size() < at + 4) {
    return -1;
  }
  plan.cwd = job.fields[at++];
  plan.home = job.fields[at++];
  plan.wait_all = job.fields[at++] == "1";
  const std::string& abi_text = job.fields[at++];
  int abi = 0;
  std::from_chars(abi_text.data(), abi_text.data() + abi_text.size(), abi);
  if (!pool::take_list(job.fields, &at, rlimits)) return -1;
  plan.rlimits.clear();
  for (const auto& entry : rlimits) {
    const auto colon = entry.find(':');
    if (colon == std::string::npos) return -1;
    limits::Rlimit limit;
    std::from_chars(entry.data(), entry.data() + colon, limit.resource);
    std::from_chars(entry.data() + colon + 1, entry.data() + entry.size(), limit.value);
    plan.rlimits.push_back(limit);
  }
  plan.argv_ptrs = pointers(plan.argv);
  plan.env_ptrs = pointers(plan.env);
  plan.keep_fds.clear();
  plan.handed.clear();
  const int connection = job.fds[0].release();
  for (int i = 0; i < 3; ++i) plan.stdio[i] = job.fds[1 + static_cast<std::size_t>(i)].release();
  if (job.fds.size() > 4 && abi > 0) {
    plan.ruleset = landlock::Ruleset::adopt(std::move(job.fds[4]), abi);
  } else {
    plan.ruleset.reset();  // only when the service's seal() recorded Landlock's skip
  }
  return connection;
}

// The client's hang-up reaches init as init::client_gone_signal() (O_ASYNC
// on the connection): init then kills the sandbox.
int watch_client(int connection) {
  if (::fcntl(connection, F_SETOWN, ::getpid()) != 0) return errno;
  if (::fcntl(connection, F_SETSIG, init::client_gone_signal()) != 0) return errno;
  const int flags = ::fcntl(connection, F_GETFL);
  if (flags < 0 || ::fcntl(connection, F_SETFL, flags | O_ASYNC) != 0) return errno;
  pollfd p{connection, POLLRDHUP, 0};  // gone before O_ASYNC was set: no signal would come
  if (::poll(&p, 1, 0) > 0 && (p.revents & (POLLRDHUP | POLLHUP)) != 0) return ECONNRESET;
  return 0;
}

}  // namespace

std::vector<std::string> dispatch_fields(const LaunchPlan& job) {
  std::vector<std::string> fields;
  pool::push_list(fields, job.argv);
  pool::push_list(fields, job.env);
  pool::push_list(fields, job.exec_candidates);
  fields.push_back(job.cwd);
  fields.push_back(job.home);
  fields.push_back(job.wait_all ? "1" : "0");
  fields.push_back(std::to_string(job.ruleset ? job.ruleset->abi() : 0));
  std::vector<std::string> rlimits;
  for (const auto& limit : job.rlimits) {
    rlimits.push_back(std::to_string(limit.resource) + ":" + std::to_string(limit.value));
  }
  pool::push_list(fields, rlimits);
  return fields;
}

std::vector<std::string> creation_part(const LaunchPlan& plan) {
  std::vector<std::string> lines = {"uid_map " + plan.uid_map, "gid_map " + plan.gid_map,
                                    "hostname " + plan.hostname,
                                    std::string("network ") + (plan.new_network ? "own" : "host")};
  for (const auto& op : plan.view.ops) lines.push_back(fs::describe(op));
  return lines;
}

std::string misfit(const LaunchPlan& job, const std::vector<std::string>& warm) {
  if (job.pty.enabled) return "a pseudo-terminal";
  if (!job.keep_fds.empty()) return "descriptors beyond 0, 1 and 2";
  if (!job.includes.empty()) return "-i files";
  if (job.network.filtered) return "--net=filtered";
  if (!job.cgroup_join.empty()) return "cgroup v1 limits";
  for (const auto& handed : job.handed) {
    if (!handed.reopen_path.empty()) return "a handed file reopened read-only";
  }
  const std::vector<std::string> part = creation_part(job);
  if (part.size() != warm.size()) return "another view";
  for (std::size_t i = 0; i < part.size(); ++i) {
    if (part[i] != warm[i]) return "another view: " + part[i];
  }
  return {};
}

void run_warm_init(LaunchPlan& plan, int control_fd) noexcept {
  try {
    const Reporter warm(control_fd, nullptr);  // before the job: failures go to the service
    std::size_t op = 0;
    int root_fd = -1;
    warm.check(Step::death_signal, ::prctl(PR_SET_PDEATHSIG, SIGKILL) == 0 ? 0 : errno);
    warm.check(Step::supervisor_alive, supervisor_alive(plan));   // the service may have died before the line above
    warm.check(Step::init_descriptors, keep_only_own_descriptors(plan, control_fd));
    warm.check(Step::id_maps, write_id_maps(plan));
    warm.check(Step::namespaces, ::unshare(static_cast<int>(kWarmUnshareNamespaces)) == 0 ? 0 : errno);
    warm.check(Step::hostname, set_hostname(plan));
    warm.check(Step::mount_propagation, make_mounts_private());
    warm.check(Step::clone_sources, fs::clone_sources(plan.view, plan.source_fds.data(), &op),
               static_cast<std::uint32_t>(op));
    warm.check(Step::mount_root, fs::mount_root(&root_fd));
    warm.check(Step::build_view, fs::build_view(plan.view, root_fd, plan.source_fds.data(), &op),
               static_cast<std::uint32_t>(op));
    warm.check(Step::pivot_root, pivot_into(root_fd));
    warm.check(Step::detach_old_root, detach_old_root());         // the host's tree is gone from here on
    warm.check(Step::root_read_only, make_root_read_only());
    warm.check(Step::network_join, net::bring_loopback_up());     // the namespace is clone3's, made with us
    warm.check(Step::stdio, null_stdio());
    warm.check(Step::init_confinement, init::make_undumpable());  // no ptrace, no /proc/1/mem for anyone inside
    if (auto ready = pool::send_message(control_fd, pool::Kind::ready, {}); !ready) ::_exit(kExitFailure);

    auto job = pool::receive_message(control_fd, -1);            // the job, or the service's end (recycled)
    if (!job) ::_exit(0);
    const int connection = take_job(plan, *job);
    if (connection < 0) ::_exit(kExitFailure);
    const Reporter r(connection, nullptr);                        // from here on the client hears every failure
    std::uint32_t rule = 0;
    r.check(Step::stdio, install_stdio(plan));                    // the job's 0, 1, 2
    r.check(Step::init_descriptors, watch_client(connection));
    r.check(Step::landlock_rules, add_view_rules(plan, &rule), rule);  // the view's own inodes, in the job's ruleset
    r.check(Step::working_directory, enter_working_directory(plan));
    r.check(Step::drop_capabilities, caps::drop_all());           // init's, and the command inherits none
    r.check(Step::no_new_privs, caps::set_no_new_privs());        // required by Landlock and seccomp
    if (plan.ruleset) r.check(Step::landlock, landlock::restrict_self(plan.ruleset->fd()));  // the job's own domain
    r.check(Step::fork_command, block_signals());                 // before fork: no SIGCHLD is lost
    CommandStart start{&plan, &r, -1};
    const pid_t command = start_vforked(command_main, &start);   // its own session, domain, filter, then exec
    if (command < 0) r.fail(Step::fork_command, errno);
    r.check(Step::init_descriptors, close_all_but(connection, -1));
    r.check(Step::init_filter, seccomp::install(plan.init_filter));  // after fork: it denies fork
    init::reap(command, plan.wait_all, connection, report_exit, &plan.code);
  } catch (...) {
    ::_exit(kExitFailure);
  }
}

}  // namespace sandbox::launch
