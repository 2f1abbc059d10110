// Spawning the session's helpers (Xephyr, the window manager) with stdin on
// /dev/null and stdout and stderr in a log, so their chatter stays off the
// caller's terminal and is shown only when they fail.
#pragma once

#include <string>
#include <vector>

#include "sandbox/sandbox.h"
#include "util/unique_fd.h"

namespace sandbox::x11 {

// An in-memory log (memfd) that the helpers write to.
class HelperLog {
 public:
  static Result<HelperLog> create();
  int fd() const { return fd_.get(); }
  // The last `lines` lines written, joined with "; ".
  std::string tail(std::size_t lines) const;

 private:
  explicit HelperLog(UniqueFd fd) : fd_(std::move(fd)) {}
  UniqueFd fd_;
};

// seal() and spawn() with the helper's 0 on /dev/null and 1 and 2 in the
// log (through the Command: the caller's own descriptors are untouched), and
// policy.fds handed over.
Result<Child> spawn_quietly(const Policy& policy, const std::vector<std::string>& argv,
                            const HelperLog& log);

}  // namespace sandbox::x11
