// The program's standard error under -X, passed through to the caller's
// and its last line kept: a GUI program that dies at start (often started
// from a menu, with nobody reading its stderr) is reported with that line.
#pragma once

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::x11 {

class StderrTail {
 public:
  // A pipe whose read end a thread copies to `destination` (not owned).
  static Result<std::unique_ptr<StderrTail>> start(int destination);
  ~StderrTail();  // finish()
  StderrTail(const StderrTail&) = delete;
  StderrTail& operator=(const StderrTail&) = delete;

  // The write end, for the program's Command::stderr_fd.
  int write_fd() const { return write_.get(); }
  // Closes our copy of the write end (once the program holds its own).
  void close_write() { write_.reset(); }
  // Waits (at most a moment) for the rest of what the program wrote, then
  // returns its last non-empty line: control characters replaced, at most
  // 300 bytes.
  std::string finish();

 private:
  StderrTail(UniqueFd read, UniqueFd write, UniqueFd stop, int destination);
  void run();
  void keep(const char* data, std::size_t n);
  UniqueFd read_;
  UniqueFd write_;
  UniqueFd stop_;  // an eventfd
  int destination_;
  std::mutex mutex_;
  std::string current_;  // the line being written
  std::string last_;     // the last complete non-empty line
  std::thread thread_;
};

}  // namespace sandbox::x11
