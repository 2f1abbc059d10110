// The -X session, top to bottom: check the caller's display, prepare the
// per-run directory and cookies, start Xephyr, the window manager and the
// program, remove the directory, then wait.
#include "x11/session.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <sstream>

#include "label/label.h"
#include "launch/plan.h"
#include "sandbox/sandbox.h"
#include "util/sys.h"
#include "x11/display.h"
#include "x11/iconify_guard.h"
#include "x11/lifecycle.h"
#include "x11/quiet_spawn.h"
#include "x11/run_dir.h"
#include "x11/server.h"
#include "x11/stderr_tail.h"
#include "x11/title.h"
#include "x11/xauth.h"
#include "x11/xclient.h"

namespace sandbox::x11 {
namespace {

constexpr const char* kDefaultWindowManager = "matchbox-window-manager";
constexpr const char* kFontCache = "/var/cache/fontconfig";
// How long the window manager may take to take the screen, and how often
// we look (a round trip to the nested server each time).
constexpr auto kWindowManagerTimeout = std::chrono::seconds(15);
constexpr auto kWindowManagerPoll = std::chrono::milliseconds(5);
constexpr auto kReplyTimeout = std::chrono::seconds(5);

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
// and its cookie; a scratch $HOME and /tmp as with -M (unless -H, -T).
Policy client_policy(Policy base, unsigned number, const std::string& socket_dir,
                     const std::string& cookie) {
  if (base.homedir.empty() && base.tmpdir.empty()) base.private_scratch = true;
  base.grants.push_back(
      {socket_dir + "/X" + std::to_string(number), Access::read_write, socket_path(number)});
  base.grants.push_back({cookie, Access::read, kClientCookie});
  // The system's font cache: without it every client rescans every font
  // at start (fontconfig; 0.5-1 s for matchbox here). It describes the fonts
  // under /usr/share/fonts, which the program reads anyway.
  if (struct stat st {}; ::stat(kFontCache, &st) == 0 && S_ISDIR(st.st_mode)) {
    base.grants.push_back({kFontCache, Access::read});
  }
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

// The resource database of the nested display (what xrdb would load):
// Xft.dpi makes GTK and Qt size their text by -d, as a desktop's does.
std::string resources(const Policy::X11& options) {
  return "Xft.dpi:\t" + std::to_string(options.dpi) + "\n";
}

// Waits until the window manager has taken the screen (its readiness for
// the program's windows); fails with its own words when it exits first or
// never does.
Result<void> await_window_manager(XClient& x, Child& wm, const HelperLog& log, const std::string& name) {
  UniqueFd pidfd(sys::pidfd_open(wm.pid()));
  if (!pidfd) return Error::from_errno("-X: pidfd_open of the window manager's sandbox");
  const auto deadline = std::chrono::steady_clock::now() + kWindowManagerTimeout;
  for (;;) {
    auto present = x.window_manager_present();
    if (!present) return std::move(present).error();
    if (*present) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
      auto mapped = x.probe_window_manager(pidfd.get(), left);
      if (mapped) return success();
      if (mapped.error().errno_value() != ECANCELED) {  // not because it exited
        return std::move(mapped).error().wrap("-X: the window manager " + name + " took the screen but did not map a window").with_hint("choose another with -W");
      }
    }
    pollfd p{pidfd.get(), POLLIN, 0};
    const int ms = *present ? 0 : static_cast<int>(kWindowManagerPoll.count());
    if (::poll(&p, 1, ms) > 0 && (p.revents & POLLIN) != 0) {
      const Outcome outcome = wm.wait();
      Error error("-X: the window manager " + name + " " +
                  (outcome.kind == Outcome::Kind::exited
                       ? "exited with status " + std::to_string(outcome.code)
                       : "ended (" + std::to_string(outcome.exit_status()) + ")") +
                  " before it took the screen");
      std::string said = log.tail(2);
      if (said.empty()) said = outcome.message;
      if (!said.empty()) error.with_hint("it said: " + said);
      return error;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      return Error("-X: the window manager " + name + " did not take the screen within " +
                   std::to_string(kWindowManagerTimeout.count()) + " s")
          .with_hint("choose another with -W");
    }
  }
}

// "PROG exited with status N: its last line" for a program that failed.
std::string failure_message(const Outcome& outcome, const std::string& program, const std::string& last_line) {
  std::string what;
  if (outcome.kind == Outcome::Kind::exited && outcome.code != 0) {
    what = program + " exited with status " + std::to_string(outcome.code);
  } else if (outcome.kind == Outcome::Kind::signaled) {
    const char* name = ::sigabbrev_np(outcome.code);
    what = program + " was killed by " + (name != nullptr ? std::string("SIG") + name : std::to_string(outcome.code));
  } else {
    return {};
  }
  return last_line.empty() ? what : what + ": " + last_line;
}

// --timing: the milliseconds of each phase of the session's start, said on
// stderr once the program runs (bench/NOTES.md).
class Phases {
 public:
  explicit Phases(bool enabled) : enabled_(enabled) {}
  void mark(const char* what) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    text_ += std::string(text_.empty() ? "" : ", ") + what + " " +
             std::to_string(std::chrono::duration<double, std::milli>(now - last_).count())
                 .substr(0, 6) + " ms";
    last_ = now;
  }
  void say(int fd) const {
    if (!enabled_) return;
    const std::string line = "sandbox: -X start: " + text_ + "\n";
    [[maybe_unused]] const ssize_t n = ::write(fd, line.data(), line.size());
  }

