// A private `sandbox --serve` for the warm pool's tests (pool_attack_test.cc,
// pool_lean_test.cc), and what they look at in /proc.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "attacks/support.h"

namespace pool_test {

using testing_support::read_file;
using testing_support::sandbox_bin;
using testing_support::TempDir;

// One `sandbox --serve` on a private runtime directory, its stderr in a file.
class Service {
 public:
  explicit Service(std::vector<std::string> prefix = {}, bool log_jobs = true) {
    ::chmod(runtime_.path().c_str(), 0700);
    log_ = runtime_.path() + ".log";
    pid_ = ::fork();
    if (pid_ == 0) {
      const int log = ::open(log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
      ::dup2(log, 2);
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
      ::dup2(null, 1);
      std::vector<std::string> argv = std::move(prefix);
      for (const std::string& word : {std::string("env"), "XDG_RUNTIME_DIR=" + runtime_.path(), sandbox_bin(),
                                      std::string("--serve"), std::string("--pool-size"), std::string("2")}) {
        argv.push_back(word);
      }
      if (log_jobs) argv.emplace_back("--log-jobs");
      testing_support::exec_or_exit(argv);
    }
    for (int i = 0; i < 200 && !warm(2); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  ~Service() {
    if (pid_ > 0) {
      ::kill(pid_, SIGTERM);
      int status = 0;
      ::waitpid(pid_, &status, 0);
    }
    ::unlink(log_.c_str());
  }
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  pid_t pid() const { return pid_; }
  const std::string& runtime() const { return runtime_.path(); }
  std::string socket() const { return runtime_.path() + "/sandbox/pool.sock"; }
  std::string dir() const { return runtime_.path() + "/sandbox"; }
  std::string log() const { return read_file(log_); }
  // The service's children: its warm sandboxes' and running jobs' inits.
  std::vector<pid_t> children() const {
    std::vector<pid_t> out;
    std::istringstream in(read_file("/proc/" + std::to_string(pid_) + "/task/" + std::to_string(pid_) + "/children"));
    for (pid_t pid = 0; in >> pid;) out.push_back(pid);
    return out;
  }
  bool warm(std::size_t n) const { return ::access(socket().c_str(), F_OK) == 0 && children().size() >= n; }
  // argv of `sandbox ARGS...` that must go through this pool.
  std::vector<std::string> pooled(const std::vector<std::string>& args) const {
    std::vector<std::string> argv = {"env", "XDG_RUNTIME_DIR=" + runtime(), "SANDBOX_POOL=only", sandbox_bin()};
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
  }

 private:
  TempDir runtime_;
  std::string log_;
  pid_t pid_ = -1;
};

// Every process below pid, pid included.
inline std::vector<pid_t> tree_of(pid_t pid) {
  std::vector<pid_t> out = {pid};
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::string dir = "/proc/" + std::to_string(out[i]) + "/task/";
    std::istringstream in(read_file(dir + std::to_string(out[i]) + "/children"));
    for (pid_t child = 0; in >> child;) out.push_back(child);
  }
  return out;
}

// Alive: exists and is not a zombie.
inline bool alive(pid_t pid) {
  const std::string stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  const auto close = stat.rfind(')');
  return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] != 'Z';
}

}  // namespace pool_test
