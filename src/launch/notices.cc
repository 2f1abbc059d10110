// plan_notices: what the user cannot see, as data (launch/notices.h).
#include "launch/notices.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <climits>
#include <cstdlib>
#include <sstream>

#include "launch/plan.h"
#include "util/unique_fd.h"

namespace sandbox::launch {
namespace {

bool exists(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0;
}

std::string canonical(const std::string& path) {
  char buf[PATH_MAX];
  return ::realpath(path.c_str(), buf) != nullptr ? std::string(buf) : std::string();
}

// A file is inside when a system tree or a grant shows it (at the same
// path as on the host) and it exists.
bool file_inside(const NoticeInputs& in, const std::string& path) {
  const bool shown = under_system_tree(in.policy, path) ||
                     std::any_of(in.binds.begin(), in.binds.end(),
                                 [&](const fs::Bind& b) { return covered_by(path, b.target); });
  return shown && exists(path);
}

// The first DIR/name of a PATH list for which found(DIR/name) holds.
template <typename Found>
std::string search(const std::string& path_variable, const std::string& name, Found found) {
  std::stringstream dirs(path_variable);
  std::string dir;
  while (std::getline(dirs, dir, ':')) {
    if (dir.empty() || dir[0] != '/') continue;
    const std::string candidate = dir + "/" + name;
    if (found(candidate)) return candidate;
  }
  return {};
}

std::string on_host(const NoticeInputs& in, const std::string& name) {
  return search(!in.caller_path.empty() ? in.caller_path : "/usr/local/bin:/usr/bin:/bin", name,
                [](const std::string& c) { return ::access(c.c_str(), X_OK) == 0; });
}

std::string inside(const NoticeInputs& in, const std::string& name) {
  return search(in.inside_path, name, [&](const std::string& c) { return file_inside(in, c); });
}

// "#!/usr/bin/env python3 -u" -> {"/usr/bin/env", "python3"}; empty when the
// file does not start with #!.
std::pair<std::string, std::string> shebang(const std::string& file) {
  UniqueFd fd(::open(file.c_str(), O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK));
  if (!fd) return {};
  char buf[256];
  const ssize_t n = ::read(fd.get(), buf, sizeof(buf));
  if (n < 3 || buf[0] != '#' || buf[1] != '!') return {};
  std::string line(buf + 2, static_cast<std::size_t>(n) - 2);
  line = line.substr(0, line.find('\n'));
  std::stringstream words(line);
  std::string interpreter, argument;
  words >> interpreter >> argument;
  return {interpreter, argument};
}

std::string exec_option(const std::string& path) { return "--exec " + path; }

void interpreter_notice(const NoticeInputs& in, const std::string& command_file, Notices& out) {
  const auto [interpreter, argument] = shebang(command_file);
  if (interpreter.empty() || interpreter[0] != '/') return;
  const std::string& command = in.argv.front();
  if (!file_inside(in, interpreter)) {
    if (!exists(interpreter)) {
      out.missing_interpreter = "its #! interpreter " + interpreter + " does not exist";
    } else {
      out.missing_interpreter = "its #! interpreter " + interpreter +
                                " is not inside the sandbox (grant it with " +
                                exec_option(interpreter) + ")";
    }
    return;
  }
  // #!/usr/bin/env NAME: NAME is looked up in PATH inside.
  const auto slash = interpreter.rfind('/');
  if (interpreter.substr(slash + 1) != "env" || argument.empty() || argument[0] == '-' ||
      argument.find('/') != std::string::npos || !inside(in, argument).empty()) {
    return;
  }
  const std::string host = on_host(in, argument);
  out.lines.push_back(command + ": its #! interpreter " + argument + " (through " + interpreter +
                ") is not inside the sandbox" +
                (host.empty() ? std::string() : " (it is " + host + " outside; grant it with " +
                                                    exec_option(host) + ")"));
}

// argv[1..] names something relative to the working directory.
bool names_relative_path(const NoticeInputs& in) {
  return std::any_of(in.argv.begin() + 1, in.argv.end(), [&](const std::string& arg) {
    if (arg.empty() || arg[0] == '/' || arg[0] == '-') return false;
    struct stat st {};
    return ::lstat((in.cwd + "/" + arg).c_str(), &st) == 0;
  });
}

}  // namespace

bool directory_in_view(const fs::ViewPlan& view, const std::string& path) {
  if (path == "/") return true;
  return std::any_of(view.ops.begin(), view.ops.end(), [&](const fs::MountOp& op) {
    if (op.target == path || covered_by(op.target, path)) return true;  // it, or on the way to it
    const bool bind = op.kind == fs::OpKind::bind_ro || op.kind == fs::OpKind::bind_rw ||
                      op.kind == fs::OpKind::bind_exec;
    if (!bind || !op.source_is_dir || !covered_by(path, op.target)) return false;
    struct stat st {};
    const std::string host = op.source + path.substr(op.target.size());
    return ::stat(host.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  });
}

Notices plan_notices(const NoticeInputs& in) {
  Notices out;
  // The working directory: said when the arguments name something in it, and
  // under --explain (text) also when they do not (git, ls and make use it unnamed).
  if (!directory_in_view(in.view, in.cwd)) {
    const std::string start = directory_in_view(in.view, in.home) ? in.home : "/";
    const std::string line = "the working directory " + in.cwd + " is not inside the sandbox: the program "
                             "starts in " + start + " (grant it with --ro . or --rw .)";
    if (names_relative_path(in)) {
      out.lines.push_back(line);
    } else if (in.policy.explain == ExplainMode::text) {  // json: records only
      out.lines.push_back("explain: " + line);
    }
  }
  const std::string& command = in.argv.front();
  if (command.find('/') != std::string::npos) {  // its real file, granted by naming it
    if (!in.exec_candidates.empty()) interpreter_notice(in, in.exec_candidates.front(), out);
    return out;
  }
  // A bare name: the first candidate inside (those under a system tree exist:
  // the plan dropped the missing ones), and the file the caller would run.
  const auto shown = std::find_if(in.exec_candidates.begin(), in.exec_candidates.end(),
                                  [&](const std::string& c) {
                                    return under_system_tree(in.policy, c) || file_inside(in, c);
                                  });
  if (shown == in.exec_candidates.end()) return out;  // not found inside: the exec error says so
  const std::string& found = *shown;
  std::string host;
  if (!in.caller_path.empty() && in.inside_path == in.caller_path) {
    // The same PATH: only a candidate before the one found inside can differ.
    const auto earlier = std::find_if(in.exec_candidates.begin(), shown, [](const std::string& c) {
      return ::access(c.c_str(), X_OK) == 0;
    });
    host = earlier != shown ? *earlier : found;
  } else {
    host = on_host(in, command);
  }
  if (!host.empty() && host != found && canonical(host) != canonical(found)) {
    out.lines.push_back(command + " is " + host + " outside but " + found + " inside (keep yours with " +
                  exec_option(host) + ")");
  }
  interpreter_notice(in, found, out);
  return out;
}

}  // namespace sandbox::launch
