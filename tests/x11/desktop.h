// Test helpers for -X: an Xvfb standing in for the caller's desktop, a
// sandbox -X session running in the background, and process bookkeeping.
// Header-only, used by tests/integration/x11_test.cc.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "support/run.h"

namespace x11_test {

using testing_support::run;

// The tools the tests need, or the first one missing.
inline std::string missing_tool() {
  for (const char* tool : {"Xvfb", "Xephyr", "matchbox-window-manager", "xauth", "xdotool",
                           "xwininfo", "xdpyinfo", "xmessage", "import", "/usr/bin/convert"}) {
    const std::string name = tool;
    if (name[0] == '/') {
      if (::access(tool, X_OK) != 0) return name;
      continue;
    }
    if (run({"sh", "-c", "command -v " + name + " >/dev/null"}).status != 0) return name;
  }
  return {};
}

// Polls cond until it holds or timeout passes (tests only).
inline bool eventually(const std::function<bool()>& cond, double seconds = 15) {
  const auto end = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < end) {
    if (cond()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return cond();
}

// A private directory under /tmp (0755), removed with its contents.
class ScratchDir {
 public:
  ScratchDir() {
    char templ[] = "/tmp/sandbox-x11-test-XXXXXX";
    path_ = ::mkdtemp(templ);
    ::chmod(path_.c_str(), 0755);
  }
  ~ScratchDir() { run({"rm", "-rf", path_}); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// The caller's desktop: Xvfb on a display number it picks (-displayfd), with
// a cookie; the client Xauthority names this host, as a desktop's does.
class Desktop {
 public:
  // Xvfb picks the lowest free number with -displayfd alone; tests of other
  // users running at the same time race for those, so each Desktop starts
  // at a number of its own (from its pid) and moves on while one is taken.
  Desktop() {
    const std::string cookie = run({"sh", "-c", "od -An -N16 -tx1 /dev/urandom | tr -d ' \\n'"}).out;
    run({"xauth", "-q", "-f", dir_.path() + "/server", "add", ":0", ".", cookie});
    const int base = 200 + static_cast<int>(::getpid() % 600);
    for (int n = base; n < base + 40 && number_ < 0; ++n) {
      struct stat st {};
      const std::string name = std::to_string(n);
      if (::lstat(("/tmp/.X11-unix/X" + name).c_str(), &st) == 0 ||
          ::lstat(("/tmp/.X" + name + "-lock").c_str(), &st) == 0) {
        continue;
      }
      start(n);
    }
    if (number_ < 0) return;
    xauthority_ = dir_.path() + "/client";
    run({"xauth", "-q", "-f", xauthority_, "add", ":" + std::to_string(number_), ".", cookie});
    ::chmod(xauthority_.c_str(), 0600);
  }
  ~Desktop() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  bool ok() const { return number_ >= 0; }
  int number() const { return number_; }
  const std::string& xauthority() const { return xauthority_; }
  const std::string& dir() const { return dir_.path(); }
  // The environment of a desktop session, to put before a command.
  std::vector<std::string> env(const std::vector<std::string>& extra = {}) const {
    std::vector<std::string> e = {"env", "DISPLAY=:" + std::to_string(number_),
                                  "XAUTHORITY=" + xauthority_, "XDG_RUNTIME_DIR=" + runtime()};
    e.insert(e.end(), extra.begin(), extra.end());
    return e;
  }
  std::vector<std::string> command(std::vector<std::string> argv) const {
    std::vector<std::string> full = env();
    full.insert(full.end(), argv.begin(), argv.end());
    return full;
  }
  // The session's $XDG_RUNTIME_DIR: where -X makes its private directory.
  std::string runtime() const {
    const std::string path = dir_.path() + "/runtime";
    ::mkdir(path.c_str(), 0700);
    return path;
  }

 private:
  // Xvfb on :n; sets number_ once it accepts connections (-displayfd).
  void start(int n) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[0]);
      const int null = ::open("/dev/null", O_RDWR);
      ::dup2(null, 0);
      ::dup2(null, 1);
      ::dup2(null, 2);
      const std::string display = ":" + std::to_string(n);
      const std::string fd = std::to_string(fds[1]);
      const std::string auth = dir_.path() + "/server";
      ::execlp("Xvfb", "Xvfb", display.c_str(), "-displayfd", fd.c_str(), "-auth", auth.c_str(),
               "-screen", "0", "1280x1024x24", "-nolisten", "tcp",
               // A desktop does not reset between clients (its window manager
               // stays); Xvfb would, refusing connections while it does.
               "-noreset", static_cast<char*>(nullptr));
      ::_exit(127);
    }
    ::close(fds[1]);
    std::string text;
    pollfd p{fds[0], POLLIN, 0};
    char buf[16];
    while (text.find('\n') == std::string::npos && ::poll(&p, 1, 20000) > 0) {
      const ssize_t got = ::read(fds[0], buf, sizeof(buf));
      if (got <= 0) break;
      text.append(buf, static_cast<std::size_t>(got));
    }
    ::close(fds[0]);
    if (text.find('\n') != std::string::npos) {
      number_ = n;
      return;
    }
    ::kill(pid_, SIGTERM);  // the display was taken after all
    ::waitpid(pid_, nullptr, 0);
    pid_ = -1;
  }

  ScratchDir dir_;
  pid_t pid_ = -1;
  int number_ = -1;
  std::string xauthority_;
};

// A command in the background: stdin a pipe we hold, stdout and stderr to a file.
class BackgroundCommand {
 public:
  BackgroundCommand(const std::vector<std::string>& argv, const std::string& output)
      : output_(output) {
    int fds[2];
    if (::pipe(fds) != 0) return;
    pid_ = ::fork();
    if (pid_ == 0) {
      ::close(fds[1]);
      ::dup2(fds[0], 0);
      const int out = ::open(output.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      ::dup2(out, 1);
      ::dup2(out, 2);
      testing_support::exec_or_exit(argv);
    }
    ::close(fds[0]);
    stdin_ = fds[1];
  }
  ~BackgroundCommand() {
    if (stdin_ >= 0) ::close(stdin_);
    if (pid_ > 0 && status_ < 0) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
  }
  pid_t pid() const { return pid_; }
  std::string output() const {
    std::ifstream in(output_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }
  void close_stdin() {
    if (stdin_ >= 0) ::close(stdin_);
    stdin_ = -1;
  }
  // Exit status (128+N for a signal), or -1 if it did not end in time.
  int wait(double seconds = 15) {
    eventually(
        [&] {
          int status = 0;
          if (::waitpid(pid_, &status, WNOHANG) != pid_) return false;
          status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
          return true;
        },
        seconds);
    return status_;
  }

 private:
  std::string output_;
  pid_t pid_ = -1;
  int stdin_ = -1;
  int status_ = -1;
};

inline std::string comm_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/comm");
  std::string comm;
  std::getline(in, comm);
  return comm;
}

inline bool alive(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return false;
  const auto paren = line.rfind(')');
  return paren != std::string::npos && line.size() > paren + 2 && line[paren + 2] != 'Z';
}

// Every descendant of pid, from the ppid field of /proc/*/stat (readable
// for every process, even the sandboxes' non-dumpable inits).
inline std::set<pid_t> descendants(pid_t root) {
  std::vector<std::pair<pid_t, pid_t>> parents;
  DIR* dir = ::opendir("/proc");
  while (const dirent* e = dir != nullptr ? ::readdir(dir) : nullptr) {
    const pid_t pid = std::atoi(e->d_name);
    if (pid <= 0) continue;
    std::ifstream in(std::string("/proc/") + e->d_name + "/stat");
    std::string line;
    if (!std::getline(in, line)) continue;
    const auto paren = line.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(line.substr(paren + 2));
    char state = 0;
    pid_t ppid = 0;
    rest >> state >> ppid;
    parents.emplace_back(pid, ppid);
  }
  if (dir != nullptr) ::closedir(dir);
  std::set<pid_t> found = {root};
  for (bool grew = true; grew;) {
    grew = false;
    for (const auto& [pid, ppid] : parents) {
      if (found.count(ppid) != 0 && found.insert(pid).second) grew = true;
    }
  }
  found.erase(root);
  return found;
}

inline std::set<std::string> comms(const std::set<pid_t>& pids) {
  std::set<std::string> names;
  for (pid_t pid : pids) names.insert(comm_of(pid));
  return names;
}

// Entries of a directory (names), "" for . and ..
inline std::vector<std::string> entries(const std::string& path) {
  std::vector<std::string> names;
  DIR* dir = ::opendir(path.c_str());
  while (const dirent* e = dir != nullptr ? ::readdir(dir) : nullptr) {
    const std::string name = e->d_name;
    if (name != "." && name != "..") names.push_back(name);
  }
  if (dir != nullptr) ::closedir(dir);
  return names;
}

}  // namespace x11_test
