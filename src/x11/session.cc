// The -X session, top to bottom: check the caller's display, prepare the
// per-run directory and cookies, start Xephyr, the window manager and the
// program, remove the directory, then wait.
#include "x11/session.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <sstream>

#include "label/label.h"
#include "launch/plan.h"
#include "sandbox/sandbox.h"
#include "x11/display.h"
#include "x11/lifecycle.h"
#include "x11/quiet_spawn.h"
#include "x11/run_dir.h"
#include "x11/server.h"
#include "x11/xauth.h"

namespace sandbox::x11 {
namespace {

constexpr const char* kDefaultWindowManager = "matchbox-window-manager";

// A command found on the caller's PATH (or given as a path), or an error
// naming the Debian package that provides it.
Result<std::string> find_tool(const std::string& name, const std::string& package) {
  std::string path;
  if (name.find('/') != std::string::npos) {
    char buf[PATH_MAX];
    if (::realpath(name.c_str(), buf) != nullptr && ::access(buf, X_OK) == 0) path = buf;
  } else {
    path = launch::find_on_host(name);
  }
  if (path.empty()) {
    Error error("-X: " + name + " is not installed (not found on PATH)", ENOENT);
    if (!package.empty()) error.with_hint("install the Debian package " + package);
    return error;
  }
  return path;
}

// -W "matchbox-window-manager" -> its path and, for matchbox, no title bar
// (it maximizes every window: the program fills Xephyr's window).
Result<std::vector<std::string>> window_manager_argv(const std::string& spec) {
  std::vector<std::string> argv;
  std::stringstream words(spec);
  for (std::string word; words >> word;) argv.push_back(word);
  if (argv.empty()) return Error("--window-manager: empty");
  const bool is_default = argv[0] == kDefaultWindowManager;
  auto path = find_tool(argv[0], is_default ? "matchbox-window-manager" : "");
  if (!path) {
    if (!is_default) path.error().with_hint("choose another with -W");
    return std::move(path).error();
  }
  argv[0] = *path;
  if (is_default && argv.size() == 1) argv.insert(argv.end(), {"-use_titlebar", "no"});
  return argv;
}

// The caller's cookie for its own display, rewritten to match from inside
// Xephyr's sandbox; none when the caller has no Xauthority file.
Result<std::vector<AuthEntry>> caller_cookies(const CallerDisplay& caller) {
  if (caller.xauthority.empty()) return std::vector<AuthEntry>{};
  UniqueFd fd(::open(caller.xauthority.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) {
    if (errno == ENOENT) return std::vector<AuthEntry>{};
    return Error::from_errno("-X: cannot read the Xauthority file " + caller.xauthority);
  }
  std::string bytes;
  char buf[4096];
  for (ssize_t n; (n = ::read(fd.get(), buf, sizeof(buf))) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Error::from_errno("-X: cannot read " + caller.xauthority);
    bytes.append(buf, static_cast<std::size_t>(n));
  }
  auto entries = decode(bytes);
  if (!entries) return std::move(entries).error().wrap("-X: " + caller.xauthority);
  char host[HOST_NAME_MAX + 1] = {};
  ::gethostname(host, sizeof(host) - 1);
  return entries_for_display(*entries, caller.number, host);
}

// A client of the nested display: only its socket, at the usual place,
// and its cookie; a scratch $HOME and /tmp as with -M.
Policy client_policy(Policy base, unsigned number, const std::string& socket_dir,
                     const std::string& cookie) {
  base.private_scratch = true;
  base.grants.push_back(
      {socket_dir + "/X" + std::to_string(number), Access::read_write, socket_path(number)});
  base.grants.push_back({cookie, Access::read, kClientCookie});
  base.setenv.push_back("DISPLAY=:" + std::to_string(number));
  base.setenv.push_back(std::string("XAUTHORITY=") + kClientCookie);
  base.x11 = Policy::X11{};  // the nested display is the program's whole X world (-w, -d: Xephyr's)
  return base;
}

// -l LEVEL, or a free one.
Result<registry::Reservation> reserve_label(const Policy& policy) {
  if (policy.label.empty()) return registry::reserve_any();
  auto level = registry::parse_level(policy.label);
  if (!level) return std::move(level).error();
  return registry::reserve(*level);
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

}  // namespace

Result<Outcome> run_session(const Policy& policy, const Command& command) {
  const std::vector<std::string>& argv = command.argv;
  if (argv.empty()) return Error("no command given");
  HeldSignals signals(command.forward_signals);  // opted in: an interrupted setup still removes what it made

  auto caller = caller_display(command.env);
  if (!caller) return std::move(caller).error();
  auto xephyr = find_tool("Xephyr", "xserver-xephyr");
  if (!xephyr) return std::move(xephyr).error();
  auto wm_argv = window_manager_argv(policy.x11.window_manager);
  if (!wm_argv) return std::move(wm_argv).error();
  auto number = free_display_number(caller->number);
  if (!number) return std::move(number).error();

  // The program's label, chosen now so that the title of Xephyr's window can
  // name it. It cannot stay reserved meanwhile (every sandbox's init would
  // inherit the reservation), so its sandbox reserves it again at spawn: a
  // free level out of 523,776 is taken in between only by a rare collision,
  // which fails with "in use" rather than sharing a label.
  registry::Level level;
  {
    auto reserved = reserve_label(policy);
    if (!reserved) return std::move(reserved).error();
    level = reserved->level;
  }
  Policy program_policy = policy;
  program_policy.label = level.str();
  const std::string label = policy.type + ":" + program_policy.label;

  auto dir = RunDir::create(level);
  if (!dir) return std::move(dir).error();
  auto socket_dir = dir->make_dir("X11-unix", 0700);
  if (!socket_dir) return std::move(socket_dir).error();
  auto cookie = new_cookie(*number);
  if (!cookie) return std::move(cookie).error();
  const std::string nested_cookie = dir->file("nested.xauth");
  if (auto ok = write_file(nested_cookie, {*cookie}); !ok) return std::move(ok).error();
  auto host_entries = caller_cookies(*caller);
  if (!host_entries) return std::move(host_entries).error();
  const std::string host_cookie = dir->file("host.xauth");
  if (auto ok = write_file(host_cookie, *host_entries); !ok) return std::move(ok).error();

  auto log = HelperLog::create();
  if (!log) return std::move(log).error();
  const ServerSetup setup{*xephyr,      *number,         label + " -- " + base_name(argv[0]),
                          policy.x11,   *caller,         *socket_dir,
                          nested_cookie, host_cookie};
  auto server = start_server(setup, *log, signals.fd());
  if (!server) return std::move(server).error();

  Policy wm_policy = client_policy(Policy::default_profile(), *number, *socket_dir, nested_cookie);
  wm_policy.type = "sandbox_xwm_t";
  auto wm = spawn_quietly(wm_policy, *wm_argv, *log);
  if (!wm) return std::move(wm).error().wrap("-X: cannot start the window manager");

  program_policy = client_policy(std::move(program_policy), *number, *socket_dir, nested_cookie);
  auto sealed = seal(program_policy);
  if (!sealed) return std::move(sealed).error();
  Command program_command = command;
  program_command.fds.insert(program_command.fds.end(), program_policy.fds.begin(), program_policy.fds.end());
  auto program = spawn(*sealed, program_command);
  if (!program) return std::move(program).error();

  auto watch = ServerWatch::start(server->pid(), program->pid());
  if (!watch) return std::move(watch).error();
  Outcome outcome = program->wait();
  const bool server_gone = (*watch)->stop();
  (void)wm->kill();
  (void)server->kill();
  wm->wait();
  server->wait();
  if (server_gone) {
    outcome.message = "the X server's window was closed: the program's sandbox " + label +
                      " was killed";
  }
  // The directory, and the sockets with it; the program's status still wins.
  if (auto ok = dir->remove(); !ok && outcome.message.empty()) outcome.message = ok.error().message();
  return outcome;
}

}  // namespace sandbox::x11
