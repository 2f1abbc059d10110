#include "oci/create.h"

#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>

#include "oci/cgroups.h"
#include "oci/confine.h"
#include "oci/hooks.h"
#include "oci/keeper.h"
#include "oci/plan.h"
#include "oci/spec.h"
#include "oci/state.h"
#include "util/sys.h"

namespace sandbox::oci {
namespace {

unsigned long propagation_flags(const std::string& name) {
  if (name == "private") return MS_PRIVATE;
  if (name == "rprivate") return MS_PRIVATE | MS_REC;
  if (name == "shared") return MS_SHARED;
  if (name == "rshared") return MS_SHARED | MS_REC;
  if (name == "slave") return MS_SLAVE;
  if (name == "unbindable") return MS_UNBINDABLE;
  if (name == "runbindable") return MS_UNBINDABLE | MS_REC;
  return MS_SLAVE | MS_REC;  // "rslave", and runc's default
}

Result<UniqueFd> connect_console(const std::string& path) {
  UniqueFd fd(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd) return Error::from_errno("console socket");
  sockaddr_un addr{};
  addr.sun_family = AF_UNIX;
  if (path.size() >= sizeof addr.sun_path) return Error("--console-socket: path too long: " + path);
  std::memcpy(addr.sun_path, path.c_str(), path.size());
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    return Error::from_errno("cannot connect to the console socket " + path);
  }
  return fd;
}

Result<void> write_atomically(const std::string& path, const std::string& text) {
  const std::string tmp = path + ".sandbox-oci.tmp";
  {
    std::ofstream out(tmp, std::ios::trunc);
    out << text;
    if (!out) return Error::from_errno("cannot write " + tmp);
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) return Error::from_errno("cannot write " + path);
  return success();
}

Result<void> write_id_map(pid_t pid, const char* file, const std::vector<IdMapping>& maps) {
  std::string text;
  for (const auto& m : maps) {
    text += std::to_string(m.container_id) + " " + std::to_string(m.host_id) + " " + std::to_string(m.size) + "\n";
  }
  const std::string path = "/proc/" + std::to_string(pid) + "/" + file;
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return Error::from_errno("cannot open " + path);
  const ssize_t n = ::write(fd, text.data(), text.size());
  const int err = errno;
  ::close(fd);
  if (n != static_cast<ssize_t>(text.size())) {
    return Error("cannot write the " + std::string(file) + " of the container", err,
                 "the caller must be allowed these mappings");
  }
  return success();
}

// The standard nodes every container has (runc's defaults), then linux.devices.
std::vector<DeviceStep> plan_devices(const Spec& spec) {
  struct Default {
    const char* name;
    unsigned major, minor;
  };
  const Default defaults[] = {{"null", 1, 3}, {"zero", 1, 5}, {"full", 1, 7},
                              {"random", 1, 8}, {"urandom", 1, 9}, {"tty", 5, 0}};
  std::vector<DeviceStep> devices;
  for (const auto& d : defaults) {
    DeviceStep step;
    step.dir = "/dev";
    step.name = d.name;
    step.host = std::string("/dev/") + d.name;
    step.mode = S_IFCHR | 0666;
    step.dev = makedev(d.major, d.minor);
    devices.push_back(step);
  }
  for (const auto& d : spec.devices) {
    const std::filesystem::path p(d.path);
    DeviceStep step;
    step.dir = p.parent_path().string();
    step.name = p.filename().string();
    struct stat st {};
    if (::stat(d.path.c_str(), &st) == 0 && (S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode))) step.host = d.path;
    const mode_t kind = d.type == 'b' ? S_IFBLK : d.type == 'p' ? S_IFIFO : S_IFCHR;
    step.mode = kind | (d.file_mode & 07777);
    step.dev = makedev(static_cast<unsigned>(d.major), static_cast<unsigned>(d.minor));
    step.uid = d.uid;
    step.gid = d.gid;
    // A linux.devices entry replaces a default of the same path.
    std::erase_if(devices, [&](const DeviceStep& o) { return o.dir == step.dir && o.name == step.name; });
    devices.push_back(step);
  }
  return devices;
}

