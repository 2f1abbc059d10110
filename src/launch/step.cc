#include "launch/step.h"

#include <sys/resource.h>
#include <unistd.h>

namespace sandbox::launch {

namespace {

std::int64_t microseconds(const timeval& tv) {
  return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000 + tv.tv_usec;
}

}  // namespace

void report_exit(int report_fd, int wait_status) noexcept {
  Report report;
  report.kind = Report::Kind::exited;
  report.wait_status = wait_status;
  struct rusage self {};
  struct rusage children {};
  if (::getrusage(RUSAGE_SELF, &self) == 0 && ::getrusage(RUSAGE_CHILDREN, &children) == 0) {
    report.user_us = microseconds(self.ru_utime) + microseconds(children.ru_utime);
    report.system_us = microseconds(self.ru_stime) + microseconds(children.ru_stime);
    report.max_rss_kib = self.ru_maxrss > children.ru_maxrss ? self.ru_maxrss : children.ru_maxrss;
  }
  [[maybe_unused]] const ssize_t n = ::write(report_fd, &report, sizeof(report));
}

const char* step_name(Step step) {
  switch (step) {
    case Step::none: return "none";
    case Step::death_signal: return "PR_SET_PDEATHSIG";
    case Step::supervisor_alive: return "supervisor check";
    case Step::stdio: return "standard descriptors";
    case Step::cgroup_join: return "joining the cgroup v1 groups";
    case Step::network_namespace: return "asking for the network namespace";
    case Step::subreaper: return "becoming a child subreaper";
    case Step::id_maps: return "uid/gid maps";
    case Step::namespaces: return "the mount, network, ipc, uts and cgroup namespaces";
    case Step::hostname: return "sethostname";
    case Step::mount_propagation: return "private mount propagation";
    case Step::clone_sources: return "open_tree";
    case Step::reopen_descriptors: return "reopening a handed file read-only";
    case Step::relay_pipes: return "placing the relayed pipes";
    case Step::mount_root: return "mounting the new root";
    case Step::build_view: return "building the view";
    case Step::pivot_root: return "pivot_root";
    case Step::detach_old_root: return "detaching the old root";
    case Step::root_read_only: return "making the root read-only";
    case Step::include_files: return "copying the -i files into the scratch";
    case Step::network_join: return "joining the network namespace";
    case Step::network_request: return "asking for slirp4netns";
    case Step::network_rules: return "installing the nftables rules";
    case Step::network_ready: return "waiting for slirp4netns";
    case Step::network_ipv6: return "configuring IPv6 on tap0";
    case Step::landlock_rules: return "Landlock rules for the view";
    case Step::working_directory: return "chdir";
    case Step::pty: return "opening the pseudo-terminal";
    case Step::explain_attach: return "waiting for the --explain tracer";
    case Step::init_confinement: return "making init undumpable";
    case Step::fork_command: return "fork";
    case Step::init_descriptors: return "closing init's inherited descriptors";
    case Step::init_filter: return "seccomp filter of init";
    case Step::session: return "setsid";
    case Step::controlling_terminal: return "TIOCSCTTY on the pseudo-terminal";
    case Step::keyring: return "joining a fresh session keyring";
    case Step::close_fds: return "closing inherited descriptors";
    case Step::rlimits: return "setrlimit";
    case Step::drop_capabilities: return "dropping capabilities";
    case Step::no_new_privs: return "no_new_privs";
    case Step::landlock: return "landlock_restrict_self";
    case Step::seccomp: return "seccomp";
    case Step::exec: return "execve";
  }
  return "unknown step";
}

}  // namespace sandbox::launch
