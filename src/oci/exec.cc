#include "oci/exec.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "cgroup/leaf.h"
#include "oci/confine.h"
#include "oci/console.h"
#include "oci/plan.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util/sys.h"

namespace sandbox::oci {
namespace {

Result<Process> exec_process(const ExecOptions& o, const Spec& spec) {
  if (!o.process_file.empty()) {
    std::ifstream in(o.process_file);
    if (!in) return Error::from_errno("cannot read --process " + o.process_file);
    std::stringstream text;
    text << in.rdbuf();
    return parse_process(text.str());
  }
  if (o.args.empty()) return Error("exec: no command given", 0, "name one after the container id");
  Process p = spec.process;
  p.args = o.args;
  p.terminal = o.tty;
  if (!o.cwd.empty()) p.cwd = o.cwd;
  for (const auto& e : o.env) {
    const auto key = e.substr(0, e.find('='));
    std::erase_if(p.env, [&](const std::string& old) { return old.substr(0, old.find('=')) == key; });
    p.env.push_back(e);
  }
  if (!o.user.empty()) {
    const auto colon = o.user.find(':');
    p.uid = static_cast<uid_t>(std::stoul(o.user.substr(0, colon)));
    p.gid = colon == std::string::npos ? 0 : static_cast<gid_t>(std::stoul(o.user.substr(colon + 1)));
  }
  if (!o.additional_gids.empty()) p.additional_gids = o.additional_gids;
  if (o.no_new_privs) p.no_new_privileges = true;
  for (const auto& cap : o.caps) {
    const int n = capability_number(cap);
    if (n < 0) return Error("exec --cap: unknown capability " + cap);
    if (!p.capabilities) p.capabilities = Capabilities{};
    const std::uint64_t bit = 1ULL << n;
    p.capabilities->bounding |= bit;
    p.capabilities->effective |= bit;
    p.capabilities->permitted |= bit;
    p.capabilities->inheritable |= bit;
    p.capabilities->ambient |= bit;
  }
  return p;
}

std::uint64_t namespace_inode(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_ino : 0;
}

}  // namespace

Result<int> exec_in_container(const ExecOptions& o, const Log& log) {
  auto state = load_state(o.root, o.id);
  if (!state) return std::move(state).error();
  const std::string status = status_of(o.root, *state);
  if (status != "running" && status != "created") {
    return Error("cannot exec in a container that is " + status + ": " + o.id);
  }
  auto spec = load_spec(state->bundle);
  if (!spec) return std::move(spec).error();
  auto process = exec_process(o, *spec);
  if (!process) return std::move(process).error();
  if (process->args.empty()) return Error("exec: process.args is empty");
  if (!state->label.empty()) {
    std::erase_if(process->env, [](const std::string& e) { return e.starts_with("SANDBOX_LABEL="); });
    process->env.push_back("SANDBOX_LABEL=" + state->label);
  }
  std::vector<std::string> warnings;
  auto confinement = build_confinement(*spec, warnings);
  if (!confinement) return std::move(confinement).error();
  ProcessPlan plan = plan_process(*process, warnings);
  plan.keep_fds = 3 + o.preserve_fds;
  attach_confinement(*spec, *confinement, plan);
  for (const auto& w : warnings) log.warning(w);

  // Everything of the host is opened before we join the container's mount
  // namespace: the pid file's directory, the console, the cgroups.
  UniqueFd pidfd(sys::pidfd_open(state->pid));
  if (!pidfd || !process_alive(*state)) return Error("container " + o.id + " is not running");
  std::optional<ConsoleSocket> own_console;
  UniqueFd console;
  if (process->terminal) {
    std::string path = o.console_socket;
    if (path.empty()) {
      if (o.detach) return Error("exec --tty --detach needs --console-socket");
      auto made = make_console_socket();
      if (!made) return std::move(made).error();
      own_console.emplace(std::move(*made));
      path = own_console->path;
    }
    UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path) return Error("console socket path too long: " + path);
    std::memcpy(addr.sun_path, path.c_str(), path.size());
    if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      return Error::from_errno("cannot connect to the console socket " + path);
    }
    console = std::move(fd);
    plan.console_socket = console.get();
    // Connected: the name is no longer needed (the listener accepts the
    // pending connection), so nothing is left in /tmp whatever happens next.
    if (own_console) remove_console_socket(*own_console);
  }
  UniqueFd pid_dir;
  std::string pid_name;
  if (!o.pid_file.empty()) {
    const std::filesystem::path p = std::filesystem::absolute(o.pid_file);
    pid_dir = UniqueFd(::open(p.parent_path().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (!pid_dir) return Error::from_errno("--pid-file directory " + p.parent_path().string());
    pid_name = p.filename().string();
  }
  std::string sub = o.cgroup;
  if (const auto colon = sub.find(':'); colon != std::string::npos) sub = sub.substr(colon + 1);  // "ctrl:path"
  if (sub.find("..") != std::string::npos) return Error("exec --cgroup: " + o.cgroup + " .. is not a sub cgroup path");
  std::vector<UniqueFd> procs;
  for (const auto& dir : state->cgroups.dirs) {
    // The v1 groups the container's process is not in (make_cgroups), unless asked by --cgroup.
    if (sub.empty() && !state->cgroups.joined(dir)) continue;
    const std::string group = sub.empty() ? dir : dir + "/" + sub;
    UniqueFd fd(::open((group + "/cgroup.procs").c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd && !sub.empty()) {
      return Error("exec --cgroup: adding pid to " + group + "/cgroup.procs: " +
                   (errno == ENOENT ? "no such file or directory" : std::strerror(errno)));
    }
    if (fd) procs.push_back(std::move(fd));
  }
  log.debug("exec in " + o.id + ": joining the namespaces of pid " + std::to_string(state->pid));
  // Every namespace of the container that is not ours, at once (setns on a pidfd).
  int flags = 0;
  const std::string target = "/proc/" + std::to_string(state->pid) + "/ns/";
  for (const int type : {CLONE_NEWUSER, CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET, CLONE_NEWIPC,
                         CLONE_NEWUTS, CLONE_NEWCGROUP}) {
    const std::string name = namespace_file(type);
    const std::uint64_t theirs = namespace_inode(target + (type == CLONE_NEWPID ? "pid" : name));
    if (theirs != 0 && theirs != namespace_inode("/proc/self/ns/" + name)) flags |= type;
  }
  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return Error::from_errno("socketpair");
  UniqueFd ours(pair[0]), theirs(pair[1]);
  if (flags != 0 && ::setns(pidfd.get(), flags) != 0) {
    return Error::from_errno("cannot join the namespaces of container " + o.id);
  }
  int child_pidfd = -1;
  sys::CloneArgs args;
  args.flags = CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&child_pidfd);
  args.exit_signal = SIGCHLD;
  const pid_t pid = sys::clone3(args);
  if (pid < 0) return Error::from_errno("clone3 of the exec process");
  if (pid == 0) {
    ::close(ours.get());
    if (cgroup::join_groups(procs) != 0) {
      // A group we could not enter (rootless without delegation): the
      // process stays in the caller's, as runc's does.
    }
    if (plan.terminal) {
      if (int err = setup_console(plan); err != 0) fail_step(theirs.get(), Step::console, err);
    }
    finish_and_exec(plan, theirs.get());
  }
  UniqueFd child(child_pidfd);
  theirs.reset();
  Report report;
  const ssize_t n = ::recv(ours.get(), &report, sizeof report, 0);
  if (n == static_cast<ssize_t>(sizeof report)) {
    ::waitpid(pid, nullptr, 0);
    return Error(std::string("exec: ") + step_name(report.step) +
                     (report.step == Step::exec ? " " + process->args[0] : std::string()),
                 report.errno_value)
        .with_exit_status(report.step == Step::exec ? (report.errno_value == ENOENT ? 127 : 126) : 1);
  }
  if (pid_dir) {
    const std::string tmp = "." + pid_name + ".tmp";
    UniqueFd f(::openat(pid_dir.get(), tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
    const std::string text = std::to_string(pid);
    if (!f || ::write(f.get(), text.data(), text.size()) != static_cast<ssize_t>(text.size()) ||
        ::renameat(pid_dir.get(), tmp.c_str(), pid_dir.get(), pid_name.c_str()) != 0) {
      return Error::from_errno("cannot write --pid-file " + o.pid_file);
    }
  }
  log.debug("exec in " + o.id + ": pid " + std::to_string(pid));
  if (o.detach) return 0;
  if (own_console) {
    auto master = receive_master(*own_console);
    remove_console_socket(*own_console);
    if (master) relay_console(master->get(), child.get());
  }
  int wstatus = 0;
  while (::waitpid(pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

}  // namespace sandbox::oci
