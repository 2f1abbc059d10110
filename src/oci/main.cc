// sandbox-oci: an OCI runtime with runc's command line (DESIGN §13), a thin
// client over src/oci/. Parses, dispatches, and turns an error into one
// line on stderr (and --log). Exit status: 0, 1 for our failures (as runc:
// callers test for non-zero), and for `run`/`exec` in the foreground the
// process's own status (128+N for a signal).
#include <seccomp.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <iostream>
#include <optional>

#include "oci/commands.h"
#include "oci/console.h"
#include "oci/create.h"
#include "oci/exec.h"
#include "oci/log.h"
#include "oci/state.h"
#include "sandbox/version.h"
#include "util/sys.h"

namespace {

using namespace sandbox;
using namespace sandbox::oci;

int g_forward_pidfd = -1;  // run: signals for the container's process
void forward_signal(int sig) {
  if (g_forward_pidfd >= 0) sys::pidfd_send_signal(g_forward_pidfd, sig);
}

int fail(const Log& log, const Error& error, int status = 1) {
  log.error(error.message());
  return error.exit_status() == 125 ? status : error.exit_status();
}

struct RunOptions {
  CreateOptions create;
  bool detach = false, keep = false;
};

Result<int> run_container(const RunOptions& o, const Log& log) {
  CreateOptions create = o.create;
  std::optional<ConsoleSocket> console;
  // runc run -t in the foreground is its own console socket's server.
  if (create.console_socket.empty() && !o.detach) {
    auto spec = load_spec(create.bundle);
    if (spec && spec->process.terminal) {
      auto made = make_console_socket();
      if (!made) return std::move(made).error();
      console.emplace(std::move(*made));
      create.console_socket = console->path;
    }
  }
  // In the foreground without a console we wait anyway: we answer for
  // the container's label ourselves instead of starting a keeper.
  create.serve_label = !o.detach && !console;
  auto created = create_container(create, log);
  if (!created) {
    if (console) remove_console_socket(*console);
    return std::move(created).error();
  }
  // create connected to it: the name is no longer needed.
  if (console) remove_console_socket(*console);
  if (auto ok = start_container(create.root, create.id, log); !ok) {
    (void)delete_container(create.root, create.id, true, log);
    return std::move(ok).error();
  }
  if (o.detach) return 0;
  g_forward_pidfd = created->pidfd.get();
  for (int sig : {SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGUSR1, SIGUSR2, SIGWINCH}) ::signal(sig, forward_signal);
  if (console) {
    auto master = receive_master(*console);
    remove_console_socket(*console);
    if (master) relay_console(master->get(), created->pidfd.get());
  }
  if (created->label) {
    (void)serve_label(*created->label, created->pidfd.get(), created->pid, created->groups, created->command,
                      ::geteuid());
    created->label.reset();  // the name is freed with the container's process
  }
  int wstatus = 0;
  while (::waitpid(created->pid, &wstatus, 0) < 0 && errno == EINTR) {
  }
  g_forward_pidfd = -1;
  if (!o.keep) (void)delete_container(create.root, create.id, true, log);
  return WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
}

void print_version() {
  const scmp_version* v = seccomp_version();
  std::printf("sandbox-oci version %s\nspec: 1.1.0\nlibseccomp: %u.%u.%u\n", SANDBOX_VERSION, v->major,
              v->minor, v->micro);
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"sandbox-oci: an OCI runtime whose containers also get sandbox's layers "
               "(Landlock, seccomp deny list, cgroup tree-kill)", "sandbox-oci"};
  std::string root = default_root(), log_file, log_format = "text", rootless;
  bool debug = false, systemd_cgroup = false, version = false;
  app.add_option("--root", root, "directory of the containers' state");
  app.add_option("--log", log_file, "also write messages to this file");
  app.add_option("--log-format", log_format, "text or json")->check(CLI::IsMember({"text", "json"}));
  app.add_flag("--debug", debug, "debug messages");
  app.add_flag("--systemd-cgroup", systemd_cgroup, "accepted; cgroups are made with cgroupfs (no systemd)");
  app.add_option("--rootless", rootless, "accepted (true, false, auto)");
  std::string criu;
  app.add_option("--criu", criu, "accepted; checkpoint is not supported")->group("");
  app.add_flag("-v,--version", version, "print the version");

  CreateOptions create;
  std::string bundle = ".";
  bool ignored = false;
  auto* c_create = app.add_subcommand("create", "create a container; its process waits for start");
  c_create->add_option("-b,--bundle", bundle, "the bundle directory (config.json)");
  c_create->add_option("--pid-file", create.pid_file, "write the process's pid here");
  c_create->add_option("--console-socket", create.console_socket, "send the pty master to this socket");
  c_create->add_option("--preserve-fds", create.preserve_fds, "pass N more descriptors (3...)");
  c_create->add_flag("--no-pivot,--no-new-keyring", ignored, "accepted");
  c_create->add_option("id", create.id)->required();

  RunOptions run;
  std::string run_bundle = ".";
  auto* c_run = app.add_subcommand("run", "create and start a container, wait for it unless --detach");
  c_run->add_option("-b,--bundle", run_bundle, "the bundle directory");
  c_run->add_option("--pid-file", run.create.pid_file, "write the process's pid here");
  c_run->add_option("--console-socket", run.create.console_socket, "send the pty master to this socket");
  c_run->add_option("--preserve-fds", run.create.preserve_fds, "pass N more descriptors");
  c_run->add_flag("-d,--detach", run.detach, "do not wait");
  c_run->add_flag("--keep", run.keep, "do not delete the container after it exits");
  c_run->add_flag("--no-pivot,--no-new-keyring,--no-subreaper", ignored, "accepted");
  c_run->add_option("id", run.create.id)->required();

