// Helpers for the attack tests: each escape class is tried inside the sandbox
// and, as a control, without the defence, so that every test can fail.
#pragma once

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "support/run.h"

namespace attack {

using testing_support::probe;
using testing_support::run;
using testing_support::RunResult;
using testing_support::sandbox;

// The probe's errno (its exit status), run in the sandbox with its options.
inline int run_probe(const std::string& probe_name, std::vector<std::string> sandbox_args,
                     const std::string& name, const std::vector<std::string>& args) {
  sandbox_args.push_back(probe(probe_name));
  sandbox_args.push_back(name);
  sandbox_args.insert(sandbox_args.end(), args.begin(), args.end());
  return run(sandbox(sandbox_args)).status;
}
inline int syscall_probe(std::vector<std::string> sandbox_args, const std::string& name,
                         const std::vector<std::string>& args = {}) {
  return run_probe("syscall_probe", std::move(sandbox_args), name, args);
}
inline int attack_probe(std::vector<std::string> sandbox_args, const std::string& name,
                        const std::vector<std::string>& args = {}) {
  return run_probe("attack_probe", std::move(sandbox_args), name, args);
}
// The same probe run with no sandbox at all, optionally under a prefix
// (e.g. {"unshare", "-Urm"}: the authority the sandbox takes away).
inline int unconfined(const std::string& probe_name, std::vector<std::string> argv,
                      std::vector<std::string> prefix = {}) {
  prefix.push_back(probe(probe_name));
  prefix.insert(prefix.end(), argv.begin(), argv.end());
  return run(prefix).status;
}

// A token that names one test's processes: "sleep 1000.<pid><n>" sleeps
// about 1000 s and can be found in /proc by its argument.
inline std::string unique_sleep_argument() {
  static int counter = 0;
  return "1000." + std::to_string(::getpid()) + std::to_string(++counter);
}

// Host pids whose command line contains `token` as an argument.
inline std::vector<pid_t> processes_with(const std::string& token) {
  std::vector<pid_t> pids;
  DIR* proc = ::opendir("/proc");
  if (proc == nullptr) return pids;
  while (const dirent* entry = ::readdir(proc)) {
    const pid_t pid = static_cast<pid_t>(std::atoi(entry->d_name));
    if (pid <= 0 || pid == ::getpid()) continue;
    // read(2), not a stream: a process that exits meanwhile fails the read
    // with ESRCH, which libstdc++'s filebuf turns into an exception.
    std::string cmdline;
    const int fd = ::open(("/proc/" + std::string(entry->d_name) + "/cmdline").c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) continue;
    char buf[4096];
    for (ssize_t n; (n = ::read(fd, buf, sizeof(buf))) > 0;) cmdline.append(buf, static_cast<std::size_t>(n));
    ::close(fd);
    std::string::size_type start = 0;
    while (start < cmdline.size()) {
      const auto end = cmdline.find('\0', start);
      if (cmdline.substr(start, end - start) == token) {
        pids.push_back(pid);
        break;
      }
      if (end == std::string::npos) break;
      start = end + 1;
    }
  }
  ::closedir(proc);
  return pids;
}

inline bool wait_for(const std::function<bool()>& done, double seconds) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

inline void kill_all_with(const std::string& token) {
  for (pid_t pid : processes_with(token)) ::kill(pid, SIGKILL);
}

// Starts argv with stdio on /dev/null in process group `group` (0: its own);
// it is SIGKILLed if the test process dies first.
inline pid_t start(const std::vector<std::string>& argv, pid_t group = 0) {
  const pid_t pid = ::fork();
  if (pid == 0) {
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);  // a test killed midway leaves nothing running
    ::setpgid(0, group);
    const int null = ::open("/dev/null", O_RDWR);
    ::dup2(null, 0);
    ::dup2(null, 1);
    ::dup2(null, 2);
    testing_support::exec_or_exit(argv);
  }
  ::setpgid(pid, group);  // also from here: no race with the test's next step
  return pid;
}

// waitpid with a bound; SIGKILL when it runs over. Returns the exit status
// (128+N for a signal).
inline int finish(pid_t pid, double seconds = 10) {
  int status = 0;
  const bool done = wait_for([&] { return ::waitpid(pid, &status, WNOHANG) == pid; }, seconds);
  if (!done) {
    ::kill(pid, SIGKILL);
    ::waitpid(pid, &status, 0);
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace attack
