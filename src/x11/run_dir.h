// The per-run host directory of an -X session: mode 0700, owned by the
// caller, under $XDG_RUNTIME_DIR (or /tmp), named after the program's label
// ("sandbox-x-c12.c345-XXXXXX"). It holds the nested server's socket
// directory and the cookies, and is removed when the session ends. A
// supervisor killed with SIGKILL cannot remove it: the next session sweeps
// such leftovers, recognised by a label that no running sandbox holds.
#pragma once

#include <string>

#include "label/label.h"
#include "sandbox/error.h"
#include "util/unique_fd.h"

namespace sandbox::x11 {

class RunDir {
 public:
  // Sweeps the leftovers of dead sessions, then creates the directory for
  // the session of the program labelled `level`.
  static Result<RunDir> create(const registry::Level& level);
  RunDir(RunDir&&) noexcept = default;
  RunDir& operator=(RunDir&&) noexcept = default;
  ~RunDir();  // remove()

  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  // Creates path()/name as a directory with mode.
  Result<std::string> make_dir(const std::string& name, unsigned mode) const;
  // Removes the directory and everything in it (idempotent).
  Result<void> remove();

 private:
  RunDir(std::string path, UniqueFd fd) : path_(std::move(path)), fd_(std::move(fd)) {}
  std::string path_;
  UniqueFd fd_;  // the directory, so removal never follows a replaced path
};

}  // namespace sandbox::x11