  std::string id, signal = "SIGTERM";
  bool all = false, force = false, quiet = false, rootless_spec = false;
  std::string format = "table";
  auto* c_start = app.add_subcommand("start", "start the process of a created container");
  c_start->add_option("id", id)->required();
  auto* c_state = app.add_subcommand("state", "print the container's state (JSON)");
  c_state->add_option("id", id)->required();
  auto* c_kill = app.add_subcommand("kill", "send a signal to the container's process");
  c_kill->add_flag("-a,--all", all, "to every process of the container");
  c_kill->add_option("id", id)->required();
  c_kill->add_option("signal", signal, "name or number (default SIGTERM)");
  auto* c_delete = app.add_subcommand("delete", "delete a container (--force: kill it first)");
  c_delete->add_flag("-f,--force", force, "kill a running container's whole tree");
  c_delete->add_option("id", id)->required();
  auto* c_list = app.add_subcommand("list", "list the containers");
  c_list->add_option("-f,--format", format, "table or json");
  c_list->add_flag("-q,--quiet", quiet, "ids only");
  auto* c_ps = app.add_subcommand("ps", "the processes of a container");
  c_ps->add_option("-f,--format", format, "table or json");
  c_ps->add_option("id", id)->required();
  std::vector<std::string> ps_args;
  c_ps->add_option("ps-args", ps_args, "ignored");
  auto* c_pause = app.add_subcommand("pause", "freeze every process of a container");
  c_pause->add_option("id", id)->required();
  auto* c_resume = app.add_subcommand("resume", "thaw a paused container");
  c_resume->add_option("id", id)->required();
  auto* c_features = app.add_subcommand("features", "what this runtime supports (JSON)");
  std::string spec_bundle;
  auto* c_spec = app.add_subcommand("spec", "write a default config.json");
  c_spec->add_option("-b,--bundle", spec_bundle, "where");
  c_spec->add_flag("--rootless", rootless_spec, "for an unprivileged user");

  ExecOptions exec;
  auto* c_exec = app.add_subcommand("exec", "run a process in a running container");
  c_exec->add_option("-p,--process", exec.process_file, "process.json");
  c_exec->add_option("--console-socket", exec.console_socket, "send the pty master to this socket");
  c_exec->add_option("--pid-file", exec.pid_file, "write the process's pid here");
  c_exec->add_option("--cwd", exec.cwd, "working directory");
  c_exec->add_option("-e,--env", exec.env, "KEY=VALUE (repeatable)")->allow_extra_args(false);
  c_exec->add_option("-u,--user", exec.user, "UID[:GID]");
  c_exec->add_option("-g,--additional-gids", exec.additional_gids, "a supplementary group (repeatable)")
      ->allow_extra_args(false);
  c_exec->add_option("-c,--cap", exec.caps, "add a capability (repeatable)")->allow_extra_args(false);
  c_exec->add_option("--cgroup", exec.cgroup, "a sub-cgroup of the container's to join")->allow_extra_args(false);
  std::string ignored_label;
  c_exec->add_option("--process-label,--apparmor", ignored_label, "not supported (no such LSM here)");
  c_exec->add_flag("-t,--tty", exec.tty, "a pseudo-terminal");
  c_exec->add_flag("-d,--detach", exec.detach, "do not wait");
  c_exec->add_flag("--no-new-privs", exec.no_new_privs, "no_new_privs");
  c_exec->add_option("--preserve-fds", exec.preserve_fds, "pass N more descriptors");
  c_exec->prefix_command();

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 1;
  }
  const Log log(log_file, log_format == "json", debug);
  if (version) {
    print_version();
    return 0;
  }
  auto report = [&](const Result<void>& r) { return r ? 0 : fail(log, r.error()); };
  if (c_create->parsed()) {
    create.root = root;
    create.bundle = bundle;
    auto created = create_container(create, log);
    return created ? 0 : fail(log, created.error());
  }
  if (c_run->parsed()) {
    run.create.root = root;
    run.create.bundle = run_bundle;
    auto status = run_container(run, log);
    return status ? *status : fail(log, status.error());
  }
  if (c_start->parsed()) return report(start_container(root, id, log));
  if (c_state->parsed()) return report(print_state(root, id));
  if (c_kill->parsed()) return report(kill_container(root, id, signal, all));
  if (c_delete->parsed()) return report(delete_container(root, id, force, log));
  if (c_list->parsed()) return report(list_containers(root, format, quiet));
  if (c_ps->parsed()) return report(print_ps(root, id, format));
  if (c_pause->parsed()) return report(pause_container(root, id, true));
  if (c_resume->parsed()) return report(pause_container(root, id, false));
  if (c_features->parsed()) {
    print_features();
    return 0;
  }
  if (c_spec->parsed()) return report(write_spec(spec_bundle, rootless_spec));
  if (c_exec->parsed()) {
    std::vector<std::string> rest = c_exec->remaining();
    if (rest.empty()) return fail(log, Error("exec: no container id"), 255);
    exec.root = root;
    exec.id = rest[0];
    rest.erase(rest.begin());
    if (!rest.empty() && rest[0] == "--") rest.erase(rest.begin());
    exec.args = rest;
    if (!ignored_label.empty()) return fail(log, Error("exec: --process-label and --apparmor are not supported"), 255);
    auto status = exec_in_container(exec, log);
    // runc's status for an exec that could not start its process: 255.
    if (status) return *status;
    log.error(status.error().message());
    return 255;
  }
  std::cerr << app.help();
  return 1;
}