Result<std::vector<MountStep>> plan_mounts(const Spec& spec, const std::string& bundle) {
  std::vector<MountStep> steps;
  for (const auto& m : spec.mounts) {
    MountStep s;
    s.destination = m.destination;
    s.type = m.type;
    s.source = m.source;
    s.data = m.data;
    s.flags = m.flags;
    s.propagation = m.propagation;
    s.bind = m.bind;
    s.recursive = m.recursive;
    if (m.bind) {
      if (!s.source.empty() && s.source[0] != '/') s.source = bundle + "/" + s.source;
      struct stat st {};
      if (::stat(s.source.c_str(), &st) != 0) {
        return Error::from_errno("mounts: bind source " + m.source + " of " + m.destination);
      }
      s.is_dir = S_ISDIR(st.st_mode);
      const unsigned long remount_flags = MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |
                                          MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME;
      s.remount = m.flags & remount_flags;
    } else if (m.type == "cgroup" || m.type == "cgroup2") {
      // The v2 hierarchy (a hybrid host's v1 controllers are not mounted in
      // the container; docs/oci.md).
      s.type = "cgroup2";
      s.source = "cgroup2";
      s.data.clear();
      s.fallback_bind = "/sys/fs/cgroup";
    } else if (m.type == "sysfs") {
      s.fallback_bind = "/sys";
    }
    steps.push_back(std::move(s));
  }
  for (std::size_t i = 0; i < steps.size(); ++i) {
    MountStep& s = steps[i];
    // A read-only tmpfs (/dev) gets its mount points and devices first;
    // proc, sysfs and the others have theirs already.
    if (s.bind || s.type != "tmpfs" || (s.flags & MS_RDONLY) == 0) continue;
    const std::string prefix = s.destination == "/" ? "/" : s.destination + "/";
    for (std::size_t j = i + 1; j < steps.size(); ++j) {
      if (steps[j].destination.starts_with(prefix)) {
        s.flags &= ~static_cast<unsigned long>(MS_RDONLY);
        s.read_only_later = true;
        break;
      }
    }
    // The standard devices go into /dev after the mounts.
    if (s.destination == "/dev" && !s.read_only_later) {
      s.flags &= ~static_cast<unsigned long>(MS_RDONLY);
      s.read_only_later = true;
    }
  }
  return steps;
}

// Undoes a create that failed half-way.
struct Rollback {
  std::string root, id;
  pid_t child = 0;
  bool armed = true;
  ~Rollback() {
    if (!armed) return;
    if (child > 0) {
      ::kill(child, SIGKILL);
      ::waitpid(child, nullptr, 0);
    }
    destroy_container(root, id);
  }
};

}  // namespace

void destroy_container(const std::string& root, const std::string& id) {
  const std::string dir = root + "/" + id;
  auto state = load_state(root, id);
  if (state) {
    kill_cgroups(state->cgroups, SIGKILL, 2000);
    remove_cgroups(state->cgroups);
  } else {
    // A create that failed before the state was written: its cgroups list.
    std::ifstream in(dir + "/cgroups");
    Cgroups groups;
    std::string line;
    while (std::getline(in, line)) {
      if (!line.empty()) groups.dirs.push_back(line);
    }
    remove_cgroups(groups);
  }
  std::error_code ignored;
  std::filesystem::remove_all(dir, ignored);
}

