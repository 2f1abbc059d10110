#include "support/run.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <stdexcept>

namespace testing_support {
namespace {

void read_into(int fd, std::string& out, bool& open) {
  char buf[65536];
  const ssize_t n = ::read(fd, buf, sizeof(buf));
  if (n > 0) {
    out.append(buf, static_cast<std::size_t>(n));
  } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
    open = false;
  }
}

// In a forked child: runs argv, or exits 127.
}  // namespace

[[noreturn]] void exec_or_exit(const std::vector<std::string>& argv) {
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  ::execvp(args[0], args.data());
  ::_exit(127);
}

std::string sandbox_bin() {
  const char* env = std::getenv("SANDBOX_BIN");
  return env != nullptr && *env != '\0' ? env : SANDBOX_BIN;
}
std::string probe(const std::string& name) {
  const char* env = std::getenv("SANDBOX_PROBE_DIR");
  return std::string(env != nullptr && *env != '\0' ? env : PROBE_DIR) + "/" + name;
}
std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

bool is_root() { return ::geteuid() == 0; }

bool explain_injected() {
  const char* env = std::getenv("SANDBOX_TEST_EXPLAIN");
  return env != nullptr && *env != '\0';
}

std::vector<std::string> sandbox(std::vector<std::string> args) {
  // SANDBOX_TEST_EXPLAIN=1 (scripts/test.sh): every run of a command gets
  // --explain, to show that tracing changes nothing the tests can see.
  // Not where --explain is refused or changes what is asserted: the
  // management and informational actions, --allow-ptrace.
  static constexpr const char* kNotTraced[] = {"--list", "--kill", "--help", "-h", "--version", "--man",
                                               "--completion", "--print-profile", "--allow-ptrace",
                                               "--explain", "--learn"};
  bool traced = explain_injected();
  for (const auto& a : args) {
    if (a == "--") break;
    for (const char* name : kNotTraced) {
      if (a == name || a.rfind(std::string(name) + "=", 0) == 0) traced = false;
    }
  }
  if (traced) args.insert(args.begin(), "--explain");
  args.insert(args.begin(), sandbox_bin());
  return args;
}

// Under SANDBOX_TEST_EXPLAIN: the lines --explain adds to stderr.
std::string without_explain_lines(const std::string& err) {
  std::string out;
  std::size_t start = 0;
  while (start < err.size()) {
    std::size_t end = err.find('\n', start);
    end = end == std::string::npos ? err.size() : end + 1;
    const std::string line = err.substr(start, end - start);
    if (line.rfind("sandbox: denied: ", 0) != 0 && line.rfind("sandbox: explain: ", 0) != 0) out += line;
    start = end;
  }
  return out;
}

RunResult run(const std::vector<std::string>& argv, const RunOptions& options) {
  int out_pipe[2], err_pipe[2], in_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0 ||
      ::pipe2(in_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  const pid_t pid = ::fork();
  if (pid == 0) {
    if (options.stdin_data.empty() && options.stdin_null) {
      const int null = ::open("/dev/null", O_RDONLY);
      ::dup2(null, 0);
    } else {
      ::dup2(in_pipe[0], 0);
    }
    ::dup2(out_pipe[1], 1);
    ::dup2(err_pipe[1], 2);
    for (int fd : options.inherit_fds) ::fcntl(fd, F_SETFD, 0);
    exec_or_exit(argv);
  }
  ::close(out_pipe[1]);
  ::close(err_pipe[1]);
  ::close(in_pipe[0]);
  ::signal(SIGPIPE, SIG_IGN);
  if (!options.stdin_data.empty()) {
    [[maybe_unused]] ssize_t n = ::write(in_pipe[1], options.stdin_data.data(), options.stdin_data.size());
  }
  ::close(in_pipe[1]);

  RunResult result;
  bool out_open = true, err_open = true;
  const auto deadline = std::chrono::steady_clock::now() +
                        std::chrono::milliseconds(static_cast<long>(options.timeout_seconds * 1000));
  while (out_open || err_open) {
    pollfd fds[2] = {{out_open ? out_pipe[0] : -1, POLLIN, 0}, {err_open ? err_pipe[0] : -1, POLLIN, 0}};
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      ::kill(pid, SIGKILL);
      break;
    }
    if (::poll(fds, 2, static_cast<int>(left.count())) < 0 && errno != EINTR) break;
    if (fds[0].revents != 0) read_into(out_pipe[0], result.out, out_open);
    if (fds[1].revents != 0) read_into(err_pipe[0], result.err, err_open);
  }
  ::close(out_pipe[0]);
  ::close(err_pipe[0]);
  int status = 0;
  ::waitpid(pid, &status, 0);
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (explain_injected()) result.err = without_explain_lines(result.err);
  return result;
}

TempDir::TempDir(bool world_writable) {
  char templ[] = "/tmp/sandbox-test-XXXXXX";
  if (::mkdtemp(templ) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = templ;
  ::chmod(path_.c_str(), world_writable ? 0777 : 0755);
}

TempDir::~TempDir() {
  std::error_code ignored;
  std::filesystem::remove_all(path_, ignored);
}

std::string TempDir::write(const std::string& name, const std::string& content, unsigned mode) const {
  const std::string file = path_ + "/" + name;
  std::ofstream(file, std::ios::binary | std::ios::trunc) << content;
  ::chmod(file.c_str(), static_cast<mode_t>(mode));
  return file;
}

std::string TempDir::mkdir(const std::string& name, unsigned mode) const {
  const std::string dir = path_ + "/" + name;
  ::mkdir(dir.c_str(), static_cast<mode_t>(mode));
  ::chmod(dir.c_str(), static_cast<mode_t>(mode));
  return dir;
}

Background::Background(const std::vector<std::string>& argv) {
  int in_pipe[2], out_pipe[2];
  if (::pipe2(in_pipe, O_CLOEXEC) != 0 || ::pipe2(out_pipe, O_CLOEXEC) != 0) {
    throw std::runtime_error("pipe2 failed");
  }
  pid_ = ::fork();
  if (pid_ == 0) {
    ::dup2(in_pipe[0], 0);
    ::dup2(out_pipe[1], 1);
    exec_or_exit(argv);
  }
  ::close(in_pipe[0]);
  ::close(out_pipe[1]);
  in_ = in_pipe[1];
  out_ = out_pipe[0];
}

Background::~Background() {
  finish();
  if (out_ >= 0) ::close(out_);
}

std::string Background::read_line() {
  std::string line;
  pollfd pfd{out_, POLLIN, 0};
  while (::poll(&pfd, 1, 10000) > 0) {
    char c = 0;
    if (::read(out_, &c, 1) != 1 || c == '\n') break;
    line.push_back(c);
  }
  return line;
}

int Background::finish() {
  if (pid_ < 0) return status_;
  if (in_ >= 0) ::close(in_);
  in_ = -1;
  const int pidfd = static_cast<int>(::syscall(SYS_pidfd_open, pid_, 0));
  pollfd pfd{pidfd, POLLIN, 0};
  if (pidfd >= 0 && ::poll(&pfd, 1, 10000) == 0) ::kill(pid_, SIGKILL);
  if (pidfd >= 0) ::close(pidfd);
  int status = 0;
  ::waitpid(pid_, &status, 0);
  pid_ = -1;
  status_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  return status_;
}

}  // namespace testing_support
