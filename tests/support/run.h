// Runs the real sandbox binary (or any command) and captures what it did.
#pragma once

#include <string>
#include <vector>

namespace testing_support {

struct RunResult {
  int status = -1;   // exit status, or 128+N for a signal
  std::string out;
  std::string err;
};

struct RunOptions {
  std::string stdin_data;        // written to the command's stdin (a pipe)
  bool stdin_null = true;        // otherwise /dev/null
  std::vector<int> inherit_fds;  // extra fds the command inherits (not CLOEXEC)
  double timeout_seconds = 30;
};

RunResult run(const std::vector<std::string>& argv, const RunOptions& options = {});

// In a forked child: execs argv (PATH search), or exits 127.
[[noreturn]] void exec_or_exit(const std::vector<std::string>& argv);

// The sandbox binary under test.
std::string sandbox_bin();
// A probe built from tests/probes/NAME.cc.
std::string probe(const std::string& name);

// Whether SANDBOX_TEST_EXPLAIN asks for --explain in every run (sandbox()).
bool explain_injected();

// argv of the sandbox binary followed by args (and --explain first under
// SANDBOX_TEST_EXPLAIN; run() then drops the lines it adds to stderr).
std::vector<std::string> sandbox(std::vector<std::string> args);

// The whole content of a file ("" when it cannot be read).
std::string read_file(const std::string& path);

// Whether the tests run as root.
bool is_root();

// A directory under /tmp that every user may enter (0755, or 0777 when
// world_writable), removed with its contents at the end of the test.
class TempDir {
 public:
  explicit TempDir(bool world_writable = false);
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::string& path() const { return path_; }
  // Writes path()/name (parents must exist) with mode; returns its path.
  std::string write(const std::string& name, const std::string& content, unsigned mode = 0644) const;
  // Creates path()/name as a directory; returns its path.
  std::string mkdir(const std::string& name, unsigned mode = 0755) const;

 private:
  std::string path_;
};

// A command running in the background with its stdin and stdout on pipes.
class Background {
 public:
  explicit Background(const std::vector<std::string>& argv);
  ~Background();  // closes stdin, waits (SIGKILL after 10 s)
  Background(const Background&) = delete;
  Background& operator=(const Background&) = delete;
  // The next line of its stdout without the newline ("" at end or after 10 s).
  std::string read_line();
  // Closes its stdin and returns its exit status (128+N for a signal).
  int finish();

 private:
  int pid_ = -1;
  int in_ = -1;
  int out_ = -1;
  int status_ = -1;
};

}  // namespace testing_support