Result<Created> create_container(const CreateOptions& options, const Log& log) {
  char real[PATH_MAX];
  if (::realpath(options.bundle.c_str(), real) == nullptr) {
    return Error::from_errno("bundle " + options.bundle);
  }
  const std::string bundle = real;
  auto spec_result = load_spec(bundle);
  if (!spec_result) return std::move(spec_result).error();
  const Spec& spec = *spec_result;
  if (!spec.hooks.create_container.empty() || !spec.hooks.start_container.empty()) {
    return Error("config.json: hooks.createContainer and hooks.startContainer are not supported by sandbox-oci");
  }
  if (spec.process.terminal && options.console_socket.empty()) {
    return Error("process.terminal is set but no --console-socket was given");
  }
  std::vector<std::string> warnings;

  // The state directory: its existence is the id's reservation.
  {
    std::error_code made;
    std::filesystem::create_directories(options.root, made);
  }
  auto dir_result = container_dir(options.root, options.id);
  if (!dir_result) return std::move(dir_result).error();
  const std::string dir = *dir_result;
  if (::mkdir(dir.c_str(), 0711) != 0) {
    if (errno == EEXIST) return Error("container \"" + options.id + "\" already exists", EEXIST);
    return Error::from_errno("cannot make the state directory " + dir);
  }
  Rollback rollback{options.root, options.id};
  const std::string fifo = dir + "/exec.fifo";
  if (::mkfifo(fifo.c_str(), 0600) != 0) return Error::from_errno("mkfifo " + fifo);
  UniqueFd exec_fifo(::open(fifo.c_str(), O_RDWR | O_CLOEXEC));
  if (!exec_fifo) return Error::from_errno("open " + fifo);

  auto groups = make_cgroups(spec, options.id, warnings);
  if (!groups) return std::move(groups).error().wrap("linux.resources");
  {
    std::ofstream list(dir + "/cgroups");
    for (const auto& g : groups->dirs) list << g << "\n";
  }
  auto confinement = build_confinement(spec, warnings);
  if (!confinement) return std::move(confinement).error();

  // The label (sandbox --list), reserved now so the process has it in its
  // environment; its socket goes to the keeper once the container is ready.
  const auto wanted = spec.annotations.find("sandbox.label");
  auto label = reserve_label(wanted == spec.annotations.end() ? std::string() : wanted->second);
  if (!label) return std::move(label).error();
  Process process = spec.process;
  std::erase_if(process.env, [](const std::string& e) { return e.starts_with("SANDBOX_LABEL="); });
  process.env.push_back("SANDBOX_LABEL=" + label->text);

  // The plan: everything the child needs, resolved and opened now.
  InitPlan plan;
  plan.process = plan_process(process, warnings);
  plan.process.keep_fds = 3 + options.preserve_fds;
  attach_confinement(spec, *confinement, plan.process);
  UniqueFd console;
  if (spec.process.terminal) {
    auto fd = connect_console(options.console_socket);
    if (!fd) return std::move(fd).error();
    console = std::move(*fd);
    plan.process.console_socket = console.get();
  }
  std::vector<UniqueFd> join_fds;
  std::uint64_t clone_flags = 0;
  // The user namespace first: the others belong to it.
  std::vector<const Namespace*> order;
  if (const Namespace* user = spec.find(CLONE_NEWUSER)) order.push_back(user);
  for (const auto& ns : spec.namespaces) {
    if (ns.type != CLONE_NEWUSER) order.push_back(&ns);
  }
  for (const Namespace* ns : order) {
    if (ns->path.empty()) {
      clone_flags |= static_cast<std::uint64_t>(ns->type);
      continue;
    }
    UniqueFd fd(::open(ns->path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) return Error::from_errno(std::string("linux.namespaces: ") + namespace_file(ns->type) + " " + ns->path);
    if (ns->type == CLONE_NEWPID) {
      // Joining a pid namespace takes effect for children: ours.
      if (::setns(fd.get(), CLONE_NEWPID) != 0) return Error::from_errno("setns to the pid namespace " + ns->path);
      continue;
    }
    plan.join_fds.push_back(fd.get());
    plan.join_types.push_back(ns->type);
    join_fds.push_back(std::move(fd));
  }
  if (!spec.find(CLONE_NEWNS)) return Error("linux.namespaces: sandbox-oci needs a mount namespace");
  plan.new_user = spec.has_new(CLONE_NEWUSER);
  plan.new_uts = spec.has_new(CLONE_NEWUTS);
  plan.hostname = spec.hostname;
  plan.domainname = spec.domainname;
  plan.root_propagation = propagation_flags(spec.rootfs_propagation);
  plan.rootfs = spec.root_path;
  auto mounts = plan_mounts(spec, bundle);
  if (!mounts) return std::move(mounts).error();
  plan.mounts = std::move(*mounts);
  plan.devices = plan_devices(spec);
  for (const auto& m : spec.mounts) plan.make_dev_links = plan.make_dev_links || m.destination == "/dev";
  for (const auto& [key, value] : spec.sysctl) {
    std::string file = "/proc/sys/" + key;
    std::replace(file.begin() + 10, file.end(), '.', '/');
    plan.sysctl_files.push_back(file);
    plan.sysctl_values.push_back(value);
  }
  plan.masked = spec.masked_paths;
  plan.readonly = spec.readonly_paths;
  plan.root_readonly = spec.root_readonly;
  plan.exec_fifo = exec_fifo.get();
  plan.label_socket = label->socket.get();

  int pair[2];
  if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, pair) != 0) return Error::from_errno("socketpair");
  UniqueFd ours(pair[0]), theirs(pair[1]);
  plan.sync = theirs.get();
  for (const auto& w : warnings) log.warning(w);

  UniqueFd v2dir;
  if (!groups->v2.empty()) v2dir = UniqueFd(::open(groups->v2.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC));
  int pidfd = -1;
  sys::CloneArgs args;
  args.flags = clone_flags | CLONE_PIDFD;
  args.pidfd = reinterpret_cast<std::uint64_t>(&pidfd);
  args.exit_signal = SIGCHLD;
  if (v2dir) {
    args.flags |= sys::kCloneIntoCgroup;
    args.cgroup = static_cast<std::uint64_t>(v2dir.get());
  }
  pid_t pid = sys::clone3(args);
  bool in_v2 = v2dir && pid >= 0;
  if (pid < 0 && v2dir && errno != ENOMEM) {
    // A cgroup the kernel refuses to clone into (a v2 group with v1 tasks
    // rules): join it after the clone instead.
    args.flags &= ~sys::kCloneIntoCgroup;
    args.cgroup = 0;
    pid = sys::clone3(args);
  }
  if (pid < 0) return Error::from_errno("clone3 of the container's process");
  log.debug("create " + options.id + ": container process " + std::to_string(pid));
  if (pid == 0) {
    ::close(ours.get());
    container_init(plan);
  }
  rollback.child = pid;
  Created created;
  created.pid = pid;
  created.pidfd = UniqueFd(pidfd);
  theirs.reset();
  if (plan.new_user) {
    if (auto ok = write_id_map(pid, "uid_map", spec.uid_mappings); !ok) return ok.error();
    if (::getuid() != 0) {
      std::ofstream("/proc/" + std::to_string(pid) + "/setgroups") << "deny";
    }
    if (auto ok = write_id_map(pid, "gid_map", spec.gid_mappings); !ok) return ok.error();
  }
  if (auto ok = join_cgroups(*groups, pid, in_v2); !ok) return std::move(ok).error();
  const char go = 1;
  if (::send(ours.get(), &go, 1, MSG_NOSIGNAL) != 1) return Error::from_errno("the container's process died");
  Report report;
  const ssize_t n = ::recv(ours.get(), &report, sizeof report, 0);
  if (n != static_cast<ssize_t>(sizeof report)) {
    return Error("the container's process died before it was ready");
  }
  if (report.step != Step::none) {
    std::string what = std::string("container init: ") + step_name(report.step);
    if ((report.step == Step::mount || report.step == Step::mount_on_symlink ||
         report.step == Step::mount_read_only) && report.index < spec.mounts.size()) {
      what += " " + spec.mounts[report.index].destination;
    } else if (report.step == Step::devices && report.index < plan.devices.size()) {
      what += " " + plan.devices[report.index].dir + "/" + plan.devices[report.index].name;
    } else if (report.step == Step::masked_paths && report.index < plan.masked.size()) {
      what += " " + plan.masked[report.index];
    } else if (report.step == Step::readonly_paths && report.index < plan.readonly.size()) {
      what += " " + plan.readonly[report.index];
    } else if (report.step == Step::sysctl && report.index < plan.sysctl_files.size()) {
      what += " " + plan.sysctl_files[report.index];
    }
    return Error(what, report.errno_value);
  }

  State state;
  state.id = options.id;
  state.pid = pid;
  state.start_time = process_start_time(pid).value_or(0);
  state.bundle = bundle;
  state.rootfs = spec.root_path;
  state.created = now_rfc3339();
  state.label = label->text;
  state.owner = ::geteuid();
  state.cgroups = *groups;
  state.annotations = spec.annotations;
  state.poststop_hooks_json = hooks_to_json(spec.hooks.poststop);
  if (auto ok = save_state(dir, state); !ok) return std::move(ok).error();
  const std::string json = state_json(options.root, state);
  if (auto ok = run_hooks(spec.hooks.create_runtime, json, "createRuntime"); !ok) return std::move(ok).error();
  if (auto ok = run_hooks(spec.hooks.prestart, json, "prestart"); !ok) return std::move(ok).error();
  if (!options.pid_file.empty()) {
    if (auto ok = write_atomically(options.pid_file, std::to_string(pid)); !ok) return std::move(ok).error();
  }
  if (options.serve_label) {
    // `run` in the foreground outlives the process anyway: it answers
    // for the label itself, no keeper.
    created.label = std::move(*label);
    created.groups = *groups;
    created.command = spec.process.args;
  } else if (auto ok = start_keeper(std::move(*label), pid, *groups, spec.process.args, ::geteuid()); !ok) {
    return std::move(ok).error();
  }
  log.debug("created " + options.id + " (pid " + std::to_string(pid) + ")");
  rollback.armed = false;
  return created;
}

Result<void> start_container(const std::string& root, const std::string& id, const Log& log) {
  auto state = load_state(root, id);
  if (!state) return std::move(state).error();
  const std::string status = status_of(root, *state);
  if (status != "created") return Error("cannot start a container that is " + status + ": " + id);
  const std::string fifo = root + "/" + id + "/exec.fifo";
  // Non-blocking: with no reader (the process died) this fails at once.
  UniqueFd fd(::open(fifo.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC));
  if (!fd) return Error::from_errno("cannot start " + id + ": the container's process is gone");
  const char byte = 0;
  if (::write(fd.get(), &byte, 1) != 1) return Error::from_errno("cannot start " + id);
  ::unlink(fifo.c_str());
  state->started = true;
  if (auto ok = save_state(root + "/" + id, *state); !ok) return ok;
  auto spec = load_spec(state->bundle);
  if (spec) {
    const std::string json = state_json(root, *state);
    if (auto ok = run_hooks(spec->hooks.poststart, json, "poststart"); !ok) log.warning(ok.error().message());
  }
  return success();
}

}  // namespace sandbox::oci