 private:
  bool enabled_;
  std::string text_;
  std::chrono::steady_clock::time_point last_ = std::chrono::steady_clock::now();
};

}  // namespace

Result<Outcome> run_session(const Policy& policy, const Command& command, SessionInfo* info) {
  SessionInfo unused;
  SessionInfo& started = info != nullptr ? *info : unused;
  const std::vector<std::string>& argv = command.argv;
  if (argv.empty()) return Error("no command given");
  HeldSignals signals(command.forward_signals);  // opted in: an interrupted setup still removes what it made
  Phases phases(policy.timing);

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
  // which fails with "in use" rather than sharing a label. Xephyr and the
  // window manager carry the same level (their own types) without
  // reserving it: --list shows the session once, as its program.
  registry::Level level;
  {
    auto reserved = reserve_label(policy);
    if (!reserved) return std::move(reserved).error();
    level = reserved->level;
  }
  Policy program_policy = policy;
  program_policy.label = level.str();
  if (program_policy.profile == "default") program_policy.profile = "x";  // -X on the default profile
  const std::string label = policy.type + ":" + program_policy.label;
  started.label = label;
  started.display = ":" + std::to_string(*number);

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

  phases.mark("prepare");
  auto log = HelperLog::create();
  if (!log) return std::move(log).error();
  const ServerSetup setup{*xephyr,      *number,         window_title(label, argv, command.cwd),
                          level.str(),  policy.x11,      *caller,
                          *socket_dir,  nested_cookie,   host_cookie};
  auto server = start_server(setup, *log, signals.fd(), &started.server);
  if (!server) return std::move(server).error();
  started.server_label = "sandbox_xserver_t:" + level.str();

  phases.mark("server");
  Policy wm_policy = client_policy(Policy::default_profile(), *number, *socket_dir, nested_cookie);
  wm_policy.type = "sandbox_xwm_t";
  wm_policy.session_level = level.str();
  started.window_manager = *wm_argv;
  auto wm = spawn_quietly(wm_policy, *wm_argv, *log);
  if (!wm) return std::move(wm).error().wrap("-X: cannot start the window manager");
  started.window_manager_label = "sandbox_xwm_t:" + level.str();
  phases.mark("wm spawn");
  // The session's own connection, while the window manager starts: the
  // resources, the window manager's readiness, then minimized windows.
  auto x = XClient::connect(*socket_dir + "/X" + std::to_string(*number), cookie->data,
                            std::chrono::duration_cast<std::chrono::milliseconds>(kReplyTimeout));
  if (!x) return std::move(x).error();
  if (auto ok = x->set_resources(resources(policy.x11)); !ok) return std::move(ok).error();
  phases.mark("connect+resources");
  if (auto ok = await_window_manager(*x, *wm, *log, base_name((*wm_argv)[0])); !ok) {
    return std::move(ok).error();
  }
  phases.mark("wm ready");
  if (auto ok = x->watch_iconify_requests(); !ok) return std::move(ok).error();
  auto iconify_guard = IconifyGuard::start(std::move(*x));
  if (!iconify_guard) return std::move(iconify_guard).error();

  phases.mark("iconify guard");
  program_policy = client_policy(std::move(program_policy), *number, *socket_dir, nested_cookie);
  program_policy.devpts = true;  // terminal emulators open their own pseudo-terminals
  auto sealed = seal(program_policy);
  if (!sealed) return std::move(sealed).error();
  auto tail = StderrTail::start(command.stderr_fd);
  if (!tail) return std::move(tail).error();
  Command program_command = command;
  program_command.stderr_fd = (*tail)->write_fd();
  program_command.fds.insert(program_command.fds.end(), program_policy.fds.begin(), program_policy.fds.end());
  auto program = spawn(*sealed, program_command);
  (*tail)->close_write();
  if (!program) return std::move(program).error();
  phases.mark("program spawn");
  started.limits = program->limits();
  phases.say(command.stderr_fd);

  auto watch = ServerWatch::start(server->pid(), program->pid());
  if (!watch) return std::move(watch).error();
  Outcome outcome = program->wait();
  const bool server_gone = (*watch)->stop();
  const std::string last_line = (*tail)->finish();
  (*iconify_guard)->stop();
  (void)wm->kill();
  (void)server->kill();
  wm->wait();
  server->wait();
  if (server_gone) {
    outcome.message = "the X server's window was closed: the program's sandbox " + label +
                      " was killed";
  }
  if (outcome.message.empty()) outcome.message = failure_message(outcome, base_name(argv[0]), last_line);
  // The directory, and the sockets with it; the program's status still wins.
  if (auto ok = dir->remove(); !ok && outcome.message.empty()) outcome.message = ok.error().message();
  return outcome;
}

}  // namespace sandbox::x11
